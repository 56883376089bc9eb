//! Rust paths that options give as strings (`runtime_path`, `with` targets,
//! `additional_derives`, ...), checked once before rendering.
//!
//! A value that is not a path is an [`Error::Option`] naming the option, so
//! a typo is reported where it was written instead of silently producing
//! bindings without the item (or with a different one).

use crate::error::Error;
use proc_macro2::TokenStream;

/// Parses `value`, given for `option`, as a Rust path (`a::b`, `::a::b`,
/// `crate::a`, `super::a`); generic arguments are not allowed.
///
/// # Errors
/// [`Error::Option`] when `value` is not such a path.
pub fn parse(option: &'static str, value: &str) -> Result<TokenStream, Error> {
    let bad = || Error::Option {
        option,
        message: format!("`{option}`: `{value}` is not a Rust path"),
    };
    let trimmed = value.trim();
    let rest = trimmed.strip_prefix("::").unwrap_or(trimmed);
    if !rest.split("::").all(|seg| is_ident(seg.trim())) {
        return Err(bad());
    }
    trimmed.parse().map_err(|_| bad())
}

/// The last segment of a path (`Serialize` for `serde::Serialize`).
pub fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

fn is_ident(s: &str) -> bool {
    let s = s.strip_prefix("r#").unwrap_or(s);
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && s != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_and_non_paths_name_their_option() {
        assert_eq!(parse("o", "::a::b").unwrap().to_string(), ":: a :: b");
        assert_eq!(
            parse("o", "crate::x::Y").unwrap().to_string(),
            "crate :: x :: Y"
        );
        assert_eq!(parse("o", "r#type").unwrap().to_string(), "r#type");
        for bad in ["", "a::", "a b", "a::<T>", "1x", "a-b", "_", "Vec<u8>"] {
            let err = parse("runtime_path", bad).expect_err(bad);
            assert!(
                matches!(
                    err,
                    Error::Option {
                        option: "runtime_path",
                        ..
                    }
                ),
                "{bad}"
            );
            assert!(err.to_string().contains("not a Rust path"), "{err}");
        }
    }

    #[test]
    fn last_segment_ignores_the_module_part() {
        assert_eq!(last_segment("serde::Serialize"), "Serialize");
        assert_eq!(last_segment("Clone"), "Clone");
    }
}
