//! The analysis pass: facts about every type, computed once before any
//! code is rendered.
//!
//! - [`TypeInfo`]: what a type transitively contains (lists/strings, own
//!   and borrow handles). This decides derives (`Copy` only without lists
//!   and handles), lifetimes (borrow handles make a type borrow), and how
//!   parameters are passed.
//! - [`Uses`]: where a type is used (as an import parameter, or anywhere
//!   else). In `Borrowing` mode this decides which flavours of a type exist.

use crate::id_map::{IdMap, IdSet};
use crate::opts::Ownership;
use std::collections::HashSet;
use wit_parser::{
    Function, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem,
};

/// What a type transitively contains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeInfo {
    /// A `string`, `list` or `map` somewhere inside.
    pub has_list: bool,
    /// An `own<R>` somewhere inside.
    pub has_own: bool,
    /// A `borrow<R>` somewhere inside.
    pub has_borrow: bool,
}

impl TypeInfo {
    fn merge(self, other: TypeInfo) -> TypeInfo {
        TypeInfo {
            has_list: self.has_list || other.has_list,
            has_own: self.has_own || other.has_own,
            has_borrow: self.has_borrow || other.has_borrow,
        }
    }
}

/// Where a type is used in the world's functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    /// Inside a parameter of an imported function.
    pub import_param: bool,
    /// Anywhere else (results, exported functions).
    pub other: bool,
}

/// Which Rust definitions a named type gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavors {
    /// One owned definition.
    Owned,
    /// One definition that borrows its lists (`Borrowing` mode, the type
    /// only appears in import parameters).
    Borrowed,
    /// `…Param<'a>` (borrowing) and `…Result` (owned).
    Both,
}

/// The facts of the analysis pass.
#[derive(Debug, Default)]
pub struct Analysis {
    infos: IdMap<TypeId, TypeInfo>,
    uses: IdMap<TypeId, Uses>,
    /// Definitions used as the error of a function's `result`.
    errors: IdSet<TypeId>,
    ownership: Ownership,
}

impl Analysis {
    /// Analyses every type reachable from `world`'s functions, except those
    /// of `types_only` interfaces (whose functions are not generated).
    pub fn new(
        resolve: &Resolve,
        world: WorldId,
        ownership: Ownership,
        types_only: &HashSet<InterfaceId>,
    ) -> Analysis {
        let mut a = Analysis {
            ownership,
            ..Analysis::default()
        };
        for id in resolve.types.iter().map(|(id, _)| id) {
            a.compute_info(resolve, id);
        }
        let w = &resolve.worlds[world];
        for (items, imported) in [(&w.imports, true), (&w.exports, false)] {
            for item in items.values() {
                match item {
                    WorldItem::Interface { id, .. } if !types_only.contains(id) => {
                        for func in resolve.interfaces[*id].functions.values() {
                            a.record_func(resolve, func, imported);
                        }
                    }
                    WorldItem::Function(func) => a.record_func(resolve, func, imported),
                    WorldItem::Interface { .. } | WorldItem::Type { .. } => {}
                }
            }
        }
        a
    }

    /// What `ty` contains.
    pub fn info(&self, ty: &Type) -> TypeInfo {
        match ty {
            Type::String => TypeInfo {
                has_list: true,
                ..TypeInfo::default()
            },
            Type::Id(id) => self.infos.get(id).copied().unwrap_or_default(),
            Type::Bool
            | Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64
            | Type::F32
            | Type::F64
            | Type::Char => TypeInfo::default(),
            // Owned like an `own<R>`: not `Clone`, moved into lowering.
            Type::ErrorContext => TypeInfo {
                has_own: true,
                ..TypeInfo::default()
            },
        }
    }

    /// Which definitions the named type `id` gets.
    pub fn flavors(&self, resolve: &Resolve, id: TypeId) -> Flavors {
        // An alias (`use`) has the flavours of what it names.
        let id = dealias(resolve, id);
        let Ownership::Borrowing {
            duplicate_if_necessary,
        } = self.ownership
        else {
            return Flavors::Owned;
        };
        let uses = self.uses.get(&id).copied().unwrap_or_default();
        if !self.info(&Type::Id(id)).has_list || !uses.import_param {
            return Flavors::Owned;
        }
        match (uses.other, duplicate_if_necessary) {
            (false, _) => Flavors::Borrowed,
            (true, true) => Flavors::Both,
            (true, false) => Flavors::Owned,
        }
    }

    fn compute_info(&mut self, resolve: &Resolve, id: TypeId) -> TypeInfo {
        if let Some(info) = self.infos.get(&id) {
            return *info;
        }
        let of = |a: &mut Analysis, ty: &Type| match ty {
            Type::Id(inner) => a.compute_info(resolve, *inner),
            other => a.info(other),
        };
        let kind = &resolve.types[id].kind;
        let info = match kind {
            TypeDefKind::List(t) => of(self, t).merge(TypeInfo {
                has_list: true,
                ..TypeInfo::default()
            }),
            TypeDefKind::Map(k, v) => {
                let kv = of(self, k).merge(of(self, v));
                kv.merge(TypeInfo {
                    has_list: true,
                    ..TypeInfo::default()
                })
            }
            TypeDefKind::Handle(Handle::Own(_)) => TypeInfo {
                has_own: true,
                ..TypeInfo::default()
            },
            TypeDefKind::Handle(Handle::Borrow(_)) => TypeInfo {
                has_borrow: true,
                ..TypeInfo::default()
            },
            TypeDefKind::Type(t) | TypeDefKind::Option(t) | TypeDefKind::FixedLengthList(t, _) => {
                of(self, t)
            }
            TypeDefKind::Record(r) => r
                .fields
                .iter()
                .fold(TypeInfo::default(), |acc, f| acc.merge(of(self, &f.ty))),
            TypeDefKind::Tuple(t) => t
                .types
                .iter()
                .fold(TypeInfo::default(), |acc, t| acc.merge(of(self, t))),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .fold(TypeInfo::default(), |acc, t| acc.merge(of(self, t))),
            TypeDefKind::Result(r) => {
                r.ok.iter()
                    .chain(&r.err)
                    .fold(TypeInfo::default(), |acc, t| acc.merge(of(self, t)))
            }
            // Stream and future ends are owned handles: moved, not `Clone`.
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => TypeInfo {
                has_own: true,
                ..TypeInfo::default()
            },
            TypeDefKind::Resource
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Unknown => TypeInfo::default(),
        };
        self.infos.insert(id, info);
        info
    }

    /// Whether the definition `id` is the error type of a function's
    /// `result` (it then gets `Display` and `Error` impls, as in
    /// wit-bindgen, so guests can `?` it into other errors).
    pub fn is_error(&self, id: TypeId) -> bool {
        self.errors.contains(&id)
    }

    fn record_func(&mut self, resolve: &Resolve, func: &Function, imported: bool) {
        if let Some(Type::Id(result)) = func.result
            && let TypeDefKind::Result(r) = &resolve.types[result].kind
            && let Some(Type::Id(err)) = r.err
        {
            self.errors.insert(dealias(resolve, err));
        }
        for param in &func.params {
            self.record_use(resolve, &param.ty, imported);
        }
        if let Some(ty) = &func.result {
            self.record_use(resolve, ty, false);
        }
    }

    fn record_use(&mut self, resolve: &Resolve, ty: &Type, import_param: bool) {
        let Type::Id(id) = ty else { return };
        let entry = self.uses.entry(*id).or_default();
        let before = *entry;
        if import_param {
            entry.import_param = true;
        } else {
            entry.other = true;
        }
        if *entry == before {
            return;
        }
        let children: Vec<Type> = match &resolve.types[*id].kind {
            TypeDefKind::Type(t)
            | TypeDefKind::Option(t)
            | TypeDefKind::List(t)
            | TypeDefKind::FixedLengthList(t, _) => vec![*t],
            TypeDefKind::Map(k, v) => vec![*k, *v],
            TypeDefKind::Record(r) => r.fields.iter().map(|f| f.ty).collect(),
            TypeDefKind::Tuple(t) => t.types.clone(),
            TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty).collect(),
            TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).copied().collect(),
            TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Unknown => Vec::new(),
        };
        for child in &children {
            self.record_use(resolve, child, import_param);
        }
    }
}

/// Follows `type a = b` aliases (and `use`s, which are aliases) to the
/// definition. The one place that does: every other module calls this.
pub fn dealias(resolve: &Resolve, mut id: TypeId) -> TypeId {
    while let TypeDefKind::Type(Type::Id(next)) = resolve.types[id].kind {
        id = next;
    }
    id
}

/// `ty` with aliases followed, down to a primitive when the last alias
/// names one (`type name = string`).
pub fn unalias(resolve: &Resolve, ty: &Type) -> Type {
    let Type::Id(id) = ty else { return *ty };
    let def = dealias(resolve, *id);
    match resolve.types[def].kind {
        TypeDefKind::Type(primitive) => primitive,
        _ => Type::Id(def),
    }
}

/// Whether `list<elem>` has the same layout in Rust (`[T]`) and the
/// canonical ABI with every bit pattern valid, so it can be passed as-is:
/// numbers, and the [plain records](is_plain_record) for which
/// `repr_c_here` holds (their Rust definition is the `#[repr(C)]` one this
/// run renders, not a type `with` maps to a path we know nothing about).
pub fn is_list_canonical(
    resolve: &Resolve,
    elem: &Type,
    repr_c_here: &dyn Fn(TypeId) -> bool,
) -> bool {
    match unalias(resolve, elem) {
        Type::Id(id) => is_plain_record(resolve, id, repr_c_here),
        other => is_canonical_number(&other),
    }
}

/// Whether named type `id` is a record whose fields are all numbers or
/// plain records (after aliases), each record also passing `accept`.
/// Such a record is rendered `#[repr(C)]`,
/// which lays fields out exactly as the canonical ABI does (each at its
/// alignment, the size rounded up to the largest), and every bit pattern
/// of it is valid, so a list of them crosses the boundary as one buffer.
pub fn is_plain_record(resolve: &Resolve, id: TypeId, accept: &dyn Fn(TypeId) -> bool) -> bool {
    let def = dealias(resolve, id);
    let TypeDefKind::Record(record) = &resolve.types[def].kind else {
        return false;
    };
    accept(def)
        && !record.fields.is_empty()
        && record.fields.iter().all(|f| match unalias(resolve, &f.ty) {
            Type::Id(field) => is_plain_record(resolve, field, accept),
            other => is_canonical_number(&other),
        })
}

/// Numbers: same layout in both worlds, every bit pattern valid.
pub fn is_canonical_number(ty: &Type) -> bool {
    match ty {
        Type::U8
        | Type::S8
        | Type::U16
        | Type::S16
        | Type::U32
        | Type::S32
        | Type::U64
        | Type::S64
        | Type::F32
        | Type::F64 => true,
        Type::Bool | Type::Char | Type::String | Type::ErrorContext | Type::Id(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(wit: &str, ownership: Ownership) -> (Resolve, Analysis) {
        let mut resolve = Resolve::new();
        let pkg = resolve.push_str("t.wit", wit).unwrap();
        let world = resolve.select_world(&[pkg], None).unwrap();
        let a = Analysis::new(&resolve, world, ownership, &HashSet::new());
        (resolve, a)
    }

    fn type_id(resolve: &Resolve, name: &str) -> TypeId {
        resolve
            .types
            .iter()
            .find(|(_, t)| t.name.as_deref() == Some(name))
            .unwrap()
            .0
    }

    const WIT: &str = "package a:b;
        interface i {
            resource r;
            record inner { s: list<string> }
            record outer { i: inner, h: own<r> }
            record both { s: string }
            record plain { x: u32 }
            f: func(o: outer, b: both, p: plain) -> both;
        }
        world w { import i; }";

    #[test]
    fn contents_propagate_through_named_types() {
        let (resolve, a) = analyse(WIT, Ownership::Owning);
        let outer = a.info(&Type::Id(type_id(&resolve, "outer")));
        assert!(outer.has_list && outer.has_own && !outer.has_borrow);
        assert_eq!(
            a.info(&Type::Id(type_id(&resolve, "plain"))),
            TypeInfo::default()
        );
    }

    #[test]
    fn borrowing_flavors_follow_uses() {
        let dup = Ownership::Borrowing {
            duplicate_if_necessary: true,
        };
        let (resolve, a) = analyse(WIT, dup);
        assert_eq!(
            a.flavors(&resolve, type_id(&resolve, "inner")),
            Flavors::Borrowed
        );
        assert_eq!(
            a.flavors(&resolve, type_id(&resolve, "both")),
            Flavors::Both
        );
        assert_eq!(
            a.flavors(&resolve, type_id(&resolve, "plain")),
            Flavors::Owned
        );
        let (resolve, a) = analyse(
            WIT,
            Ownership::Borrowing {
                duplicate_if_necessary: false,
            },
        );
        assert_eq!(
            a.flavors(&resolve, type_id(&resolve, "both")),
            Flavors::Owned
        );
        let (resolve, a) = analyse(WIT, Ownership::Owning);
        assert_eq!(
            a.flavors(&resolve, type_id(&resolve, "inner")),
            Flavors::Owned
        );
    }
}
