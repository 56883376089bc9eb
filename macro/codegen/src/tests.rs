//! End-to-end tests of [`generate`](crate::generate) on inline WIT: option
//! handling and error reporting. (Whether generated code compiles and runs
//! is checked by the workspace's corpus and guest tests.)

use crate::{Error, Opts, Ownership, WitSource, WithTarget, generate};
use std::path::Path;

const WIT: &str = "package a:b@1.0.0;
    interface types { record r { s: string } }
    interface api { use types.{r}; f: func(x: r) -> r; }
    world w { import api; export api; export run: func(); }";

fn gen_with(wit: &str, opts: &Opts) -> Result<String, Error> {
    let source = WitSource {
        paths: vec![],
        inline: Some(wit.to_string()),
    };
    generate(Path::new("."), &source, opts).map(|g| g.tokens.to_string())
}

/// Whether `out` aliases `path` (a `with` target) in the caller's module and
/// refers to `rest` through that alias.
pub(crate) fn remapped_to(out: &str, path: &str, rest: &str) -> bool {
    let needle = format!("use {path} as ");
    let Some(at) = out.find(&needle) else {
        return false;
    };
    let alias: String = out[at + needle.len()..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    out.contains(&format!("{alias} {rest}"))
}

#[test]
fn with_remaps_an_interface_and_rejects_unused_keys() {
    let opts = Opts {
        with: vec![(
            "a:b/types@1.0.0".into(),
            WithTarget::Path("crate::elsewhere".into()),
        )],
        ..Opts::default()
    };
    let out = gen_with(WIT, &opts).unwrap();
    assert!(
        remapped_to(&out, "crate :: elsewhere", ":: R"),
        "remapped type is referenced"
    );
    assert!(
        !out.contains("pub mod types"),
        "remapped interface is not generated"
    );

    let opts = Opts {
        with: vec![("a:b/nope@1.0.0".into(), WithTarget::Generate)],
        ..Opts::default()
    };
    match gen_with(WIT, &opts) {
        Err(Error::UnusedWith(key)) => assert_eq!(key, "a:b/nope@1.0.0"),
        other => panic!("expected an unused-with error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn borrowing_mode_duplicates_types_used_both_ways() {
    let opts = Opts {
        ownership: Ownership::Borrowing {
            duplicate_if_necessary: true,
        },
        ..Opts::default()
    };
    let out = gen_with(WIT, &opts).unwrap();
    assert!(out.contains("pub struct RParam < 'a >"), "{out}");
    assert!(out.contains("pub struct RResult"));
}

#[test]
fn export_macro_name_and_stubs_are_honoured() {
    let opts = Opts {
        export_macro_name: Some("export_it".into()),
        stubs: true,
        ..Opts::default()
    };
    let out = gen_with(WIT, &opts).unwrap();
    assert!(out.contains("as export_it"));
    assert!(out.contains("export_it ! (Stub)"));
}

#[test]
fn keywords_and_custom_section_are_generated() {
    let wit = "package a:b; world w { import %type: func(%self: u32, %type: string); }";
    let out = gen_with(wit, &Opts::default()).unwrap();
    assert!(
        out.contains("pub fn type_ (self_ : u32 , type_ : & '_ str)"),
        "{out}"
    );
    assert!(out.contains("component-type:weft:"));
}

#[test]
fn async_is_bound_and_bad_wit_is_reported_not_panicked() {
    let out = gen_with(
        "package a:b; world w { export f: async func(s: stream<u8>) -> future<string>; }",
        &Opts::default(),
    )
    .unwrap();
    // The built-ins are imported under the names wit-component decodes.
    for name in [
        "[async-lift]f",
        "[callback][async-lift]f",
        "[task-return]f",
        "[stream-new-0]f",
        "[async-lower][stream-read-0]f",
        "[future-drop-writable-1]f",
    ] {
        assert!(out.contains(&format!("\"{name}\"")), "{name} missing");
    }
    let err = gen_with(
        "package a:b; world w { export f: func() -> nope; }",
        &Opts::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Wit(_)), "{err}");
}

#[test]
fn unused_types_are_generated_on_request() {
    let wit = "package a:b;
        interface extra { record lonely { x: u32 } never-linked: func(l: lonely); }
        world w { export run: func(); }";
    assert!(!gen_with(wit, &Opts::default()).unwrap().contains("Lonely"));
    let opts = Opts {
        generate_unused_types: true,
        ..Opts::default()
    };
    let out = gen_with(wit, &opts).unwrap();
    assert!(out.contains("pub struct Lonely"));
    assert!(
        !out.contains("never_linked"),
        "types only, no functions: {out}"
    );
}

#[test]
fn unstable_items_follow_the_features_option_and_docs_become_rustdoc() {
    let wit = "package a:b@1.0.0;
        world w {
            /// Says hello.
            export hello: func();
            @unstable(feature = fancy)
            export fancy: func();
        }";
    let out = gen_with(wit, &Opts::default()).unwrap();
    assert!(out.contains("# [doc = r\" Says hello.\"]"), "{out}");
    assert!(!out.contains("fn fancy"));
    let opts = Opts {
        features: vec!["fancy".into()],
        ..Opts::default()
    };
    assert!(gen_with(wit, &opts).unwrap().contains("fn fancy"));
}

#[test]
fn two_versions_of_one_package_get_distinct_modules() {
    let wit = "package root:w;
        package a:b@0.1.0 { interface i { f: func(); } }
        package a:b@0.2.0 { interface i { f: func(); } }
        world w { import a:b/i@0.1.0; import a:b/i@0.2.0; }";
    let opts = Opts {
        generate_all: true,
        ..Opts::default()
    };
    let out = gen_with(wit, &opts).unwrap();
    assert!(out.contains("pub mod b0_1_0"), "{out}");
    assert!(out.contains("pub mod b0_2_0"));
    assert!(
        out.contains("\"a:b/i@0.1.0\"") && out.contains("\"a:b/i@0.2.0\""),
        "import modules keep versions"
    );
}

#[test]
fn owning_mode_borrows_the_top_layer_of_import_parameters_like_wit_bindgen() {
    let wit = "package a:b;
        interface i {
            resource r;
            record rec { s: string }
            record plain { n: u32 }
            f: func(a: option<string>, b: list<string>, c: tuple<string, u32>, d: rec, e: plain,
                    h: result<string, u32>, k: option<rec>, o: list<r>);
        }
        world w { import i; }";
    let out = gen_with(wit, &Opts::default()).unwrap();
    let expected = "pub fn f (a : _rt :: Option < & '_ str > , \
                    b : & '_ [_rt :: String] , c : (& '_ str , u32 ,) , d : & '_ Rec , \
                    e : Plain , h : _rt :: Result < & '_ str , u32 > , \
                    k : _rt :: Option < & '_ Rec > , o : _rt :: Vec < R >)";
    assert!(out.contains(expected), "{out}");
}

#[test]
fn flags_beyond_the_component_model_limit_are_rejected() {
    let names: Vec<String> = (0..33).map(|i| format!("g{i}")).collect();
    let wit = format!(
        "package a:b; world w {{ flags big {{ {} }} export f: func(x: big); }}",
        names.join(", ")
    );
    let err = gen_with(&wit, &Opts::default()).unwrap_err();
    assert!(
        err.to_string().contains("flags `big` has 33 flags"),
        "{err}"
    );
    let wit = wit.replace(", g32", "");
    assert!(gen_with(&wit, &Opts::default()).is_ok());
}

/// Every simple `let` binding in `tokens` (recursively), as written.
fn let_bindings(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(g) => let_bindings(g.stream(), out),
            TokenTree::Ident(kw) if kw == "let" => {
                let mut next = trees[i + 1..].iter();
                let mut name = next.next();
                if matches!(name, Some(TokenTree::Ident(m)) if m == "mut") {
                    name = next.next();
                }
                if let Some(TokenTree::Ident(name)) = name {
                    out.push(name.to_string());
                }
            }
            TokenTree::Ident(_) | TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

#[test]
fn generated_locals_cannot_collide_with_parameters_named_like_them() {
    let wit = "package a:b;
        interface i {
            record base { ptr0: u32 }
            f: func(ptr0: string, len0: list<u32>, ret: option<string>, %result: list<string>,
                    base: base, vec1: list<u8>, e0: list<list<string>>, payload0: option<u32>,
                    t1: tuple<u32, string>, wit-import: u32, i: list<string>) -> list<string>;
        }
        world w { import i; export i; }";
    let source = WitSource {
        paths: vec![],
        inline: Some(wit.to_string()),
    };
    let tokens = generate(Path::new("."), &source, &Opts::default())
        .unwrap()
        .tokens;
    let mut bound = Vec::new();
    let_bindings(tokens, &mut bound);
    assert!(bound.iter().any(|b| b.starts_with("_ptr")), "{bound:?}");
    let params = [
        "ptr0",
        "len0",
        "ret",
        "result",
        "base",
        "vec1",
        "e0",
        "payload0",
        "t1",
        "wit_import",
        "i",
    ];
    for name in &bound {
        // `let Base { .. } = ..` destructures a WIT type: not a local.
        let is_type = name.starts_with(|c: char| c.is_ascii_uppercase());
        assert!(
            is_type || name.starts_with('_'),
            "generated local `{name}` could collide with a WIT name"
        );
        assert!(!params.contains(&name.as_str()), "`{name}` is rebound");
    }
}

#[test]
fn named_interface_imports_are_rejected_on_the_item() {
    let wit = "package a:b;
        interface store { get: func() -> u32; }
        world w {
            import primary: store;
            import secondary: store;
            export run: func();
        }";
    let err = gen_with(wit, &Opts::default()).expect_err("must be rejected");
    let msg = err.to_string();
    assert!(matches!(err, Error::Unsupported(_)), "{msg}");
    assert!(msg.contains("`primary: store`"), "{msg}");
    assert!(
        msg.contains("world `w`") && msg.contains("<inline>:"),
        "names the place: {msg}"
    );
}

#[test]
fn async_option_filters_choose_the_abi_per_function() {
    let wit = "package a:b;
        interface i { f: func(); h: async func(); }
        world w { import i; export g: async func(); export k: func(); }";
    let opts = |filters: &[&str]| Opts {
        async_filters: filters.iter().map(|f| f.to_string()).collect(),
        ..Opts::default()
    };
    let has = |out: &str, name: &str| out.contains(&format!("\"{name}\""));
    // Default: follow the WIT.
    let out = gen_with(wit, &Opts::default()).unwrap();
    assert!(has(&out, "f") && has(&out, "[async-lower]h"));
    assert!(has(&out, "[async-lift]g") && has(&out, "k"));
    // First match wins; `import:`/`export:` restrict a filter to one side.
    let out = gen_with(wit, &opts(&["import:a:b/i#h", "-all"])).unwrap();
    assert!(
        has(&out, "[async-lower]h"),
        "h kept async by the first filter"
    );
    assert!(
        has(&out, "g") && !has(&out, "[async-lift]g"),
        "g forced sync by -all"
    );
    let out = gen_with(wit, &opts(&["-export:g"])).unwrap();
    assert!(has(&out, "[async-lower]h") && !has(&out, "[async-lift]g"));
    // As in wit-bindgen, `all` makes plain `func`s async too, in Rust: the
    // import `f` is an `async fn` and the export `k` an `async fn` trait
    // method. Their ABI stays sync (the `async` canonical option needs an
    // `async func` type), so `k`'s glue runs the method with `block_on`.
    let out = gen_with(wit, &opts(&["all"])).unwrap();
    assert!(out.contains("pub async fn f ("), "f is an async fn");
    assert!(
        has(&out, "f") && !has(&out, "[async-lower]f"),
        "f lowered sync"
    );
    assert!(out.contains("async fn k ("), "k is an async trait method");
    assert!(
        has(&out, "k") && !has(&out, "[async-lift]k"),
        "k lifted sync"
    );
    assert!(out.contains("_rt :: async_support :: block_on (T_ :: k ())"));
    assert!(has(&out, "[async-lower]h") && has(&out, "[async-lift]g"));
    // A filter that decides nothing is reported (a typo, a wrong side, or
    // shadowed by an earlier filter); `all` and `-all` never are.
    for filter in ["a:b/i#nope", "export:a:b/i#h", "import:g"] {
        let err = gen_with(wit, &opts(&[filter])).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("unused async option: `{filter}`")),
            "{msg}"
        );
    }
    let err = gen_with(wit, &opts(&["-all", "-export:g"])).unwrap_err();
    assert!(err.to_string().contains("`-export:g`"), "{err}");
    gen_with(wit, &opts(&["-all"])).expect("an unused-looking `-all` is fine");
    let out = gen_with(wit, &opts(&["export:k"])).unwrap();
    assert!(out.contains("async fn k (") && !out.contains("pub async fn f ("));
}

#[test]
fn lists_of_plain_records_cross_as_one_buffer() {
    let wit = "package a:b;
        interface i {
            record p { x: s32, y: f64 }
            record q { p: p, n: u8 }
            record s { name: string }
            record f { ok: bool }
            pass-p: func(x: list<p>) -> list<q>;
            pass-s: func(x: list<s>, y: list<f>);
        }
        world w { import i; export i; }";
    let out = gen_with(wit, &Opts::default()).unwrap();
    // Records of numbers (nested too) are laid out as the canonical ABI
    // does, and lists of them are lifted without an element loop.
    assert_eq!(out.matches("# [repr (C)] pub struct P").count(), 2, "{out}");
    assert_eq!(out.matches("# [repr (C)] pub struct Q").count(), 2);
    assert!(out.contains("list_lift :: < P > (arg0 , arg1)"), "{out}");
    assert!(out.contains("list_lift :: < Q > ("));
    // A string or a bool field keeps the element-wise path.
    assert!(!out.contains("# [repr (C)] pub struct S"));
    assert!(!out.contains("# [repr (C)] pub struct F"));
    assert!(!out.contains("list_lift :: < S >") && !out.contains("list_lift :: < F >"));
}

#[test]
fn variants_loaded_from_memory_share_one_helper() {
    let wit = "package a:b;
        interface api {
            resource res;
            variant err { a(string), b(u32), c }
            variant holder { r(res), none }
            f: func() -> result<string, err>;
            g: func() -> result<u64, err>;
            k: func() -> result<holder, string>;
        }
        world w { import api; }";
    let out = gen_with(wit, &Opts::default()).unwrap();
    assert_eq!(
        out.matches("fn __weft_load_err").count(),
        1,
        "one helper for `err`"
    );
    assert_eq!(
        out.matches("= __weft_load_err (").count(),
        2,
        "`f` and `g` call it"
    );
    assert_eq!(
        out.matches("string_lift").count(),
        3,
        "the strings of `f` and `k`, and `err`'s case `a` in the helper only"
    );
    // A handle may need the calling function's arena: lifted in place.
    assert!(!out.contains("__weft_load_holder"), "{out}");
}
