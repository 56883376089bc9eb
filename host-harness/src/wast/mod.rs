//! The component `.wast` script runner behind `weft wast`.
//!
//! Scripts are parsed with the `wast` crate; each file runs in one fresh
//! [`Store`]. Supported directives: `component` (inline, `quote`, `binary`),
//! `component definition` / `component instance`, `invoke`, `assert_return`,
//! `assert_trap`, `assert_invalid`, `assert_malformed`, `assert_unlinkable`.
//! A trap matches when its message contains the expected text, as in other
//! runtimes' runners. `values` converts between script and runtime values;
//! `spectest` defines the host imports scripts written for wasmtime use.

mod spectest;
mod values;

pub use spectest::link_spectest;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};

use crate::{Component, Engine, Error, Instance, Linker, Schedule, Store, StoreLimits, Val};

/// The environment variable that turns fused adapters off (`0`): calls
/// between instances then run on the host path, to compare the two.
const FUSED_ADAPTERS: &str = "WEFT_FUSED_ADAPTERS";

/// One failed directive.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The script the directive is in.
    pub file: PathBuf,
    /// 1-based line of the directive.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// The outcome of running scripts.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// How many directives passed.
    pub passed: usize,
    /// Every directive that failed, in order.
    pub failures: Vec<Failure>,
    /// How many calls between two instances ran through fused adapters.
    pub adapter_calls: u64,
    /// With [`Options::trace`]: each script's timeline, as
    /// [`Store::trace_json`] writes it, in the order the scripts ran.
    pub traces: Vec<(PathBuf, String)>,
}

/// How [`run_paths_with_options`] runs scripts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Limits on each script's store.
    pub limits: StoreLimits,
    /// The schedule each script's store follows (see
    /// [`Store::set_schedule`]; `None`: the default FIFO schedule).
    pub schedule: Option<Schedule>,
    /// Whether to record each script's timeline in [`Summary::traces`].
    pub trace: bool,
}

impl Summary {
    fn merge(&mut self, other: Summary) {
        self.passed += other.passed;
        self.failures.extend(other.failures);
        self.adapter_calls += other.adapter_calls;
        self.traces.extend(other.traces);
    }
}

/// Runs every `.wast` file in `paths` (directories are searched
/// recursively, in name order).
///
/// # Errors
///
/// Only if a path cannot be read; script problems are [`Failure`]s.
pub fn run_paths(paths: &[PathBuf]) -> Result<Summary, Error> {
    run_paths_with(paths, &StoreLimits::default())
}

/// Like [`run_paths`], with `limits` on each script's store.
///
/// # Errors
///
/// Only if a path cannot be read; script problems are [`Failure`]s.
pub fn run_paths_with(paths: &[PathBuf], limits: &StoreLimits) -> Result<Summary, Error> {
    run_paths_seeded(paths, limits, None)
}

/// Like [`run_paths_with`], with each script's store following `schedule`
/// (see [`Store::set_schedule`]; `None`: the default FIFO schedule).
///
/// # Errors
///
/// Only if a path cannot be read; script problems are [`Failure`]s.
pub fn run_paths_seeded(
    paths: &[PathBuf],
    limits: &StoreLimits,
    schedule: Option<Schedule>,
) -> Result<Summary, Error> {
    let options = Options {
        limits: limits.clone(),
        schedule,
        trace: false,
    };
    run_paths_with_options(paths, &options)
}

/// Runs every `.wast` file in `paths` as `options` say; each script runs in
/// a store of its own, so each has a trace of its own.
///
/// # Errors
///
/// Only if a path cannot be read; script problems are [`Failure`]s.
pub fn run_paths_with_options(paths: &[PathBuf], options: &Options) -> Result<Summary, Error> {
    run_paths_in(paths, options, adapters_from_env())
}

/// Runs every `.wast` file in `paths` with fused adapters on or off (see
/// [`Engine::fused_adapters`]), whatever `WEFT_FUSED_ADAPTERS` says: to
/// compare the adapters with the host-mediated path.
///
/// # Errors
///
/// Only if a path cannot be read; script problems are [`Failure`]s.
pub fn run_paths_with_adapters(paths: &[PathBuf], adapters: bool) -> Result<Summary, Error> {
    run_paths_in(paths, &Options::default(), adapters)
}

fn run_paths_in(paths: &[PathBuf], options: &Options, adapters: bool) -> Result<Summary, Error> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    let mut summary = Summary::default();
    for f in files {
        let text =
            std::fs::read_to_string(&f).map_err(|e| Error::msg(format!("{}: {e}", f.display())))?;
        summary.merge(run_script_in(&f, &text, options, adapters));
    }
    Ok(summary)
}

/// Whether adapters are on: unless `WEFT_FUSED_ADAPTERS=0`.
fn adapters_from_env() -> bool {
    std::env::var_os(FUSED_ADAPTERS).is_none_or(|v| v != "0")
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::msg(format!("{}: {e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "wast") {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Runs one script file.
///
/// # Errors
///
/// Only if the file cannot be read.
pub fn run_file(path: &Path) -> Result<Summary, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::msg(format!("{}: {e}", path.display())))?;
    Ok(run_script(path, &text))
}

/// Runs script `text`, attributing failures to `path`.
pub fn run_script(path: &Path, text: &str) -> Summary {
    run_script_with(path, text, &StoreLimits::default())
}

/// Like [`run_script`], with `limits` on the script's store.
pub fn run_script_with(path: &Path, text: &str, limits: &StoreLimits) -> Summary {
    run_script_seeded(path, text, limits, None)
}

/// Like [`run_script_with`], with the script's store following `schedule`.
pub fn run_script_seeded(
    path: &Path,
    text: &str,
    limits: &StoreLimits,
    schedule: Option<Schedule>,
) -> Summary {
    let options = Options {
        limits: limits.clone(),
        schedule,
        trace: false,
    };
    run_script_in(path, text, &options, adapters_from_env())
}

fn run_script_in(path: &Path, text: &str, options: &Options, adapters: bool) -> Summary {
    let mut summary = Summary::default();
    let fail = |line: usize, message: String| Failure {
        file: path.to_path_buf(),
        line,
        message,
    };
    let buf = match ParseBuffer::new(text) {
        Ok(b) => b,
        Err(e) => {
            summary
                .failures
                .push(fail(1, format!("cannot lex script: {e}")));
            return summary;
        }
    };
    let script = match parser::parse::<Wast>(&buf) {
        Ok(s) => s,
        Err(e) => {
            summary
                .failures
                .push(fail(1, format!("cannot parse script: {e}")));
            return summary;
        }
    };
    let lines = LineIndex::new(text);
    let mut runner = Runner::new(options, adapters);
    for directive in script.directives {
        let offset = directive.span().offset();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.directive(directive)))
                .unwrap_or_else(|_| Err("the harness panicked".to_string()));
        match outcome {
            Ok(()) => summary.passed += 1,
            Err(message) => summary.failures.push(fail(lines.line(offset), message)),
        }
    }
    summary.adapter_calls = runner.store.adapter_calls();
    if let Some(json) = runner.store.trace_json() {
        summary.traces.push((path.to_path_buf(), json));
    }
    summary
}

/// Byte offset -> 1-based line number. The line starts are found in one
/// pass, and only when the first failure needs them; each lookup is then a
/// binary search. (Scanning the text per directive made long scripts
/// quadratic.)
struct LineIndex<'t> {
    text: &'t str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // `starts[0] == 0`, so at least one start is <= `offset`.
        starts.partition_point(|&s| s <= offset)
    }
}

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    definitions: HashMap<String, Component>,
    /// Instances named by `(component $name ...)` or `(component instance $name ...)`.
    instances: HashMap<String, Instance>,
    current: Option<Instance>,
}

type Outcome = Result<(), String>;

fn quote_id<'a>(q: &QuoteWat<'a>) -> Option<&'a str> {
    match q {
        QuoteWat::Wat(Wat::Component(c)) => c.id.map(|i| i.name()),
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|i| i.name()),
        QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..) => None,
    }
}

impl Runner {
    fn new(options: &Options, adapters: bool) -> Self {
        let engine = Engine::default().fused_adapters(adapters);
        let mut store = Store::new(&engine, ());
        store.set_limits(options.limits.clone());
        if let Some(schedule) = options.schedule {
            store.set_schedule(schedule);
        }
        if options.trace {
            store.enable_trace();
        }
        let mut linker = Linker::new(&engine);
        // A fresh linker defines none of these names.
        let linked = link_spectest(&mut linker, &engine);
        debug_assert!(linked.is_ok(), "{linked:?}");
        Self {
            store,
            linker,
            engine,
            definitions: HashMap::new(),
            instances: HashMap::new(),
            current: None,
        }
    }

    fn compile(&self, mut wat: QuoteWat<'_>) -> Result<Component, String> {
        let bytes = wat.encode().map_err(|e| format!("cannot encode: {e}"))?;
        Component::new(&self.engine, &bytes).map_err(|e| e.to_string())
    }

    fn instantiate(&mut self, component: &Component) -> Result<Instance, String> {
        self.linker
            .instantiate(&mut self.store, component)
            .map_err(|e| e.to_string())
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Outcome {
        match d {
            WastDirective::Module(wat) => {
                let id = quote_id(&wat).map(str::to_string);
                let component = self.compile(wat)?;
                let instance = self.instantiate(&component)?;
                self.set_current(id, instance);
                Ok(())
            }
            WastDirective::ModuleDefinition(wat) => {
                let id = quote_id(&wat).map(str::to_string);
                let component = self.compile(wat)?;
                if let Some(id) = id {
                    self.definitions.insert(id, component);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let name = module
                    .map(|m| m.name())
                    .ok_or("instance without a definition")?;
                let component = self
                    .definitions
                    .get(name)
                    .cloned()
                    .ok_or_else(|| format!("unknown definition `{name}`"))?;
                let created = self.instantiate(&component)?;
                self.set_current(instance.map(|i| i.name().to_string()), created);
                Ok(())
            }
            WastDirective::AssertMalformed { module, .. }
            | WastDirective::AssertInvalid { module, .. } => match self.compile(module) {
                Ok(_) => Err("expected the component to be rejected, but it loaded".into()),
                Err(_) => Ok(()),
            },
            WastDirective::AssertUnlinkable { module, .. } => {
                let component = self.compile(QuoteWat::Wat(module))?;
                match self.instantiate(&component) {
                    Ok(_) => Err("expected instantiation to fail".into()),
                    Err(_) => Ok(()),
                }
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(invoke).map(drop).map_err(|e| e.to_string())
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = self
                    .execute(exec)
                    .map_err(|e| format!("unexpected error: {e}"))?;
                values::check_results(&got, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(vals) => Err(format!("expected trap `{message}`, got {vals:?}")),
                Err(e) => {
                    let text = e.to_string();
                    if text.contains(message) {
                        Ok(())
                    } else {
                        Err(format!("expected trap `{message}`, got `{text}`"))
                    }
                }
            },
            other => Err(format!("unsupported directive {:?}", other.span())),
        }
    }

    fn set_current(&mut self, name: Option<String>, instance: Instance) {
        if let Some(name) = name {
            self.instances.insert(name, instance.clone());
        }
        self.current = Some(instance);
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, Error> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(invoke),
            WastExecute::Wat(wat) => {
                let component = self.compile(QuoteWat::Wat(wat)).map_err(Error::msg)?;
                self.current = Some(self.linker.instantiate(&mut self.store, &component)?);
                Ok(vec![])
            }
            WastExecute::Get { .. } => Err(Error::msg("`get` is not supported for components")),
        }
    }

    fn invoke(&mut self, invoke: WastInvoke<'_>) -> Result<Vec<Val>, Error> {
        let instance = match invoke.module {
            Some(id) => self.instances.get(id.name()),
            None => self.current.as_ref(),
        }
        .ok_or_else(|| Error::msg("no such instance"))?;
        let func = instance
            .get_func(&mut self.store, invoke.name)
            .ok_or_else(|| Error::from(crate::CallError::UnknownExport(invoke.name.into())))?;
        let args = invoke
            .args
            .iter()
            .map(values::arg)
            .collect::<Result<Vec<_>, _>>()?;
        let mut results = vec![Val::Bool(false); func.results(&mut self.store).len()];
        func.call(&mut self.store, &args, &mut results)?;
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn line_index_agrees_with_a_linear_scan() {
        let text = "(a)\n\n  (b)\r\n(c)\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            let expected = 1 + text[..offset].matches('\n').count();
            assert_eq!(index.line(offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn failures_report_the_directive_line() {
        let script = "(component)\n\n(assert_return (invoke \"nope\"))\n(component)\n(assert_trap (invoke \"f\") \"never matches\")";
        let summary = super::run_script(std::path::Path::new("t.wast"), script);
        let lines: Vec<usize> = summary.failures.iter().map(|f| f.line).collect();
        assert_eq!(lines, [3, 5]);
        assert_eq!(summary.passed, 2);
    }
}
