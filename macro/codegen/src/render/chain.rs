//! The `chainable_methods` option: imported resource methods that return
//! nothing can return the resource instead, so calls chain
//! (`file.seek(0).write(b)`), with wit-bindgen's directive language:
//!
//! - `all`, `ns:pkg/iface#resource` (every method of the resource), or
//!   `ns:pkg/iface#[method]resource.name` (one method);
//! - a `&` prefix returns `&Self` (the method takes `&self`), no prefix
//!   returns `Self` (it takes `self`), a `-` prefix excludes;
//! - the first directive matching a method decides; a directive other than
//!   `all` that matches no method is an error.

use crate::error::Error;
use wit_parser::{Function, FunctionKind, Resolve, WorldItem, WorldKey};

/// How a chainable method returns its receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chaining {
    /// `fn m(self, ..) -> Self`.
    Owning,
    /// `fn m(&self, ..) -> &Self`.
    Borrowing,
}

/// One parsed directive.
struct Directive<'a> {
    /// `None` for an exclusion.
    mode: Option<Chaining>,
    /// `None` for `all`.
    target: Option<&'a str>,
}

fn parse(directive: &str) -> Directive<'_> {
    let (mode, rest) = match (directive.strip_prefix('-'), directive.strip_prefix('&')) {
        (Some(rest), _) => (None, rest),
        (None, Some(rest)) => (Some(Chaining::Borrowing), rest),
        (None, None) => (Some(Chaining::Owning), directive),
    };
    let target = (rest != "all").then_some(rest);
    Directive { mode, target }
}

/// The index of the directive deciding about imported `func` (under
/// `key`, `None` for the world), and its mode.
fn decide(
    directives: &[String],
    resolve: &Resolve,
    key: Option<&WorldKey>,
    func: &Function,
) -> Option<(usize, Option<Chaining>)> {
    let FunctionKind::Method(resource) = func.kind else {
        return None;
    };
    if func.result.is_some() {
        return None;
    }
    let prefix = key
        .map(|k| format!("{}#", resolve.name_world_key(k)))
        .unwrap_or_default();
    let resource_name = resolve.types[resource].name.as_deref().unwrap_or("");
    let by_resource = format!("{prefix}{resource_name}");
    let by_method = format!("{prefix}{}", func.name);
    directives.iter().enumerate().find_map(|(i, d)| {
        let d = parse(d);
        let matches = match d.target {
            None => true,
            Some(t) if t.contains("[method]") => t == by_method,
            Some(t) => t == by_resource,
        };
        matches.then_some((i, d.mode))
    })
}

/// How imported `func` chains, if it does.
pub(crate) fn chaining(
    directives: &[String],
    resolve: &Resolve,
    key: Option<&WorldKey>,
    func: &Function,
) -> Option<Chaining> {
    decide(directives, resolve, key, func).and_then(|(_, mode)| mode)
}

/// Rejects a directive (other than `all`) that matches no imported method
/// of `world`, as wit-bindgen does.
///
/// # Errors
/// [`Error::Option`] naming the first unused directive.
pub(crate) fn check_used(
    directives: &[String],
    resolve: &Resolve,
    world: wit_parser::WorldId,
) -> Result<(), Error> {
    let mut used = vec![false; directives.len()];
    for (key, item) in &resolve.worlds[world].imports {
        let (key, funcs): (Option<&WorldKey>, Vec<&Function>) = match item {
            WorldItem::Interface { id, .. } => (
                Some(key),
                resolve.interfaces[*id].functions.values().collect(),
            ),
            WorldItem::Function(f) => (None, vec![f]),
            WorldItem::Type { .. } => continue,
        };
        for func in funcs {
            if let Some((i, _)) = decide(directives, resolve, key, func) {
                used[i] = true;
            }
        }
    }
    match directives
        .iter()
        .zip(&used)
        .find(|(d, used)| !**used && parse(d).target.is_some())
    {
        Some((d, _)) => Err(Error::Option {
            option: "chainable_methods",
            message: format!("`chainable_methods`: `{d}` matches no imported method"),
        }),
        None => Ok(()),
    }
}
