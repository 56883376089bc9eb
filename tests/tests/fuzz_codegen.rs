//! Fuzzing of `weft-codegen` on random WIT packages from `wit-smith`.
//!
//! - In process: each seed's packages go through `weft_codegen::generate`
//!   for every world of the main package, with the ownership mode and
//!   `stubs` varied by seed (and wit-smith's own features, async included,
//!   for a quarter of the seeds). Generation must succeed or return an
//!   error; a WIT error on text that wit-parser accepts is a failure, and so
//!   is output that does not parse as a Rust file with `syn`.
//! - Compiled: a small sample of those worlds (small packages) is written
//!   out as crates calling `weft::bindgen!` (the corpus test's generated
//!   workspace code, sharing its target directory so `weft` builds once),
//!   compiled for wasm32-wasip2 with warnings denied, and each component
//!   must validate and export exactly its world's exports.
//!
//! Inputs that once failed are checked in under `tests/fuzz-regressions/`
//! (`*.wit`, one package each) and are compiled with every sample.
//!
//! Run longer with `WEFT_FUZZ_CASES=N` (in-process cases; the compiled
//! sample is one world per 100 cases, at least 3) and `WEFT_FUZZ_SEED=S`.

use std::path::{Path, PathBuf};
use std::time::Duration;
use weft_codegen::{Error, Opts, Ownership, WitSource, generate};
use weft_tests::Generator;
use weft_tests::corpus::Mode;
use weft_tests::corpus::outcome::{Verdict, build_all};
use weft_tests::corpus::workspace::{corpus_dir, world_specifier, write_workspace_at};
use weft_tests::corpus::worlds::{CorpusWorld, worlds_of};
use weft_tests::fuzz::wit_gen::{self, GeneratedWit};
use weft_tests::fuzz::{Budget, CaseSeed, regression_inputs, run_cases};
use weft_tests::paths::test_target_root;
use weft_tests::toolchain::check_guest_toolchain;
use wit_parser::Resolve;

/// In-process cases in CI.
const DEFAULT_CASES: u64 = 1000;

/// One world of the random packages is compiled per this many in-process
/// cases (at least 3): a compiled world costs seconds, a case milliseconds.
const CASES_PER_COMPILED: u64 = 100;

/// In-process generation of one package takes well under a second.
const CASE_BUDGET: Duration = Duration::from_secs(60);

fn budget() -> Budget {
    Budget::from_env(DEFAULT_CASES).unwrap_or_else(|e| panic!("{e:#}"))
}

/// The options a seed generates with.
fn opts(seed: CaseSeed, world: &str, features: &[String]) -> Opts {
    let ownership = match seed.0 % 3 {
        0 => Ownership::Owning,
        1 => Ownership::Borrowing {
            duplicate_if_necessary: false,
        },
        _ => Ownership::Borrowing {
            duplicate_if_necessary: true,
        },
    };
    Opts {
        world: Some(world_specifier(world)),
        generate_all: true,
        stubs: seed.0.is_multiple_of(2),
        ownership,
        features: features.to_vec(),
        ..Opts::default()
    }
}

/// A root with no `wit/` directory, so only the inline text is read.
fn empty_root() -> PathBuf {
    test_target_root().join("fuzz").join("empty-root")
}

/// Generates bindings for one world; the label of the outcome, or why it
/// is a failure.
fn generate_world(seed: CaseSeed, wit: &GeneratedWit, world: &str) -> Result<&'static str, String> {
    let source = WitSource {
        paths: vec![],
        inline: Some(wit.text.clone()),
    };
    match generate(&empty_root(), &source, &opts(seed, world, &wit.features)) {
        Ok(generated) => syn::parse2::<syn::File>(generated.tokens)
            .map(|_| "generated")
            .map_err(|e| format!("world `{world}`: output does not parse as Rust: {e}")),
        Err(e) => {
            let message = e.to_string();
            if message.trim().is_empty() {
                return Err(format!("world `{world}`: an error with no message: {e:?}"));
            }
            match e {
                Error::Wit(_) if parses(wit) => Err(format!(
                    "world `{world}`: weft rejects WIT that wit-parser accepts: {message}"
                )),
                Error::Wit(_) => Ok("WIT error"),
                Error::World(_) => Ok("world error"),
                Error::Unsupported(_) => Ok("unsupported"),
                // `generate_all` is on and no option names anything.
                other => Err(format!("world `{world}`: unexpected error: {other}")),
            }
        }
    }
}

fn parses(wit: &GeneratedWit) -> bool {
    let mut resolve = Resolve::new();
    resolve.features.extend(wit.features.iter().cloned());
    resolve.push_str("fuzz.wit", &wit.text).is_ok()
}

fn codegen_case(seed: CaseSeed) -> Result<String, String> {
    // A quarter of the cases let wit-smith choose its features, async
    // included, which weft must refuse with an error.
    let config = if seed.0 % 4 == 3 {
        wit_gen::arbitrary_config(seed)
    } else {
        wit_gen::config(false)
    };
    let wit = match wit_gen::generate(seed, &config) {
        Ok(Ok(wit)) => wit,
        Ok(Err(_)) => return Ok("wit-smith declined".to_string()),
        Err(e) => return Err(format!("{e:#}")),
    };
    if wit.worlds.is_empty() {
        return Ok("no world".to_string());
    }
    let mut label = "generated";
    for world in &wit.worlds {
        let outcome = generate_world(seed, &wit, world)
            .map_err(|why| format!("{why}\n--- WIT ---\n{}", wit.text))?;
        if outcome != "generated" {
            label = outcome;
        }
    }
    Ok(label.to_string())
}

#[test]
fn random_wit_generates_bindings_or_names_the_problem() {
    let report = run_cases("codegen", budget(), CASE_BUDGET, codegen_case);
    report.assert_clean();
    assert!(
        report.outcomes.get("generated").copied().unwrap_or(0) * 2 >= report.cases,
        "fewer than half the packages generated bindings: {:?}",
        report.outcomes
    );
}

/// A seed whose first world goes into the compiled sample: a small package
/// without feature gates (the generated crate enables none) whose bindings
/// generate in process.
fn sample_world(
    seed: CaseSeed,
    dir: &Path,
) -> Option<(weft_tests::corpus::worlds::CorpusWorld, Mode)> {
    let wit = wit_gen::generate(seed, &wit_gen::config(true)).ok()?.ok()?;
    let world = wit.worlds.first()?;
    if !wit.features.is_empty() || generate_world(seed, &wit, world) != Ok("generated") {
        return None;
    }
    let file = dir.join(format!("seed-{}.wit", seed.0));
    std::fs::write(&file, &wit.text).ok()?;
    let worlds = worlds_of(&file, &format!("fuzz/seed-{}", seed.0)).ok()?;
    let world = worlds.into_iter().find(|w| &w.world == world)?;
    let mode = Mode::ALL[(seed.0 % 3) as usize];
    Some((world, mode))
}

/// Every world of every checked-in regression input, in `Owning` mode.
fn regressions() -> Vec<(CorpusWorld, Mode)> {
    regression_inputs("wit")
        .iter()
        .flat_map(|file| {
            let name = file.file_stem().unwrap_or_default().to_string_lossy();
            worlds_of(file, &format!("fuzz-regressions/{name}"))
                .unwrap_or_else(|e| panic!("{}: {e:#}", file.display()))
        })
        .map(|world| (world, Mode::Owning))
        .collect()
}

#[test]
fn a_sample_of_random_wit_compiles_to_components_exporting_their_world() {
    check_guest_toolchain().unwrap_or_else(|e| panic!("{e:#}"));
    let budget = budget();
    let wanted = budget.cases.div_ceil(CASES_PER_COMPILED).max(3) as usize;
    let dir = test_target_root().join("fuzz-codegen");
    let wit_dir = dir.join("wit");
    std::fs::create_dir_all(&wit_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut sample = Vec::new();
    let mut seed = budget.first_seed;
    while sample.len() < wanted && seed < budget.first_seed + 50 * wanted as u64 {
        if let Some(case) = sample_world(CaseSeed(seed), &wit_dir) {
            sample.push(case);
        }
        seed += 1;
    }
    assert_eq!(sample.len(), wanted, "too few seeds gave a sample world");
    sample.extend(regressions());
    let target_dir = corpus_dir(Generator::Weft).join("target");
    let ws = write_workspace_at(&dir, &target_dir, &sample, Generator::Weft)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let outcome = build_all(&ws).unwrap_or_else(|e| panic!("{e:#}"));
    let failures: Vec<String> = outcome
        .verdicts
        .iter()
        .filter_map(|(krate, verdict)| match verdict {
            Verdict::Pass => None,
            Verdict::Fail(why) => Some(format!(
                "{} ({}), WIT in {}: {why}",
                krate.world.label,
                krate.mode.tag(),
                krate.world.source.display()
            )),
        })
        .collect();
    println!(
        "codegen-compiled: {} worlds compiled, {} failed",
        outcome.verdicts.len(),
        failures.len()
    );
    assert!(
        failures.is_empty() && outcome.shared_errors.is_empty(),
        "{failures:#?}\n{:#?}",
        outcome.shared_errors
    );
}
