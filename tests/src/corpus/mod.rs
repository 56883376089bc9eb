//! The bindings-generation corpus: every world of `../shared/wit`, generated
//! in each ownership mode and compiled for wasm32-wasip2 with warnings denied.
//!
//! [`worlds`] enumerates the worlds and sorts out the async ones, [`workspace`]
//! writes one small crate per (world, mode) into a single generated cargo
//! workspace so that `weft` compiles once, and [`outcome`] reads cargo's JSON
//! messages back into a verdict per crate.

pub mod outcome;
pub mod workspace;
pub mod worlds;

/// The `ownership` option values every world is generated with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Owning,
    Borrowing,
    BorrowingDuplicate,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Owning, Mode::Borrowing, Mode::BorrowingDuplicate];

    /// The option's value as written in a `bindgen!` call.
    pub fn option(self) -> &'static str {
        match self {
            Mode::Owning => "Owning",
            Mode::Borrowing => "Borrowing { duplicate_if_necessary: false }",
            Mode::BorrowingDuplicate => "Borrowing { duplicate_if_necessary: true }",
        }
    }

    /// A short tag for crate names and the report table.
    pub fn tag(self) -> &'static str {
        match self {
            Mode::Owning => "own",
            Mode::Borrowing => "borrow",
            Mode::BorrowingDuplicate => "borrow-dup",
        }
    }
}
