//! The `async` option: which functions are bound async (wit-bindgen 0.61's
//! filter syntax).
//!
//! Each filter is `all`, a function (`f` for a world function,
//! `ns:pkg/iface#f` for an interface's, `iface#[method]r.m` for a method),
//! optionally restricted with `import:` or `export:`, and negated with a
//! leading `-`. The first filter that matches decides; a function no filter
//! matches is async exactly when its WIT declares it `async func`.
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
        let name = match key {
            Some(key) => format!("{}#{}", self.resolve.name_world_key(key), func.name),
            None => func.name.clone(),
        };
        for filter in &self.opts.async_filters {
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
                return enabled;
            }
        }
        func.kind.is_async()
    }
}

impl Ctx<'_> {
    /// Fails if the `async` option makes a plain `func` async.
    pub(crate) fn check_async_filters(&self) -> Result<(), Error> {
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
                    if !func.kind.is_async() && self.is_async(key, func, is_import) {
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
        Ok(())
    }
}
