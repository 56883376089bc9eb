//! Loading WIT: packages from paths and inline text into one `Resolve`,
//! then selecting the world.
//!
//! `@unstable` feature gates are applied here, by setting the resolve's
//! features before any package is pushed (wit-parser drops gated items as
//! it resolves them).

use crate::error::Error;
use std::path::{Path, PathBuf};
use wit_parser::{PackageId, Resolve, WorldId};

/// Where the WIT comes from.
#[derive(Debug, Clone, Default)]
pub struct WitSource {
    /// Files or directories, relative to `root` unless absolute.
    pub paths: Vec<PathBuf>,
    /// WIT text given in the macro call.
    pub inline: Option<String>,
}

/// A loaded world and every file read for it (to trigger rebuilds).
pub struct Loaded {
    /// All resolved packages.
    pub resolve: Resolve,
    /// The selected world.
    pub world: WorldId,
    /// Files that were read.
    pub files: Vec<PathBuf>,
}

/// Loads `source` (default: `root/wit`) and selects `world`.
///
/// # Errors
/// [`Error::Wit`] when a file cannot be read or parsed (the message names
/// the file and line), [`Error::World`] when the world cannot be selected.
pub fn load(
    root: &Path,
    source: &WitSource,
    world: Option<&str>,
    features: &[String],
) -> Result<Loaded, Error> {
    let mut resolve = Resolve::new();
    resolve.features.extend(features.iter().cloned());
    let mut files = Vec::new();
    let mut main: Vec<PackageId> = Vec::new();
    // Without `path`, `<crate>/wit` is read: always when there is no
    // `inline` either, and alongside `inline` when it exists (so inline WIT
    // can `use` the crate's packages), as `wit_bindgen::generate!` does.
    let default = [PathBuf::from("wit")];
    let paths: &[PathBuf] = match (source.paths.is_empty(), &source.inline) {
        (true, None) => &default,
        (true, Some(_)) if root.join("wit").exists() => &default,
        _ => &source.paths,
    };
    for path in paths {
        let full = root.join(path);
        let (pkg, sources) = resolve.push_path(&full).map_err(|e| {
            let rendered = resolve.render_error(&e);
            Error::Wit(format!(
                "failed to load WIT from `{}`: {rendered}",
                full.display()
            ))
        })?;
        files.extend(sources.paths().map(Path::to_path_buf));
        main.push(pkg);
    }
    if let Some(text) = &source.inline {
        let pkg = resolve
            .push_str("<inline>", text)
            .map_err(|e| Error::Wit(resolve.render_error(&e)))?;
        // As in wit-bindgen, the inline package is then the only main one:
        // the `path` packages are there for it to `use`, and the world is
        // chosen from it.
        main = vec![pkg];
    }
    let world = resolve
        .select_world(&main, world)
        .map_err(|e| Error::World(format!("{e:#}")))?;
    Ok(Loaded {
        resolve,
        world,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_line() {
        let source = WitSource {
            paths: vec![],
            inline: Some("package a:b;\nworld w {\n  import f: func(x: nope);\n}\n".into()),
        };
        let err = load(Path::new("."), &source, None, &[])
            .err()
            .expect("must fail");
        let msg = err.to_string();
        assert!(msg.contains("nope"), "{msg}");
        assert!(msg.contains(":3:"), "{msg}");
    }

    #[test]
    fn inline_with_path_selects_the_world_of_the_inline_package() {
        let dir = std::env::temp_dir().join(format!("weft-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("dep.wit"),
            "package dep:lib;\ninterface types { type id = u32; }\nworld other {}\n",
        )
        .unwrap();
        let source = WitSource {
            paths: vec![dir.clone()],
            inline: Some(
                "package app:main;\nworld app { use dep:lib/types.{id}; import f: func() -> id; }\n"
                    .into(),
            ),
        };
        let loaded = load(Path::new("."), &source, None, &[]);
        std::fs::remove_dir_all(&dir).unwrap();
        let loaded = loaded.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.resolve.worlds[loaded.world].name, "app");
    }

    #[test]
    fn unknown_world_is_reported() {
        let source = WitSource {
            paths: vec![],
            inline: Some("package a:b;\nworld w {}\n".into()),
        };
        let err = load(Path::new("."), &source, Some("nope"), &[])
            .err()
            .expect("must fail");
        assert!(matches!(err, Error::World(_)));
    }
}
