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
    println!("monotonic clock advances: {}", start.elapsed().as_nanos() < u128::MAX);
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
