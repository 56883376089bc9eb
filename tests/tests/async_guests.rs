//! The async test guests run end to end on weft's own host: `pacer`
//! (exports `pacing`), `async-relay` (imports `pacing`, exports `relay`) and
//! `relay-driver` (imports `relay`), instantiated in that order in one store
//! the way `weft run --link pacer.wasm --link async_relay.wasm ...` links
//! them, and their async exports called from the host. Every async import
//! is another component's async export, so each call crosses the harness's
//! scheduler: a task waits on subtasks in the next component, whose tasks
//! yield before they answer.
//!
//! The driver writes the streams and futures (host-owned ends have their
//! own tests in the harness); it also gives up on calls, which is how cancellation
//! travels down the chain (driver -> relay -> pacer), and the pacer counts
//! the tasks it saw cancelled. Backpressure is the pacer's: switched on, it
//! must run its `echo-later` tasks one at a time.
//!
//! Each test runs every pairing of generators: all weft, all wit-bindgen,
//! and a wit-bindgen relay between weft components and the reverse.

use anyhow::{Context, Result, anyhow};
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{Component, Engine, Instance, Linker, Store, Val};
use weft_tests::Generator;
use weft_tests::guests::{
    GuestBuild, build_guest_workspace, build_mixed_guest, build_two_wefts_guest,
};

const RELAY: &str = "test:guests/relay@0.1.0";
const CONTROL: &str = "test:guests/pacer-control@0.1.0";

/// Which generator built each of the three components.
#[derive(Clone, Copy, Debug)]
struct Pairing {
    pacer: Generator,
    relay: Generator,
    driver: Generator,
}

const PAIRINGS: &[Pairing] = &[
    Pairing {
        pacer: Generator::Weft,
        relay: Generator::Weft,
        driver: Generator::Weft,
    },
    Pairing {
        pacer: Generator::WitBindgen,
        relay: Generator::WitBindgen,
        driver: Generator::WitBindgen,
    },
    Pairing {
        pacer: Generator::Weft,
        relay: Generator::WitBindgen,
        driver: Generator::Weft,
    },
    Pairing {
        pacer: Generator::WitBindgen,
        relay: Generator::Weft,
        driver: Generator::WitBindgen,
    },
];

fn build(generator: Generator) -> &'static GuestBuild {
    use std::sync::OnceLock;
    static WEFT: OnceLock<GuestBuild> = OnceLock::new();
    static PEER: OnceLock<GuestBuild> = OnceLock::new();
    let cell = match generator {
        Generator::Weft => &WEFT,
        Generator::WitBindgen => &PEER,
    };
    cell.get_or_init(|| build_guest_workspace(generator).unwrap_or_else(|e| panic!("{e:#}")))
}

/// The three components, instantiated in one store.
struct Chain {
    store: Store<WasiCtx>,
    pacer: Instance,
    relay: Instance,
    driver: Instance,
}

impl Chain {
    /// Links the chain on a FIFO schedule.
    fn link(pairing: Pairing) -> Chain {
        Chain::link_seeded(pairing, None)
    }

    /// Links the chain on the schedule `seed` picks.
    fn link_seeded(pairing: Pairing, seed: Option<u64>) -> Chain {
        let (mut store, mut linker) = empty_store(seed);
        let mut add = |guest: &str, generator: Generator| {
            add_instance(&mut store, &mut linker, build(generator), guest)
                .unwrap_or_else(|e| panic!("{pairing:?}: {e:#}"))
        };
        let pacer = add("pacer", pairing.pacer);
        let relay = add("async-relay", pairing.relay);
        let driver = add("relay-driver", pairing.driver);
        Chain {
            store,
            pacer,
            relay,
            driver,
        }
    }

    /// Calls export `name` of `instance` with `params`; its result.
    fn call(&mut self, instance: &Instance, name: &str, params: &[Val]) -> Result<Val> {
        let func = instance
            .get_func(&mut self.store, name)
            .with_context(|| format!("no export {name}"))?;
        let mut results = vec![Val::Bool(false); func.results(&mut self.store).len()];
        func.call(&mut self.store, params, &mut results)
            .map_err(|e| anyhow!("{name}: {e}"))?;
        Ok(results.pop().unwrap_or(Val::Tuple(Vec::new())))
    }

    fn relay(&mut self, func: &str, params: &[Val]) -> Val {
        let relay = self.relay.clone();
        self.call(&relay, &format!("{RELAY}#{func}"), params)
            .unwrap_or_else(|e| panic!("{e:#}"))
    }

    fn driver(&mut self, func: &str, params: &[Val]) -> Val {
        let driver = self.driver.clone();
        self.call(&driver, func, params)
            .unwrap_or_else(|e| panic!("{e:#}"))
    }

    fn control(&mut self, func: &str, params: &[Val]) -> Val {
        let pacer = self.pacer.clone();
        self.call(&pacer, &format!("{CONTROL}#{func}"), params)
            .unwrap_or_else(|e| panic!("{e:#}"))
    }
}

/// A store with nothing instantiated yet and a linker holding WASI; with a
/// seed, the scheduler draws every choice the component model leaves open
/// from it.
fn empty_store(seed: Option<u64>) -> (Store<WasiCtx>, Linker<WasiCtx>) {
    let engine = Engine::default();
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    if let Some(seed) = seed {
        store.set_seed(seed);
    }
    let mut linker = Linker::<WasiCtx>::new(&engine);
    weft_harness::wasi::add_to_linker(&mut linker).expect("WASI links");
    (store, linker)
}

fn add_instance(
    store: &mut Store<WasiCtx>,
    linker: &mut Linker<WasiCtx>,
    build: &GuestBuild,
    guest: &str,
) -> Result<Instance> {
    add_file(store, linker, &build.component(guest)?, guest)
}

/// Instantiates the component at `path` and offers its exports to those
/// instantiated after it.
fn add_file(
    store: &mut Store<WasiCtx>,
    linker: &mut Linker<WasiCtx>,
    path: &std::path::Path,
    guest: &str,
) -> Result<Instance> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    let component =
        Component::new(store.engine(), &bytes).map_err(|e| anyhow!("loading {guest}: {e}"))?;
    let instance = linker
        .instantiate(&mut *store, &component)
        .map_err(|e| anyhow!("instantiating {guest}: {e}"))?;
    linker
        .define_instance(&instance)
        .map_err(|e| anyhow!("linking {guest}: {e}"))?;
    Ok(instance)
}

fn string(s: &str) -> Val {
    Val::String(s.to_string())
}

fn strings(items: &[&str]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

fn ok(v: Val) -> Val {
    Val::Result(Ok(Some(Box::new(v))))
}

#[test]
fn async_exports_await_async_imports_across_components() {
    for &pairing in PAIRINGS {
        let mut chain = Chain::link(pairing);
        let relay = chain.relay.clone();
        // starting-at(1).tick() + new().tick() + measure(empty stream).
        let ping = chain
            .call(&relay, "ping", &[])
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(ping, Val::U64(3), "{pairing:?}");
        let texts = strings(&["a", "b", "c", "d"]);
        assert_eq!(
            chain.relay("relay", std::slice::from_ref(&texts)),
            texts,
            "{pairing:?}"
        );
        assert_eq!(
            chain.relay("relay", &[strings(&[])]),
            strings(&[]),
            "{pairing:?}"
        );
        assert_eq!(
            chain.relay("fail", &[string("")]),
            ok(string("fine")),
            "{pairing:?}"
        );
        // An ended stream made by one export, summed by another.
        let nothing = chain.relay("nothing", &[]);
        assert!(
            matches!(nothing, Val::Stream(_)),
            "{pairing:?}: {nothing:?}"
        );
        assert_eq!(chain.relay("sum", &[nothing]), Val::U32(0), "{pairing:?}");
    }
}

/// An `error-context` made by one guest crosses the host twice: out of
/// `fail` as the error of a result, and back into `describe-failure`,
/// which reads the message the guest gave it.
#[test]
fn error_contexts_cross_components_with_their_messages() {
    for &pairing in PAIRINGS {
        let mut chain = Chain::link(pairing);
        let failed = chain.relay("fail", &[string("disk on fire")]);
        let Val::Result(Err(Some(e))) = &failed else {
            panic!("{pairing:?}: `fail` gave {failed:?}");
        };
        let Val::ErrorContext(ctx) = e.as_ref() else {
            panic!("{pairing:?}: the error is {e:?}");
        };
        assert_eq!(ctx.debug_message(), "disk on fire", "{pairing:?}");
        let described = chain.relay("describe-failure", &[(**e).clone()]);
        assert_eq!(described, string("disk on fire"), "{pairing:?}");
        let made_here = Val::ErrorContext(weft_harness::ErrorContext::new("from the host"));
        assert_eq!(
            chain.relay("describe-failure", &[made_here]),
            string("from the host"),
            "{pairing:?}"
        );
    }
}

#[test]
fn async_resource_methods_and_statics_run() {
    for &pairing in PAIRINGS {
        let mut chain = Chain::link(pairing);
        let ann = chain.relay("[constructor]session", &[string("ann")]);
        let greeting = chain.relay("[method]session.greet", &[ann, string("bob")]);
        assert_eq!(greeting, string("ann greets bob"), "{pairing:?}");
        let opened = chain.relay("[static]session.open", &[string("cy")]);
        let greeting = chain.relay("[method]session.greet", &[opened, string("di")]);
        assert_eq!(greeting, string("cy greets di"), "{pairing:?}");
    }
}

#[test]
fn streams_and_futures_written_by_spawned_tasks_reach_another_component() {
    for &pairing in PAIRINGS {
        let mut chain = Chain::link(pairing);
        for (n, chunk) in [(0, 1), (1, 1), (10, 3), (100, 100), (300, 7)] {
            let sum = chain.driver("sum-to", &[Val::U32(n), Val::U32(chunk)]);
            assert_eq!(
                sum,
                Val::U32(n * (n + 1) / 2),
                "{pairing:?}: sum-to({n}, {chunk})"
            );
        }
        let text = chain.driver("prefix-later", &[string("got: "), string("later")]);
        assert_eq!(text, string("got: later"), "{pairing:?}");
    }
}

/// wit-bindgen #1387 on weft's side: the relay returns a Rust future and a
/// Rust stream as readers, whose values are written after its tasks
/// returned; the driver passes a Rust future and a Rust stream (the relay's
/// stream, re-read) as call arguments. wit-bindgen's builds write the same
/// values through `wit_future::new`/`wit_stream::new`, so every pairing
/// must see the same results.
#[test]
fn rust_futures_and_streams_pass_as_readers() {
    for &pairing in PAIRINGS {
        let mut chain = Chain::link(pairing);
        for ticks in [0, 3] {
            let echoed = chain.driver("await-later", &[string("soon"), Val::U32(ticks)]);
            assert_eq!(echoed, string("soon"), "{pairing:?}: ticks {ticks}");
        }
        for n in [0, 1, 70, 200] {
            let counted = chain.driver("collect-count-up", &[Val::U32(n)]);
            assert_eq!(
                counted,
                Val::List((0..n).map(Val::U32).collect()),
                "{pairing:?}: collect-count-up({n})"
            );
            let sum = chain.driver("sum-of-count-up", &[Val::U32(n)]);
            let expected = n * n.saturating_sub(1) / 2;
            assert_eq!(sum, Val::U32(expected), "{pairing:?}: sum-of-count-up({n})");
        }
        let text = chain.driver("prefix-of-future", &[string("got: "), string("it")]);
        assert_eq!(text, string("got: it"), "{pairing:?}");
    }
}

#[test]
fn a_dropped_import_call_cancels_the_tasks_behind_it() {
    for &pairing in PAIRINGS {
        let mut chain = Chain::link(pairing);
        // Given enough turns the call returns and nothing is cancelled.
        let texts = strings(&["a", "b", "c"]);
        let returned = chain.driver("abandon-relay", &[texts.clone(), Val::U32(100)]);
        assert_eq!(returned, Val::Bool(true), "{pairing:?}");
        assert_eq!(chain.control("cancelled", &[]), Val::U32(0), "{pairing:?}");
        // Dropped while the relay waits on a slow echo: the relay's task is
        // cancelled, it drops its own import call, and the pacer's task
        // sees that.
        let slow = strings(&["a", "b", "c", "d", "e", "f"]);
        let returned = chain.driver("abandon-relay", &[slow, Val::U32(4)]);
        assert_eq!(returned, Val::Bool(false), "{pairing:?}");
        assert_eq!(chain.control("cancelled", &[]), Val::U32(1), "{pairing:?}");
        // Both instances are still usable afterwards.
        assert_eq!(
            chain.relay("relay", std::slice::from_ref(&texts)),
            texts,
            "{pairing:?}"
        );
    }
}

#[test]
fn backpressure_runs_the_pacer_one_task_at_a_time() {
    for &pairing in PAIRINGS {
        for exclusive in [false, true] {
            let mut chain = Chain::link(pairing);
            chain.control("exclusive", &[Val::Bool(exclusive)]);
            let (first, second) = (strings(&["a", "b", "c"]), strings(&["d", "e", "f"]));
            let both = chain.driver("relay-twice", &[first.clone(), second.clone()]);
            assert_eq!(both, Val::Tuple(vec![first, second]), "{pairing:?}");
            let peak = chain.control("peak", &[]);
            let expected = if exclusive { 1 } else { 2 };
            assert_eq!(
                peak,
                Val::U32(expected),
                "{pairing:?}, exclusive: {exclusive}"
            );
        }
    }
}

#[test]
fn the_scenarios_hold_on_seeded_schedules() {
    // Seeded schedules pick which ready task runs and which event a wait
    // delivers at random; the results must not depend on those choices.
    for &pairing in PAIRINGS {
        for seed in [1, 7, 42, 2026] {
            let what = format!("{pairing:?}, seed {seed}");
            let mut chain = Chain::link_seeded(pairing, Some(seed));
            let slow = strings(&["a", "b", "c", "d", "e", "f"]);
            let returned = chain.driver("abandon-relay", &[slow, Val::U32(4)]);
            assert_eq!(returned, Val::Bool(false), "{what}");
            assert_eq!(chain.control("cancelled", &[]), Val::U32(1), "{what}");
            let sum = chain.driver("sum-to", &[Val::U32(30), Val::U32(4)]);
            assert_eq!(sum, Val::U32(465), "{what}");
            let text = chain.driver("prefix-later", &[string("got: "), string("later")]);
            assert_eq!(text, string("got: later"), "{what}");
            chain.control("exclusive", &[Val::Bool(true)]);
            let (first, second) = (strings(&["a", "b", "c"]), strings(&["d", "e", "f"]));
            let both = chain.driver("relay-twice", &[first.clone(), second.clone()]);
            assert_eq!(both, Val::Tuple(vec![first, second]), "{what}");
            assert_eq!(chain.control("peak", &[]), Val::U32(1), "{what}");
        }
    }
}

/// One component in which weft's async export `relay` awaits `lookup`, an
/// import bound by wit-bindgen, and wit-bindgen's async export `serve`
/// awaits `fetch`, an import bound by weft (`cabi/tests/mixed-guest`). Both
/// imports are async exports of `lookup-service` that yield first, so each
/// export's task waits on a subtask that the other generator's code
/// registered through the one `wasip3_task_set` of the component.
#[test]
fn weft_and_wit_bindgen_async_code_in_one_component_run_together() {
    let mixed = build_mixed_guest().unwrap_or_else(|e| panic!("{e:#}"));
    for service in [Generator::Weft, Generator::WitBindgen] {
        for seed in [None, Some(3), Some(11)] {
            let what = format!("lookup-service by {service:?}, seed {seed:?}");
            let (mut store, instance) = beside_lookup_service(service, seed, &mixed)
                .unwrap_or_else(|e| panic!("{what}: {e:#}"));
            let mut call = |name: &str, params: &[Val]| {
                call_one(&mut store, &instance, name, params)
                    .unwrap_or_else(|e| panic!("{what}: {e:#}"))
            };
            for x in [0, 1, 2, 5, 1000] {
                // relay: lookup(x) * 2; serve: fetch(x) + 1.
                assert_eq!(
                    call("relay", &[Val::U32(x)]),
                    Val::U32((x + 100) * 2),
                    "{what}"
                );
                assert_eq!(call("serve", &[Val::U32(x)]), Val::U32(x + 11), "{what}");
            }
            // The synchronous exports of each generator still answer too.
            let greeting = call(
                "greet",
                &[string("weft"), Val::List(vec![Val::U32(2), Val::U32(3)])],
            );
            assert_eq!(greeting, string("Hello, weft! 5"), "{what}");
            assert_eq!(call("shout", &[string("both")]), string("BOTH"), "{what}");
        }
    }
}

/// A store holding `lookup-service` built by `service`, and the component
/// at `path` instantiated after it, its async imports served by it.
fn beside_lookup_service(
    service: Generator,
    seed: Option<u64>,
    path: &std::path::Path,
) -> Result<(Store<WasiCtx>, Instance)> {
    let (mut store, mut linker) = empty_store(seed);
    add_instance(&mut store, &mut linker, build(service), "lookup-service")?;
    let guest = path.file_stem().and_then(|s| s.to_str()).unwrap_or("guest");
    let instance = add_file(&mut store, &mut linker, path, guest)?;
    Ok((store, instance))
}

/// Calls export `name`, which has one result, and returns that result.
fn call_one(
    store: &mut Store<WasiCtx>,
    instance: &Instance,
    name: &str,
    params: &[Val],
) -> Result<Val> {
    let func = instance
        .get_func(&mut *store, name)
        .with_context(|| format!("no export {name}"))?;
    let mut results = vec![Val::Bool(false)];
    func.call(&mut *store, params, &mut results)
        .map_err(|e| anyhow!("{name}: {e}"))?;
    results.pop().context("one result")
}

/// One component linking two versions of weft's runtime (`tests/two-wefts`:
/// this weft and `weft-next`, a renamed copy one minor version ahead). Each
/// async export awaits, in one task, an import bound by the other copy and
/// one bound by its own, served by `lookup-service`; the component keeps
/// one `wasip3_task_set` and one `cabi_realloc`.
#[test]
fn two_weft_versions_in_one_component_run_together() {
    let component = build_two_wefts_guest().unwrap_or_else(|e| panic!("{e:#}"));
    let bytes = std::fs::read(&component).expect("read the two-wefts component");
    let main = core_module_names(&bytes);
    let count = |name: &str| main.functions.iter().filter(|n| *n == name).count();
    assert_eq!(count("wasip3_task_set"), 1, "{:?}", main.functions);
    assert_eq!(
        main.exports.iter().filter(|n| *n == "cabi_realloc").count(),
        1
    );
    // Both versioned allocators are linked; the one `cabi_realloc` forwards
    // to one of them.
    let allocators: Vec<_> = main
        .exports
        .iter()
        .filter(|n| n.starts_with("weft_cabi_realloc_v"))
        .collect();
    assert_eq!(
        allocators.len(),
        2,
        "one allocator per weft version: {allocators:?}"
    );
    for seed in [None, Some(5)] {
        let (mut store, instance) = beside_lookup_service(Generator::Weft, seed, &component)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let mut call = |name: &str, params: &[Val]| {
            call_one(&mut store, &instance, name, params)
                .unwrap_or_else(|e| panic!("seed {seed:?}: {e:#}"))
        };
        for x in [0, 1, 2, 7] {
            // lookup(x) = x + 100, fetch(x) = x + 10.
            let (lookup, fetch) = (x + 100, x + 10);
            assert_eq!(
                call("relay", &[Val::U32(x)]),
                Val::U32(lookup * 1000 + fetch)
            );
            assert_eq!(
                call("serve", &[Val::U32(x)]),
                Val::U32(fetch * 1000 + lookup)
            );
        }
        assert_eq!(call("greet", &[string("next")]), string("Hello, next!"));
        assert_eq!(call("shout", &[string("both")]), string("BOTH"));
    }
}

/// The exports and defined function names of the core module that exports
/// `cabi_realloc` (the others are wit-component's shims).
#[derive(Default)]
struct CoreNames {
    exports: Vec<String>,
    functions: Vec<String>,
}

fn core_module_names(component: &[u8]) -> CoreNames {
    use wasmparser::{Encoding, KnownCustom, Name, Parser, Payload, TypeRef};
    let mut modules = Vec::new();
    let (mut current, mut imported) = (None::<CoreNames>, 0);
    for payload in Parser::new(0).parse_all(component) {
        match payload.expect("a valid component") {
            Payload::Version {
                encoding: Encoding::Module,
                ..
            } => (current, imported) = (Some(CoreNames::default()), 0),
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if let TypeRef::Func(_) | TypeRef::FuncExact(_) = import.expect("import").ty {
                        imported += 1;
                    }
                }
            }
            Payload::ExportSection(reader) => {
                if let Some(module) = current.as_mut() {
                    for export in reader {
                        module
                            .exports
                            .push(export.expect("export").name.to_string());
                    }
                }
            }
            Payload::CustomSection(reader) => {
                if let (Some(module), KnownCustom::Name(names)) =
                    (current.as_mut(), reader.as_known())
                {
                    for name in names {
                        if let Ok(Name::Function(map)) = name {
                            for naming in map.into_iter().flatten() {
                                if naming.index >= imported {
                                    module.functions.push(naming.name.to_string());
                                }
                            }
                        }
                    }
                }
            }
            Payload::End(_) => modules.extend(current.take()),
            _ => {}
        }
    }
    modules
        .into_iter()
        .find(|m| m.exports.iter().any(|n| n == "cabi_realloc"))
        .expect("a core module exporting cabi_realloc")
}

/// A synchronous export that drops a `FutureWriter` unwritten: there is no
/// task to finish the default write in, and the end may not be dropped
/// unwritten, so weft parks the write and finishes it at a later chance
/// (wit-bindgen #1610). The reader, in another component, gets the default;
/// repeated calls each finish the previous parked write.
#[test]
fn a_future_writer_dropped_in_a_sync_export_delivers_its_default() {
    let pairing = PAIRINGS[0];
    let mut chain = Chain::link(pairing);
    for round in 0..20 {
        let later = chain.control("unwritten", &[]);
        assert!(matches!(later, Val::Future(_)), "{later:?}");
        let text = chain.relay("prefix", &[string("got "), later]);
        assert_eq!(text, string("got unwritten"), "round {round}");
    }
    // A reader dropped unread (here: passed to nothing, then the store ends)
    // is fine too: the call itself must not trap.
    chain.control("unwritten", &[]);
}
