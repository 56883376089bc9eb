//! Enumerates the worlds of the corpus with wit-parser, and decides which are
//! async (and so belong to the async issue, not this one).

use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use wit_parser::{Function, Handle, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem};

/// One world of the corpus.
#[derive(Debug, Clone)]
pub struct CorpusWorld {
    /// The file or package directory the world comes from.
    pub source: PathBuf,
    /// A readable label: `<entry>/<world>`.
    pub label: String,
    /// The world's name within its package, as given to `world: ...`.
    pub world: String,
    /// `Some(reason)` if the world uses async functions or async types.
    pub async_reason: Option<String>,
    /// The names of the world's exports (`ns:pkg/iface@ver` or a function
    /// name), which a built component must export exactly.
    pub exports: BTreeSet<String>,
}

/// A corpus entry that wit-parser itself rejects.
#[derive(Debug, Clone)]
pub struct BrokenEntry {
    pub source: PathBuf,
    pub error: String,
}

/// The worlds of every entry (a `.wit` file or a package directory) of `dirs`
/// and of every directory in `packages`, in a stable order.
pub fn enumerate(
    dirs: &[PathBuf],
    packages: &[PathBuf],
) -> Result<(Vec<CorpusWorld>, Vec<BrokenEntry>)> {
    let mut entries = Vec::new();
    for dir in dirs {
        let listing =
            std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
        for entry in listing {
            let path = entry?.path();
            if path.is_dir() || path.extension().is_some_and(|e| e == "wit") {
                entries.push(path);
            }
        }
    }
    entries.sort();
    entries.extend(packages.iter().cloned());
    let mut worlds = Vec::new();
    let mut broken = Vec::new();
    for entry in entries {
        // A package directory may keep its WIT one level down, in `wit/`.
        let source = if entry.join("wit").is_dir() {
            entry.join("wit")
        } else {
            entry.clone()
        };
        match worlds_of(&source, &entry_label(&entry)) {
            Ok(found) => worlds.extend(found),
            Err(e) => broken.push(BrokenEntry {
                source,
                error: format!("{e:#}"),
            }),
        }
    }
    Ok((worlds, broken))
}

/// `<parent dir>/<entry>`, e.g. `corpus/flags.wit` or `wit/wasi-0.2`.
fn entry_label(entry: &Path) -> String {
    let name = |p: Option<&Path>| {
        p.and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    format!("{}/{}", name(entry.parent()), name(Some(entry)))
}

fn worlds_of(source: &Path, entry_label: &str) -> Result<Vec<CorpusWorld>> {
    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_path(source)?;
    Ok(resolve.packages[pkg]
        .worlds
        .iter()
        .map(|(name, &id)| CorpusWorld {
            source: source.to_path_buf(),
            label: format!("{entry_label}/{name}"),
            world: name.clone(),
            async_reason: async_reason(&resolve, id),
            exports: resolve.worlds[id]
                .exports
                .keys()
                .map(|k| resolve.name_world_key(k))
                .collect(),
        })
        .collect())
}

/// Why world `id` is async in a way weft cannot bind yet, if it is: the first
/// `future` or `stream` reachable from its imports and exports. `async func`
/// and `error-context` are bound and do not count.
pub fn async_reason(resolve: &Resolve, id: WorldId) -> Option<String> {
    let world = &resolve.worlds[id];
    for item in world.imports.values().chain(world.exports.values()) {
        let found = match item {
            WorldItem::Function(f) => function_reason(resolve, f),
            WorldItem::Interface { id, .. } => {
                let iface = &resolve.interfaces[*id];
                iface
                    .functions
                    .values()
                    .find_map(|f| function_reason(resolve, f))
                    .or_else(|| {
                        iface
                            .types
                            .values()
                            .find_map(|t| typedef_reason(resolve, *t))
                    })
            }
            WorldItem::Type { id, .. } => typedef_reason(resolve, *id),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `async func` alone is bound by weft now (issue 9), so only the async
/// types in its signature make a function skipped.
fn function_reason(resolve: &Resolve, f: &Function) -> Option<String> {
    f.params
        .iter()
        .map(|p| &p.ty)
        .chain(f.result.as_ref())
        .find_map(|t| type_reason(resolve, t))
        .map(|why| format!("`{}` uses {why}", f.name))
}

fn type_reason(resolve: &Resolve, ty: &Type) -> Option<String> {
    match ty {
        Type::Id(id) => typedef_reason(resolve, *id),
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
        | Type::Char
        | Type::String
        | Type::ErrorContext => None,
    }
}

fn typedef_reason(resolve: &Resolve, id: TypeId) -> Option<String> {
    let inner = |t: &Type| type_reason(resolve, t);
    match &resolve.types[id].kind {
        TypeDefKind::Future(_) => Some("future".to_string()),
        TypeDefKind::Stream(_) => Some("stream".to_string()),
        TypeDefKind::Record(r) => r.fields.iter().find_map(|f| inner(&f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().find_map(inner),
        TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty.as_ref()).find_map(inner),
        TypeDefKind::Option(t)
        | TypeDefKind::List(t)
        | TypeDefKind::FixedLengthList(t, _)
        | TypeDefKind::Type(t) => inner(t),
        TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).find_map(inner),
        TypeDefKind::Map(k, v) => inner(k).or_else(|| inner(v)),
        // A handle is async only through its resource's functions, which are
        // listed (and checked) with the interface that defines the resource.
        TypeDefKind::Handle(Handle::Own(_) | Handle::Borrow(_)) => None,
        TypeDefKind::Resource
        | TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(wit: &str) -> Option<String> {
        let mut resolve = Resolve::new();
        let pkg = resolve.push_str("test.wit", wit).expect("valid WIT");
        let world = resolve.select_world(&[pkg], Some("w")).expect("world w");
        async_reason(&resolve, world)
    }

    #[test]
    fn sync_world_is_not_async() {
        let wit = "package a:b;\ninterface i { resource r { m: func(x: list<option<u8>>) -> r; } f: func(x: r); }\nworld w { import i; export g: func() -> string; }";
        assert_eq!(reason(wit), None);
    }

    #[test]
    fn async_funcs_without_async_types_are_built() {
        assert_eq!(
            reason("package a:b;\nworld w { export f: async func(); }"),
            None
        );
        let method = reason(
            "package a:b;\ninterface i { resource r { m: async func() -> future; } }\nworld w { import i; }",
        );
        assert!(method.is_some_and(|r| r.contains("[method]r.m") && r.contains("future")));
    }

    #[test]
    fn async_types_nested_in_values_are_found() {
        let stream = reason(
            "package a:b;\ninterface i { record x { s: option<stream<u8>> } f: func(v: list<x>); }\nworld w { export i; }",
        );
        assert_eq!(stream.as_deref(), Some("`f` uses stream"));
        // `error-context` is bound now, so it alone makes nothing skipped.
        let ctx = reason("package a:b;\nworld w { import f: func() -> result<_, error-context>; }");
        assert_eq!(ctx, None);
        let future = reason(
            "package a:b;\ninterface i { type t = tuple<u8, future<string>>; }\nworld w { import i; }",
        );
        assert_eq!(future.as_deref(), Some("future"));
    }
}
