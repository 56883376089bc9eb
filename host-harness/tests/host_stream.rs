//! Stream and future ends held by the host: reading a `stream<T>` or
//! `future<T>` a guest export returns, and writing one the host made and
//! passed to a guest (`Store::stream_new`, `Store::future_new`).

// Shared with the other API tests; not every component in it is used here.
#[allow(dead_code)]
mod components;

use components::{STREAMS, component};
use weft_harness::{Engine, Instance, Linker, Store, Val};

fn setup() -> (Store<()>, Instance) {
    let engine = Engine::default();
    let c = component(&engine, STREAMS);
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine).instantiate(&mut store, &c).unwrap();
    (store, inst)
}

fn call1(store: &mut Store<()>, inst: &Instance, name: &str, args: &[Val]) -> Val {
    let f = inst.get_func(&mut *store, name).unwrap();
    let mut out = [Val::Bool(false)];
    f.call(&mut *store, args, &mut out).unwrap();
    let [v] = out;
    v
}

#[test]
fn the_host_reads_every_item_of_a_stream_a_guest_returns() {
    let (mut store, inst) = setup();
    let Val::Stream(end) = call1(&mut store, &inst, "squares", &[Val::U32(5)]) else {
        panic!("not a stream");
    };
    let items = end.read_all(&mut store).unwrap();
    let want: Vec<Val> = [0, 1, 4, 9, 16].into_iter().map(Val::U32).collect();
    assert_eq!(items, want);
    // The writer dropped its end: nothing more.
    assert_eq!(end.read(&mut store, 1).unwrap(), None);
}

#[test]
fn the_host_reads_a_stream_in_pieces_of_the_size_it_asks_for() {
    let (mut store, inst) = setup();
    let Val::Stream(end) = call1(&mut store, &inst, "squares", &[Val::U32(3)]) else {
        panic!("not a stream");
    };
    // The writer offers one element at a time; each read gets at most one.
    for want in [0, 1, 4] {
        assert_eq!(end.read(&mut store, 8).unwrap(), Some(vec![Val::U32(want)]));
    }
    assert_eq!(end.read(&mut store, 8).unwrap(), None);
}

#[test]
fn the_host_reads_the_value_of_a_future_a_guest_returns() {
    let (mut store, inst) = setup();
    let Val::Future(end) = call1(&mut store, &inst, "later", &[Val::U32(41)]) else {
        panic!("not a future");
    };
    assert_eq!(end.read(&mut store, 1).unwrap(), Some(vec![Val::U32(42)]));
}

#[test]
fn a_guest_reads_a_stream_the_host_writes() {
    let (mut store, inst) = setup();
    let sum = inst.get_func(&mut store, "sum").unwrap();
    let (w, r) = store.stream_new();
    let call = sum.call_start(&mut store, &[Val::Stream(r)]).unwrap();
    let vals: Vec<Val> = (1..=10).map(Val::U32).collect();
    // The guest reads four at a time: the host's write spans three reads.
    assert_eq!(w.write(&mut store, &vals).unwrap(), 10);
    w.close(&mut store).unwrap();
    assert_eq!(call.finish(&mut store).unwrap(), [Val::U32(55)]);
}

#[test]
fn a_guest_reads_a_future_the_host_writes() {
    let (mut store, inst) = setup();
    let doubled = inst.get_func(&mut store, "doubled").unwrap();
    let (w, r) = store.future_new();
    let call = doubled.call_start(&mut store, &[Val::Future(r)]).unwrap();
    assert!(!call.is_resolved(&mut store), "waits for the value");
    let err = w.write(&mut store, &[]).unwrap_err();
    assert!(err.to_string().contains("exactly one value"), "{err}");
    assert_eq!(w.write(&mut store, &[Val::U32(21)]).unwrap(), 1);
    assert_eq!(call.finish(&mut store).unwrap(), [Val::U32(42)]);
}

#[test]
fn a_stream_streamed_through_a_guest_and_back() {
    // The host's stream goes into `sum`, a guest stream comes out of
    // `squares`: both directions in one store at once.
    let (mut store, inst) = setup();
    let sum = inst.get_func(&mut store, "sum").unwrap();
    let Val::Stream(squares) = call1(&mut store, &inst, "squares", &[Val::U32(4)]) else {
        panic!("not a stream");
    };
    let (w, r) = store.stream_new();
    let call = sum.call_start(&mut store, &[Val::Stream(r)]).unwrap();
    while let Some(items) = squares.read(&mut store, 2).unwrap() {
        assert_eq!(w.write(&mut store, &items).unwrap(), items.len());
    }
    w.close(&mut store).unwrap();
    assert_eq!(call.finish(&mut store).unwrap(), [Val::U32(1 + 4 + 9)]);
}

#[test]
fn reading_a_stream_nobody_writes_is_a_deadlock_not_a_hang() {
    let (mut store, inst) = setup();
    let Val::Stream(end) = call1(&mut store, &inst, "silent", &[]) else {
        panic!("not a stream");
    };
    let err = end.read(&mut store, 1).unwrap_err();
    assert!(err.to_string().contains("deadlock"), "{err}");
}

#[test]
fn a_host_write_of_the_wrong_type_is_an_error() {
    let (mut store, inst) = setup();
    let sum = inst.get_func(&mut store, "sum").unwrap();
    let (w, r) = store.stream_new();
    let _call = sum.call_start(&mut store, &[Val::Stream(r)]).unwrap();
    assert!(w.write(&mut store, &[Val::String("x".into())]).is_err());
}

#[test]
fn a_stream_the_host_dropped_reads_as_ended() {
    let (mut store, inst) = setup();
    let Val::Stream(end) = call1(&mut store, &inst, "squares", &[Val::U32(3)]) else {
        panic!("not a stream");
    };
    assert_eq!(end.read(&mut store, 1).unwrap(), Some(vec![Val::U32(0)]));
    end.close(&mut store).unwrap();
    assert_eq!(end.read(&mut store, 1).unwrap(), None);
}

/// A readable end belongs to the store that made or lifted it: another
/// store refuses to read it, close it or pass it to a guest.
#[test]
fn another_store_refuses_a_readable_end() {
    let (mut a, _) = setup();
    let (mut b, b_inst) = setup();
    let (_w, r) = a.stream_new();
    let wrong_store = |e: weft_harness::Error| {
        assert!(
            matches!(
                e.kind(),
                weft_harness::ErrorKind::Call(weft_harness::CallError::WrongStore)
            ),
            "{e}"
        );
    };
    wrong_store(r.read(&mut b, 1).unwrap_err());
    let sum = b_inst.get_func(&mut b, "sum").unwrap();
    let mut out = [Val::U32(0)];
    wrong_store(sum.call(&mut b, &[Val::Stream(r)], &mut out).unwrap_err());
    wrong_store(r.close(&mut b).unwrap_err());
    // Its own store still takes it.
    r.close(&mut a).unwrap();
}
