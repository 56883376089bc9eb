//! The Store's schedule: the one source of every scheduling choice.
//!
//! Concurrency.md leaves several choices open (which ready thread runs next,
//! which pending event a `waitable-set.wait` delivers). A runtime that
//! takes them from hash-map order or the clock cannot replay a run; weft
//! takes each of them here. The default schedule is FIFO: the oldest ready
//! thread runs first and events come in join order, the order the spec's
//! tests are written against. A [`Schedule`] (`Store::set_schedule`,
//! `--seed N`, `--strategy`) makes every choice a function of its seed
//! instead, so other valid interleavings can be explored and any of them
//! replayed: the same component, inputs and schedule give the same
//! execution, event for event. Two strategies are offered:
//! - uniform random: each choice is a fresh draw among the candidates;
//! - PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A Randomized
//!   Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS
//!   2010): each task gets a random priority when first seen, the ready
//!   task of highest priority always runs, and at `depth - 1` steps drawn
//!   in advance the task about to run is demoted below every other. That
//!   finds any bug of depth `d` among `n` tasks and `k` steps with
//!   probability at least `1/(n·k^(d-1))` per run, where uniform random
//!   needs luck at every step of a long prefix.
//!
//! Each choice is recorded, so tests can compare two runs.

use std::collections::BTreeMap;

/// How a seeded schedule makes its choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Every choice uniformly at random.
    Random,
    /// Probabilistic concurrency testing: random task priorities with
    /// `depth - 1` priority change points among the first `max_steps`
    /// scheduling steps.
    Pct {
        /// The bug depth `d` aimed at (at least 1).
        depth: u32,
        /// How many scheduling steps a run is expected to take: the change
        /// points are drawn uniformly in `1..=max_steps`.
        max_steps: u32,
    },
}

/// Default bug depth for PCT (two change points).
pub const DEFAULT_PCT_DEPTH: u32 = 3;

/// Default step estimate for PCT's change points.
pub const DEFAULT_PCT_STEPS: u32 = 64;

/// A seeded schedule: a strategy and the seed its draws come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// How the choices are made.
    pub strategy: Strategy,
    /// What every draw derives from.
    pub seed: u64,
}

impl Schedule {
    /// A uniformly random schedule drawn from `seed`.
    pub fn random(seed: u64) -> Self {
        Self {
            strategy: Strategy::Random,
            seed,
        }
    }

    /// The same strategy with another seed (`--schedules` walks seeds).
    pub fn with_seed(self, seed: u64) -> Self {
        Self { seed, ..self }
    }
}

/// What one choice picked, recorded for replay checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    /// How many candidates there were.
    pub(crate) among: u32,
    /// The index picked.
    pub(crate) picked: u32,
}

/// PCT's state during a run.
#[derive(Debug, Clone)]
struct Pct {
    /// Priority of each task seen so far, by its key; higher runs first.
    priorities: BTreeMap<u64, u64>,
    /// The steps (1-based) at which the chosen task is demoted, in draw
    /// order: the `i`-th one demotes to `depth - 1 - i`.
    change_points: Vec<u64>,
    /// Scheduling steps taken so far (choices among two or more ready
    /// tasks: a lone ready task cannot be reordered).
    step: u64,
    /// `depth`: initial priorities are all above it, and the `i`-th change
    /// point demotes to `depth - i`, below every initial one.
    depth: u64,
}

impl Pct {
    fn new(depth: u32, max_steps: u32, pcg: &mut oorandom::Rand64) -> Self {
        let depth = u64::from(depth.max(1));
        let max_steps = u64::from(max_steps.max(1));
        let mut change_points = Vec::new();
        // `depth - 1` distinct points, or every step if there are fewer.
        while (change_points.len() as u64) < (depth - 1).min(max_steps) {
            let p = pcg.rand_range(1..max_steps + 1);
            if !change_points.contains(&p) {
                change_points.push(p);
            }
        }
        Self {
            priorities: BTreeMap::new(),
            change_points,
            step: 0,
            depth,
        }
    }

    /// Picks the candidate of highest priority; at a change point, demotes
    /// it first and picks again.
    fn pick(&mut self, keys: &[u64], pcg: &mut oorandom::Rand64) -> usize {
        self.step += 1;
        let depth = self.depth;
        for k in keys {
            // A fresh task's priority is random and above every demoted one.
            self.priorities
                .entry(*k)
                .or_insert_with(|| depth + pcg.rand_range(0..u64::MAX - depth));
        }
        let best = |p: &BTreeMap<u64, u64>| {
            (0..keys.len())
                .max_by_key(|i| (p.get(&keys[*i]).copied().unwrap_or(0), keys[*i]))
                .unwrap_or(0)
        };
        let first = best(&self.priorities);
        if let Some(i) = self.change_points.iter().position(|p| *p == self.step) {
            self.priorities.insert(keys[first], depth - 1 - i as u64);
            return best(&self.priorities);
        }
        first
    }
}

/// The strategy's state during a run.
#[derive(Debug, Clone)]
enum State {
    /// Always the first candidate (candidates come oldest first).
    Fifo,
    /// Uniformly at random.
    Random,
    /// PCT priorities.
    Pct(Pct),
}

/// The schedule's strategy and the record of what it chose.
#[derive(Debug, Clone)]
pub(crate) struct SchedRng {
    schedule: Option<Schedule>,
    state: State,
    pcg: oorandom::Rand64,
    choices: Vec<Choice>,
    /// Scheduling steps taken: choices of a task among two or more.
    steps: u64,
}

/// At most this many choices are kept in the record: enough to compare
/// schedules in tests without growing without bound in long runs.
const MAX_RECORDED: usize = 1 << 16;

impl SchedRng {
    /// A uniformly random schedule drawn from `seed` (for tests).
    #[cfg(test)]
    pub(crate) fn new(seed: u64) -> Self {
        Self::with_schedule(Schedule::random(seed))
    }

    /// A schedule following `schedule`.
    pub(crate) fn with_schedule(schedule: Schedule) -> Self {
        let mut pcg = oorandom::Rand64::new(u128::from(schedule.seed));
        let state = match schedule.strategy {
            Strategy::Random => State::Random,
            Strategy::Pct { depth, max_steps } => State::Pct(Pct::new(depth, max_steps, &mut pcg)),
        };
        Self {
            schedule: Some(schedule),
            state,
            pcg,
            choices: Vec::new(),
            steps: 0,
        }
    }

    /// The default FIFO schedule.
    pub(crate) fn fifo() -> Self {
        Self {
            schedule: None,
            state: State::Fifo,
            pcg: oorandom::Rand64::new(0),
            choices: Vec::new(),
            steps: 0,
        }
    }

    /// The seeded schedule, if this is one.
    pub(crate) fn schedule(&self) -> Option<Schedule> {
        self.schedule
    }

    /// Picks an index below `n` (`n` > 0) where no task is the candidate
    /// (which pending event a wait delivers): uniform unless FIFO. A single
    /// candidate is not a choice and draws nothing, so adding an
    /// unambiguous step to a program does not shift every later decision.
    pub(crate) fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let picked = match &self.state {
            State::Fifo => 0,
            State::Random | State::Pct(_) => self.pcg.rand_range(0..n as u64) as usize,
        };
        self.record(n, picked)
    }

    /// The spec's `wait_until` on a condition that already holds may go on
    /// at once or block anyway, letting other ready threads run first:
    /// whether it blocks. `fifo` is the answer under the FIFO schedule,
    /// which keeps the order the spec suite's files expect (a new call
    /// queues behind waiting ones; a wait with an event pending returns).
    /// Either way it is one binary choice, recorded like any other.
    pub(crate) fn blocks_though_ready(&mut self, fifo: bool) -> bool {
        let other = self.pick(2) == 1;
        fifo != other
    }

    /// Picks which of the ready tasks named by `keys` runs next (a
    /// scheduling step): PCT follows the tasks' priorities, the others
    /// behave as [`Self::pick`].
    pub(crate) fn pick_task(&mut self, keys: &[u64]) -> usize {
        if keys.len() <= 1 {
            return 0;
        }
        self.steps += 1;
        let picked = match &mut self.state {
            State::Fifo => 0,
            State::Random => self.pcg.rand_range(0..keys.len() as u64) as usize,
            State::Pct(p) => p.pick(keys, &mut self.pcg),
        };
        self.record(keys.len(), picked)
    }

    fn record(&mut self, n: usize, picked: usize) -> usize {
        if self.choices.len() < MAX_RECORDED {
            self.choices.push(Choice {
                among: n as u32,
                picked: picked as u32,
            });
        }
        picked
    }

    /// How many scheduling steps were taken: what PCT's `max_steps`
    /// estimates.
    pub(crate) fn steps(&self) -> u64 {
        self.steps
    }

    /// The choices made so far, oldest first.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by tests"))]
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
        assert_eq!(rng.schedule(), None);
        assert!((2..40).all(|n| rng.pick(n) == 0));
        assert_eq!(SchedRng::new(9).schedule(), Some(Schedule::random(9)));
    }

    #[test]
    fn a_single_candidate_is_not_a_choice() {
        let mut rng = SchedRng::new(1);
        assert_eq!(rng.pick(1), 0);
        assert!(rng.choices().is_empty());
        assert!(rng.pick(3) < 3);
        assert_eq!(rng.choices().len(), 1);
    }

    fn pct(seed: u64, depth: u32, max_steps: u32) -> SchedRng {
        SchedRng::with_schedule(Schedule {
            strategy: Strategy::Pct { depth, max_steps },
            seed,
        })
    }

    #[test]
    fn pct_without_change_points_keeps_running_the_same_task() {
        for seed in 0..16 {
            let mut rng = pct(seed, 1, 10);
            let keys = [3, 5, 8];
            let first = rng.pick_task(&keys);
            assert!(
                (0..50).all(|_| rng.pick_task(&keys) == first),
                "seed {seed}"
            );
            // The favourite also wins among other tasks in another order.
            let reordered = [8, 5, 3];
            assert_eq!(reordered[rng.pick_task(&reordered)], keys[first]);
        }
    }

    #[test]
    fn a_pct_change_point_demotes_the_running_task_once() {
        // With depth 2 and a single possible step, the change point is
        // step 1: whoever would run first is demoted at once, below every
        // initial priority, and the other task runs from then on.
        for seed in 0..16 {
            let mut rng = pct(seed, 2, 1);
            let keys = [1, 2];
            let after = rng.pick_task(&keys);
            let State::Pct(p) = &rng.state else {
                panic!("a PCT schedule");
            };
            assert_eq!(p.priorities[&keys[1 - after]], 1, "seed {seed}: demoted");
            assert!(p.priorities[&keys[after]] >= 2);
            assert!((0..20).all(|_| rng.pick_task(&keys) == after));
        }
    }

    #[test]
    fn the_same_pct_schedule_replays_and_seeds_differ() {
        let run = |seed| {
            let mut rng = pct(seed, 3, 20);
            (0..40u64)
                .map(|i| rng.pick_task(&[i % 3, 7, 9 + i % 2]))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(4), run(4));
        let distinct: std::collections::BTreeSet<Vec<usize>> = (0..8).map(run).collect();
        assert!(distinct.len() > 1, "8 seeds gave one PCT schedule");
    }
}
