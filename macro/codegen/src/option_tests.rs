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
