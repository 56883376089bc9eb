//! Enumerates the worlds of the corpus with wit-parser.

use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use wit_parser::Resolve;

/// One world of the corpus.
#[derive(Debug, Clone)]
pub struct CorpusWorld {
    /// The file or package directory the world comes from.
    pub source: PathBuf,
    /// A readable label: `<entry>/<world>`.
    pub label: String,
    /// The world's name within its package, as given to `world: ...`.
    pub world: String,
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

/// The worlds of the package at `source` (a file or directory), labelled
/// `<entry_label>/<world>`.
///
/// # Errors
/// If wit-parser rejects the package.
pub fn worlds_of(source: &Path, entry_label: &str) -> Result<Vec<CorpusWorld>> {
    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_path(source)?;
    Ok(resolve.packages[pkg]
        .worlds
        .iter()
        .map(|(name, &id)| CorpusWorld {
            source: source.to_path_buf(),
            label: format!("{entry_label}/{name}"),
            world: name.clone(),
            exports: resolve.worlds[id]
                .exports
                .keys()
                .map(|k| resolve.name_world_key(k))
                .collect(),
        })
        .collect())
}
