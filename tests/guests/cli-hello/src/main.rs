//! A plain `fn main` command for the `weft run` integration tests.
//!
//! It touches every WASI interface Rust's std reaches for in an ordinary
//! program (stdio, arguments, environment, clocks, randomness, exit) so the
//! tests can compare its output against another conforming runtime.
//!
//! Behaviour is chosen by the first argument:
//! - `echo-stdin`: copies stdin to stdout, prefixed by its byte count;
//! - `exit N`: prints a line, then exits with code `N`;
//! - `panic`: panics (a trap for the host);
//! - `env NAME`: prints the value of the environment variable `NAME`;
//! - `read PATH`: prints the contents of the file at `PATH`;
//! - `write PATH TEXT`: creates `PATH` holding `TEXT`;
//! - `append PATH TEXT`: appends `TEXT` to `PATH`;
//! - `ls PATH`: lists the directory `PATH` (name, kind, size), sorted;
//! - `stat PATH` / `lstat PATH`: prints the kind and size of `PATH`, following
//!   a final symlink or not;
//! - `readlink PATH`: prints the target of the symlink `PATH`;
//! - `mkdir PATH`, `rmdir PATH`, `rm PATH`: create or remove a directory,
//!   remove a file;
//! - `mv FROM TO`, `ln FROM TO`, `ln-s TARGET PATH`: rename, hard-link, and
//!   create a symlink;
//! - `read-loop PATH N`: reads `PATH` `N` times and prints how often each
//!   outcome (the contents, or the error) occurred;
//! - `sleep MS`: sleeps `MS` milliseconds on the monotonic clock;
//! - `tty`: says which of stdin, stdout and stderr are terminals;
//! - anything else: prints its arguments and environment.

use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let command = args.get(1).map(String::as_str).unwrap_or("");
    match command {
        "echo-stdin" => echo_stdin(),
        "exit" => {
            let code: i32 = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(1);
            println!("exiting with {code}");
            std::io::stdout().flush().unwrap();
            std::process::exit(code);
        }
        "panic" => panic!("cli-hello was asked to panic"),
        "env" => {
            let name = args.get(2).map(String::as_str).unwrap_or("");
            match std::env::var(name) {
                Ok(value) => println!("{name}={value}"),
                Err(_) => println!("{name} is unset"),
            }
        }
        "read" => read_file(args.get(2).map(String::as_str).unwrap_or("")),
        "write" => {
            let path = args.get(2).map(String::as_str).unwrap_or("");
            let text = args.get(3).map(String::as_str).unwrap_or("");
            match std::fs::write(path, text) {
                Ok(()) => println!("wrote {} bytes", text.len()),
                Err(e) => {
                    eprintln!("cannot write {path}: {e}");
                    std::process::exit(2);
                }
            }
        }
        "append" => append_file(
            args.get(2).map(String::as_str).unwrap_or(""),
            args.get(3).map(String::as_str).unwrap_or(""),
        ),
        "ls" => list_dir(args.get(2).map(String::as_str).unwrap_or("")),
        "stat" | "lstat" | "readlink" | "mkdir" | "rmdir" | "rm" | "mv" | "ln" | "ln-s" => {
            path_command(command, &args[2..])
        }
        "read-loop" => read_loop(
            args.get(2).map(String::as_str).unwrap_or(""),
            args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1),
        ),
        "sleep" => {
            let ms: u64 = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(1);
            let start = std::time::Instant::now();
            std::thread::sleep(std::time::Duration::from_millis(ms));
            println!(
                "slept at least {ms} ms: {}",
                start.elapsed().as_millis() >= u128::from(ms)
            );
        }
        "tty" => {
            use std::io::IsTerminal;
            let stdin = std::io::stdin().is_terminal();
            let stdout = std::io::stdout().is_terminal();
            let stderr = std::io::stderr().is_terminal();
            println!("terminals: stdin={stdin} stdout={stdout} stderr={stderr}");
        }
        _ => describe(&args),
    }
}

fn describe(args: &[String]) {
    println!("hello from cli-hello");
    println!("argc={}", args.len());
    for (i, arg) in args.iter().enumerate() {
        println!("arg[{i}]={arg}");
    }
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    for (k, v) in vars {
        println!("env {k}={v}");
    }
    // Clocks and randomness: print only facts that do not vary between runs.
    let start = std::time::Instant::now();
    let now = std::time::SystemTime::now();
    let after_epoch = now.duration_since(std::time::UNIX_EPOCH).is_ok();
    println!("wall clock after epoch: {after_epoch}");
    println!(
        "monotonic clock advances: {}",
        start.elapsed().as_nanos() < u128::MAX
    );
    let mut map = std::collections::HashMap::new();
    map.insert("seeded", 1);
    println!("hashmap seeded: {}", map.len());
    eprintln!("this line goes to stderr");
}

fn echo_stdin() {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).unwrap();
    println!("read {} bytes from stdin", input.len());
    std::io::stdout().write_all(&input).unwrap();
}

fn read_file(path: &str) {
    match std::fs::read_to_string(path) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    }
}

fn append_file(path: &str, text: &str) {
    let file = std::fs::OpenOptions::new().append(true).open(path);
    match file.and_then(|mut f| f.write_all(text.as_bytes())) {
        Ok(()) => println!("appended {} bytes", text.len()),
        Err(e) => {
            eprintln!("cannot append to {path}: {e}");
            std::process::exit(2);
        }
    }
}

fn list_dir(path: &str) {
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("cannot list {path}: {e}");
            std::process::exit(2);
        }
    };
    let mut lines = Vec::new();
    for entry in entries {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        let kind = if meta.is_dir() { "dir" } else { "file" };
        let size = if meta.is_dir() { 0 } else { meta.len() };
        lines.push(format!(
            "{} {kind} {size}",
            entry.file_name().to_string_lossy()
        ));
    }
    lines.sort();
    for line in lines {
        println!("{line}");
    }
}

/// One filesystem call on the paths in `args`, printing what it returned.
fn path_command(command: &str, args: &[String]) {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let (a, b) = (arg(0), arg(1));
    let result = match command {
        "stat" => std::fs::metadata(a).map(|m| describe_metadata(&m)),
        "lstat" => std::fs::symlink_metadata(a).map(|m| describe_metadata(&m)),
        "readlink" => std::fs::read_link(a).map(|t| format!("{}", t.display())),
        "mkdir" => std::fs::create_dir(a).map(|()| format!("created {a}")),
        "rmdir" => std::fs::remove_dir(a).map(|()| format!("removed {a}")),
        "rm" => std::fs::remove_file(a).map(|()| format!("removed {a}")),
        "mv" => std::fs::rename(a, b).map(|()| format!("renamed {a} to {b}")),
        "ln" => std::fs::hard_link(a, b).map(|()| format!("linked {b} to {a}")),
        // `std::os::wasi::fs::symlink_path` is still unstable; `soft_link`
        // is the stable spelling of the same call.
        #[allow(deprecated)]
        "ln-s" => std::fs::soft_link(a, b).map(|()| format!("linked {b} -> {a}")),
        _ => unreachable!("dispatched by main"),
    };
    match result {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("cannot {command} {}: {e}", args.join(" "));
            std::process::exit(2);
        }
    }
}

fn describe_metadata(meta: &std::fs::Metadata) -> String {
    let kind = if meta.is_symlink() {
        "symlink"
    } else if meta.is_dir() {
        "dir"
    } else {
        "file"
    };
    format!("{kind} {}", if meta.is_dir() { 0 } else { meta.len() })
}

/// Reads `path` `times` times, for races against a host that swaps it.
fn read_loop(path: &str, times: u32) {
    let mut outcomes = std::collections::BTreeMap::<String, u32>::new();
    for _ in 0..times {
        let outcome = match std::fs::read_to_string(path) {
            Ok(text) => format!("read {text:?}"),
            Err(e) => format!("error {e}"),
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    for (outcome, count) in outcomes {
        println!("{count} {outcome}");
    }
}
