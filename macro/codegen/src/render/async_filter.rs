//! The `async` option: which functions are bound async (wit-bindgen 0.61's
//! filter syntax).
//!
//! Each filter is `all`, a function (`f` for a world function,
//! `ns:pkg/iface#f` for an interface's, `iface#[method]r.m` for a method),
//! optionally restricted with `import:` or `export:`, and negated with a
//! leading `-`. The first filter that matches decides; a function no filter
//! matches is async exactly when its WIT declares it `async func`. A
//! filter that decides no function is an error, as in wit-bindgen.
//!
//! As in wit-bindgen 0.61, a filter may make a plain `func` async (`all`
//! does for every one): its Rust binding is then `async` (an `async fn`
//! import, an `async fn` trait method), so guests written for wit-bindgen
//! compile unchanged. Its ABI stays sync, though: the component model
//! allows the `async` canonical option only on `async func` types
//! (wasmparser: "the `async` canonical option requires an async function
//! type"), and wit-bindgen 0.61's `[async-lower]`/`[async-lift]` for such a
//! function give a component that fails validation. So the import's future
//! makes the whole sync call when first polled, and the export is lifted
//! sync and runs its `async fn` with `block_on`. That future should not
//! need to wait: a sync-typed task may not block before it returns, so the
//! host traps if it does (CanonicalABI.md, "may_block"). Filters that make
//! an `async func` sync are fine too.

use super::Ctx;
use crate::error::Error;
use wit_parser::{Function, WorldItem, WorldKey};

impl Ctx<'_> {
    /// Whether `func` (of interface `key`, or the world) is bound async on
    /// the import (`is_import`) or export side.
    pub(crate) fn is_async(
        &self,
        key: Option<&WorldKey>,
        func: &Function,
        is_import: bool,
    ) -> bool {
        match self.deciding_filter(key, func, is_import) {
            Some((enabled, _)) => enabled,
            None => func.kind.is_async(),
        }
    }

    /// The first filter that matches `func` on this side: what it asks for
    /// and its position in the option.
    fn deciding_filter(
        &self,
        key: Option<&WorldKey>,
        func: &Function,
        is_import: bool,
    ) -> Option<(bool, usize)> {
        // Asked for every function: spare the name when nothing filters.
        if self.opts.async_filters.is_empty() {
            return None;
        }
        let name = match key {
            Some(key) => format!("{}#{}", self.resolve.name_world_key(key), func.name),
            None => func.name.clone(),
        };
        for (i, filter) in self.opts.async_filters.iter().enumerate() {
            let (enabled, rest) = match filter.strip_prefix('-') {
                Some(rest) => (false, rest),
                None => (true, filter.as_str()),
            };
            let target = if let Some(t) = rest.strip_prefix("import:") {
                if !is_import {
                    continue;
                }
                t
            } else if let Some(t) = rest.strip_prefix("export:") {
                if is_import {
                    continue;
                }
                t
            } else {
                rest
            };
            if target == "all" || target == name {
                return Some((enabled, i));
            }
        }
        None
    }
}

impl Ctx<'_> {
    /// Fails if one of the `async` option's filters (other than `all` /
    /// `-all`) decides no function: like wit-bindgen, a filter naming
    /// nothing is almost always a typo.
    pub(crate) fn check_async_filters(&self) -> Result<(), Error> {
        let mut used = vec![false; self.opts.async_filters.len()];
        let w = &self.resolve.worlds[self.world];
        for (is_import, items) in [(true, &w.imports), (false, &w.exports)] {
            for (key, item) in items {
                let (key, funcs): (Option<&WorldKey>, Vec<&Function>) = match item {
                    WorldItem::Interface { id, .. } => (
                        Some(key),
                        self.resolve.interfaces[*id].functions.values().collect(),
                    ),
                    WorldItem::Function(f) => (None, vec![f]),
                    WorldItem::Type { .. } => continue,
                };
                for func in funcs {
                    if let Some((_, i)) = self.deciding_filter(key, func, is_import) {
                        used[i] = true;
                    }
                }
            }
        }
        let unused = self
            .opts
            .async_filters
            .iter()
            .zip(used)
            .find(|(f, used)| !used && f.trim_start_matches('-') != "all");
        match unused {
            Some((filter, _)) => Err(Error::Unsupported(format!(
                "unused async option: `{filter}` matches no function of the world (the \
                 names are `ns:pkg/iface@version#func`, `#[method]res.func` for methods, \
                 or a world function's bare name, optionally after `import:` or `export:`)"
            ))),
            None => Ok(()),
        }
    }
}
