//! `weft run`: instantiate a component with the WASI host and run it.
//!
//! Without `--invoke` the component must export `wasi:cli/run` (any 0.2.x),
//! whose `result` becomes the exit status. With `--invoke 'name(args)'` the
//! arguments are parsed in WAVE against the export's parameter types and the
//! results are printed in WAVE on stdout, as other runtimes' CLIs do.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use wasm_wave::untyped::UntypedFuncCall;
use weft_harness::wasi::{WasiCtx, WasiCtxBuilder};
use weft_harness::{
    Component, Config, Engine, Error, Func, Instance, Linker, Schedule, Store, StoreLimits, Val,
};

use super::FAILURE;
use super::wave::{WaveType, WaveVal};

/// Exit status after a guest trap: what a process killed by `abort()` reports
/// on Unix, which is what other runtimes' CLIs use for a trap.
const TRAP_STATUS: u8 = 134;

/// The export `weft run` calls without `--invoke`, minus its version.
const RUN_INTERFACE: &str = "wasi:cli/run";

/// The resource limits of `weft run` and `weft wast`, and the scheduler
/// seed their stores use.
#[derive(Debug, Default, Clone)]
pub struct Limits {
    pub max_memory: Option<u64>,
    pub fuel: Option<u64>,
    pub timeout: Option<Duration>,
    /// `--seed`, `--strategy`: the store's schedule (`None`: FIFO).
    pub schedule: Option<Schedule>,
    /// `--schedules`: how many seeds to try, from the schedule's.
    pub schedules: Option<u64>,
    /// `--trace`: where to write the run's timeline.
    pub trace: Option<PathBuf>,
}

impl Limits {
    /// The store limits: the library's defaults, with `--max-memory`.
    pub fn store_limits(&self) -> StoreLimits {
        let defaults = StoreLimits::default();
        match self.max_memory {
            Some(bytes) => defaults.max_memory(bytes),
            None => defaults,
        }
    }

    /// An engine that meters fuel when a fuel or time limit needs it.
    fn engine(&self) -> Engine {
        let mut config = Config::new();
        config.consume_fuel(self.fuel.is_some() || self.timeout.is_some());
        Engine::with_config(&config)
    }

    /// Puts the limits on `store`; the time limit starts now.
    fn apply<T: 'static>(&self, store: &mut Store<T>) -> Result<(), Failure> {
        store.set_limits(self.store_limits());
        if let Some(schedule) = self.schedule {
            store.set_schedule(schedule);
        }
        if self.trace.is_some() {
            store.enable_trace();
        }
        if let Some(fuel) = self.fuel {
            store.set_fuel(Some(fuel)).map_err(|e| setup("--fuel", e))?;
        }
        if let Some(timeout) = self.timeout {
            store
                .set_timeout(timeout)
                .map_err(|e| setup("--timeout", e))?;
        }
        Ok(())
    }
}

/// The options of `weft run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub limits: Limits,
    pub invoke: Option<String>,
    pub links: Vec<PathBuf>,
    pub dirs: Vec<(PathBuf, String)>,
    pub env: Vec<(String, String)>,
    pub component: PathBuf,
    pub args: Vec<String>,
}

/// Why `weft` stopped without the guest choosing a status.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong.
    Usage(String),
    /// Loading, linking or calling failed before or around the guest.
    Setup(String),
    /// The guest trapped.
    Trap(String),
}

impl Failure {
    /// The process exit status for this failure.
    pub fn status(&self) -> u8 {
        match self {
            Failure::Usage(_) | Failure::Setup(_) => FAILURE,
            Failure::Trap(_) => TRAP_STATUS,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Setup(m) | Failure::Trap(m) => f.write_str(m),
        }
    }
}

/// Runs `weft run` and returns the process exit status.
///
/// # Errors
/// A [`Failure`] for every way the run can go wrong other than the guest
/// exiting with a status of its own choosing.
pub fn run(options: &RunOptions) -> Result<u8, Failure> {
    let engine = options.limits.engine();
    let component = load(&engine, &options.component)?;
    let mut linker = Linker::<WasiCtx>::new(&engine);
    weft_harness::wasi::add_to_linker(&mut linker).map_err(|e| setup("WASI", e))?;
    // `--link` builds a chain: each component sees the exports of those
    // linked before it, and a later one that re-exports an interface it
    // imports stands in for the earlier definition.
    linker.allow_shadowing(true);
    let mut store = Store::new(&engine, wasi_ctx(options)?);
    options.limits.apply(&mut store)?;
    for path in &options.links {
        let linked = load(&engine, path)?;
        let instance = linker
            .instantiate(&mut store, &linked)
            .map_err(|e| called(path, e))?;
        linker
            .define_instance(&instance)
            .map_err(|e| setup(&path.display().to_string(), e))?;
    }
    let outcome = match &options.invoke {
        Some(call) => invoke(&mut store, &linker, &component, options, call),
        None => linker
            .instantiate(&mut store, &component)
            .map_err(|e| called(&options.component, e))
            .and_then(|instance| run_command(&mut store, instance, &options.component)),
    };
    super::explore::write_trace(&store, options.limits.trace.as_deref())?;
    outcome
}

/// Reads and validates one component file, binary or text format; its
/// instances go by the file's stem (`relay` for `relay.wasm`) in traces.
fn load(engine: &Engine, path: &Path) -> Result<Component, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Setup(format!("cannot read {}: {e}", path.display())))?;
    let bytes = from_text(path, bytes)?;
    let component =
        Component::new(engine, &bytes).map_err(|e| setup(&path.display().to_string(), e))?;
    Ok(match path.file_stem() {
        Some(stem) => component.named(&stem.to_string_lossy()),
        None => component,
    })
}

/// Encodes a file in the text format, as other runtimes' CLIs accept; a
/// binary (or anything that is not UTF-8) is left for the validator to judge.
fn from_text(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, Failure> {
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(bytes);
    };
    let invalid = |e: wast::Error| Failure::Setup(format!("{}: {e}", path.display()));
    let buffer = wast::parser::ParseBuffer::new(text).map_err(invalid)?;
    let mut wat: wast::Wat = wast::parser::parse(&buffer).map_err(invalid)?;
    wat.encode().map_err(invalid)
}

/// The WASI context: stdio inherited, arguments headed by the file's base
/// name (not its full path, so that output does not leak the host layout).
fn wasi_ctx(options: &RunOptions) -> Result<WasiCtx, Failure> {
    let program = options.component.file_name().map_or_else(
        || options.component.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut builder = WasiCtxBuilder::new()
        .inherit_stdio()
        .arg(program)
        .args(options.args.iter().cloned());
    for (key, value) in &options.env {
        builder = builder.env(key, value);
    }
    for (host, guest) in &options.dirs {
        builder = builder
            .preopened_dir(host, guest)
            .map_err(|e| Failure::Usage(format!("--dir {}::{guest}: {e}", host.display())))?;
    }
    Ok(builder.build())
}

/// Calls the `wasi:cli/run` export.
fn run_command(store: &mut Store<WasiCtx>, instance: Instance, path: &Path) -> Result<u8, Failure> {
    let run = find_run(store, &instance).ok_or_else(|| {
        Failure::Setup(format!(
            "{}: no `{RUN_INTERFACE}` export to run (use --invoke to call a function)",
            path.display()
        ))
    })?;
    let mut results = vec![Val::Bool(false)];
    match run.call(&mut *store, &[], &mut results) {
        Ok(()) => Ok(match results.first() {
            Some(Val::Result(Ok(_))) => 0,
            // `run` returning `err` is the guest's way of saying "failed".
            _ => 1,
        }),
        Err(e) => guest_outcome(path, e),
    }
}

/// Finds `wasi:cli/run@0.2.x#run`, whichever 0.2 version the guest exports.
fn find_run(store: &mut Store<WasiCtx>, instance: &Instance) -> Option<Func> {
    let prefix = format!("{RUN_INTERFACE}@0.2.");
    let export = instance
        .export_names()
        .into_iter()
        .find(|name| name.starts_with(&prefix))?;
    instance.get_func(&mut *store, &format!("{export}#run"))
}

/// `--invoke`: parses the call, type-checks it against the export before
/// instantiating, calls it and prints the results.
fn invoke(
    store: &mut Store<WasiCtx>,
    linker: &Linker<WasiCtx>,
    component: &Component,
    options: &RunOptions,
    call: &str,
) -> Result<u8, Failure> {
    let parsed = UntypedFuncCall::parse(call)
        .map_err(|e| Failure::Usage(format!("--invoke `{call}`: {e}")))?;
    let instance = linker
        .instantiate(&mut *store, component)
        .map_err(|e| called(&options.component, e))?;
    let func = find_export(store, &instance, parsed.name())
        .map_err(|e| Failure::Setup(format!("{}: {e}", options.component.display())))?;
    let param_types: Vec<WaveType> = func
        .params(&mut *store)
        .into_iter()
        .map(|(_, t)| WaveType(t))
        .collect();
    let params: Vec<Val> = parsed
        .to_wasm_params::<WaveVal>(&param_types)
        .map_err(|e| Failure::Usage(format!("--invoke `{call}`: {e}")))?
        .into_iter()
        .map(|v| v.0)
        .collect();
    let mut results = vec![Val::Bool(false); func.results(&mut *store).len()];
    if let Err(e) = func.call(&mut *store, &params, &mut results) {
        return guest_outcome(&options.component, e);
    }
    match super::invoke_result::print(store, results) {
        Ok(()) => Ok(0),
        Err(e) => guest_outcome(&options.component, e),
    }
}

/// Finds the function `name` for `--invoke`: a top-level export, or else
/// the one exported instance function of that name (so `run()` calls a
/// command's `wasi:cli/run#run`), as other runtimes' `--invoke` does.
fn find_export(
    store: &mut Store<WasiCtx>,
    instance: &Instance,
    name: &str,
) -> Result<Func, String> {
    if let Some(func) = instance.get_func(&mut *store, name) {
        return Ok(func);
    }
    let candidates: Vec<String> = instance
        .export_names()
        .into_iter()
        .filter(|inst| instance.instance_func_names(inst).iter().any(|f| f == name))
        .map(|inst| format!("{inst}#{name}"))
        .collect();
    match candidates.as_slice() {
        [] => Err(format!("no exported function `{name}`")),
        [path] => instance
            .get_func(&mut *store, path)
            .ok_or_else(|| format!("no exported function `{path}`")),
        [..] => Err(format!(
            "`{name}` is exported by several instances: {}",
            candidates.join(", ")
        )),
    }
}

/// Turns an error out of a guest call into an exit status or a failure.
fn guest_outcome(path: &Path, e: Error) -> Result<u8, Failure> {
    if let Some(code) = e.exit_code() {
        // Statuses outside 0..=255 wrap as a Unix shell would see them.
        return Ok(code.rem_euclid(256) as u8);
    }
    match e.as_trap() {
        Some(_) => Err(Failure::Trap(format!("{}: {e}", path.display()))),
        None => Err(called(path, e)),
    }
}

fn called(path: &Path, e: Error) -> Failure {
    if e.as_trap().is_some() {
        return Failure::Trap(format!("{}: {e}", path.display()));
    }
    setup(&path.display().to_string(), e)
}

fn setup(context: &str, e: Error) -> Failure {
    Failure::Setup(format!("{context}: {e}"))
}
