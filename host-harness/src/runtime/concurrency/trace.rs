//! `--trace`: the scheduler's timeline as Chrome trace-event JSON.
//!
//! A seeded schedule replays exactly, and this is how one looks at it: every
//! step a task's thread runs is a slice on that task's row (open while the
//! thread runs, nested when it calls synchronously into another task), and
//! how the step ended (blocked in a wait, parked on a callback `WAIT` or
//! `YIELD`, returned), each event a wait delivered, and each stream or
//! future copy are instants on the row. Rows are named after the task, its
//! component instance and the function it runs (`task 3: relay-driver.run`,
//! names as `translate::names` finds them); slices and copies give the
//! instance's whole path (`relay/relay-driver`). The file opens in `chrome://tracing` and
//! <https://ui.perfetto.dev> ("JSON trace event format").
//!
//! Time stamps are a logical clock, one tick per recorded event, not the
//! wall clock: the same schedule gives the same file, byte for byte, so two
//! runs can be compared with `diff`.
//!
//! The scheduler (`concurrency`, `call`, `stream`) calls in with one line
//! per hook; each hook is a no-op unless the store enabled tracing.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::super::task::{Blocked, TaskId, Wait};
use super::super::{ComponentInstanceId, Runtime};
use super::waitable::{Event, EventCode};

/// The events recorded so far.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    events: Vec<Value>,
    /// The logical clock: ticks once per event.
    clock: u64,
    /// Tasks whose row is named already.
    named: BTreeSet<TaskId>,
    /// Tasks whose resolution is recorded already.
    resolved: BTreeSet<TaskId>,
}

/// The process id every row belongs to: the store.
const PID: u32 = 1;

impl Trace {
    fn push(&mut self, mut event: Value, task: Option<TaskId>) {
        event["pid"] = json!(PID);
        event["tid"] = json!(task.map_or(0, |t| t.as_u32() + 1));
        event["ts"] = json!(self.clock);
        self.clock += 1;
        self.events.push(event);
    }

    /// The whole trace as a JSON document.
    pub(crate) fn to_json(&self) -> String {
        let mut events = vec![json!({
            "ph": "M", "pid": PID, "tid": 0, "name": "process_name",
            "args": { "name": "weft store" },
        })];
        events.extend(self.events.iter().cloned());
        json!({ "traceEvents": events, "displayTimeUnit": "ns" }).to_string()
    }
}

/// The trace, when tracing is on.
fn on(rt: &mut Runtime) -> Option<&mut Trace> {
    rt.trace.as_deref_mut()
}

/// The name of instance `inst` in the trace: its name, after its parents'
/// (`relay/relay-driver`).
fn instance_path(rt: &Runtime, inst: ComponentInstanceId) -> String {
    let mut path: Vec<&str> = rt
        .self_and_ancestors(inst)
        .iter()
        .map(|i| &*rt.instances[*i].name)
        .collect();
    path.reverse();
    path.join("/")
}

/// The name of task `task`'s row: the task, its instance and the function
/// it runs (`task 3: relay-driver.run`).
fn row_name(rt: &Runtime, task: TaskId, inst: ComponentInstanceId) -> String {
    let func = rt.scheduler.task(task).and_then(|t| t.func.name.clone());
    let func = func.as_deref().unwrap_or("<unnamed function>");
    let inst = &rt.instances[inst].name;
    format!("task {}: {inst}.{func}", task.as_u32())
}

/// Task `task`'s thread starts (or resumes) running a step in `inst`.
pub(crate) fn enter(rt: &mut Runtime, task: TaskId, inst: ComponentInstanceId) {
    if rt.trace.is_none() {
        return;
    }
    let path = instance_path(rt, inst);
    let row = match rt.trace.as_ref().is_some_and(|t| t.named.contains(&task)) {
        true => None,
        false => Some(row_name(rt, task, inst)),
    };
    let Some(trace) = on(rt) else { return };
    if let Some(row) = row {
        trace.named.insert(task);
        trace.push(
            json!({ "ph": "M", "name": "thread_name", "args": { "name": row } }),
            Some(task),
        );
    }
    trace.push(
        json!({ "ph": "B", "name": "run", "cat": "thread", "args": { "instance": path } }),
        Some(task),
    );
}

/// Task `task`'s step ends: the slice closes, with how it ended.
pub(crate) fn leave(rt: &mut Runtime, task: TaskId) {
    if rt.trace.is_none() {
        return;
    }
    let (outcome, resolved) = match rt.scheduler.task(task) {
        None => ("exited", true),
        Some(t) => {
            let outcome = match (&t.thread, t.wait) {
                (Some(th), _) => blocked_name(&th.blocked),
                (None, Some(Wait::Yield)) => "parked: yield",
                (None, Some(Wait::Set(_))) => "parked: waitable-set wait",
                (None, None) if t.exited => "exited",
                (None, None) => "running",
            };
            (outcome, t.resolved)
        }
    };
    let Some(trace) = on(rt) else { return };
    trace.push(
        json!({ "ph": "E", "name": "run", "cat": "thread", "args": { "outcome": outcome } }),
        Some(task),
    );
    if resolved && trace.resolved.insert(task) {
        trace.push(
            json!({ "ph": "i", "s": "t", "name": "resolved", "cat": "task" }),
            Some(task),
        );
    }
}

fn blocked_name(b: &Blocked) -> &'static str {
    match b {
        Blocked::Wait { .. } => "blocked: waitable-set.wait",
        Blocked::Yield { .. } => "blocked: thread.yield",
        Blocked::Cancel { .. } => "blocked: subtask.cancel",
        Blocked::Copy { .. } => "blocked: stream or future copy",
        Blocked::Call { .. } => "blocked: synchronous call",
        Blocked::Suspend { .. } => "blocked: thread.suspend",
    }
}

/// A wait of task `task` delivers `event`.
pub(crate) fn delivered(rt: &mut Runtime, task: TaskId, event: &Event) {
    let Some(trace) = on(rt) else { return };
    let code = match event.code {
        EventCode::None => "none",
        EventCode::Subtask => "subtask",
        EventCode::StreamRead => "stream-read",
        EventCode::StreamWrite => "stream-write",
        EventCode::FutureRead => "future-read",
        EventCode::FutureWrite => "future-write",
        EventCode::TaskCancelled => "task-cancelled",
    };
    trace.push(
        json!({
            "ph": "i", "s": "t", "name": format!("event {code}"), "cat": "wait",
            "args": { "p1": event.p1, "p2": event.p2 },
        }),
        Some(task),
    );
}

/// A wait (or poll) of the running task delivers `event`.
pub(crate) fn delivered_here(rt: &mut Runtime, event: &Event) {
    if let Some(task) = rt.scheduler.current_task().map(|t| t.id) {
        delivered(rt, task, event);
    }
}

/// A call that waited in STARTING (backpressure, exclusivity) starts.
pub(crate) fn started(rt: &mut Runtime, task: TaskId) {
    let Some(trace) = on(rt) else { return };
    trace.push(
        json!({ "ph": "i", "s": "t", "name": "subtask started", "cat": "subtask" }),
        Some(task),
    );
}

/// `n` elements of a stream or future moved from `src` to `dst`, during
/// the step of the running task.
pub(crate) fn copied(rt: &mut Runtime, src: ComponentInstanceId, dst: ComponentInstanceId, n: u32) {
    if rt.trace.is_none() {
        return;
    }
    let (from, to) = (instance_path(rt, src), instance_path(rt, dst));
    let task = rt.scheduler.current_task().map(|t| t.id);
    let Some(trace) = on(rt) else { return };
    trace.push(
        json!({
            "ph": "i", "s": "t", "name": "copy", "cat": "stream",
            "args": { "from": from, "to": to, "elements": n },
        }),
        task,
    );
}
