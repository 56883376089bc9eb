//! The preopen sandbox against a guest that tries to leave it: `weft run
//! --dir BOX::/` running cli-hello, with symlinks inside `BOX` that point
//! outside (relative and absolute targets, chains, `..` after a link, links
//! to directories, a link swapped while the guest uses it) and inside.
//!
//! Every way out must fail with WASI `not-permitted`, which Rust's std in
//! the guest prints as "Operation not permitted (os error 63)", the same
//! refusal wasmtime gives; nothing outside `BOX` may be read, changed,
//! created or removed; links that stay inside `BOX` must keep working.
//!
//! Cost: reuses the cli-hello build of the `cli` tests; ~50 short `weft`
//! runs and two races of about a second each. Unix only: the tests make
//! their symlinks with `std::os::unix`.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[expect(dead_code, reason = "only `cli_hello` is needed here")]
mod cli_support;

use cli_support::cli_hello;

/// What the guest prints for a refused path.
const REFUSED: &str = "Operation not permitted (os error 63)";

/// A scratch layout: `root/box` is preopened as `/`, `root/outside` and
/// `root/secret.txt` lie next to it.
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new(test: &str) -> Sandbox {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sandbox-{test}"));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("box/sub/inner")).unwrap();
        std::fs::create_dir_all(root.join("outside/inner")).unwrap();
        std::fs::write(root.join("secret.txt"), "secret next to the box\n").unwrap();
        std::fs::write(root.join("outside/secret.txt"), "secret outside\n").unwrap();
        std::fs::write(root.join("box/in.txt"), "inside\n").unwrap();
        std::fs::write(root.join("box/sub/f.txt"), "inside sub\n").unwrap();
        Sandbox { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Makes `box/NAME` a symlink holding `target`.
    fn link(&self, name: &str, target: impl AsRef<Path>) {
        std::os::unix::fs::symlink(target, self.path("box").join(name)).unwrap();
    }

    /// Runs cli-hello with `args` in the sandbox.
    fn run(&self, args: &[&str]) -> Output {
        let mapping = format!("{}::/", self.path("box").display());
        Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(["run", "--dir", &mapping])
            .arg(cli_hello())
            .args(args)
            .output()
            .expect("weft runs")
    }

    /// Asserts that `args` succeed and print `stdout`.
    fn allows(&self, args: &[&str], stdout: &str) {
        let out = self.run(args);
        assert_eq!(
            (out.status.code(), text(&out.stdout).as_str()),
            (Some(0), stdout),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }

    /// Asserts that `args` are refused with `not-permitted` and print nothing.
    fn refuses(&self, args: &[&str]) {
        let out = self.run(args);
        let stderr = text(&out.stderr);
        // cli-hello exits with 2 on an error, which std reports as `exit(err)`.
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert!(
            stderr.ends_with(&format!(": {REFUSED}\n")),
            "{args:?}: {stderr}"
        );
    }

    /// The secrets are what they were.
    fn assert_outside_untouched(&self) {
        let read = |p: &str| std::fs::read_to_string(self.path(p)).unwrap();
        assert_eq!(read("secret.txt"), "secret next to the box\n");
        assert_eq!(read("outside/secret.txt"), "secret outside\n");
        let mut names: Vec<_> = std::fs::read_dir(self.path("outside"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["inner", "secret.txt"]);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn links_out_of_the_preopen_are_refused_for_reading() {
    let sandbox = Sandbox::new("read");
    let outside = sandbox.path("outside");
    sandbox.link("link", "../secret.txt");
    sandbox.link("etcl", "/etc");
    sandbox.link("outl", &outside);
    sandbox.link("abs", outside.join("secret.txt"));
    // A chain that ends outside: each hop is a relative link inside the box.
    sandbox.link("c1", "c2");
    sandbox.link("c2", "sub/c3");
    std::os::unix::fs::symlink("../../secret.txt", sandbox.path("box/sub/c3")).unwrap();
    // `..` after a link: `up` leads back to the box itself, so the `..` that
    // follows it climbs out (a lexical clean-up would wrongly stay inside).
    std::os::unix::fs::symlink("..", sandbox.path("box/sub/up")).unwrap();
    // A link into the box whose target's `..` then leaves it.
    sandbox.link("deep", "sub/inner/../../../secret.txt");

    sandbox.refuses(&["read", "/link"]);
    sandbox.refuses(&["read", "/etcl/passwd"]);
    sandbox.refuses(&["read", "/etcl/hostname"]);
    sandbox.refuses(&["read", "/outl/secret.txt"]);
    sandbox.refuses(&["read", "/abs"]);
    sandbox.refuses(&["read", "/c1"]);
    sandbox.refuses(&["read", "/sub/up/../secret.txt"]);
    sandbox.refuses(&["read", "/deep"]);
    sandbox.refuses(&["read", "/../secret.txt"]);
    sandbox.refuses(&["read", "/sub/../../secret.txt"]);
    sandbox.refuses(&["ls", "/outl"]);
    sandbox.refuses(&["ls", "/etcl"]);
    sandbox.refuses(&["ls", "/sub/up/.."]);
    sandbox.refuses(&["stat", "/link"]);
    sandbox.refuses(&["stat", "/outl/secret.txt"]);
    sandbox.refuses(&["lstat", "/outl/secret.txt"]);
    sandbox.refuses(&["readlink", "/outl/anything"]);
}

#[test]
fn links_out_of_the_preopen_are_refused_for_writing() {
    let sandbox = Sandbox::new("write");
    sandbox.link("link", "../secret.txt");
    sandbox.link("outl", sandbox.path("outside"));
    sandbox.link("rel", "../outside");
    sandbox.link("new", "../outside/created.txt");

    sandbox.refuses(&["write", "/link", "pwned"]);
    sandbox.refuses(&["append", "/link", "pwned"]);
    sandbox.refuses(&["write", "/outl/secret.txt", "pwned"]);
    sandbox.refuses(&["write", "/rel/secret.txt", "pwned"]);
    // A dangling link must not let the guest create a file outside either.
    sandbox.refuses(&["write", "/new", "pwned"]);
    sandbox.refuses(&["mkdir", "/rel/made"]);
    sandbox.refuses(&["rm", "/rel/secret.txt"]);
    sandbox.refuses(&["rmdir", "/rel/inner"]);
    sandbox.refuses(&["mv", "/in.txt", "/rel/moved.txt"]);
    sandbox.refuses(&["mv", "/rel/secret.txt", "/stolen.txt"]);
    sandbox.refuses(&["ln", "/rel/secret.txt", "/hard.txt"]);
    sandbox.refuses(&["ln", "/in.txt", "/rel/hard.txt"]);
    sandbox.assert_outside_untouched();
    assert_eq!(
        std::fs::read_to_string(sandbox.path("box/in.txt")).unwrap(),
        "inside\n"
    );
}

#[test]
fn links_the_guest_makes_cannot_leave_either() {
    let sandbox = Sandbox::new("guest-links");
    // An absolute target is refused outright, as readlink on one is.
    sandbox.refuses(&["ln-s", "/etc", "/etcl"]);
    assert!(!sandbox.path("box/etcl").exists());
    // A relative target that climbs out may be stored, but not followed.
    sandbox.allows(
        &["ln-s", "../secret.txt", "/rel"],
        "linked /rel -> ../secret.txt\n",
    );
    sandbox.refuses(&["read", "/rel"]);
    sandbox.refuses(&["write", "/rel", "pwned"]);
    sandbox.allows(&["readlink", "/rel"], "../secret.txt\n");
    sandbox.allows(&["lstat", "/rel"], "symlink 13\n");
    sandbox.allows(&["rm", "/rel"], "removed /rel\n");
    sandbox.assert_outside_untouched();
}

#[test]
fn links_that_stay_inside_the_preopen_work() {
    let sandbox = Sandbox::new("inside");
    sandbox.link("good", "in.txt");
    sandbox.link("chain", "good");
    sandbox.link("dotted", "sub/inner/../../in.txt");
    sandbox.link("dl", "sub");
    std::os::unix::fs::symlink("../in.txt", sandbox.path("box/sub/parent.txt")).unwrap();

    sandbox.allows(&["read", "/good"], "inside\n");
    sandbox.allows(&["read", "/chain"], "inside\n");
    sandbox.allows(&["read", "/dotted"], "inside\n");
    sandbox.allows(&["read", "/sub/parent.txt"], "inside\n");
    sandbox.allows(&["read", "/dl/f.txt"], "inside sub\n");
    // `..` after a link resolves from where the link leads: `dl/..` is the box.
    sandbox.allows(&["read", "/dl/../in.txt"], "inside\n");
    // A listing does not follow links: `parent.txt` shows its own 9 bytes.
    sandbox.allows(
        &["ls", "/dl"],
        "f.txt file 11\ninner dir 0\nparent.txt file 9\n",
    );
    sandbox.allows(&["stat", "/chain"], "file 7\n");
    sandbox.allows(&["lstat", "/chain"], "symlink 4\n");
    sandbox.allows(&["readlink", "/dotted"], "sub/inner/../../in.txt\n");
    sandbox.allows(&["write", "/good", "rewritten"], "wrote 9 bytes\n");
    sandbox.allows(&["write", "/dl/new.txt", "new"], "wrote 3 bytes\n");
    sandbox.allows(&["mkdir", "/dl/made"], "created /dl/made\n");
    sandbox.allows(
        &["mv", "/dl/new.txt", "/dl/made/moved.txt"],
        "renamed /dl/new.txt to /dl/made/moved.txt\n",
    );
    sandbox.allows(
        &["ln", "/dl/made/moved.txt", "/hard.txt"],
        "linked /hard.txt to /dl/made/moved.txt\n",
    );
    sandbox.allows(
        &["rm", "/dl/made/moved.txt"],
        "removed /dl/made/moved.txt\n",
    );
    sandbox.allows(&["rmdir", "/dl/made"], "removed /dl/made\n");

    let read = |p: &str| std::fs::read_to_string(sandbox.path(p)).unwrap();
    assert_eq!(read("box/in.txt"), "rewritten");
    assert_eq!(read("box/hard.txt"), "new");
    assert!(!sandbox.path("box/sub/made").exists());
    sandbox.assert_outside_untouched();
}

/// Keeps replacing `box/NAME` (atomically, by renaming a fresh link over
/// it) with a link to `inside` or to `outside` until `stop` is set.
fn swap_link(
    sandbox: &Sandbox,
    name: &str,
    inside: PathBuf,
    outside: PathBuf,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<u32> {
    let link = sandbox.path("box").join(name);
    let fresh = sandbox.path("box").join(format!("{name}.next"));
    std::os::unix::fs::symlink(&inside, &link).unwrap();
    std::thread::spawn(move || {
        let mut swaps = 0;
        while !stop.load(Ordering::Relaxed) {
            let target = if swaps % 2 == 0 { &outside } else { &inside };
            let _ = std::fs::remove_file(&fresh);
            std::os::unix::fs::symlink(target, &fresh).unwrap();
            std::fs::rename(&fresh, &link).unwrap();
            swaps += 1;
        }
        swaps
    })
}

/// Runs `read-loop PATH` while the link is swapped, and checks that every
/// read either saw `inside` or was refused, and that both happened (so the
/// race was really run).
fn race(
    sandbox: &Sandbox,
    path: &str,
    inside_text: &str,
    swapper: std::thread::JoinHandle<u32>,
    stop: Arc<AtomicBool>,
) {
    let out = sandbox.run(&["read-loop", path, "1000"]);
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut counts = (0, 0);
    for line in stdout.lines() {
        let (count, outcome) = line.split_once(' ').unwrap();
        let count: u32 = count.parse().unwrap();
        if outcome == format!("read {inside_text:?}") {
            counts.0 += count;
        } else if outcome == format!("error {REFUSED}") {
            counts.1 += count;
        } else {
            panic!("an outcome that is neither the inside file nor a refusal: {line}");
        }
    }
    assert_eq!(counts.0 + counts.1, 1000, "{stdout}");
    assert!(
        counts.0 > 0 && counts.1 > 0,
        "the race did not run ({swaps} swaps): {stdout}"
    );
    sandbox.assert_outside_untouched();
}

#[test]
fn a_link_swapped_between_check_and_use_never_leaks() {
    let sandbox = Sandbox::new("race-file");
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = swap_link(
        &sandbox,
        "swap",
        "in.txt".into(),
        "../secret.txt".into(),
        Arc::clone(&stop),
    );
    race(&sandbox, "/swap", "inside\n", swapper, stop);
}

#[test]
fn a_directory_link_swapped_between_check_and_use_never_leaks() {
    let sandbox = Sandbox::new("race-dir");
    std::fs::write(sandbox.path("box/sub/secret.txt"), "inside sub\n").unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = swap_link(
        &sandbox,
        "swapd",
        "sub".into(),
        sandbox.path("outside"),
        Arc::clone(&stop),
    );
    race(&sandbox, "/swapd/secret.txt", "inside sub\n", swapper, stop);
}
