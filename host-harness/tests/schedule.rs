//! Reproducible schedules: the order in which ready tasks run is decided by
//! the Store's schedule (FIFO by default, or a seeded PRNG), never by hash
//! order or time. A guest that observes the order shows that the same seed
//! replays the same schedule and that seeds explore different ones.

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::{RACE, component};
use weft_harness::{Engine, Linker, Store, Val};

/// Runs the race once; `seed` `None` is the default FIFO schedule.
fn race(seed: Option<u64>) -> u32 {
    let engine = Engine::default();
    let c = component(&engine, RACE);
    let mut store = Store::new(&engine, ());
    if let Some(seed) = seed {
        store.set_seed(seed);
    }
    assert_eq!(store.seed(), seed);
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    let mut out = vec![Val::Bool(false)];
    run.call(&mut store, &[], &mut out).unwrap();
    match out[0] {
        Val::U32(v) => v,
        ref other => panic!("run returned {other:?}"),
    }
}

/// The order as a list: position of worker 0, 1, 2, 3.
fn positions(order: u32) -> Vec<u32> {
    (0..4).map(|i| order / 10u32.pow(i) % 10).collect()
}

#[test]
fn the_default_schedule_runs_ready_tasks_oldest_first() {
    assert_eq!(positions(race(None)), vec![0, 1, 2, 3]);
    assert_eq!(race(None), race(None));
}

#[test]
fn the_same_seed_replays_the_same_schedule() {
    for seed in [1, 7, 12345] {
        assert_eq!(race(Some(seed)), race(Some(seed)), "seed {seed}");
    }
}

#[test]
fn different_seeds_explore_different_schedules() {
    let orders: std::collections::BTreeSet<u32> = (0..24).map(|s| race(Some(s))).collect();
    for order in &orders {
        let mut p = positions(*order);
        p.sort();
        assert_eq!(p, vec![0, 1, 2, 3], "every worker ran once: {order}");
    }
    assert!(orders.len() > 2, "24 seeds gave only {orders:?}");
}
