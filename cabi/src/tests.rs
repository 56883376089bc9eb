//! Native checks of the `wasip3_task_set` contract and of the shared
//! structure layouts (offsets scale with the pointer width).

use super::*;
use core::mem::{offset_of, size_of};

unsafe extern "C" fn register(
    ptr: *mut c_void,
    waitable: u32,
    _callback: WaitableCallback,
    callback_ptr: *mut c_void,
) -> *mut c_void {
    // SAFETY: the tests below pass a `*mut u32` as the task's private pointer.
    unsafe { *(ptr as *mut u32) = waitable };
    callback_ptr
}

unsafe extern "C" fn unregister(_ptr: *mut c_void, _waitable: u32) -> *mut c_void {
    core::ptr::null_mut()
}

#[test]
#[cfg_attr(miri, ignore = "calls the C half, which Miri cannot run")]
fn set_swaps_and_returns_previous() {
    let mut last_registered = 0u32;
    let mut task = Wasip3Task {
        version: WASIP3_TASK_V1,
        ptr: (&mut last_registered as *mut u32).cast(),
        waitable_register: register,
        waitable_unregister: unregister,
    };
    // SAFETY: `task` outlives every use below and is uninstalled before the
    // end of the test; no other test touches the slot concurrently because
    // this is the only test that installs a task.
    unsafe {
        let before = wasip3_task_set(&mut task);
        assert!(before.is_null(), "slot starts empty");
        let current = current_task();
        assert_eq!(current, &mut task as *mut _);
        assert_eq!(current_task(), current, "reading leaves the task installed");
        let echoed =
            ((*current).waitable_register)((*current).ptr, 7, noop_callback, 0x10 as *mut c_void);
        assert_eq!(echoed as usize, 0x10);
        let previous = wasip3_task_set(before);
        assert_eq!(previous, &mut task as *mut _);
        assert!(current_task().is_null());
    }
    assert_eq!(last_registered, 7);
}

unsafe extern "C" fn noop_callback(_ptr: *mut c_void, _code: u32) {}

#[test]
fn layouts_match_the_shared_abi() {
    let word = size_of::<usize>();
    assert_eq!(offset_of!(Wasip3Task, version), 0);
    assert_eq!(offset_of!(Wasip3Task, ptr), word);
    assert_eq!(offset_of!(Wasip3Task, waitable_register), 2 * word);
    assert_eq!(offset_of!(Wasip3Task, waitable_unregister), 3 * word);
    assert_eq!(size_of::<Wasip3Task>(), 4 * word);
    assert_eq!(offset_of!(Wasip3TaskV2, vtable), 4 * word);
    assert_eq!(size_of::<Wasip3TaskV2>(), 5 * word);
    assert_eq!(offset_of!(Wasip3TaskVtable, waitable_register), 0);
    assert_eq!(offset_of!(Wasip3TaskVtable, waitable_unregister), word);
    assert_eq!(offset_of!(Wasip3TaskVtable, clone), 2 * word);
    assert_eq!(offset_of!(Wasip3TaskVtable, drop), 3 * word);
    assert_eq!(size_of::<Wasip3TaskVtable>(), 4 * word);
}
