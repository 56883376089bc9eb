//! Runs the component-model reference suite (`../shared/conformance`)
//! through the `.wast` library: every file of `values/`, `resources/`,
//! `validation/`, `linking/`, `binary/` and `async/` must pass, except the
//! explicit exceptions below (each with its reason). That includes the
//! files the suite's `nyi.txt` lists, which the reference runtime does not
//! pass yet. A listed exception that starts passing fails the test too, so
//! the list cannot go stale. Cost: a few seconds in debug builds.

use std::path::PathBuf;

const DIRS: &[&str] = &[
    "values",
    "resources",
    "validation",
    "linking",
    "binary",
    "async",
];

/// Files that do not pass yet, with the reason.
const KNOWN_FAILURES: &[(&str, &str)] = &[(
    "linking/tags.wast",
    "core exception handling (tags, throw/try_table): wasmi 2.0 does not implement it",
)];

fn suite_dir() -> PathBuf {
    let shared = std::env::var_os("WEFT_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("conformance/component-model")
}

/// Every `.wast` file of the suite, as paths relative to its root.
fn required_files(root: &std::path::Path) -> Vec<String> {
    let mut files = Vec::new();
    for dir in DIRS {
        let mut entries: Vec<String> = std::fs::read_dir(root.join(dir))
            .expect("suite directory exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "wast"))
            .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
}

#[test]
fn conformance_suite() {
    let root = suite_dir();
    let mut problems = Vec::new();
    let files = required_files(&root);
    let mut passed_files = 0;
    for rel in &files {
        let summary = weft_harness::wast::run_file(&root.join(rel)).expect("readable file");
        let known = KNOWN_FAILURES.iter().find(|(f, _)| f == rel);
        let ok = summary.failures.is_empty();
        println!(
            "{rel}: {} passed, {} failed",
            summary.passed,
            summary.failures.len()
        );
        for f in summary.failures.iter().take(5) {
            println!("    {f}");
        }
        match (ok, known) {
            (true, None) => passed_files += 1,
            (false, Some(_)) => {}
            (true, Some((_, why))) => problems.push(format!(
                "{rel} now passes; remove it from KNOWN_FAILURES ({why})"
            )),
            (false, None) => problems.push(format!(
                "{rel}: {} failures, first: {}",
                summary.failures.len(),
                summary.failures[0]
            )),
        }
    }
    println!("{passed_files}/{} files pass", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same files through the `weft wast` command a user runs: it must
/// report failures in exactly the known files, end with its summary line,
/// and exit non-zero because of them.
#[test]
fn weft_wast_command_over_the_suite() {
    let root = suite_dir();
    let files = required_files(&root);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("wast")
        .args(&files)
        .current_dir(&root)
        .output()
        .expect("weft runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text = format!("{stdout}{stderr}");
    let mut failing: Vec<&str> = text
        .lines()
        .filter_map(|line| files.iter().find(|f| line.starts_with(&format!("{f}:"))))
        .map(String::as_str)
        .collect();
    failing.dedup();
    let known: Vec<&str> = KNOWN_FAILURES.iter().map(|(f, _)| *f).collect();
    assert_eq!(failing, known, "files with failures:\n{text}");
    let last = text.lines().last().unwrap_or_default();
    let (passed, failed) = last
        .strip_suffix(" failed")
        .and_then(|l| l.split_once(" passed, "))
        .expect("a closing `N passed, M failed` line");
    assert!(passed.parse::<u32>().unwrap() > 1000, "{last}");
    assert!(failed.parse::<u32>().unwrap() > 0, "{last}");
    assert_eq!(out.status.success(), known.is_empty(), "{last}");
}

/// How many files `async/` and `nyi.txt` have: the suite test runs each
/// of them, so a file that goes missing (or a directory read that finds
/// none) fails here.
const ASYNC_FILES: usize = 34;
const NYI_FILES: usize = 4;

/// The suite test covers every file of `async/`, and every file `nyi.txt`
/// lists (the three `during-sync-call-*` files of `async/` and
/// `validation/max-value-size.wast`).
#[test]
fn the_suite_includes_async_and_the_files_nyi_lists() {
    let root = suite_dir();
    let files = required_files(&root);
    let in_async = files.iter().filter(|f| f.starts_with("async/")).count();
    assert_eq!(in_async, ASYNC_FILES, "{files:#?}");
    let nyi = std::fs::read_to_string(root.join("nyi.txt")).expect("nyi.txt");
    let listed: Vec<&str> = nyi
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim_start_matches("./"))
        .collect();
    assert_eq!(listed.len(), NYI_FILES, "{listed:?}");
    for f in listed {
        assert!(files.iter().any(|r| r == f), "{f} is not run");
    }
}
