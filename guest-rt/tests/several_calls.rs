//! Several `bindgen!` calls in one crate: two in one module (an import-only
//! world next to an export world), and sibling modules sharing types
//! through `with` paths written relative to the calling module.

weft::bindgen!({
    inline: "
        package test:one;
        interface host { ping: func() -> u32; }
        world imports-only {
            import host;
            import log: func(msg: string);
        }
    ",
});

weft::bindgen!({
    inline: "
        package test:two;
        interface api {
            record point { x: u32 }
            get: func() -> point;
        }
        world exporter {
            export api;
            export run: func() -> u32;
        }
    ",
});

struct Exporter;

impl Guest for Exporter {
    fn run() -> u32 {
        7
    }
}

impl exports::test::two::api::Guest for Exporter {
    fn get() -> exports::test::two::api::Point {
        exports::test::two::api::Point { x: 3 }
    }
}

export!(Exporter);

mod consumer {
    /// Bindings for the shared types, generated once.
    pub mod provider {
        weft::bindgen!({
            inline: "
                package test:shared;
                interface types { record item { n: u32 } }
                world provider { import types; }
            ",
        });
    }

    weft::bindgen!({
        inline: "
            package test:shared;
            interface types { record item { n: u32 } }
            interface use-it {
                use types.{item};
                take: func(i: item) -> item;
            }
            world consumer { import use-it; export use-it; }
        ",
        // Relative to this module, as a `use` here would be.
        with: { "test:shared/types": provider::test::shared::types },
    });

    pub struct Consumer;

    impl exports::test::shared::use_it::Guest for Consumer {
        fn take(i: provider::test::shared::types::Item) -> provider::test::shared::types::Item {
            provider::test::shared::types::Item { n: i.n * 2 }
        }
    }

    export!(Consumer);
}

#[test]
fn both_worlds_of_one_module_are_usable() {
    // The import-only world's functions are there (stubs natively).
    let ping: fn() -> u32 = test::one::host::ping;
    let log: fn(&str) = log;
    std::hint::black_box((ping, log));
    // SAFETY: `run` takes no arguments and returns a scalar.
    assert_eq!(unsafe { _export_run_cabi::<Exporter>() }, 7);
}

#[test]
fn a_with_path_relative_to_the_calling_module_names_the_shared_type() {
    use consumer::exports::test::shared::use_it::_export_take_cabi;
    // SAFETY: `take` takes one flat u32 and returns one.
    assert_eq!(unsafe { _export_take_cabi::<consumer::Consumer>(21) }, 42);
}

/// `stubs` in a module of its own: the `Stub` implementations name runtime
/// types (`String`), which must resolve from the caller's module.
mod stubbed {
    weft::bindgen!({
        inline: "
            package test:stubbed;
            interface api { echo: func(s: string) -> list<string>; }
            world stubbed { export api; export greet: func(name: string) -> string; }
        ",
        stubs,
    });
}

#[test]
fn stubs_implement_every_export() {
    use stubbed::exports::test::stubbed::api::Guest as _;
    let echo: fn(String) -> Vec<String> = stubbed::Stub::echo;
    std::hint::black_box(echo);
}
