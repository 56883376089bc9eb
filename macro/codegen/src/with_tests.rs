//! `with` and `generate_all`: one test per rule, each case's decision
//! (accept, missing key, unused key) being the one `wit_bindgen::generate!`
//! 0.61 makes for the same WIT and options.

use crate::tests::remapped_to;
use crate::{Error, Opts, WitSource, WithTarget, generate};
use std::path::Path;

/// `root:w` imports a foreign `a:b` package (with a `use` between its
/// interfaces) and its own `local` interface, and exports `mine` which uses
/// a foreign type.
const WIT: &str = "package root:w;
    package a:b@1.0.0 {
        interface types { record r { s: string } type alias = r; }
        interface api { use types.{r}; f: func(x: r) -> r; }
        interface both { g: func(); }
    }
    interface local { h: func(); }
    interface mine { use a:b/types@1.0.0.{r}; k: func(x: r); }
    world w {
        record point { x: u32 }
        import a:b/api@1.0.0;
        import local;
        import p: func(p: point);
        export mine;
    }";

/// Like [`WIT`], but `a:b/both` is imported and exported.
const BOTH: &str = "package root:w;
    package a:b@1.0.0 { interface both { g: func(); } }
    world w { import a:b/both@1.0.0; export a:b/both@1.0.0; }";

enum Expect {
    Ok,
    Missing(&'static str),
    Unused(&'static str),
}

fn check(wit: &str, with: &[(&str, Option<&str>)], generate_all: bool, expect: Expect) -> String {
    let opts = Opts {
        with: with
            .iter()
            .map(|(k, t)| {
                let target = t.map_or(WithTarget::Generate, |p| WithTarget::Path(p.into()));
                (k.to_string(), target)
            })
            .collect(),
        generate_all,
        ..Opts::default()
    };
    let source = WitSource {
        paths: vec![],
        inline: Some(wit.to_string()),
    };
    let result = generate(Path::new("."), &source, &opts).map(|g| g.tokens.to_string());
    match (expect, result) {
        (Expect::Ok, Ok(out)) => out,
        (Expect::Missing(key), Err(Error::MissingWith(k))) if k == key => String::new(),
        (Expect::Unused(key), Err(Error::UnusedWith(k))) if k == key => String::new(),
        (_, Ok(_)) => panic!("accepted, but wit-bindgen rejects {with:?}"),
        (_, Err(e)) => panic!("unexpected error for {with:?}: {e}"),
    }
}

#[test]
fn foreign_imports_need_with_or_generate_all() {
    // `api` is listed first, its dependency `types` is checked first.
    check(WIT, &[], false, Expect::Missing("a:b/types@1.0.0"));
    check(
        WIT,
        &[("a:b/types@1.0.0", None)],
        false,
        Expect::Missing("a:b/api@1.0.0"),
    );
    let err = check(WIT, &[], true, Expect::Ok);
    assert!(err.contains("pub mod api"), "generate_all generates them");
}

#[test]
fn with_generate_or_a_path_decides_for_an_interface() {
    let with = [
        ("a:b/types@1.0.0", Some("crate::elsewhere")),
        ("a:b/api@1.0.0", None),
    ];
    let out = check(WIT, &with, false, Expect::Ok);
    assert!(out.contains("pub mod api"));
    assert!(!out.contains("pub mod types"), "remapped, not generated");
    assert!(remapped_to(&out, "crate :: elsewhere", ":: R"), "{out}");
}

#[test]
fn the_worlds_own_package_is_generated_without_with() {
    let out = check(WIT, &[], true, Expect::Ok);
    assert!(out.contains("pub mod local"));
    let with = [("root:w/local", Some("crate::mine"))];
    let out = check(WIT, &with, true, Expect::Ok);
    assert!(!out.contains("pub mod local"), "but `with` still remaps it");
}

#[test]
fn keys_for_exports_are_accepted_and_ignored() {
    let out = check(
        WIT,
        &[("root:w/mine", Some("crate::nope"))],
        true,
        Expect::Ok,
    );
    assert!(
        !out.contains("crate :: nope"),
        "exports are always generated"
    );
    // Imported and exported: a decision is still required; the import side
    // follows it and the export side is generated whatever it says.
    check(BOTH, &[], false, Expect::Missing("a:b/both@1.0.0"));
    let out = check(
        BOTH,
        &[("a:b/both@1.0.0", Some("crate::nope"))],
        false,
        Expect::Ok,
    );
    assert!(out.contains("pub unsafe fn _export_g_cabi"), "{out}");
    assert!(out.contains("use crate :: nope as"), "{out}");
}

#[test]
fn type_keys_name_the_definition_not_an_alias() {
    let with = [("a:b/types@1.0.0/r", Some("crate::R2"))];
    let out = check(WIT, &with, true, Expect::Ok);
    assert!(remapped_to(&out, "crate :: R2", ""), "{out}");
    assert!(!out.contains("pub struct R "), "the record is not defined");
    // `api/r` is a `use` and `types/alias` a `type` alias of `types/r`:
    // wit-bindgen names both by their definition, so these keys match
    // nothing.
    let with = [("a:b/api@1.0.0/r", Some("crate::R2"))];
    check(WIT, &with, true, Expect::Unused("a:b/api@1.0.0/r"));
    let with = [("a:b/types@1.0.0/alias", Some("crate::R2"))];
    check(WIT, &with, true, Expect::Unused("a:b/types@1.0.0/alias"));
}

#[test]
fn world_types_are_keyed_by_world_name() {
    let out = check(WIT, &[("w/point", Some("crate::P"))], true, Expect::Ok);
    assert!(remapped_to(&out, "crate :: P", ""), "{out}");
    assert!(!out.contains("pub struct Point"));
}

#[test]
fn unknown_keys_are_rejected_even_with_generate_all() {
    check(
        WIT,
        &[("a:b/nope@1.0.0", None)],
        true,
        Expect::Unused("a:b/nope@1.0.0"),
    );
    // Versionless keys do not match versioned interfaces.
    check(WIT, &[("a:b/api", None)], true, Expect::Unused("a:b/api"));
}
