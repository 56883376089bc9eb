//! Tests of option values: a bad value is an error naming its option, and
//! every option `wit_bindgen::generate!` 0.61.1 accepts has its meaning.

use crate::{Error, Opts, WitSource, WithTarget, generate};
use std::path::Path;

const WIT: &str = "package a:b;
    interface types { record r { s: string } variant e { bad(string), worse } }
    world w { use types.{e}; import types; export run: func() -> result<_, e>; }";

pub(crate) fn gen_opts(wit: &str, opts: &Opts) -> Result<String, Error> {
    let source = WitSource {
        paths: vec![],
        inline: Some(wit.to_string()),
    };
    generate(Path::new("."), &source, opts).map(|g| g.tokens.to_string())
}

fn option_error(opts: &Opts) -> &'static str {
    match gen_opts(WIT, opts) {
        Err(Error::Option { option, message }) => {
            assert!(message.contains("not a Rust path"), "{message}");
            option
        }
        other => panic!("expected an option error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn path_options_that_are_not_paths_are_errors_naming_the_option() {
    let opts = Opts {
        runtime_path: Some("::weft::rt oops".into()),
        ..Opts::default()
    };
    assert_eq!(option_error(&opts), "runtime_path");
    let opts = Opts {
        default_bindings_module: Some("crate::bindings!".into()),
        ..Opts::default()
    };
    assert_eq!(option_error(&opts), "default_bindings_module");
    let opts = Opts {
        additional_derives: vec!["Hash".into(), "serde::Serialize<T>".into()],
        ..Opts::default()
    };
    assert_eq!(option_error(&opts), "additional_derives");
    let opts = Opts {
        with: vec![("a:b/types".into(), WithTarget::Path("crate::x y".into()))],
        ..Opts::default()
    };
    assert_eq!(option_error(&opts), "with");
}

const EXPORTS: &str = "package a:b;
    interface api {
        resource r { m: func(); n: func() -> u32; }
        record p { x: u32 }
        enum e { one }
        g: func(p: p) -> result<_, e>;
    }
    world w { import api; export api; }";

#[test]
fn export_prefix_prefixes_every_core_export() {
    let opts = Opts {
        export_prefix: Some("pre-".into()),
        ..Opts::default()
    };
    let out = gen_opts(EXPORTS, &opts).unwrap();
    assert!(out.contains("__weft_export ! (\"pre-a:b/api#g\""), "{out}");
    assert!(
        out.contains("__weft_export ! (\"pre-a:b/api#[dtor]r\""),
        "{out}"
    );
    assert!(!out.contains("__weft_export ! (\"a:b/api"), "{out}");
}

#[test]
fn std_feature_gates_the_error_impls_and_ctors_run_unless_disabled() {
    let out = gen_opts(EXPORTS, &Opts::default()).unwrap();
    assert!(out.contains("_rt :: error_enum ! (E {"), "{out}");
    assert!(!out.contains("feature = \"std\""));
    assert!(out.contains("_rt :: run_ctors_once ()"));
    let opts = Opts {
        std_feature: true,
        disable_run_ctors_once_workaround: true,
        ..Opts::default()
    };
    let out = gen_opts(EXPORTS, &opts).unwrap();
    assert!(
        out.contains("_rt :: error_enum ! (# [cfg (feature = \"std\")] E {"),
        "{out}"
    );
    assert!(!out.contains("run_ctors_once"));
}

#[test]
fn attribute_selectors_must_match_a_generated_type_or_member() {
    let opts = Opts {
        additional_member_attributes: vec![("a:b/api/p.x".into(), "#[doc = \"X.\"]".into())],
        additional_type_attributes: vec![("a:b/api/e".into(), "#[non_exhaustive]".into())],
        ..Opts::default()
    };
    let out = gen_opts(EXPORTS, &opts).unwrap();
    assert!(out.contains("# [doc = \"X.\"] pub x : u32"), "{out}");
    assert!(out.contains("# [non_exhaustive] pub enum E"), "{out}");
    for (types, members) in [
        (vec![("a:b/api/nope", "#[a]")], vec![]),
        (vec![], vec![("a:b/api/p.y", "#[a]")]),
        (vec![("a:b/api/p", "not an attribute")], vec![]),
    ] {
        let opts = Opts {
            additional_type_attributes: types
                .iter()
                .map(|(s, a)| (s.to_string(), a.to_string()))
                .collect(),
            additional_member_attributes: members
                .iter()
                .map(|(s, a)| (s.to_string(), a.to_string()))
                .collect(),
            ..Opts::default()
        };
        match gen_opts(EXPORTS, &opts) {
            Err(Error::Option { option, .. }) => assert!(option.starts_with("additional_")),
            other => panic!("expected an option error, got {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn chainable_methods_follow_the_first_matching_directive() {
    let with = |directives: &[&str]| Opts {
        chainable_methods: directives.iter().map(|d| d.to_string()).collect(),
        ..Opts::default()
    };
    let out = gen_opts(EXPORTS, &with(&["&a:b/api#r"])).unwrap();
    assert!(out.contains("pub fn m (& self) -> & Self"), "{out}");
    assert!(
        out.contains("pub fn n (& self) -> u32"),
        "methods with results never chain"
    );
    let out = gen_opts(EXPORTS, &with(&["-a:b/api#[method]r.m", "all"])).unwrap();
    assert!(out.contains("pub fn m (& self) {"), "{out}");
    let out = gen_opts(EXPORTS, &with(&["all"])).unwrap();
    assert!(out.contains("pub fn m (self) -> Self"), "{out}");
    match gen_opts(EXPORTS, &with(&["a:b/api#nope"])) {
        Err(Error::Option { option, .. }) => assert_eq!(option, "chainable_methods"),
        other => panic!("expected an option error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn pub_export_macro_splits_the_section_and_link_helpers_can_be_disabled() {
    let out = gen_opts(EXPORTS, &Opts::default()).unwrap();
    assert!(out.contains("static __FORCE_SECTION_REF"), "{out}");
    assert_eq!(out.matches("link_section").count(), 1);
    let opts = Opts {
        pub_export_macro: true,
        disable_custom_section_link_helpers: true,
        ..Opts::default()
    };
    let out = gen_opts(EXPORTS, &opts).unwrap();
    assert!(!out.contains("__FORCE_SECTION_REF") && !out.contains("__weft_link_custom_section"));
    // The bindings' section declares the imports only; the export macro's
    // (inside `macro_rules!`) the whole world.
    let section = |label: &str| {
        let at = out.find(&format!(":a:b:w:{label}\"")).expect(label);
        let rest = &out[at..];
        rest[..rest.find("\" ;").expect("end of the section")].to_string()
    };
    assert!(section("encoded world").contains("w-imports"));
    assert!(!section("imports and exports").contains("w-imports"));
    let in_macro = &out[out.find("macro_rules !").unwrap()..];
    let in_macro = &in_macro[..in_macro.find("pub use").unwrap()];
    assert!(in_macro.contains("imports and exports"));
    assert!(!in_macro.contains(":encoded world"));
}

#[test]
fn merged_types_alias_the_first_definition_but_never_across_resources() {
    let wit = "package a:b;
        interface api {
            resource token;
            record point { x: u32 }
            record other { x: u32 }
            record holder { t: token }
            f: func(p: point, o: other, h: holder);
        }
        world w { import api; export api; }";
    let out = gen_opts(wit, &Opts::default()).unwrap();
    assert_eq!(out.matches("pub struct Point").count(), 2, "{out}");
    let opts = Opts {
        merge_structurally_equal_types: true,
        ..Opts::default()
    };
    let out = gen_opts(wit, &opts).unwrap();
    assert_eq!(out.matches("pub struct Point").count(), 1, "{out}");
    assert!(
        out.contains("pub type Other = Point ;"),
        "same structure, another name: {out}"
    );
    assert!(
        out.contains(
            "pub type Point = super :: super :: super :: super :: a :: b :: api :: Point ;"
        ),
        "{out}"
    );
    assert_eq!(
        out.matches("pub struct Holder").count(),
        2,
        "handles differ: {out}"
    );
}
