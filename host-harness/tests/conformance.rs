//! Runs the component-model reference suite (`../shared/conformance`)
//! through the `.wast` library: every file of `values/`, `resources/`,
//! `validation/`, `linking/` and `binary/` must pass, except those listed in
//! the suite's `nyi.txt` and the explicit exceptions below (each with its
//! reason). A listed exception that starts passing fails the test too, so
//! the list cannot go stale. Every file of `async/` must pass as well,
//! `nyi.txt` or not. Cost: a few seconds in debug builds.

use std::path::PathBuf;

const DIRS: &[&str] = &["values", "resources", "validation", "linking", "binary"];

/// Files that do not pass yet, with the reason. None of them needs the
/// async scheduler: every file here loads, the async parts complete eagerly.
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

/// The files this issue requires, as paths relative to the suite root, minus
/// those the suite's own `nyi.txt` lists.
fn required_files(root: &std::path::Path) -> Vec<String> {
    let nyi = std::fs::read_to_string(root.join("nyi.txt")).unwrap_or_default();
    let nyi: Vec<&str> = nyi
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.trim_start_matches("./"))
        .collect();
    let mut files = Vec::new();
    for dir in DIRS {
        let mut entries: Vec<String> = std::fs::read_dir(root.join(dir))
            .expect("suite directory exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "wast"))
            .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
            .filter(|rel| !nyi.contains(&rel.as_str()))
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

/// How many files `async/` has: the test below runs each of them, so a
/// file that goes missing (or a directory read that finds none) fails too.
const ASYNC_FILES: usize = 34;

/// Every file of `async/` passes, including the three `during-sync-call-*`
/// files that the suite's `nyi.txt` lists (the reference runtime does not
/// pass them yet; the scheduler does).
#[test]
fn every_async_file_passes() {
    let root = suite_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("async"))
        .expect("suite directory exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    files.sort();
    assert_eq!(files.len(), ASYNC_FILES, "{files:#?}");
    let mut problems = Vec::new();
    for file in &files {
        let summary = weft_harness::wast::run_file(file).expect("readable file");
        if !summary.failures.is_empty() || summary.passed == 0 {
            problems.push(format!("{}: {:#?}", file.display(), summary.failures));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
