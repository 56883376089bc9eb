//! The Store's seeded PRNG: the one source of every scheduling choice.
//!
//! Concurrency.md leaves several choices open (which ready thread runs next,
//! which pending event a `waitable-set.wait` delivers). A runtime that
//! takes them from hash-map order or the clock cannot replay a run; weft
//! draws each of them from this generator, seeded per Store, so the same
//! component, inputs and seed give the same execution, event for event.
//! Each draw is also appended to a small schedule trace, so tests (and
//! later `--trace`) can compare two runs.

/// The seed a Store uses unless the embedder picks one (`--seed` default).
pub const DEFAULT_SEED: u64 = 0x5eed;

/// What one draw chose, recorded for replay checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    /// How many candidates there were.
    pub(crate) among: u32,
    /// The index picked.
    pub(crate) picked: u32,
}

/// The seeded generator and the record of what it chose.
#[derive(Debug, Clone)]
pub(crate) struct SchedRng {
    seed: u64,
    pcg: oorandom::Rand64,
    choices: Vec<Choice>,
}

/// At most this many choices are kept in the trace: enough to compare
/// schedules in tests without growing without bound in long runs.
const MAX_RECORDED: usize = 1 << 16;

impl SchedRng {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            pcg: oorandom::Rand64::new(u128::from(seed)),
            choices: Vec::new(),
        }
    }

    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// Picks an index below `n` (`n` > 0). A single candidate is not a
    /// choice and draws nothing, so adding an unambiguous step to a program
    /// does not shift every later decision.
    pub(crate) fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let picked = self.pcg.rand_range(0..n as u64) as usize;
        if self.choices.len() < MAX_RECORDED {
            self.choices.push(Choice {
                among: n as u32,
                picked: picked as u32,
            });
        }
        picked
    }

    /// The choices made so far, oldest first.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "read by tests; a `--trace` writer will read it too"
        )
    )]
    pub(crate) fn choices(&self) -> &[Choice] {
        &self.choices
    }
}

impl Default for SchedRng {
    fn default() -> Self {
        Self::new(DEFAULT_SEED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(seed: u64) -> Vec<usize> {
        let mut rng = SchedRng::new(seed);
        (0..64).map(|i| rng.pick(2 + i % 5)).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_choices() {
        assert_eq!(schedule(7), schedule(7));
        let mut rng = SchedRng::new(7);
        let picks: Vec<usize> = (0..64).map(|i| rng.pick(2 + i % 5)).collect();
        let recorded: Vec<usize> = rng.choices().iter().map(|c| c.picked as usize).collect();
        assert_eq!(picks, recorded, "every choice is recorded");
    }

    #[test]
    fn different_seeds_can_choose_differently() {
        let distinct: std::collections::BTreeSet<Vec<usize>> = (0..8).map(schedule).collect();
        assert!(distinct.len() > 1, "8 seeds gave one schedule");
    }

    #[test]
    fn a_single_candidate_is_not_a_choice() {
        let mut rng = SchedRng::new(1);
        assert_eq!(rng.pick(1), 0);
        assert!(rng.choices().is_empty());
        assert!(rng.pick(3) < 3);
        assert_eq!(rng.choices().len(), 1);
    }
}
