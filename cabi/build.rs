//! Compiles `src/wasip3_task.c`, the weak `wasip3_task_set` definition.
//!
//! Stable Rust cannot define a weak symbol, and the symbol must be weak so that
//! several bindings generators in one component collapse to one definition.
//! For wasm targets this needs clang (with an `llvm-ar` that indexes wasm
//! objects); for native builds the host C compiler is enough, which keeps
//! `cargo test` on the host working.

fn main() {
    println!("cargo:rerun-if-changed=src/wasip3_task.c");
    let target = std::env::var("TARGET").unwrap_or_default();
    let mut build = cc::Build::new();
    build.file("src/wasip3_task.c").opt_level(2).warnings(true);
    if target.starts_with("wasm32") {
        // Freestanding: the file includes nothing and must not pull in libc.
        build.flag("-ffreestanding");
        if std::env::var_os("CC").is_none() && std::env::var_os(format!("CC_{target}")).is_none() {
            build.compiler("clang");
        }
        if std::env::var_os("AR").is_none() && std::env::var_os(format!("AR_{target}")).is_none() {
            build.archiver("llvm-ar");
        }
    }
    if let Err(err) = build.try_compile("weft_cabi") {
        eprintln!(
            "error: weft-cabi could not compile src/wasip3_task.c for `{target}`: {err}\n\
             help: wasm targets need clang and llvm-ar on PATH. On Debian/Ubuntu run \
             `scripts/setup.sh` from the weft repository, or `apt-get install clang llvm lld`; \
             elsewhere set CC_{target} and AR_{target} to a wasm-capable clang and llvm-ar."
        );
        std::process::exit(1);
    }
}
