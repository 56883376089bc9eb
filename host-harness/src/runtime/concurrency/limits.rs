//! The store's limits on concurrency ([`crate::StoreLimits`]: `max_tasks`,
//! `max_threads`, `max_subtasks`): a guest that starts calls, spawns
//! threads or leaves subtasks undropped without end traps at the limit,
//! naming it, instead of taking all the host's memory.

use super::subtask::Subtask;
use crate::error::{Error, trap};
use crate::runtime::handles::{HandleIdx, Slot};
use crate::runtime::{ComponentInstanceId, Runtime};

/// Before a call creates its task: the live tasks must stay within
/// `max_tasks`.
pub(crate) fn check_new_task(rt: &Runtime) -> Result<(), Error> {
    let max = rt.limits.max_tasks;
    if rt.scheduler.task_count() >= max {
        return trap(format!(
            "too many live tasks: the store's limit is {max} (StoreLimits::max_tasks)"
        ));
    }
    Ok(())
}

/// Before `thread.new-indirect` adds a thread: the spawned threads that
/// have not ended must stay within `max_threads`.
pub(crate) fn check_new_thread(rt: &mut Runtime) -> Result<(), Error> {
    let max = rt.limits.max_threads;
    if rt.scheduler.spawned_bound < max {
        return Ok(());
    }
    // The bound may count threads of tasks that are gone: count exactly.
    let live: usize = rt.scheduler.tasks().map(|t| t.spawned.len()).sum();
    rt.scheduler.spawned_bound = live;
    if live >= max {
        return trap(format!(
            "too many live threads: the store's limit is {max} (StoreLimits::max_threads)"
        ));
    }
    Ok(())
}

/// Adds subtask handle `subtask` to `inst`'s table, within `max_subtasks`.
pub(crate) fn add_subtask(
    rt: &mut Runtime,
    inst: ComponentInstanceId,
    subtask: Subtask,
) -> Result<HandleIdx, Error> {
    let max = rt.limits.max_subtasks;
    if rt.scheduler.live_subtasks >= max {
        return trap(format!(
            "too many live subtasks: the store's limit is {max} (StoreLimits::max_subtasks)"
        ));
    }
    let i = rt.instance(inst).handles.add(Slot::Subtask(subtask))?;
    rt.scheduler.live_subtasks += 1;
    Ok(i)
}

/// Counts a subtask handle dropped.
pub(crate) fn drop_subtask(rt: &mut Runtime) {
    rt.scheduler.live_subtasks = rt.scheduler.live_subtasks.saturating_sub(1);
}
