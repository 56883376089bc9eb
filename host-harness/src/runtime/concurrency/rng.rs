//! The Store's schedule: the one source of every scheduling choice.
//!
//! Concurrency.md leaves several choices open (which ready thread runs next,
//! which pending event a `waitable-set.wait` delivers). A runtime that
//! takes them from hash-map order or the clock cannot replay a run; weft
//! takes each of them here. The default schedule is FIFO: the oldest ready
//! thread runs first and events come in join order, the order the spec's
//! tests are written against. A seed (`Store::set_seed`, `--seed N`) makes
//! every choice a draw from a PCG with that seed instead, so other valid
//! interleavings can be explored and any of them replayed: the same
//! component, inputs and seed give the same execution, event for event.
//! Each choice is recorded, so tests (and later `--trace`) can compare
//! two runs.

/// What one choice picked, recorded for replay checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    /// How many candidates there were.
    pub(crate) among: u32,
    /// The index picked.
    pub(crate) picked: u32,
}

/// How choices are made.
#[derive(Debug, Clone)]
enum Strategy {
    /// Always the first candidate (candidates come oldest first).
    Fifo,
    /// Uniformly at random, from a PCG seeded with `seed`.
    Random { seed: u64, pcg: oorandom::Rand64 },
}

/// The schedule's strategy and the record of what it chose.
#[derive(Debug, Clone)]
pub(crate) struct SchedRng {
    strategy: Strategy,
    choices: Vec<Choice>,
}

/// At most this many choices are kept in the record: enough to compare
/// schedules in tests without growing without bound in long runs.
const MAX_RECORDED: usize = 1 << 16;

impl SchedRng {
    /// A random schedule drawn from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            strategy: Strategy::Random {
                seed,
                pcg: oorandom::Rand64::new(u128::from(seed)),
            },
            choices: Vec::new(),
        }
    }

    /// The default FIFO schedule.
    pub(crate) fn fifo() -> Self {
        Self {
            strategy: Strategy::Fifo,
            choices: Vec::new(),
        }
    }

    /// The seed, for a random schedule.
    pub(crate) fn seed(&self) -> Option<u64> {
        match &self.strategy {
            Strategy::Fifo => None,
            Strategy::Random { seed, .. } => Some(*seed),
        }
    }

    /// Picks an index below `n` (`n` > 0). A single candidate is not a
    /// choice and draws nothing, so adding an unambiguous step to a program
    /// does not shift every later decision.
    pub(crate) fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let picked = match &mut self.strategy {
            Strategy::Fifo => 0,
            Strategy::Random { pcg, .. } => pcg.rand_range(0..n as u64) as usize,
        };
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
        Self::fifo()
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
    fn the_default_schedule_is_fifo() {
        let mut rng = SchedRng::default();
        assert_eq!(rng.seed(), None);
        assert!((2..40).all(|n| rng.pick(n) == 0));
        assert_eq!(SchedRng::new(9).seed(), Some(9));
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
