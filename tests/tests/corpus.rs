//! Bindings for every world of the WIT corpus (`../shared/wit/corpus`, plus
//! the WASI 0.2 and 0.3 root packages) compile for wasm32-wasip2 with
//! warnings denied, in `Owning` and both `Borrowing` modes, with `stubs`.
//!
//! Async worlds (`async func`, `future`, `stream`, `error-context`) are
//! built like the others; the validator has the component-model async
//! features on. Every
//! (world, mode) must pass, except the entries of [`KNOWN_FAILURES`]; the test
//! also fails when a known failure starts passing, so the list stays honest.
//!
//! Cost: one `cargo build` of a generated workspace under
//! `target/corpus/<generator>`: a few minutes cold on 2 cores, seconds when
//! nothing changed. `WEFT_GUEST_BINDGEN=wit-bindgen` runs the same corpus
//! through wit-bindgen for comparison (report only).

use std::collections::BTreeMap;
use weft_tests::Generator;
use weft_tests::corpus::outcome::{Verdict, build_all};
use weft_tests::corpus::workspace::write_workspace;
use weft_tests::corpus::worlds::enumerate;
use weft_tests::shared_dir;
use weft_tests::toolchain::check_guest_toolchain;

/// (world label, mode tag, first line of the error) for every (world, mode)
/// that is known not to compile yet with weft, with the reason.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[];

#[test]
fn corpus_worlds_compile_in_every_ownership_mode() {
    check_guest_toolchain().unwrap_or_else(|e| panic!("{e:#}"));
    let generator = Generator::from_env().unwrap_or_else(|e| panic!("{e:#}"));
    let wit = shared_dir().join("wit");
    let (worlds, broken) = enumerate(
        &[wit.join("corpus")],
        &[wit.join("wasi-0.2"), wit.join("wasi-0.3")],
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        worlds.len() >= 74,
        "only {} worlds found under {}",
        worlds.len(),
        wit.display()
    );

    let ws = write_workspace(&worlds, generator).unwrap_or_else(|e| panic!("{e:#}"));
    let outcome = build_all(&ws).unwrap_or_else(|e| panic!("{e:#}"));

    let mut table: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for (krate, verdict) in &outcome.verdicts {
        let cell = match verdict {
            Verdict::Pass => format!("{}:ok", krate.mode.tag()),
            Verdict::Fail(why) => {
                failures.push((krate.world.label.clone(), krate.mode.tag(), why.clone()));
                format!("{}:FAIL", krate.mode.tag())
            }
        };
        table.entry(&krate.world.label).or_default().push(cell);
    }
    for b in &broken {
        failures.push((
            b.source.display().to_string(),
            "-",
            format!("wit-parser: {}", b.error),
        ));
    }
    for (label, cells) in &table {
        println!("{label:<60} {}", cells.join("  "));
    }
    for e in &outcome.shared_errors {
        println!("shared dependency error: {e}");
    }
    for (label, mode, why) in &failures {
        println!(
            "FAIL {label} [{mode}]: {}",
            why.lines().next().unwrap_or_default()
        );
    }
    let passed = outcome.verdicts.len() + broken.len() - failures.len();
    println!("{passed} passed, {} failed", failures.len());

    if generator == Generator::WitBindgen {
        return;
    }
    check_against_known(&failures);
}

/// Fails on any failure not in [`KNOWN_FAILURES`] and on any known failure
/// that no longer happens.
fn check_against_known(failures: &[(String, &str, String)]) {
    let is_known = |label: &str, mode: &str| {
        KNOWN_FAILURES
            .iter()
            .any(|(l, m, _)| *l == label && *m == mode)
    };
    let new: Vec<_> = failures
        .iter()
        .filter(|(label, mode, _)| !is_known(label, mode))
        .collect();
    let fixed: Vec<_> = KNOWN_FAILURES
        .iter()
        .filter(|(l, m, _)| {
            !failures
                .iter()
                .any(|(label, mode, _)| label == l && mode == m)
        })
        .collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "new failures: {new:#?}\nknown failures that now pass (remove them from KNOWN_FAILURES): {fixed:#?}"
    );
}
