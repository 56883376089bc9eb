//! Rust types for WIT types, in the two flavours a value can have.
//!
//! - Owned: fields of owned types, results, exported-function parameters.
//! - Borrowed: what an import parameter may lend (`&'a str`, `&'a [T]`);
//!   only `Borrowing` mode uses it below the top level.
//!
//! `lt` is the lifetime written for borrows (`'a` inside a definition,
//! `'_` in a function signature).

use super::Ctx;
use super::moved::Moved;
use super::paths::ModPath;
use crate::analysis::Flavors;
use crate::names::ident;
use crate::opts::Ownership;
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{Handle, Type, TypeDefKind, TypeId};

/// How a type is being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Owned,
    Borrowed,
}

impl Ctx<'_> {
    /// The Rust type of `ty` as seen from module `from`.
    pub fn rust_type(
        &self,
        ty: &Type,
        flavor: Flavor,
        lt: &TokenStream,
        from: &ModPath,
    ) -> TokenStream {
        match ty {
            Type::Bool => quote!(bool),
            Type::U8 => quote!(u8),
            Type::S8 => quote!(i8),
            Type::U16 => quote!(u16),
            Type::S16 => quote!(i16),
            Type::U32 => quote!(u32),
            Type::S32 => quote!(i32),
            Type::U64 => quote!(u64),
            Type::S64 => quote!(i64),
            Type::F32 => quote!(f32),
            Type::F64 => quote!(f64),
            Type::Char => quote!(char),
            Type::String => self.string_type(flavor, lt),
            Type::ErrorContext => quote!(_rt::async_support::ErrorContext),
            Type::Id(id) => self.rust_type_id(*id, flavor, lt, from),
        }
    }

    fn rust_type_id(
        &self,
        id: TypeId,
        flavor: Flavor,
        lt: &TokenStream,
        from: &ModPath,
    ) -> TokenStream {
        let def = &self.resolve.types[id];
        if def.name.is_some() {
            return self.named_type(id, flavor, lt, from);
        }
        self.anonymous_type(&def.kind, flavor, lt, from)
    }

    /// The structure of an anonymous type (or the right-hand side of a
    /// named alias such as `type bytes = list<u8>`).
    pub fn anonymous_type(
        &self,
        kind: &TypeDefKind,
        flavor: Flavor,
        lt: &TokenStream,
        from: &ModPath,
    ) -> TokenStream {
        let t = |ty: &Type| self.rust_type(ty, flavor, lt, from);
        match kind {
            TypeDefKind::Type(ty) => t(ty),
            TypeDefKind::Option(_) | TypeDefKind::Result(_) | TypeDefKind::Tuple(_) => {
                wrapper_type(kind, &t)
            }
            TypeDefKind::List(elem) => {
                let elem = Moved::new(t(elem));
                match flavor {
                    Flavor::Owned => quote!(_rt::Vec<#elem>),
                    Flavor::Borrowed => quote!(&#lt [#elem]),
                }
            }
            TypeDefKind::Map(k, v) => {
                let map = &self.paths.map;
                let (k, v) = (Moved::new(t(k)), Moved::new(t(v)));
                match flavor {
                    Flavor::Owned => quote!(#map<#k, #v>),
                    Flavor::Borrowed => quote!(&#lt #map<#k, #v>),
                }
            }
            TypeDefKind::FixedLengthList(elem, size) => {
                let elem = Moved::new(t(elem));
                let size = *size as usize;
                quote!([#elem; #size])
            }
            TypeDefKind::Handle(Handle::Own(r)) => self.resource_path(*r, from, ""),
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                if self.is_exported_resource(*r) {
                    let path = Moved::new(self.resource_path(*r, from, "Borrow"));
                    quote!(#path<#lt>)
                } else {
                    let path = Moved::new(self.resource_path(*r, from, ""));
                    quote!(&#lt #path)
                }
            }
            TypeDefKind::Future(payload) => {
                let payload = Moved::new(self.payload_type(payload.as_ref(), from));
                quote!(_rt::async_support::FutureReader<#payload>)
            }
            TypeDefKind::Stream(payload) => {
                let payload = Moved::new(self.payload_type(payload.as_ref(), from));
                quote!(_rt::async_support::StreamReader<#payload>)
            }
            // Named-only kinds never appear anonymously.
            TypeDefKind::Record(_)
            | TypeDefKind::Resource
            | TypeDefKind::Flags(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Unknown => quote!(()),
        }
    }

    /// A WIT `string`: `String`/`&str`, or with `raw_strings` the bytes
    /// (`Vec<u8>`/`&[u8]`).
    fn string_type(&self, flavor: Flavor, lt: &TokenStream) -> TokenStream {
        match (flavor, self.opts.raw_strings) {
            (Flavor::Owned, false) => quote!(_rt::String),
            (Flavor::Borrowed, false) => quote!(&#lt str),
            (Flavor::Owned, true) => quote!(_rt::Vec<u8>),
            (Flavor::Borrowed, true) => quote!(&#lt [u8]),
        }
    }

    /// The handle type of resource `r` (plus `suffix`, e.g. `Borrow`).
    pub fn resource_path(&self, r: TypeId, from: &ModPath, suffix: &str) -> TokenStream {
        let def = self.resource_def(r);
        let name = format!("{}{suffix}", self.type_name(def));
        self.type_item_path(from, def, &name)
    }

    /// A reference to named type `id` in the given flavour.
    fn named_type(
        &self,
        id: TypeId,
        flavor: Flavor,
        lt: &TokenStream,
        from: &ModPath,
    ) -> TokenStream {
        let (name, borrowed) = self.definition_for(id, flavor);
        let path = self.type_item_path(from, id, &name);
        if borrowed || self.analysis.info(&Type::Id(id)).has_borrow {
            let path = Moved::new(path);
            quote!(#path<#lt>)
        } else {
            path
        }
    }

    /// Which definition of named type `id` a use in `flavor` refers to:
    /// its Rust name and whether that definition borrows.
    pub fn definition_for(&self, id: TypeId, flavor: Flavor) -> (String, bool) {
        let base = self.type_name(id);
        match (self.analysis.flavors(self.resolve, id), flavor) {
            (Flavors::Owned, _) => (base, false),
            (Flavors::Borrowed, _) => (base, true),
            (Flavors::Both, Flavor::Borrowed) => (format!("{base}Param"), true),
            (Flavors::Both, Flavor::Owned) => (format!("{base}Result"), false),
        }
    }

    /// The type of an imported function's parameter: borrowed at the top
    /// level so callers keep their strings and lists.
    pub fn import_param_type(&self, ty: &Type, from: &ModPath) -> TokenStream {
        let lt = quote!('_);
        match self.opts.ownership {
            Ownership::Owning => self.top_borrowed_type(ty, &lt, from),
            Ownership::Borrowing { .. } => self.borrowed_param_type(ty, &lt, from),
        }
    }

    /// `Owning` mode: the outermost list or string is borrowed (`&[T]`,
    /// `&str`), looking through `option`/`result`/tuples; records and
    /// variants holding lists or borrowed handles are passed as `&T`;
    /// everything else by value (own handles always by value, as ownership
    /// moves to the callee).
    fn top_borrowed_type(&self, ty: &Type, lt: &TokenStream, from: &ModPath) -> TokenStream {
        let info = self.analysis.info(ty);
        if info.has_own || !(info.has_list || info.has_borrow) {
            return self.rust_type(ty, Flavor::Owned, lt, from);
        }
        let ty = self.unalias(ty);
        let id = match ty {
            Type::Id(id) => id,
            _ => return self.string_type(Flavor::Borrowed, lt),
        };
        let def = &self.resolve.types[id];
        let top = |t: &Type| self.top_borrowed_type(t, lt, from);
        match &def.kind {
            TypeDefKind::List(elem) => {
                let elem = Moved::new(self.rust_type(elem, Flavor::Owned, lt, from));
                quote!(&#lt [#elem])
            }
            TypeDefKind::Map(..) => {
                let map = Moved::new(self.anonymous_type(&def.kind, Flavor::Owned, lt, from));
                quote!(&#lt #map)
            }
            _ if def.name.is_some() => {
                let owned = Moved::new(self.rust_type(&ty, Flavor::Owned, lt, from));
                quote!(&#lt #owned)
            }
            TypeDefKind::Option(_) | TypeDefKind::Result(_) | TypeDefKind::Tuple(_) => {
                wrapper_type(&def.kind, &top)
            }
            TypeDefKind::FixedLengthList(t, n) => {
                let t = Moved::new(top(t));
                let n = *n as usize;
                quote!([#t; #n])
            }
            // Named-only kinds were handled above; handles and stream or
            // future ends carry no lists and are passed by value.
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Type(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Unknown => self.rust_type(&ty, Flavor::Owned, lt, from),
        }
    }

    /// `Borrowing` mode: lists and strings are borrowed all the way down,
    /// through the borrowing flavour of named types where one exists; a
    /// named type that has only an owned definition but holds lists is lent
    /// (`&T`) wherever it appears; lists holding owned handles are moved
    /// (`Vec<T>`), as ownership of the handles passes to the callee. These
    /// are wit-bindgen's rules, so calls written for it compile.
    fn borrowed_param_type(&self, ty: &Type, lt: &TokenStream, from: &ModPath) -> TokenStream {
        let ty = &self.unalias(ty);
        let info = self.analysis.info(ty);
        let Type::Id(id) = ty else {
            return match ty {
                Type::String => self.string_type(Flavor::Borrowed, lt),
                other => self.rust_type(other, Flavor::Owned, lt, from),
            };
        };
        let def = &self.resolve.types[*id];
        if def.name.is_some() {
            let rendered = self.rust_type(ty, Flavor::Borrowed, lt, from);
            let borrowing_definition = self.definition_for(*id, Flavor::Borrowed).1;
            return if info.has_list && !info.has_own && !borrowing_definition {
                let rendered = Moved::new(rendered);
                quote!(&#lt #rendered)
            } else {
                rendered
            };
        }
        let param = |t: &Type| self.borrowed_param_type(t, lt, from);
        match &def.kind {
            TypeDefKind::List(_) if info.has_own => self.rust_type(ty, Flavor::Owned, lt, from),
            TypeDefKind::List(elem) => {
                let elem = Moved::new(param(elem));
                quote!(&#lt [#elem])
            }
            TypeDefKind::Option(_) | TypeDefKind::Result(_) | TypeDefKind::Tuple(_) => {
                wrapper_type(&def.kind, &param)
            }
            TypeDefKind::FixedLengthList(t, n) => {
                let t = Moved::new(param(t));
                let n = *n as usize;
                quote!([#t; #n])
            }
            TypeDefKind::Handle(Handle::Borrow(_)) | TypeDefKind::Handle(Handle::Own(_)) => {
                self.rust_type(ty, Flavor::Owned, lt, from)
            }
            TypeDefKind::Map(..)
            | TypeDefKind::Type(_)
            | TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Resource
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Unknown => self.rust_type(ty, Flavor::Borrowed, lt, from),
        }
    }
}

impl Ctx<'_> {
    /// `ty` with `type a = b` aliases followed, down to a primitive when
    /// the last alias names one (`type name = string`).
    pub fn unalias(&self, ty: &Type) -> Type {
        crate::analysis::unalias(self.resolve, ty)
    }
}

/// A lifetime token, `'name`.
pub(crate) fn lifetime(name: &str) -> TokenStream {
    let apostrophe = proc_macro2::Punct::new('\'', proc_macro2::Spacing::Joint);
    let name = ident(name);
    quote!(#apostrophe #name)
}

/// `Option<T>`, `Result<T, E>` or a tuple, with `child` rendering what
/// they hold (any other kind renders as `()`; callers pass only these).
fn wrapper_type(kind: &TypeDefKind, child: &dyn Fn(&Type) -> TokenStream) -> TokenStream {
    match kind {
        TypeDefKind::Option(t) => {
            let t = Moved::new(child(t));
            quote!(_rt::Option<#t>)
        }
        TypeDefKind::Result(r) => {
            let ok = Moved::new(r.ok.as_ref().map_or(quote!(()), child));
            let err = Moved::new(r.err.as_ref().map_or(quote!(()), child));
            quote!(_rt::Result<#ok, #err>)
        }
        TypeDefKind::Tuple(t) => {
            let tys = t.types.iter().map(|t| Moved::new(child(t)));
            quote!((#(#tys,)*))
        }
        TypeDefKind::Record(_)
        | TypeDefKind::Resource
        | TypeDefKind::Handle(_)
        | TypeDefKind::Flags(_)
        | TypeDefKind::Variant(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::List(_)
        | TypeDefKind::Map(..)
        | TypeDefKind::FixedLengthList(..)
        | TypeDefKind::Future(_)
        | TypeDefKind::Stream(_)
        | TypeDefKind::Type(_)
        | TypeDefKind::Unknown => quote!(()),
    }
}

/// An identifier for a generated local: `_ptr3` for (`ptr`, 3).
///
/// The leading underscore keeps generated locals apart from WIT-derived
/// names: a WIT identifier is kebab-case (`[a-z0-9-]`, never starting with
/// `-`), so its snake-cased Rust form never starts with `_` (keyword escaping
/// appends `_`, it never prepends). A parameter called `ptr3` therefore can
/// never be shadowed by, or shadow, a generated local.
pub(crate) fn local(prefix: &str, n: usize) -> proc_macro2::Ident {
    // Spelled out on the stack rather than `format_ident!`: generated
    // functions have thousands of locals, and both the formatting machinery
    // and a `String` per name showed in profiles.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut buf = [0u8; 64];
    let len = 1 + prefix.len() + (digits.len() - at);
    match buf.get_mut(..len) {
        Some(name) => {
            name[0] = b'_';
            name[1..=prefix.len()].copy_from_slice(prefix.as_bytes());
            name[1 + prefix.len()..].copy_from_slice(&digits[at..]);
            match std::str::from_utf8(name) {
                Ok(name) => ident(name),
                // Unreachable: a `str` prefix between ASCII bytes.
                Err(_) => ident(&format!("_{prefix}{n}")),
            }
        }
        // Prefixes are short words; this is for completeness.
        None => ident(&format!("_{prefix}{n}")),
    }
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn locals_are_prefix_and_number() {
        assert_eq!(local("ptr", 3).to_string(), "_ptr3");
        assert_eq!(local("e", 0).to_string(), "_e0");
        assert_eq!(local("result", 1207).to_string(), "_result1207");
    }
}
