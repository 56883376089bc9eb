//! Runs one fuzz input through weft's host as far as it goes: load each
//! component, instantiate it against WASI and the components before it,
//! then call every exported function with generated arguments.
//!
//! Every step may fail, and that is fine as long as it fails the way the
//! embedding API promises: an [`Error`] whose message is one line, and no
//! host panic behind it. What is not fine (a panic, a hang) is caught by the
//! [`driver`](super::driver); what this module adds is the check on the
//! errors themselves and a label saying how far the input got, for the
//! fuzzers' outcome counts. Handles the guests return are passed back to
//! later calls taking handles, and dropped at the end. A trap
//! leaves its instance unable to be entered
//! again (as the spec requires), so after one the chain is instantiated
//! afresh in a new Store before the next call.

use super::args::arguments;
use rand::rngs::SmallRng;
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{Component, Engine, Error, ErrorKind, Instance, Linker, Store, Val};

/// How far an input got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reached {
    /// A component failed to load (parse, validate or compile).
    LoadError,
    /// Instantiation failed to link.
    LinkError,
    /// Instantiation trapped (a start function, a bad initializer).
    InstantiateTrap,
    /// Instantiated, but no export could be called with made-up values.
    NothingToCall,
    /// Every call failed (trap, exit or error).
    CallsFailed,
    /// At least one call returned a value.
    Returned,
}

impl Reached {
    /// The label in the fuzzers' outcome counts.
    pub fn label(self) -> &'static str {
        match self {
            Reached::LoadError => "load error",
            Reached::LinkError => "link error",
            Reached::InstantiateTrap => "instantiation trap",
            Reached::NothingToCall => "nothing to call",
            Reached::CallsFailed => "calls trapped or failed",
            Reached::Returned => "calls returned",
        }
    }
}

/// What an input did.
#[derive(Debug)]
pub struct Outcome {
    pub reached: Reached,
    /// Everything the guests wrote to stdout, over every instantiation.
    pub stdout: String,
}

/// A shared engine: its configuration never changes between cases.
fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

/// The chain instantiated in one Store.
struct Live {
    store: Store<WasiCtx>,
    instances: Vec<Instance>,
}

impl Live {
    fn stdout(&self) -> String {
        self.store
            .data()
            .stdout()
            .map(|o| String::from_utf8_lossy(&o.contents()).into_owned())
            .unwrap_or_default()
    }
}

/// Loads and instantiates `chain` in order (each linked to WASI and to the
/// exports of those before it, as `weft run --link` does), then calls every
/// export of every instance.
///
/// # Errors
/// A message for an error that breaks the API's promise; every ordinary
/// failure is an outcome.
pub fn exercise(chain: &[&[u8]], rng: &mut SmallRng) -> Result<Outcome, String> {
    let mut components = Vec::new();
    for bytes in chain {
        match Component::new(engine(), bytes) {
            Ok(c) => components.push(c),
            Err(e) => {
                one_line(&e)?;
                return Ok(Outcome {
                    reached: Reached::LoadError,
                    stdout: String::new(),
                });
            }
        }
    }
    let mut live = match instantiate(&components)? {
        Ok(live) => live,
        Err(reached) => {
            return Ok(Outcome {
                reached,
                stdout: String::new(),
            });
        }
    };
    let exports: Vec<(usize, String)> = live
        .instances
        .iter()
        .enumerate()
        .flat_map(|(i, inst)| export_funcs(inst).into_iter().map(move |n| (i, n)))
        .collect();
    let mut reached = Reached::NothingToCall;
    let mut stdout = String::new();
    // Handles returned to the host, passed to later calls taking handles.
    let mut pool = Vec::new();
    for (index, name) in exports {
        let Some(func) = live.instances[index].get_func(&mut live.store, &name) else {
            continue;
        };
        let params = func.params(&mut live.store);
        let Some(args) = arguments(rng, &params, &pool) else {
            continue;
        };
        let mut results = vec![Val::Bool(false); func.results(&mut live.store).len()];
        match func.call(&mut live.store, &args, &mut results) {
            Ok(()) => {
                reached = Reached::Returned;
                pool.extend(results.iter().filter_map(|v| match v {
                    Val::Resource(r) => Some(*r),
                    _ => None,
                }));
            }
            Err(e) => {
                one_line(&e).map_err(|why| format!("calling `{name}`: {why}"))?;
                reached = reached.max(Reached::CallsFailed);
                if let ErrorKind::Trap(_) = e.kind() {
                    stdout.push_str(&live.stdout());
                    // Instantiating worked once; if it fails now, that is
                    // a finding too (it is deterministic).
                    live = instantiate(&components)?
                        .map_err(|r| format!("instantiating again after a trap: {}", r.label()))?;
                    // Their store is gone.
                    pool.clear();
                }
            }
        }
    }
    // Dropped once each: a second drop is not caught yet (see the ignored
    // `a_dropped_guest_resource_cannot_be_dropped_again` in host-harness).
    for handle in &pool {
        if let Err(e) = handle.resource_drop(&mut live.store) {
            one_line(&e).map_err(|why| format!("dropping a handle: {why}"))?;
        }
    }
    stdout.push_str(&live.stdout());
    Ok(Outcome { reached, stdout })
}

/// Instantiates `components` in a new Store; `Ok(Err(reached))` when that
/// fails the ordinary way.
fn instantiate(components: &[Component]) -> Result<Result<Live, Reached>, String> {
    let engine = engine();
    let mut store = Store::new(engine, WasiCtxBuilder::new().arg("fuzz").build());
    let mut linker = Linker::<WasiCtx>::new(engine);
    weft_harness::wasi::add_to_linker(&mut linker).map_err(|e| format!("WASI: {e}"))?;
    linker.allow_shadowing(true);
    let mut instances = Vec::new();
    for component in components {
        let instance = match linker.instantiate(&mut store, component) {
            Ok(i) => i,
            Err(e) => {
                one_line(&e)?;
                return Ok(Err(match e.kind() {
                    ErrorKind::Trap(_) | ErrorKind::Exit(_) => Reached::InstantiateTrap,
                    _ => Reached::LinkError,
                }));
            }
        };
        if let Err(e) = linker.define_instance(&instance) {
            one_line(&e)?;
            return Ok(Err(Reached::LinkError));
        }
        instances.push(instance);
    }
    Ok(Ok(Live { store, instances }))
}

/// Every exported function: top-level ones by name, those of exported
/// instances as `instance#function`.
fn export_funcs(instance: &Instance) -> Vec<String> {
    let mut names = Vec::new();
    for export in instance.export_names() {
        let inner = instance.instance_func_names(&export);
        if inner.is_empty() {
            names.push(export);
        } else {
            names.extend(inner.into_iter().map(|f| format!("{export}#{f}")));
        }
    }
    names
}

/// The start of the trap a panicking host function turns into: the process
/// survives it, but it is a host bug all the same.
const HOST_PANIC: &str = "host function panicked";

/// The API promises one-line errors, and no panics behind them; anything
/// else is a finding.
fn one_line(e: &Error) -> Result<(), String> {
    let text = e.to_string();
    if std::env::var_os(DEBUG_VAR).is_some() {
        eprintln!("weft error: {text}");
    }
    if text.trim().is_empty() || text.trim_end().contains('\n') {
        Err(format!("error is not one line: {text:?}"))
    } else if text.contains(HOST_PANIC) {
        Err(format!("a host function panicked: {text}"))
    } else {
        Ok(())
    }
}

/// Set to print every error weft returns (to see what a fuzzer reaches).
pub const DEBUG_VAR: &str = "WEFT_FUZZ_DEBUG";
