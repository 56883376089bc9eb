//! Runtime support called by generated bindings; not a stable user API.
//!
//! Everything here is reached through the generated `_rt` alias (see the
//! `runtime_path` option). The pieces are grouped by job:
//! - [`async_support`]: the executor async exports run on, async import
//!   calls, and `wasip3_task` interop with other generators;
//! - [`convert`]: turning Rust values into core wasm scalars and back, with
//!   the validity checks the canonical ABI demands when lifting;
//! - [`ctors`]: running static constructors once, before the first export;
//! - [`flags`]: the `Debug` text of flags types, shared by all of them;
//! - [`load_store`]: loads and stores of core values in linear memory;
//! - [`import`]: declarations of core imports, with their native stubs;
//! - [`export`]: definitions of core exports, for the export macro;
//! - [`memory`]: allocation, `cabi_realloc`, the temporary buffers an
//!   import call frees afterwards, and the loops that lift, lower and free
//!   lists element by element (shared by every list of one element type);
//! - [`resource`]: owned handle types for imported and exported resources;
//! - [`rep`]: the boxed, type-checked value behind an exported resource;
//! - [`map`]: the type of WIT `map<K, V>` and the trait generated code
//!   builds maps through;
//! - [`type_impls`]: the `Debug`, `Display` and `Error` impls and enum
//!   helpers of generated types, as one macro call per type.

pub mod async_support;
pub mod convert;
pub mod ctors;
pub mod export;
pub mod flags;
pub mod import;
pub mod load_store;
pub mod map;
pub mod memory;
pub mod rep;
pub mod resource;
pub mod type_impls;

pub use convert::bitcast::*;
pub use convert::{
    as_f32, as_f64, as_i32, as_i64, bool_lift, char_lift, invalid_enum_discriminant,
};
pub use ctors::run_ctors_once;
pub use export::export_fn;
pub use flags::flags_debug;
pub use import::{payload_intrinsics, wit_import};
pub use load_store::{
    NULL, PTR_ALIGN, PTR_SIZE, f32_load, f32_store, f64_load, f64_store, i32_load, i32_load8_s,
    i32_load8_u, i32_load16_s, i32_load16_u, i32_store, i32_store8, i32_store16, i64_load,
    i64_store, len_load, len_store, ptr_load, ptr_store,
};
pub use map::{Map, WitMap};
pub use memory::{
    Cleanup, RetArea, alloc_list, dealloc, list_free_each, list_lift, list_lift_each,
    list_lower_each, list_lower_lend, maybe_link_cabi_realloc, static_ret_area, string_lift,
    vec_lower,
};
pub use rep::{ExportedResource, ResourceRep};
pub use resource::{HandleArena, Resource, WasmResource, resource_handle};
pub use type_impls::{debug_cases, debug_record, enum_impls, error_enum, error_impls};

pub use alloc::boxed::Box;
pub use alloc::collections::BTreeMap;
pub use alloc::string::String;
pub use alloc::vec::Vec;
// `option` and `result` cases, for generated code to name in one short path
// that no WIT name can shadow.
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
