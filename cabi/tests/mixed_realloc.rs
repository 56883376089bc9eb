//! Proves that weft's `cabi_realloc` and `wasip3_task_set` coexist with
//! other generators' definitions.
//!
//! Builds `tests/mixed-guest` (weft + wit-bindgen in one component) for
//! `wasm32-wasip2`, three ways:
//! - as is, with weft's `std` feature: `std` defines the weak
//!   `cabi_realloc` there, so weft must add no allocator of its own;
//! - without it: the weak C `cabi_realloc` of weft-cabi must be the export
//!   and forward to weft's versioned allocator;
//! - without it and with a strong `cabi_realloc` of the guest's own, which
//!   only links if weft's definition is weak.
//!
//! Builds are cached in `target/guests-cabi`; warm, the test takes a few
//! seconds.
//!
//! Skipped, with a note on stderr, only when the wasm32-wasip2 target is not
//! installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use wasmparser::{Encoding, Operator, Parser, Payload, TypeRef};

const TARGET: &str = "wasm32-wasip2";

#[test]
#[cfg_attr(miri, ignore = "runs cargo, which Miri cannot start")]
fn with_std_on_wasip2_weft_adds_no_allocator_of_its_own() {
    if !target_installed() {
        eprintln!(
            "\n*** SKIPPED with_std_on_wasip2_weft_adds_no_allocator_of_its_own: the {TARGET} \
             target is not installed (run `rustup target add {TARGET}`) ***\n"
        );
        return;
    }
    let module = main_module(&build(&[]));
    let exported = module
        .exports
        .iter()
        .filter(|(n, _)| n == "cabi_realloc")
        .count();
    assert_eq!(exported, 1, "std's cabi_realloc is the one export");
    let weft_allocator = |n: &str| n.starts_with("weft_cabi_realloc_v");
    assert!(
        !module.exports.iter().any(|(n, _)| weft_allocator(n))
            && !module.names.iter().any(|n| weft_allocator(n)),
        "weft's versioned allocator should not be linked beside std's: {:?}",
        module.names
    );
    module.export("greet");
    module.export("shout");
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo, which Miri cannot start")]
fn without_std_weft_and_wit_bindgen_share_one_cabi_realloc() {
    if !target_installed() {
        eprintln!(
            "\n*** SKIPPED without_std_weft_and_wit_bindgen_share_one_cabi_realloc: the {TARGET} \
             target is not installed (run `rustup target add {TARGET}`) ***\n"
        );
        return;
    }
    let module = main_module(&build(&["--no-default-features"]));
    let realloc = module.export("cabi_realloc");
    let target = module.export(weft_cabi::CABI_REALLOC_TARGET);
    assert!(
        module.calls(realloc, target),
        "the exported cabi_realloc should be weft-cabi's C forwarder calling {}",
        weft_cabi::CABI_REALLOC_TARGET
    );
    module.export("greet");
    module.export("shout");
}

/// The async half of the mixed guest: weft's and wit-bindgen's async
/// exports each await an import bound by the other generator. Linking and
/// validation are checked here; `weft-tests`'s `async_guests` runs it on
/// the harness, its imports served by another component.
#[test]
#[cfg_attr(miri, ignore = "runs cargo, which Miri cannot start")]
fn weft_and_wit_bindgen_async_code_shares_one_wasip3_task_set() {
    if !target_installed() {
        eprintln!(
            "\n*** SKIPPED weft_and_wit_bindgen_async_code_shares_one_wasip3_task_set: the \
             {TARGET} target is not installed (run `rustup target add {TARGET}`) ***\n"
        );
        return;
    }
    let component = build(&[]);
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&component)
        .expect("the mixed async component validates");
    let module = main_module(&component);
    for name in [
        "[async-lift]relay",
        "[callback][async-lift]relay",
        "[async-lift]serve",
        "[callback][async-lift]serve",
    ] {
        module.export(name);
    }
    let defined: Vec<_> = module
        .names
        .iter()
        .filter(|n| n.as_str() == "wasip3_task_set")
        .collect();
    assert_eq!(
        defined.len(),
        1,
        "both generators' weak wasip3_task_set collapse to one definition"
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo, which Miri cannot start")]
fn a_strong_cabi_realloc_overrides_weft() {
    if !target_installed() {
        eprintln!(
            "\n*** SKIPPED a_strong_cabi_realloc_overrides_weft: the {TARGET} target is not \
             installed (run `rustup target add {TARGET}`) ***\n"
        );
        return;
    }
    // Without `std`, so that weft's forwarder is there to be overridden.
    let module = main_module(&build(&[
        "--no-default-features",
        "--features",
        "strong-override",
    ]));
    let realloc = module.export("cabi_realloc");
    assert!(
        module
            .names
            .iter()
            .any(|n| n == weft_cabi::CABI_REALLOC_TARGET),
        "weft's allocator is linked (the forwarder lost, not vanished)"
    );
    let forwards_to_weft = module
        .exports
        .iter()
        .any(|(n, f)| n == weft_cabi::CABI_REALLOC_TARGET && module.calls(realloc, *f));
    assert!(
        !forwards_to_weft,
        "the guest's own cabi_realloc should have won over weft-cabi's forwarder"
    );
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn target_installed() -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = Command::new(rustc).args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(TARGET)
        .is_dir()
}

/// Builds the mixed guest (serially: the tests share a target dir,
/// and cargo's lock makes a parallel build wait anyway) and returns its bytes.
fn build(extra: &[&str]) -> Vec<u8> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let root = repo_root();
    let target_dir = root.join("target/guests-cabi");
    let manifest = root.join("cabi/tests/mixed-guest/Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--target", TARGET, "--manifest-path"])
        .arg(&manifest)
        .args(extra)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("RUSTFLAGS")
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "building {} {extra:?} failed",
        manifest.display()
    );
    let wasm = target_dir
        .join(TARGET)
        .join("debug/weft_cabi_mixed_guest.wasm");
    std::fs::read(&wasm).unwrap_or_else(|e| panic!("read {}: {e}", wasm.display()))
}

/// What the test needs to know about the core module inside the component.
#[derive(Default)]
struct CoreModule {
    imported_funcs: u32,
    exports: Vec<(String, u32)>,
    /// Names of the functions the module defines (its `name` section).
    names: Vec<String>,
    /// Per defined function (by function index), the functions it calls.
    calls: Vec<(u32, Vec<u32>)>,
}

impl CoreModule {
    fn export(&self, name: &str) -> u32 {
        self.exports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| *f)
            .unwrap_or_else(|| panic!("the core module does not export `{name}`"))
    }

    fn callees(&self, func: u32) -> &[u32] {
        self.calls
            .iter()
            .find(|(f, _)| *f == func)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[])
    }

    fn calls(&self, caller: u32, callee: u32) -> bool {
        self.callees(caller).contains(&callee)
    }
}

/// The core module that defines the component's exports (the one with
/// `memory`; the others are wit-component's shims).
fn main_module(component: &[u8]) -> CoreModule {
    let mut modules = Vec::new();
    let mut current: Option<CoreModule> = None;
    for payload in Parser::new(0).parse_all(component) {
        match payload.expect("valid component") {
            Payload::Version {
                encoding: Encoding::Module,
                ..
            } => {
                current = Some(CoreModule::default());
            }
            Payload::ImportSection(reader) => {
                let module = current.as_mut().expect("inside a module");
                for import in reader.into_imports() {
                    if let TypeRef::Func(_) | TypeRef::FuncExact(_) = import.expect("import").ty {
                        module.imported_funcs += 1;
                    }
                }
            }
            Payload::ExportSection(reader) => {
                let module = current.as_mut().expect("inside a module");
                for export in reader {
                    let export = export.expect("export");
                    if export.kind == wasmparser::ExternalKind::Func {
                        module.exports.push((export.name.to_string(), export.index));
                    }
                }
            }
            Payload::CustomSection(reader) => {
                let Some(module) = current.as_mut() else {
                    continue;
                };
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    for name in names {
                        if let Ok(wasmparser::Name::Function(map)) = name {
                            for naming in map.into_iter().flatten() {
                                if naming.index >= module.imported_funcs {
                                    module.names.push(naming.name.to_string());
                                }
                            }
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let module = current.as_mut().expect("inside a module");
                let index = module.imported_funcs + module.calls.len() as u32;
                let mut callees = Vec::new();
                let mut ops = body.get_operators_reader().expect("operators");
                while !ops.eof() {
                    if let Operator::Call { function_index } = ops.read().expect("operator") {
                        callees.push(function_index);
                    }
                }
                module.calls.push((index, callees));
            }
            Payload::End(_) => {
                if let Some(module) = current.take() {
                    modules.push(module);
                }
            }
            _ => {}
        }
    }
    modules
        .into_iter()
        .find(|m| m.exports.iter().any(|(n, _)| n == "greet"))
        .expect("a core module exporting `greet`")
}
