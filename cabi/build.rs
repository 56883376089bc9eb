//! Compiles the C half of weft-cabi: the weak `wasip3_task_set` definition
//! (every target) and the weak `cabi_realloc` export (wasm targets only).
//!
//! Stable Rust cannot define a weak symbol, and these symbols must be weak so
//! that several bindings generators in one component collapse to one
//! definition. For wasm targets this needs clang (with an `llvm-ar` that
//! indexes wasm objects); for native builds the host C compiler is enough,
//! which keeps `cargo test` on the host working.
//!
//! The Rust allocator that `cabi_realloc` forwards to is named after this
//! crate's version; the name is written to `$OUT_DIR/realloc_symbol.rs` so
//! that the `weft` crate defines exactly the symbol the C code calls.
//!
//! Whether weft brings an allocator at all is decided here, once, for both
//! languages (`own_realloc`): not when the `std` feature says Rust's `std`
//! is linked and the target is WASI past p1, because that `std` already
//! defines a weak `cabi_realloc` over the global allocator (as wit-bindgen
//! also relies on); a second one would only cost bytes.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/wasip3_task.c");
    println!("cargo:rerun-if-changed=src/cabi_realloc.c");
    let target = std::env::var("TARGET").unwrap_or_default();
    let symbol = realloc_symbol(&std::env::var("CARGO_PKG_VERSION").unwrap_or_default());
    let wasm = target.starts_with("wasm32");
    let own = wasm && own_realloc();
    write_symbol_macro(&symbol, own);

    let mut build = cc::Build::new();
    build.file("src/wasip3_task.c").opt_level(2).warnings(true);
    if own {
        build
            .file("src/cabi_realloc.c")
            .define("WEFT_CABI_REALLOC_TARGET", symbol.as_str());
    }
    if wasm {
        // Freestanding: the files include nothing and must not pull in libc.
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
            "error: weft-cabi could not compile its C sources for `{target}`: {err}\n\
             help: wasm targets need clang and llvm-ar on PATH. On Debian/Ubuntu run \
             `scripts/setup.sh` from the weft repository, or `apt-get install clang llvm lld`; \
             elsewhere set CC_{target} and AR_{target} to a wasm-capable clang and llvm-ar."
        );
        std::process::exit(1);
    }
}

/// Whether a wasm build needs weft's own `cabi_realloc`: unless `std` is
/// linked (this crate's `std` feature) on a WASI target other than p1,
/// whose `std` defines one (compiled for every WASI `target_env` but p1).
fn own_realloc() -> bool {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let std_linked = std::env::var_os("CARGO_FEATURE_STD").is_some();
    let std_has_one = var("CARGO_CFG_TARGET_OS") == "wasi" && var("CARGO_CFG_TARGET_ENV") != "p1";
    !(std_linked && std_has_one)
}

/// `weft_cabi_realloc_v0_1_0` for version `0.1.0`: a C identifier that
/// changes with every release, so two weft versions never share it.
fn realloc_symbol(version: &str) -> String {
    let mangled: String = version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("weft_cabi_realloc_v{mangled}")
}

fn write_symbol_macro(symbol: &str, own: bool) {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let body = if own { "$($item)*" } else { "" };
    let source = format!(
        "/// The symbol `cabi_realloc` forwards to, as a string literal usable in\n\
         /// `#[export_name]`: `{symbol}`.\n\
         #[macro_export]\n\
         macro_rules! cabi_realloc_target_symbol {{\n    () => {{\n        \"{symbol}\"\n    }};\n}}\n\
         /// Keeps its items when this build defines weft's own `cabi_realloc`\n\
         /// forwarder (this build: {own}), drops them otherwise.\n\
         #[macro_export]\n\
         macro_rules! with_own_cabi_realloc {{\n    ($($item:item)*) => {{ {body} }};\n}}\n"
    );
    if let Err(err) = std::fs::write(out.join("realloc_symbol.rs"), source) {
        eprintln!("error: weft-cabi could not write realloc_symbol.rs: {err}");
        std::process::exit(1);
    }
}
