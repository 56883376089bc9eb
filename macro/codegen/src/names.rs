//! Rust names for WIT names: case conversion, keyword escaping, and module
//! names for (possibly versioned) packages.
//!
//! Escaping appends `_`, the convention `wit_bindgen` uses, so names match
//! between the two generators and ported code keeps compiling.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use wit_parser::{PackageId, Resolve};

/// Every Rust keyword (strict, reserved and edition-specific).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn escape(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// A snake_case identifier (functions, fields, modules, parameters).
pub fn snake(name: &str) -> String {
    escape(name.to_snake_case())
}

/// An UpperCamelCase identifier (types, traits, variant cases).
///
/// `Guest` is reserved for the generated export traits, so a WIT type of
/// that name becomes `Guest_`.
pub fn camel(name: &str) -> String {
    match name.to_upper_camel_case().as_str() {
        "Guest" => "Guest_".to_string(),
        other => escape(other.to_string()),
    }
}

/// A SHOUTY_SNAKE_CASE identifier (flag constants).
pub fn shouty(name: &str) -> String {
    escape(name.to_shouty_snake_case())
}

/// Turns a generated name into an identifier token.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust module name of package `id`: its name, with the version added
/// when the resolve holds several versions of the same package (so
/// `a:b@0.1.0` and `a:b@0.2.0` become `b0_1_0` and `b0_2_0`).
pub fn package_module(resolve: &Resolve, id: PackageId) -> String {
    let name = &resolve.packages[id].name;
    let base = name.name.to_snake_case();
    let versions = resolve
        .packages
        .iter()
        .filter(|(_, p)| p.name.namespace == name.namespace && p.name.name == name.name)
        .count();
    match (&name.version, versions) {
        (Some(version), 2..) => {
            let v: String = version
                .to_string()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            escape(format!("{base}{v}"))
        }
        _ => escape(base),
    }
}

/// A snake_case identifier for a WIT function's mangled name such as
/// `[method]file.read`, used for generated helper functions.
pub fn func_helper(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    plain.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_with_an_underscore() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("async"), "async_");
        assert_eq!(snake("gen"), "gen_");
        assert_eq!(snake("typed"), "typed");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(shouty("as"), "AS");
    }

    #[test]
    fn case_conversion_follows_kebab_words() {
        assert_eq!(snake("get-HTTP-thing"), "get_http_thing");
        assert_eq!(camel("incoming-request"), "IncomingRequest");
        assert_eq!(camel("guest"), "Guest_");
        assert_eq!(shouty("read-write"), "READ_WRITE");
    }

    #[test]
    fn helper_names_flatten_resource_prefixes() {
        assert_eq!(func_helper("[method]file.read-at"), "method_file_read_at");
        assert_eq!(func_helper("[constructor]file"), "constructor_file");
    }

    #[test]
    fn versioned_packages_are_disambiguated_only_when_needed() {
        let mut resolve = Resolve::new();
        let a = resolve
            .push_str("a.wit", "package my:pkg@0.1.0; interface i { f: func(); }")
            .unwrap();
        assert_eq!(package_module(&resolve, a), "pkg");
        let b = resolve
            .push_str(
                "b.wit",
                "package my:pkg@0.2.0-rc; interface i { f: func(); }",
            )
            .unwrap();
        assert_eq!(package_module(&resolve, a), "pkg0_1_0");
        assert_eq!(package_module(&resolve, b), "pkg0_2_0_rc");
    }
}
