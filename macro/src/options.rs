//! Parsing the `bindgen!` input into [`weft_codegen::Opts`], keeping the
//! spans needed to point errors at what the user wrote.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitStr, Token, braced, bracketed};
use weft_codegen::{Opts, Ownership, WitSource, WithTarget};

/// Everything the macro call asked for.
pub struct Config {
    pub opts: Opts,
    pub source: WitSource,
    /// Span of each `with` key, to report unused ones.
    pub with_spans: Vec<(String, Span)>,
    /// Span of each option's name, to report a bad value on it.
    pub option_spans: Vec<(String, Span)>,
    /// Write the expansion to a file and `include!` it.
    pub debug: bool,
    /// Span of the `path`/`inline`/`world` option, for WIT errors.
    pub source_span: Span,
}

impl Parse for Config {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut config = Config {
            opts: Opts::default(),
            source: WitSource::default(),
            with_spans: Vec::new(),
            option_spans: Vec::new(),
            debug: false,
            source_span: Span::call_site(),
        };
        if input.is_empty() {
            return Ok(config);
        }
        if input.peek(LitStr) {
            // `"world"` or, as in wit-bindgen, `"world" in "path"`.
            let world: LitStr = input.parse()?;
            config.source_span = world.span();
            config.opts.world = Some(world.value());
            if input.parse::<Option<Token![in]>>()?.is_some() {
                let path: LitStr = input.parse()?;
                config.source.paths = vec![path.value().into()];
            }
            return Ok(config);
        }
        let content;
        braced!(content in input);
        let mut seen: Vec<String> = Vec::new();
        while !content.is_empty() {
            // `async` is a keyword, so option names are parsed as any ident.
            let key = content.call(Ident::parse_any)?;
            let name = key.to_string();
            if seen.contains(&name) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("option `{name}` given twice"),
                ));
            }
            seen.push(name.clone());
            config.option_spans.push((name.clone(), key.span()));
            let has_value = content.peek(Token![:]);
            if has_value {
                content.parse::<Token![:]>()?;
            }
            config.option(&key, has_value, &content)?;
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        Ok(config)
    }
}

impl Config {
    fn option(&mut self, key: &Ident, has_value: bool, input: ParseStream<'_>) -> syn::Result<()> {
        let name = key.to_string();
        if let Some(flag) = self.flag(&name) {
            *flag = if has_value {
                input.parse::<LitBool>()?.value
            } else {
                true
            };
            return Ok(());
        }
        if !has_value {
            return Err(syn::Error::new(
                key.span(),
                format!("option `{name}` needs a value (`{name}: ...`)"),
            ));
        }
        let opts = &mut self.opts;
        match name.as_str() {
            "world" => {
                let s: LitStr = input.parse()?;
                opts.world = Some(s.value());
            }
            "path" => {
                self.source_span = key.span();
                self.source.paths = string_or_list(input)?.into_iter().map(Into::into).collect();
            }
            "inline" => {
                self.source_span = key.span();
                self.source.inline = Some(input.parse::<LitStr>()?.value());
            }
            "with" => self.parse_with(input)?,
            "additional_derives" => {
                let content;
                bracketed!(content in input);
                let paths = Punctuated::<syn::Path, Token![,]>::parse_terminated(&content)?;
                opts.additional_derives = paths
                    .iter()
                    .map(|p| quote::quote!(#p).to_string().replace(' ', ""))
                    .collect();
            }
            "additional_derives_ignore" => opts.additional_derives_ignore = string_list(input)?,
            "ownership" => opts.ownership = parse_ownership(input)?,
            "skip" => opts.skip = string_list(input)?,
            "features" => opts.features = string_list(input)?,
            "runtime_path" => opts.runtime_path = Some(rust_path(input)?),
            "export_macro_name" => opts.export_macro_name = Some(input.parse::<LitStr>()?.value()),
            "default_bindings_module" => opts.default_bindings_module = Some(rust_path(input)?),
            "type_section_suffix" => {
                opts.type_section_suffix = Some(input.parse::<LitStr>()?.value())
            }
            "map_type" => opts.map_type = Some(rust_path(input)?),
            "bitflags_path" => opts.bitflags_path = Some(rust_path(input)?),
            "export_prefix" => opts.export_prefix = Some(input.parse::<LitStr>()?.value()),
            "additional_type_attributes" => opts.additional_type_attributes = attr_map(input)?,
            "additional_member_attributes" => opts.additional_member_attributes = attr_map(input)?,
            "chainable_methods" => opts.chainable_methods = string_list(input)?,
            "async" => opts.async_filters = async_filters(input)?,
            _ => {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{name}`; expected one of: {}",
                        OPTIONS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The field of a flag option (`name` or `name: bool`), if `name` is one.
    fn flag(&mut self, name: &str) -> Option<&mut bool> {
        let opts = &mut self.opts;
        Some(match name {
            "generate_all" => &mut opts.generate_all,
            "stubs" => &mut opts.stubs,
            "pub_export_macro" => &mut opts.pub_export_macro,
            "generate_unused_types" => &mut opts.generate_unused_types,
            "std_feature" => &mut opts.std_feature,
            "raw_strings" => &mut opts.raw_strings,
            "disable_run_ctors_once_workaround" => &mut opts.disable_run_ctors_once_workaround,
            "disable_custom_section_link_helpers" => &mut opts.disable_custom_section_link_helpers,
            "merge_structurally_equal_types" => &mut opts.merge_structurally_equal_types,
            "debug" => &mut self.debug,
            _ => return None,
        })
    }

    fn parse_with(&mut self, input: ParseStream<'_>) -> syn::Result<()> {
        let content;
        braced!(content in input);
        while !content.is_empty() {
            let key: LitStr = content.parse()?;
            content.parse::<Token![:]>()?;
            let target = if content.peek(Ident)
                && content
                    .fork()
                    .parse::<Ident>()
                    .is_ok_and(|i| i == "generate")
                && !content.peek2(Token![::])
            {
                content.parse::<Ident>()?;
                WithTarget::Generate
            } else {
                let path: syn::Path = content.parse()?;
                WithTarget::Path(quote::quote!(#path).to_string().replace(' ', ""))
            };
            self.with_spans.push((key.value(), key.span()));
            self.opts.with.push((key.value(), target));
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        Ok(())
    }
}

/// Every option name, for the unknown-option message.
const OPTIONS: &[&str] = &[
    "async",
    "world",
    "path",
    "inline",
    "with",
    "generate_all",
    "additional_derives",
    "additional_derives_ignore",
    "additional_type_attributes",
    "additional_member_attributes",
    "ownership",
    "skip",
    "stubs",
    "runtime_path",
    "map_type",
    "bitflags_path",
    "export_prefix",
    "export_macro_name",
    "pub_export_macro",
    "default_bindings_module",
    "type_section_suffix",
    "generate_unused_types",
    "features",
    "std_feature",
    "raw_strings",
    "chainable_methods",
    "disable_run_ctors_once_workaround",
    "disable_custom_section_link_helpers",
    "merge_structurally_equal_types",
    "debug",
];

/// `{ "selector": [#[attr] ...], ... }`: one `(selector, attribute)` pair
/// per attribute, the attribute as Rust source.
fn attr_map(input: ParseStream<'_>) -> syn::Result<Vec<(String, String)>> {
    let content;
    braced!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let selector: LitStr = content.parse()?;
        content.parse::<Token![:]>()?;
        let list;
        let bracket = bracketed!(list in content);
        let attrs = list.call(syn::Attribute::parse_outer)?;
        if !list.is_empty() {
            return Err(list.error("expected an attribute, `#[...]`"));
        }
        if attrs.is_empty() {
            return Err(syn::Error::new(
                bracket.span.join(),
                "the attribute list of a selector must not be empty",
            ));
        }
        for attr in attrs {
            out.push((selector.value(), quote::quote!(#attr).to_string()));
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

/// A string literal holding a Rust path; a value that is not one is an
/// error on the literal.
fn rust_path(input: ParseStream<'_>) -> syn::Result<String> {
    let lit: LitStr = input.parse()?;
    syn::parse_str::<syn::Path>(&lit.value()).map_err(|_| {
        syn::Error::new(lit.span(), format!("`{}` is not a Rust path", lit.value()))
    })?;
    Ok(lit.value())
}

fn string_or_list(input: ParseStream<'_>) -> syn::Result<Vec<String>> {
    if input.peek(LitStr) {
        Ok(vec![input.parse::<LitStr>()?.value()])
    } else {
        string_list(input)
    }
}

/// `async: true` (every function), `async: false` (none), or a list of
/// filters as in wit-bindgen.
fn async_filters(input: ParseStream<'_>) -> syn::Result<Vec<String>> {
    if input.peek(LitBool) {
        let all = input.parse::<LitBool>()?.value;
        return Ok(vec![if all { "all" } else { "-all" }.to_string()]);
    }
    string_list(input)
}

fn string_list(input: ParseStream<'_>) -> syn::Result<Vec<String>> {
    let content;
    bracketed!(content in input);
    let items = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(items.iter().map(LitStr::value).collect())
}

fn parse_ownership(input: ParseStream<'_>) -> syn::Result<Ownership> {
    let mode: Ident = input.parse()?;
    match mode.to_string().as_str() {
        "Owning" => Ok(Ownership::Owning),
        "Borrowing" => {
            let content;
            braced!(content in input);
            let field: Ident = content.parse()?;
            if field != "duplicate_if_necessary" {
                return Err(syn::Error::new(
                    field.span(),
                    "expected `duplicate_if_necessary`",
                ));
            }
            content.parse::<Token![:]>()?;
            let value: LitBool = content.parse()?;
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
            Ok(Ownership::Borrowing {
                duplicate_if_necessary: value.value,
            })
        }
        other => Err(syn::Error::new(
            mode.span(),
            format!(
                "unknown ownership `{other}`; expected `Owning` or `Borrowing {{ duplicate_if_necessary: bool }}`"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> syn::Result<Config> {
        syn::parse_str::<Config>(src)
    }

    #[test]
    fn async_option_takes_a_bool_or_filters() {
        let all = parse("{ async: true }").unwrap();
        assert_eq!(all.opts.async_filters, ["all"]);
        let none = parse("{ async: false }").unwrap();
        assert_eq!(none.opts.async_filters, ["-all"]);
        let some = parse(r#"{ async: ["import:a:b/c#f", "-export:g"] }"#).unwrap();
        assert_eq!(some.opts.async_filters, ["import:a:b/c#f", "-export:g"]);
        assert!(parse("{ async: 3 }").is_err());
    }

    #[test]
    fn all_option_shapes_parse() {
        let c = parse(
            r#"{
                world: "w", path: ["a", "b"], inline: "package a:b;",
                with: { "a:b/c": generate, "a:b/d": crate::d },
                generate_all, stubs, pub_export_macro: true, debug: false,
                additional_derives: [PartialEq, serde::Serialize],
                additional_derives_ignore: ["x"],
                ownership: Borrowing { duplicate_if_necessary: true },
                skip: ["f"], features: ["ft"], runtime_path: "::weft::rt",
                export_macro_name: "ex", default_bindings_module: "crate::b",
                type_section_suffix: "s", generate_unused_types,
            }"#,
        )
        .unwrap();
        let o = &c.opts;
        assert_eq!(o.world.as_deref(), Some("w"));
        assert_eq!(c.source.paths.len(), 2);
        assert_eq!(o.with[0], ("a:b/c".to_string(), WithTarget::Generate));
        assert_eq!(
            o.with[1],
            ("a:b/d".to_string(), WithTarget::Path("crate::d".into()))
        );
        assert!(
            o.generate_all && o.stubs && o.pub_export_macro && o.generate_unused_types && !c.debug
        );
        assert_eq!(o.additional_derives, ["PartialEq", "serde::Serialize"]);
        assert_eq!(
            o.ownership,
            Ownership::Borrowing {
                duplicate_if_necessary: true
            }
        );
        assert_eq!(o.export_macro_name(), "ex");
        assert_eq!(
            parse(r#""just-a-world""#).unwrap().opts.world.as_deref(),
            Some("just-a-world")
        );
        let c = parse(r#""w" in "wit/dir""#).unwrap();
        assert_eq!(c.opts.world.as_deref(), Some("w"));
        assert_eq!(c.source.paths, [std::path::PathBuf::from("wit/dir")]);
    }

    /// The shapes wit-bindgen 0.61.1 accepts for the options weft gained to
    /// match it (bare `std_feature`/`raw_strings`, attribute maps, ...).
    #[test]
    fn wit_bindgen_option_shapes_parse() {
        let c = parse(
            r#"{
                std_feature, raw_strings,
                map_type: "std::collections::HashMap", bitflags_path: "::bitflags",
                export_prefix: "p_",
                additional_type_attributes: { "a:b/c/t": [#[derive(Hash)] #[doc = "x"]] },
                additional_member_attributes: { "a:b/c/t.f": [#[allow(dead_code)]], },
                chainable_methods: ["all", "-a:b/c#r"],
                disable_run_ctors_once_workaround: true,
                disable_custom_section_link_helpers: false,
                merge_structurally_equal_types: true,
                generate_unused_types: true, pub_export_macro: false, debug: true,
            }"#,
        )
        .unwrap();
        let o = &c.opts;
        assert!(o.std_feature && o.raw_strings && o.generate_unused_types && c.debug);
        assert!(o.disable_run_ctors_once_workaround && o.merge_structurally_equal_types);
        assert!(!o.disable_custom_section_link_helpers && !o.pub_export_macro);
        assert_eq!(o.map_type.as_deref(), Some("std::collections::HashMap"));
        assert_eq!(o.bitflags_path.as_deref(), Some("::bitflags"));
        assert_eq!(o.export_prefix.as_deref(), Some("p_"));
        let types: Vec<_> = o
            .additional_type_attributes
            .iter()
            .map(|(s, a)| (s.as_str(), a.replace(' ', "")))
            .collect();
        assert_eq!(
            types,
            [
                ("a:b/c/t", "#[derive(Hash)]".to_string()),
                ("a:b/c/t", "#[doc=\"x\"]".to_string())
            ]
        );
        assert_eq!(o.additional_member_attributes[0].0, "a:b/c/t.f");
        assert_eq!(o.chainable_methods, ["all", "-a:b/c#r"]);
        let err = parse(r#"{ additional_type_attributes: { "a:b/c/t": [] } }"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("must not be empty"), "{err}");
        let err = parse(r#"{ map_type: "Hash Map" }"#).err().unwrap();
        assert!(err.to_string().contains("not a Rust path"), "{err}");
    }

    #[test]
    fn mistakes_are_reported_with_a_message() {
        let err = parse("{ wrold: \"w\" }").err().unwrap();
        assert!(err.to_string().contains("unknown option `wrold`"), "{err}");
        let err = parse("{ stubs, stubs }").err().unwrap();
        assert!(err.to_string().contains("given twice"), "{err}");
        let err = parse("{ ownership: Sharing }").err().unwrap();
        assert!(err.to_string().contains("unknown ownership"), "{err}");
        let err = parse("{ world }").err().unwrap();
        assert!(err.to_string().contains("needs a value"), "{err}");
        for option in ["runtime_path", "default_bindings_module"] {
            let err = parse(&format!("{{ {option}: \"not a path\" }}"))
                .err()
                .unwrap();
            assert!(
                err.to_string().contains("`not a path` is not a Rust path"),
                "{err}"
            );
        }
    }
}
