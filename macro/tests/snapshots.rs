//! Codegen snapshots: the `prettyplease`-formatted bindings of a few small
//! worlds (one sync, one async, one with resources) are committed under
//! `tests/snapshots/`, so any change in generated code shows up in review.
//!
//! After an intended change, regenerate them with
//! `WEFT_BLESS_SNAPSHOTS=1 cargo test -p weft-macro --test snapshots` and
//! commit the diff.

use std::path::{Path, PathBuf};
use weft_codegen::{Opts, WitSource, generate};

const SYNC: &str = "
    package snap:sync;
    interface types {
        record point { x: s32, y: s32 }
        variant shape { dot(point), line(tuple<point, point>), none }
        flags perms { read, write, exec }
        measure: func(s: shape, names: list<string>) -> result<u64, string>;
    }
    world sync {
        import types;
        export types;
        export hello: func(name: string) -> string;
    }
";

const ASYNC: &str = "
    package snap:concurrent;
    interface io {
        fetch: async func(url: string) -> result<list<u8>, error-context>;
        lines: func() -> stream<string>;
    }
    world concurrent {
        import io;
        export run: async func(input: stream<u8>, done: future<u32>) -> u32;
        export feed: async func() -> future<u32>;
    }
";

const RESOURCES: &str = "
    package snap:res;
    interface files {
        resource file {
            constructor(path: string);
            read: func(n: u32) -> list<u8>;
            open: static func(path: string) -> result<file, string>;
        }
        copy: func(src: borrow<file>, dst: own<file>);
    }
    world res {
        import files;
        export files;
    }
";

fn snapshot(name: &str, wit: &str) {
    let source = WitSource {
        paths: vec![],
        inline: Some(wit.to_string()),
    };
    let generated = match generate(Path::new("."), &source, &Opts::default()) {
        Ok(g) => g.tokens,
        Err(e) => panic!("{name}: {e}"),
    };
    let file = match syn::parse2::<syn::File>(generated) {
        Ok(f) => f,
        Err(e) => panic!("{name}: generated code does not parse: {e}"),
    };
    let text = prettyplease::unparse(&file);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("WEFT_BLESS_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "read {}: {e}\nhelp: create it with WEFT_BLESS_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != text {
        let line = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(text.lines().count()));
        panic!(
            "{name}: generated code differs from {} from line {} on\n  expected: {:?}\n  got:      {:?}\n\
             help: if intended, run WEFT_BLESS_SNAPSHOTS=1 cargo test -p weft-macro --test snapshots",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            text.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

#[test]
fn sync_world_bindings_are_unchanged() {
    snapshot("sync", SYNC);
}

#[test]
fn async_world_bindings_are_unchanged() {
    snapshot("async", ASYNC);
}

#[test]
fn resource_world_bindings_are_unchanged() {
    snapshot("resources", RESOURCES);
}
