//! Shared helpers for weft's integration tests.
//!
//! The tests in `tests/tests/` need three things from the outside world: the
//! repository and `../shared` paths ([`paths`]), a wasm toolchain that can
//! build guests ([`toolchain`]), and the guest components of `tests/guests/`
//! built once per run ([`guests`]). The corpus test reuses the same cargo
//! driver ([`cargo`]) for its generated workspace, and every guest test
//! starts from the static checks of [`components`]. The fuzzers
//! (`fuzz_components`, `fuzz_codegen`) share their generators and case
//! driver through [`fuzz`]. [`weft_next`] makes the renamed second weft
//! release that the two-versions component (`tests/two-wefts`) links.

pub mod cargo;
pub mod components;
pub mod corpus;
pub mod fuzz;
pub mod guests;
pub mod paths;
pub mod toolchain;
pub mod weft_next;

pub use guests::{Generator, GuestBuild, build_guests};
pub use paths::{repo_root, shared_dir};
