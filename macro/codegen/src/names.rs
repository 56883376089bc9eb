//! Rust names for WIT names: case conversion, keyword escaping, and module
//! names for (possibly versioned) packages.
//!
//! Escaping appends `_`, the convention `wit_bindgen` uses, so names match
//! between the two generators and ported code keeps compiling.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use wit_parser::{PackageId, Resolve};

fn escape(mut name: String) -> String {
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

fn is_keyword(name: &str) -> bool {
    // Names are converted by the thousand per expansion: a `match` rather
    // than a scan of a table.
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// The case a name is converted to.
#[derive(Clone, Copy)]
enum Case {
    Snake,
    UpperCamel,
    ShoutySnake,
}

/// A converted name, on the stack: names are converted by the thousand
/// per expansion, and most become identifiers (one allocation) rather
/// than strings.
struct Converted {
    bytes: [u8; 64],
    len: usize,
}

impl Converted {
    fn push(&mut self, byte: u8) -> Option<()> {
        *self.bytes.get_mut(self.len)? = byte;
        self.len += 1;
        Some(())
    }

    fn as_str(&self) -> &str {
        // Only ASCII bytes are pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// `name` in `case`, with a trailing `_` for keywords (and for `Guest`,
/// reserved for the export traits, in UpperCamelCase), when `name` has
/// the shape of a WIT identifier: ASCII letters and digits in non-empty
/// words joined by `-`, each word all lower or all upper case. `heck` finds
/// no boundaries inside such words, so converting them word by word gives
/// its result without its per-character Unicode case analysis (a profile
/// showed it at ~1,700 instructions a name). `None` for other names, and
/// for names too long for the buffer.
fn convert(name: &str, case: Case) -> Option<Converted> {
    let mut out = Converted {
        bytes: [0; 64],
        len: 0,
    };
    for (i, word) in name.split('-').enumerate() {
        let bytes = word.as_bytes();
        let lower = bytes.iter().any(u8::is_ascii_lowercase);
        let upper = bytes.iter().any(u8::is_ascii_uppercase);
        if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_alphanumeric) || (lower && upper) {
            return None;
        }
        if i > 0 && !matches!(case, Case::UpperCamel) {
            out.push(b'_')?;
        }
        for (j, b) in bytes.iter().enumerate() {
            out.push(match (case, j) {
                (Case::Snake, _) => b.to_ascii_lowercase(),
                (Case::UpperCamel, 0) | (Case::ShoutySnake, _) => b.to_ascii_uppercase(),
                (Case::UpperCamel, _) => b.to_ascii_lowercase(),
            })?;
        }
    }
    let reserved = match case {
        Case::UpperCamel => out.as_str() == "Guest" || is_keyword(out.as_str()),
        Case::Snake | Case::ShoutySnake => is_keyword(out.as_str()),
    };
    if reserved {
        out.push(b'_')?;
    }
    Some(out)
}

/// `name` in `case` the slow way, for names `convert` does not take.
fn convert_with_heck(name: &str, case: Case) -> String {
    match case {
        Case::Snake => escape(name.to_snake_case()),
        Case::ShoutySnake => escape(name.to_shouty_snake_case()),
        Case::UpperCamel => match name.to_upper_camel_case() {
            camel if camel == "Guest" => camel + "_",
            camel => escape(camel),
        },
    }
}

fn converted(name: &str, case: Case) -> String {
    match convert(name, case) {
        Some(c) => c.as_str().to_string(),
        None => convert_with_heck(name, case),
    }
}

fn converted_ident(name: &str, case: Case) -> Ident {
    match convert(name, case) {
        Some(c) => ident(c.as_str()),
        None => ident(&convert_with_heck(name, case)),
    }
}

/// A snake_case identifier (functions, fields, modules, parameters).
pub fn snake(name: &str) -> String {
    converted(name, Case::Snake)
}

/// [`snake`] as an identifier token.
pub fn snake_ident(name: &str) -> Ident {
    converted_ident(name, Case::Snake)
}

/// An UpperCamelCase identifier (types, traits, variant cases).
///
/// `Guest` is reserved for the generated export traits, so a WIT type of
/// that name becomes `Guest_`.
pub fn camel(name: &str) -> String {
    converted(name, Case::UpperCamel)
}

/// [`camel`] as an identifier token.
pub fn camel_ident(name: &str) -> Ident {
    converted_ident(name, Case::UpperCamel)
}

/// A SHOUTY_SNAKE_CASE identifier (flag constants).
pub fn shouty(name: &str) -> String {
    converted(name, Case::ShoutySnake)
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
    fn the_wit_shaped_fast_path_agrees_with_heck() {
        // Every WIT name of the shared corpus and WASI worlds, plus shapes
        // the fast path must refuse (mixed-case words, empty words, `_`).
        let mut names = vec![
            "a".to_string(),
            "HTTP".into(),
            "get-HTTP-thing".into(),
            "v1-arg".into(),
            "x2-y3z".into(),
            "camelCase".into(),
            "a--b".into(),
            "-a".into(),
            "snake_case".into(),
            "ünïcode".into(),
            "guest".into(),
            "self".into(),
            "a-very-long-name-that-does-not-fit-in-the-stack-buffer-of-sixty-four-bytes".into(),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/wit");
        let mut resolve = Resolve::new();
        for dir in ["wasi-0.2", "wasi-0.3"] {
            let path = root.join(dir);
            resolve
                .push_path(&path)
                .unwrap_or_else(|e| panic!("expected WIT at {}: {e}", path.display()));
        }
        for (_, ty) in resolve.types.iter() {
            names.extend(ty.name.clone());
        }
        for (_, iface) in resolve.interfaces.iter() {
            for func in iface.functions.values() {
                names.extend(func.params.iter().map(|p| p.name.clone()));
                names.push(func.item_name().to_string());
            }
        }
        assert!(names.len() > 500, "only {} names", names.len());
        for name in &names {
            for case in [Case::Snake, Case::UpperCamel, Case::ShoutySnake] {
                let reference = convert_with_heck(name, case);
                assert_eq!(converted(name, case), reference, "{name}");
                assert_eq!(converted_ident(name, case).to_string(), reference, "{name}");
            }
        }
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
