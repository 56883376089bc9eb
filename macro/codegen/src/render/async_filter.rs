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
//! Unlike wit-bindgen 0.61, a filter that would make a plain `func` async
//! is an error here: the component model only lowers and lifts `async func`
//! with the `async` option, so such bindings would build a component that
//! fails validation. Filters that make an `async func` sync are fine.

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
    /// Fails if the `async` option makes a plain `func` async, or if one of
    /// its filters (other than `all` / `-all`) decides no function: like
    /// wit-bindgen, a filter naming nothing is almost always a typo.
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
                    let Some((enabled, i)) = self.deciding_filter(key, func, is_import) else {
                        continue;
                    };
                    used[i] = true;
                    if enabled && !func.kind.is_async() {
                        let side = if is_import { "import" } else { "export" };
                        return Err(Error::Unsupported(format!(
                            "the `async` option makes {side} `{}` async, but it is a plain \
                             `func` in WIT; the component model binds only `async func`s \
                             asynchronously (declare it `async func`, or narrow the filter)",
                            func.name
                        )));
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
