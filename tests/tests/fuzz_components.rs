//! No-panic, no-hang fuzzing of weft's host on whole components.
//!
//! Three sources of input, each a `#[test]` with a fixed seeded budget:
//! - **mutated guests**: the real test guests (`tests/guests`, built for
//!   wasm32-wasip2), one core module of one of them changed by `wasm-mutate`
//!   (semantics-preserving or not) and spliced back into its component, run
//!   in the chain that links it (`leaf`, `provider`, `runner`, ...);
//! - **generated components**: component text from our own generator
//!   (`weft_tests::fuzz::wat_gen`), a third of it broken on purpose;
//! - **truncations** of both, anywhere or after a whole section, and
//!   copies with a few bytes overwritten.
//!
//! Each input is loaded, instantiated against WASI and the rest of its
//! chain, and every export is called with generated arguments. Every
//! outcome must be a value, a trap or a one-line error: a panic fails the
//! test with its seed, and so does a case running past its time budget.
//! weft has no fuel limit yet, so every core module is first passed through
//! `weft_tests::fuzz::bound`, which bounds its loops and its memories and
//! tables; a case that still runs too long is a host hang.
//!
//! Inputs that once failed are checked in under `tests/fuzz-regressions/`
//! (`*.wat`) and run on every test run.
//!
//! Run longer with `WEFT_FUZZ_CASES=N` (cases per test) and a different
//! start with `WEFT_FUZZ_SEED=S`; re-run one failure with
//! `WEFT_FUZZ_SEED=<seed> WEFT_FUZZ_CASES=1 cargo test -p weft-tests --test
//! fuzz_components <test name>`. In a debug build a mutated-guest case
//! takes about 0.1-0.6 s, a generated or truncated one about 10 ms.

use rand::RngExt;
use rand::rngs::SmallRng;
use std::sync::OnceLock;
use std::time::Duration;
use wasm_mutate::WasmMutate;
use weft_tests::build_guests;
use weft_tests::fuzz::bound::{Limits, bound_module};
use weft_tests::fuzz::exercise::{DEBUG_VAR, Reached, exercise};
use weft_tests::fuzz::splice::{ModuleIndex, core_module_count, map_core_modules, section_ends};
use weft_tests::fuzz::{Budget, CaseSeed, regression_inputs, run_cases, wat_gen};

/// The chains the guests run in: each component's imports are satisfied by
/// WASI and the components before it.
const CHAINS: &[&[&str]] = &[
    &["cli-hello"],
    &["leaf"],
    &["leaf", "provider"],
    &["leaf", "provider", "runner"],
    &["ext-provider"],
    &["ext-provider", "ext-runner"],
];

/// Cases per fuzzer in CI, where the three run side by side in about a
/// minute of a debug build on 2 cores (a mutated guest case is ~0.6 s).
const MUTATED_CASES: u64 = 100;
const GENERATED_CASES: u64 = 1000;
const TRUNCATED_CASES: u64 = 300;

/// A case taking longer than this is a hang (debug builds run guests slowly).
const CASE_BUDGET: Duration = Duration::from_secs(30);

/// A guest component as built, and with its core modules bounded.
struct Guest {
    name: &'static str,
    raw: Vec<u8>,
    bounded: Vec<u8>,
}

/// Every guest of [`CHAINS`], built once.
fn guests() -> &'static [Guest] {
    static GUESTS: OnceLock<Vec<Guest>> = OnceLock::new();
    GUESTS.get_or_init(|| {
        let build = build_guests().unwrap_or_else(|e| panic!("{e:#}"));
        let mut names: Vec<&'static str> = CHAINS.iter().flat_map(|c| c.iter().copied()).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let path = build.component(name).unwrap_or_else(|e| panic!("{e:#}"));
                let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
                let bounded =
                    bound_component(&raw).unwrap_or_else(|e| panic!("bounding {name}: {e}"));
                Guest { name, raw, bounded }
            })
            .collect()
    })
}

fn guest(name: &str) -> &'static Guest {
    guests()
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no guest {name}"))
}

/// `component` with every core module bounded.
fn bound_component(component: &[u8]) -> Result<Vec<u8>, String> {
    map_core_modules(component, |_, m| {
        bound_module(m, &Limits::default()).map(Some)
    })
    .map_err(|e| format!("{e:#}"))
}

/// Runs `chain`, with the component at `target` replaced by `replacement`.
fn run_chain(
    chain: &[&str],
    target: usize,
    replacement: &[u8],
    rng: &mut SmallRng,
) -> Result<String, String> {
    let components: Vec<&[u8]> = chain
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if i == target {
                replacement
            } else {
                &guest(name).bounded[..]
            }
        })
        .collect();
    exercise(&components, rng).map(|o| o.reached.label().to_string())
}

/// How many seeds wasm-mutate gets for one mutation: its first pick of a
/// mutator often finds nothing to do in a given module.
const MUTATION_ATTEMPTS: u64 = 4;

/// One mutation of one core module of `component`; `None` if wasm-mutate
/// made nothing of it.
fn mutate(component: &[u8], rng: &mut SmallRng) -> Result<Option<Vec<u8>>, String> {
    let modules = core_module_count(component).map_err(|e| format!("{e:#}"))?;
    let target = ModuleIndex(rng.random_range(0..modules.max(1)));
    let preserve = rng.random_ratio(1, 4);
    let seed: u64 = rng.random();
    let mut mutated = false;
    let out = map_core_modules(component, |index, module| {
        if index != target {
            return Ok(None);
        }
        for attempt in 0..MUTATION_ATTEMPTS {
            let mut mutator = WasmMutate::default();
            mutator
                .seed(seed.wrapping_add(attempt))
                .preserve_semantics(preserve)
                .fuel(1000);
            let first = mutator.run(module).map(|mut outputs| outputs.next());
            match first {
                Ok(Some(Ok(new))) => {
                    mutated = true;
                    return Ok(Some(new));
                }
                Ok(Some(Err(e))) | Err(e) => {
                    debug(&format!("wasm-mutate on module {}: {e}", index.0));
                }
                Ok(None) => {}
            }
        }
        Ok(None)
    })
    .map_err(|e| format!("{e:#}"))?;
    Ok(mutated.then_some(out))
}

/// Says why a mutation did not happen, with `WEFT_FUZZ_DEBUG` set.
fn debug(what: &str) {
    if std::env::var_os(DEBUG_VAR).is_some() {
        eprintln!("{what}");
    }
}

fn mutated_guest_case(seed: CaseSeed) -> Result<String, String> {
    let mut rng = seed.rng();
    let chain = CHAINS[rng.random_range(0..CHAINS.len())];
    let target = rng.random_range(0..chain.len());
    let mut bytes = guest(chain[target]).raw.clone();
    let mut applied = 0;
    for _ in 0..rng.random_range(1..=3) {
        if let Some(next) = mutate(&bytes, &mut rng)? {
            bytes = next;
            applied += 1;
        }
    }
    if applied == 0 {
        return Ok("no mutation applied".to_string());
    }
    // Bounded after mutating, as a mutation may add loops.
    let bytes = bound_component(&bytes)?;
    run_chain(chain, target, &bytes, &mut rng)
}

fn generated_case(seed: CaseSeed) -> Result<String, String> {
    let mut rng = seed.rng();
    let generated = wat_gen::generate(&mut rng);
    let Ok(bytes) = wat_gen::encode(&generated.text) else {
        return Ok("text rejected by wast".to_string());
    };
    let reached = exercise(&[&bytes], &mut rng)
        .map_err(|why| {
            format!(
                "{why}\nbroken on purpose: {:?}\n{}",
                generated.breakage, generated.text
            )
        })?
        .reached;
    if generated.breakage.is_none() && reached == Reached::LoadError {
        // The generator's unbroken output validates (its own test checks
        // that), so weft rejecting it is worth a look: keep it visible.
        return Ok("valid text, weft load error".to_string());
    }
    Ok(reached.label().to_string())
}

fn truncated_case(seed: CaseSeed) -> Result<String, String> {
    let mut rng = seed.rng();
    let mut bytes = if rng.random() {
        guests()[rng.random_range(0..guests().len())]
            .bounded
            .clone()
    } else {
        match wat_gen::encode(&wat_gen::generate(&mut rng).text) {
            Ok(b) => b,
            Err(_) => return Ok("text rejected by wast".to_string()),
        }
    };
    match rng.random_range(0..3) {
        // Anywhere.
        0 => bytes.truncate(rng.random_range(0..bytes.len())),
        // After a whole top-level section.
        1 => {
            let ends = section_ends(&bytes).map_err(|e| format!("{e:#}"))?;
            bytes.truncate(ends[rng.random_range(0..ends.len())]);
        }
        // Not cut but damaged: a few bytes overwritten.
        _ => {
            for _ in 0..rng.random_range(1..=4) {
                let at = rng.random_range(0..bytes.len());
                bytes[at] = rng.random();
            }
        }
    }
    exercise(&[&bytes], &mut rng).map(|o| o.reached.label().to_string())
}

fn budget(default_cases: u64) -> Budget {
    Budget::from_env(default_cases).unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn bounded_guests_still_pass_their_own_checks() {
    // The bound pass must not change what a guest does within its limits:
    // the runner chain's 185+ checks still pass with every module bounded.
    let mut rng = CaseSeed(0).rng();
    let outcome = exercise(
        &[
            &guest("leaf").bounded,
            &guest("provider").bounded,
            &guest("runner").bounded,
        ],
        &mut rng,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.reached, Reached::Returned);
    let summary = outcome.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("runner: ") && summary.ends_with(" 0 failed"),
        "bounded runner chain failed:\n{}",
        outcome.stdout
    );
}

#[test]
fn checked_in_regressions_trap_or_fail_cleanly() {
    for file in regression_inputs("wat") {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        let bytes = wat_gen::encode(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let outcome = exercise(&[&bytes], &mut CaseSeed(0).rng())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // Each of them instantiates and has its call fail.
        assert_eq!(outcome.reached, Reached::CallsFailed, "{}", file.display());
    }
}

#[test]
fn mutated_guest_components_never_panic_or_hang() {
    guests();
    let report = run_cases(
        "mutated-guests",
        budget(MUTATED_CASES),
        CASE_BUDGET,
        mutated_guest_case,
    );
    report.assert_clean();
}

#[test]
fn generated_components_never_panic_or_hang() {
    let report = run_cases(
        "generated-components",
        budget(GENERATED_CASES),
        CASE_BUDGET,
        generated_case,
    );
    report.assert_clean();
}

#[test]
fn truncated_or_damaged_components_never_panic_or_hang() {
    guests();
    let report = run_cases(
        "truncated-components",
        budget(TRUNCATED_CASES),
        CASE_BUDGET,
        truncated_case,
    );
    report.assert_clean();
}
