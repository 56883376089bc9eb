//! Linear-memory management for the canonical ABI.
//!
//! - `cabi_realloc` is the allocator the host calls to place lifted strings
//!   and lists into this component's memory (canonical ABI, `realloc`). The
//!   export itself is a weak C definition in `weft-cabi`, so that several
//!   generators or weft versions in one component do not clash; it forwards
//!   to `weft_cabi_realloc` here, whose symbol names this weft version.
//!   Where Rust's `std` is linked and defines its own weak `cabi_realloc`
//!   (WASI past p1, weft's `std` feature), neither is built.
//! - [`list_lift_each`], [`list_lower_each`], [`list_lower_lend`] and
//!   [`list_free_each`] hold the element loops of lists, so generated code
//!   only supplies the per-element conversion (a non-capturing closure).
//! - [`Cleanup`] owns temporary buffers that lowering import arguments
//!   needed; they are freed when the call returns.
//! - [`RetArea`] is aligned scratch space for results that do not fit in
//!   one core value ("return areas").

use alloc::alloc::{Layout, alloc, dealloc as free, handle_alloc_error};
use alloc::string::String;
use alloc::vec::Vec;
use core::mem::{ManuallyDrop, MaybeUninit, align_of, size_of};

/// Aligned scratch bytes used as a return area or an argument area.
///
/// The alignment is the largest any canonical ABI value needs (8).
#[repr(C, align(8))]
pub struct RetArea<const N: usize>(pub [MaybeUninit<u8>; N]);

impl<const N: usize> RetArea<N> {
    /// Uninitialised scratch space.
    pub const fn new() -> Self {
        RetArea([MaybeUninit::uninit(); N])
    }

    /// The address of the first byte, for the canonical ABI to write to.
    pub fn ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr().cast()
    }
}

/// The address of a return area of `$size` bytes that outlives the export
/// returning it (the caller reads the results after the export returned,
/// until `cabi_post_*`): a `static` of its own at each use.
#[doc(hidden)]
#[macro_export]
macro_rules! __weft_static_ret_area {
    ($size:expr) => {{
        static mut AREA: $crate::rt::RetArea<{ $size }> = $crate::rt::RetArea::new();
        (&raw mut AREA).cast::<u8>()
    }};
}

pub use crate::__weft_static_ret_area as static_ret_area;

impl<const N: usize> Default for RetArea<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Allocates `len` elements of `size`/`align` for a list being lowered.
///
/// Returns a dangling, well-aligned pointer for an empty list, as the
/// canonical ABI never dereferences it.
pub fn alloc_list(len: usize, size: usize, align: usize) -> *mut u8 {
    let Some(bytes) = len.checked_mul(size) else {
        capacity_overflow()
    };
    if bytes == 0 {
        return align as *mut u8;
    }
    let layout = match Layout::from_size_align(bytes, align) {
        Ok(layout) => layout,
        Err(_) => capacity_overflow(),
    };
    // SAFETY: `layout` has a non-zero size (checked above).
    let ptr = unsafe { alloc(layout) };
    if ptr.is_null() {
        handle_alloc_error(layout);
    }
    ptr
}

/// Frees a block that [`alloc_list`] or `cabi_realloc` returned.
///
/// # Safety
/// `ptr` must come from [`alloc_list`]/`cabi_realloc` with the same total
/// size and alignment, and must not be used afterwards.
pub unsafe fn dealloc(ptr: *mut u8, size: usize, align: usize) {
    if size == 0 {
        return;
    }
    // SAFETY: the caller guarantees `ptr` was allocated with this layout,
    // which was valid when it was allocated.
    unsafe { free(ptr, Layout::from_size_align_unchecked(size, align)) }
}

/// Takes ownership of a string the host placed in memory with `cabi_realloc`.
///
/// # Safety
/// `ptr`/`len` must describe a `len`-byte allocation from `cabi_realloc`
/// (or a dangling pointer if `len` is 0).
pub unsafe fn string_lift(ptr: *mut u8, len: usize) -> String {
    // SAFETY: forwarded caller guarantee.
    let bytes = unsafe { list_lift::<u8>(ptr, len) };
    if cfg!(debug_assertions) {
        String::from_utf8(bytes).unwrap_or_else(|_| invalid_utf8())
    } else {
        // SAFETY: the component model only lowers valid UTF-8 strings.
        unsafe { String::from_utf8_unchecked(bytes) }
    }
}

/// Takes ownership of a list of plain values (every bit pattern valid, same
/// layout in Rust and the canonical ABI) that the host placed in memory.
///
/// # Safety
/// `ptr`/`len` must describe `len` elements allocated by `cabi_realloc`
/// with the alignment of `T`; anything goes when `len` is 0.
pub unsafe fn list_lift<T>(ptr: *mut u8, len: usize) -> Vec<T> {
    if len == 0 || core::mem::size_of::<T>() == 0 {
        return Vec::new();
    }
    // SAFETY: the caller guarantees a live allocation of exactly
    // `len * size_of::<T>()` bytes aligned for `T`, now owned by us.
    unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, len) }
}

/// Lifts a list whose elements need converting: `lift` reads the element
/// at each address, then the host's buffer is freed. One copy per element
/// type, shared by every function that lifts such a list.
///
/// # Safety
/// `ptr`/`len` must describe `len` elements of `size` bytes allocated by
/// `cabi_realloc` with `align`, and `lift` must be sound to call on each.
pub unsafe fn list_lift_each<T>(
    ptr: *mut u8,
    len: usize,
    size: usize,
    align: usize,
    lift: fn(*mut u8) -> T,
) -> Vec<T> {
    // The output is written in place and becomes a `Vec` at the end: a
    // `push` per element would keep its capacity check and growth path
    // (never taken) in every copy of this function. A `lift` that panics
    // leaks the elements lifted so far, which is safe.
    let out = alloc_list(len, size_of::<T>(), align_of::<T>()).cast::<T>();
    for i in 0..len {
        // SAFETY: element `i` is within the caller's `len * size` bytes,
        // and slot `i` within the `len` slots of `T` just allocated.
        unsafe { out.add(i).write(lift(ptr.add(i * size))) };
    }
    // SAFETY: the caller's block, no longer read.
    unsafe { dealloc(ptr, len * size, align) };
    // SAFETY: `out` holds `len` initialised elements in a block allocated
    // with the layout of `[T; len]` (or dangling and aligned when that is
    // empty), as `Vec` requires of a buffer with capacity `len`.
    unsafe { Vec::from_raw_parts(out, len, len) }
}

/// Hands the buffer of a string's bytes or a canonical list to the host
/// (an export's result), which frees it through the post-return function:
/// its pointer and length, the allocation trimmed to the length so that the
/// free's layout matches. One copy per element type.
pub fn vec_lower<T>(items: Vec<T>) -> (*mut u8, usize) {
    // Ownership of the buffer passes to the host (and back to
    // `cabi_post_*`), so the `Vec` must not free it.
    let mut items = ManuallyDrop::new(items);
    let (ptr, len, cap) = (
        items.as_mut_ptr().cast::<u8>(),
        items.len(),
        items.capacity(),
    );
    // SAFETY: the buffer of a `Vec<T>` with `len` elements and capacity
    // `cap`, not used through `items` again.
    let exact = unsafe { buffer_lower(ptr, len, cap, size_of::<T>(), align_of::<T>()) };
    (exact, len)
}

/// The work of [`vec_lower`], shared by every element type: a buffer whose
/// capacity is its length is handed over as it is; any other is copied into
/// a block of exactly its length (the layout the post-return frees with),
/// and freed. Not generic, unlike `Vec::into_boxed_slice`, whose shrinking
/// and error paths each element type would copy. It returns only the
/// pointer: a pair would be returned through memory, costing each caller a
/// stack frame.
///
/// # Safety
/// `ptr` must be a `Vec` buffer of `cap` elements of `size` bytes and
/// `align`, `len` of them initialised, owned by the caller and not used
/// afterwards.
unsafe fn buffer_lower(ptr: *mut u8, len: usize, cap: usize, size: usize, align: usize) -> *mut u8 {
    if len == cap {
        return ptr;
    }
    let exact = alloc_list(len, size, align);
    // SAFETY: both blocks hold at least `len * size` bytes (the old one
    // `cap` > `len` elements) and are distinct allocations; the old block
    // was allocated by `Vec` with the layout of `[T; cap]`.
    unsafe {
        core::ptr::copy_nonoverlapping(ptr, exact, len * size);
        dealloc(ptr, cap * size, align);
    }
    exact
}

/// Lowers a list the host takes ownership of (an export's result): a fresh
/// buffer of `len * size` bytes, `lower` writing each element at its
/// address. One copy per element type. Returns the buffer and the length.
pub fn list_lower_each<T>(
    items: Vec<T>,
    size: usize,
    align: usize,
    lower: fn(*mut u8, T),
) -> (*mut u8, usize) {
    // The elements are moved out of the `Vec`'s buffer one by one, and the
    // buffer freed afterwards: iterating with `into_iter` would bring the
    // iterator's drop of unvisited elements into every copy. A `lower` that
    // panics leaks the elements not yet lowered, which is safe.
    let mut items = ManuallyDrop::new(items);
    let (src, len, cap) = (items.as_mut_ptr(), items.len(), items.capacity());
    let ptr = alloc_list(len, size, align);
    for i in 0..len {
        // SAFETY: element `i` is within the `len * size` bytes just
        // allocated; `src` holds `len` initialised elements, each read
        // (moved out) exactly once.
        unsafe { lower(ptr.add(i * size), src.add(i).read()) };
    }
    // SAFETY: the `Vec`'s buffer, allocated with the layout of `[T; cap]`,
    // whose elements have all been moved out.
    unsafe { dealloc(src.cast(), cap * size_of::<T>(), align_of::<T>()) };
    (ptr, len)
}

/// Lowers a list lent to an import: a buffer that `cleanup` frees after
/// the call, `lower` writing each element at its address (and placing any
/// buffers the element needs in `cleanup` too). One copy per element type.
pub fn list_lower_lend<T>(
    items: &[T],
    size: usize,
    align: usize,
    cleanup: &mut Cleanup,
    lower: fn(*mut u8, &T, &mut Cleanup),
) -> (*mut u8, usize) {
    let len = items.len();
    let ptr = cleanup.list(len, size, align);
    for (i, item) in items.iter().enumerate() {
        // SAFETY: element `i` is within the `len * size` bytes just
        // allocated.
        lower(unsafe { ptr.add(i * size) }, item, cleanup);
    }
    (ptr, len)
}

/// Frees a list after `free_elem` has freed what each element owns (the post-
/// return of an export that returned it). Not generic: one copy in all.
///
/// # Safety
/// As for [`list_lift_each`], with `free_elem` sound to call on each element.
pub unsafe fn list_free_each(
    ptr: *mut u8,
    len: usize,
    size: usize,
    align: usize,
    free_elem: fn(*mut u8),
) {
    for i in 0..len {
        // SAFETY: element `i` is within the caller's `len * size` bytes.
        free_elem(unsafe { ptr.add(i * size) });
    }
    // SAFETY: the caller's block, no longer read.
    unsafe { dealloc(ptr, len * size, align) };
}

#[cold]
fn invalid_utf8() -> String {
    panic!("host passed a string that is not UTF-8")
}

/// A list whose lowered byte size does not fit in the address space: its
/// lowered copy could never be allocated, and no caller could recover. On
/// wasm it traps, as `cabi_realloc` does on a failed allocation, rather
/// than panic: the message, its source location and the panic call would
/// otherwise be linked into every component that lowers a list.
#[cold]
fn capacity_overflow() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("list too large to lower")
}

/// Temporary buffers allocated while lowering import arguments, freed when
/// the import call has returned.
///
/// The buffers form a linked list through a small header in front of each
/// one (the previous head and the block's size), so remembering a buffer
/// costs two stores instead of a growing `Vec` and its reallocation code in
/// every component that lowers a list.
pub struct Cleanup {
    head: *mut u8,
}

/// Bytes in front of each [`Cleanup`] buffer: the previous head and the
/// block size, rounded up to the block alignment.
const HEADER: usize = {
    let words = 2 * core::mem::size_of::<usize>();
    if words > BLOCK_ALIGN {
        words
    } else {
        BLOCK_ALIGN
    }
};

/// The alignment of every [`Cleanup`] block: the largest any canonical ABI
/// value needs. `HEADER` is a multiple of it, so the buffer after the header
/// is aligned for any element.
const BLOCK_ALIGN: usize = 8;

impl Cleanup {
    /// An empty set of buffers.
    pub const fn new() -> Self {
        Cleanup {
            head: core::ptr::null_mut(),
        }
    }

    /// Allocates a buffer for `len` elements of `size` bytes (aligned to
    /// `align`, at most 8) and remembers to free it.
    pub fn list(&mut self, len: usize, size: usize, align: usize) -> *mut u8 {
        let Some(bytes) = len.checked_mul(size) else {
            capacity_overflow()
        };
        if bytes == 0 {
            return align as *mut u8;
        }
        let Some(total) = bytes.checked_add(HEADER) else {
            capacity_overflow()
        };
        // Through `alloc_list`, whose checks and allocation every component
        // that lowers lists has anyway, rather than a second copy of them.
        let block = alloc_list(1, total, BLOCK_ALIGN);
        // SAFETY: `block` is a fresh allocation of `HEADER + bytes` bytes
        // aligned to 8, so both header words are in bounds and aligned, and
        // the buffer after the header holds `bytes` bytes aligned to 8.
        unsafe {
            block.cast::<*mut u8>().write(self.head);
            block.cast::<usize>().add(1).write(total);
            self.head = block;
            block.add(HEADER)
        }
    }
}

impl Default for Cleanup {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Cleanup {
    // Out of line: every import call that lowers a list drops a `Cleanup`,
    // and the loop inlined at each of them cost more than the call.
    #[inline(never)]
    fn drop(&mut self) {
        let mut block = self.head;
        while !block.is_null() {
            // SAFETY: every block in the list was allocated by `list` with
            // its header written; each is read and freed exactly once, with
            // the size recorded there and the alignment it was allocated
            // with.
            unsafe {
                let next = block.cast::<*mut u8>().read();
                let total = block.cast::<usize>().add(1).read();
                free(block, Layout::from_size_align_unchecked(total, BLOCK_ALIGN));
                block = next;
            }
        }
    }
}

/// Referenced by generated code so that the weak `cabi_realloc` from
/// `weft-cabi` is always linked (and therefore exported) by the component.
///
/// The C object is an archive member, which the linker only pulls in for an
/// undefined symbol. A `#[used]` static holding the address of
/// `cabi_realloc` is that reference: it reaches the linker (which then
/// drops the unreferenced static) while this function compiles to nothing,
/// so the calls that generated code makes to it cost no bytes.
pub fn maybe_link_cabi_realloc() {
    #[cfg(target_arch = "wasm32")]
    {
        unsafe extern "C" {
            fn cabi_realloc(
                old_ptr: *mut u8,
                old_len: usize,
                align: usize,
                new_len: usize,
            ) -> *mut u8;
        }
        #[used]
        static LINK_CABI_REALLOC: unsafe extern "C" fn(*mut u8, usize, usize, usize) -> *mut u8 =
            cabi_realloc;
    }
}

// Built only when weft-cabi builds the C forwarder that calls it (see
// weft-cabi's `own_realloc`): on wasm32-wasip2 with `std`, `std`'s own weak
// `cabi_realloc` is the export and this would be dead code.
weft_cabi::with_own_cabi_realloc! {
    /// The allocator behind the canonical ABI `realloc` export: the host calls
    /// `cabi_realloc` to allocate memory for values it lowers into this
    /// component, and the weak C `cabi_realloc` in `weft-cabi` calls this.
    ///
    /// Its symbol, `weft_cabi_realloc_v<version>` (see
    /// [`weft_cabi::CABI_REALLOC_TARGET`]), must change with every weft release:
    /// two weft versions in one component each keep their own strong copy, and
    /// only the weak `cabi_realloc` is deduplicated.
    ///
    /// # Safety
    /// Called by the host with a pointer previously returned here (or null with
    /// `old_len == 0`), the alignment that allocation had, and `new_len`.
    #[cfg(target_arch = "wasm32")]
    #[unsafe(export_name = weft_cabi::cabi_realloc_target_symbol!())]
    pub unsafe extern "C" fn weft_cabi_realloc(
        old_ptr: *mut u8,
        old_len: usize,
        align: usize,
        new_len: usize,
    ) -> *mut u8 {
        if new_len == 0 {
            // Only ever asked for with `old_len == 0` (the canonical ABI never
            // shrinks a block): an empty allocation, which is never accessed.
            return align as *mut u8;
        }
        let Ok(layout) = Layout::from_size_align(new_len, align) else {
            abort()
        };
        let ptr = if old_len == 0 {
            // SAFETY: `new_len` is non-zero.
            unsafe { alloc(layout) }
        } else {
            // SAFETY: the host passes back a block this function allocated with
            // `old_len` bytes and `align`, and `new_len` is non-zero.
            unsafe {
                alloc::alloc::realloc(
                    old_ptr,
                    Layout::from_size_align_unchecked(old_len, align),
                    new_len,
                )
            }
        };
        // Out of memory while the host lowers a value: nothing in this
        // component can recover, so trap (as wit-bindgen's release builds do)
        // rather than link the allocation-error hook's formatting here.
        if ptr.is_null() {
            abort()
        }
        ptr
    }

    #[cfg(target_arch = "wasm32")]
    fn abort() -> ! {
        core::arch::wasm32::unreachable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_areas_are_aligned_and_each_use_has_its_own() {
        let mut local = RetArea::<12>::new();
        assert_eq!(local.ptr() as usize % 8, 0);
        let a = static_ret_area!(4 + 4);
        let b = static_ret_area!(8);
        assert_ne!(a, b);
        assert_eq!(a as usize % 8, 0);
    }

    #[test]
    fn cleanup_frees_lists_and_empty_lists_dangle() {
        let mut c = Cleanup::new();
        let p = c.list(3, 8, 8);
        assert_eq!(p as usize % 8, 0);
        let q = c.list(5, 1, 1);
        assert_eq!(q as usize % 8, 0);
        // SAFETY: `p` and `q` are live buffers of 24 and 5 bytes, owned by
        // `c` until it is dropped; writing all of them checks they are
        // distinct, in-bounds blocks (Miri and sanitizers would flag it).
        unsafe {
            p.write_bytes(0xaa, 24);
            q.write_bytes(0x55, 5);
            assert_eq!(*p.add(23), 0xaa);
            assert_eq!(*q, 0x55);
        }
        assert_eq!(c.list(0, 4, 4) as usize, 4);
        assert_eq!(alloc_list(0, 4, 4) as usize, 4);
        drop(c);
    }

    #[test]
    fn lists_lower_and_lift_element_by_element() {
        use alloc::string::ToString;
        // Spare capacity, so the elements do not fill the source buffer.
        let mut words = Vec::with_capacity(8);
        words.extend(["a", "bcd", "", "ef"].map(str::to_string));
        // Each string is lowered to its length (a `u32`) and dropped.
        let (ptr, len) = list_lower_each(words, 4, 4, |at, s: String| {
            // SAFETY: `at` is a 4-aligned element of the fresh buffer.
            unsafe { at.cast::<u32>().write(s.len() as u32) }
        });
        assert_eq!(len, 4);
        let lift: fn(*mut u8) -> String = |at| {
            // SAFETY: `at` is one of the elements written above.
            let n = unsafe { at.cast::<u32>().read() };
            "x".repeat(n as usize)
        };
        // SAFETY: `ptr`/`len` is the 4 x 4-byte block just lowered, which
        // `list_lift_each` reads and frees.
        let back = unsafe { list_lift_each(ptr, len, 4, 4, lift) };
        assert_eq!(back, ["x", "xxx", "", "xx"].map(str::to_string));
        // SAFETY: an empty list's pointer is never read.
        let none: Vec<u8> = unsafe { list_lift_each(4 as *mut u8, 0, 4, 4, |_| 0) };
        assert!(none.is_empty());
        let (_, len) = list_lower_each(Vec::<u8>::with_capacity(3), 4, 4, |_, _| ());
        assert_eq!(len, 0);
    }

    #[test]
    fn vec_lower_hands_over_exactly_the_length() {
        for cap in [3, 10] {
            let mut v = Vec::with_capacity(cap);
            v.extend([7u16, 8, 9]);
            let (ptr, len) = vec_lower(v);
            assert_eq!(len, 3);
            assert_eq!(ptr as usize % 2, 0);
            // SAFETY: `ptr` holds `len` u16s, in a block of exactly that
            // size (the layout the post-return frees with), owned here.
            unsafe {
                assert_eq!(
                    core::slice::from_raw_parts(ptr.cast::<u16>(), len),
                    [7, 8, 9]
                );
                dealloc(ptr, len * 2, 2);
            }
        }
        let (_, len) = vec_lower(Vec::<u64>::with_capacity(5));
        assert_eq!(len, 0);
    }

    #[test]
    fn string_lift_takes_ownership() {
        let mut s = String::from("héllo").into_bytes();
        let (ptr, len) = (s.as_mut_ptr(), s.len());
        core::mem::forget(s);
        // SAFETY: `ptr`/`len` come from a forgotten `Vec<u8>` of valid UTF-8
        // whose capacity equals its length (`into_bytes` of a literal), so
        // taking ownership back is sound and happens exactly once.
        assert_eq!(unsafe { string_lift(ptr, len) }, "héllo");
    }
}
