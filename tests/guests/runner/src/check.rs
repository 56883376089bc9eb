//! A tiny assertion collector: failures are printed and counted instead of
//! panicking, so one run reports every broken value shape at once. Shared
//! with `parity-runner` (through `#[path]`).

use std::fmt::Debug;

#[derive(Default)]
pub struct Checker {
    passed: u32,
    failed: u32,
}

impl Checker {
    /// Records whether `actual == expected` for the check called `what`.
    pub fn eq<T: PartialEq + Debug>(&mut self, what: &str, actual: T, expected: T) {
        if actual == expected {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("FAIL {what}: got {actual:?}, expected {expected:?}");
        }
    }

    /// Records a condition that has no natural `expected` value (NaN, -0.0).
    pub fn holds(&mut self, what: &str, ok: bool, detail: impl Debug) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("FAIL {what}: {detail:?}");
        }
    }

    /// Prints the summary, `<runner>: N checks passed, M failed`, and
    /// returns whether every check passed.
    pub fn finish(self, runner: &str) -> bool {
        println!(
            "{runner}: {} checks passed, {} failed",
            self.passed, self.failed
        );
        self.failed == 0
    }
}
