//! The test guests run end to end on weft's own host (`weft-harness`, the
//! library behind `weft run --link ...`): each runner is instantiated after
//! the components that satisfy its imports, its `wasi:cli/run` export is
//! called, and its captured output must end in a clean summary.
//!
//! The chain is linked exactly as the CLI links it: one linker holding WASI,
//! shadowing allowed, each component's exports added after it is
//! instantiated. That covers two linker rules: interfaces that only declare
//! types need no definition (the provider imports two), and a component that
//! imports and re-exports an interface (`store`) stands in for the earlier
//! definition.

use anyhow::{Context, Result, anyhow, bail};
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{Component, Engine, Linker, Store, Val};
use weft_tests::build_guests;

/// What a runner printed, and whether `run` returned `ok`.
struct RunOutcome {
    stdout: String,
    ok: bool,
    /// Guest-to-guest calls that ran through fused adapters.
    adapter_calls: u64,
}

/// Instantiates `chain` in order, each component's imports satisfied by WASI
/// and by the exports of those before it, as `weft run --link` does, then
/// runs the last one's `wasi:cli/run`.
fn run_chain(chain: &[&str]) -> Result<RunOutcome> {
    let build = build_guests()?;
    let engine = Engine::default();
    let runner = chain.last().context("empty chain")?;
    let mut store = Store::new(&engine, WasiCtxBuilder::new().arg(*runner).build());
    let mut linker = Linker::<WasiCtx>::new(&engine);
    weft_harness::wasi::add_to_linker(&mut linker).map_err(|e| anyhow!("WASI: {e}"))?;
    linker.allow_shadowing(true);
    let mut previous = None;
    for name in chain {
        let path = build.component(name)?;
        let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
        let component =
            Component::new(&engine, &bytes).map_err(|e| anyhow!("loading {name}: {e}"))?;
        let instance = linker
            .instantiate(&mut store, &component)
            .map_err(|e| anyhow!("instantiating {name}: {e}"))?;
        linker
            .define_instance(&instance)
            .map_err(|e| anyhow!("linking {name}: {e}"))?;
        previous = Some(instance);
    }
    let instance = previous.context("empty chain")?;
    let run_export = instance
        .export_names()
        .into_iter()
        .find(|n| n.starts_with("wasi:cli/run@0.2."))
        .context("runner exports no wasi:cli/run")?;
    let run = instance
        .get_func(&mut store, &format!("{run_export}#run"))
        .context("no run function")?;
    let mut results = vec![Val::Bool(false)];
    let called = run.call(&mut store, &[], &mut results);
    let stdout = store
        .data()
        .stdout()
        .map(|o| String::from_utf8_lossy(&o.contents()).into_owned())
        .unwrap_or_default();
    let ok = match called {
        Ok(()) => matches!(results.first(), Some(Val::Result(Ok(_)))),
        // `exit(1)` after failed checks arrives as an exit code, not a trap.
        Err(e) if e.exit_code().is_some() => false,
        Err(e) => bail!("{runner} trapped: {e}\noutput so far:\n{stdout}"),
    };
    Ok(RunOutcome {
        stdout,
        ok,
        adapter_calls: store.adapter_calls(),
    })
}

fn assert_clean(outcome: &RunOutcome, runner: &str, min_checks: u32) {
    print!("{}", outcome.stdout);
    let summary = outcome.stdout.lines().last().unwrap_or_default();
    let prefix = format!("{runner}: ");
    let passed: u32 = summary
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary line from {runner}:\n{}", outcome.stdout));
    assert!(
        outcome.ok && summary.ends_with(" 0 failed") && passed >= min_checks,
        "{runner} failed on the weft host:\n{}",
        outcome.stdout
    );
}

#[test]
fn ext_runner_passes_on_weft_host() {
    let outcome = run_chain(&["ext-provider", "ext-runner"]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_clean(&outcome, "ext-runner", 21);
}

#[test]
fn parity_runner_passes_on_weft_host() {
    let outcome =
        run_chain(&["parity-provider", "parity-runner"]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_clean(&outcome, "parity-runner", 16);
}

#[test]
fn runner_passes_on_weft_host_linked_to_provider_and_leaf() {
    let outcome = run_chain(&["leaf", "provider", "runner"]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_clean(&outcome, "runner", 185);
    // The runner's calls into the provider (and the provider's into the
    // leaf) whose signatures the adapter compiler handles run as fused
    // adapters, not through the host.
    assert!(
        outcome.adapter_calls > 0,
        "no guest-to-guest call went through an adapter"
    );
}
