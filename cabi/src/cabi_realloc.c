/*
 * The weak `cabi_realloc` export, forwarding to weft's Rust allocator.
 *
 * The canonical ABI lets the host call one `cabi_realloc` per core module.
 * Several bindings generators (or two major versions of weft) may be linked
 * into one component and each wants to provide it, so every copy is weak and
 * the linker keeps one. The body only forwards: the real allocator is a Rust
 * function in the `weft` crate whose symbol carries this crate's version
 * (`WEFT_CABI_REALLOC_TARGET`, defined by build.rs), so that the strong Rust
 * definitions of different weft versions never clash with each other.
 *
 * Compiled for wasm targets only: a native build must not define
 * `cabi_realloc`, which means nothing there and could clash with other code.
 * Not compiled either where Rust's `std` is linked on WASI past p1, whose
 * own weak `cabi_realloc` serves (build.rs, `own_realloc`).
 */

#ifndef WEFT_CABI_REALLOC_TARGET
#error "build.rs defines WEFT_CABI_REALLOC_TARGET"
#endif

/* Freestanding: no headers, so that this object never pulls in libc. */
typedef __SIZE_TYPE__ weft_size_t;

extern void *WEFT_CABI_REALLOC_TARGET(void *old_ptr, weft_size_t old_len,
                                      weft_size_t align, weft_size_t new_len);

__attribute__((weak, export_name("cabi_realloc")))
void *cabi_realloc(void *old_ptr, weft_size_t old_len, weft_size_t align,
                   weft_size_t new_len) {
  return WEFT_CABI_REALLOC_TARGET(old_ptr, old_len, align, new_len);
}
