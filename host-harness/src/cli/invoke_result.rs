//! How `weft run --invoke` prints a result in WAVE: a plain value on one
//! line, as other runtimes do; a `stream<T>` result one WAVE line per item
//! as the stream yields it (so a long or endless stream shows progress);
//! a `future<T>` result the WAVE of the value it resolves to. Streams and
//! futures nested inside another value cannot be printed (WAVE has no
//! syntax for them) and fail with an error naming the type.

use std::io::Write;

use wasm_wave::wasm::DisplayFuncResults;
use weft_harness::wasi::WasiCtx;
use weft_harness::{Error, ReadableEnd, Store, Val};

use super::wave::WaveVal;

/// How many items one read of a stream result asks for.
const READ_CHUNK: u32 = 1024;

/// Prints the results of an `--invoke` call on stdout; for a stream or
/// future result, reads it to its end first (running the store's tasks).
pub(super) fn print(store: &mut Store<WasiCtx>, results: Vec<Val>) -> Result<(), Error> {
    match results.as_slice() {
        [Val::Stream(end)] => print_stream(store, *end),
        [Val::Future(end)] => {
            match end.read(&mut *store, 1)? {
                Some(vals) => print_values(vals),
                // The writer dropped the future without writing a value.
                None => println!("<dropped>"),
            }
            end.close(&mut *store)
        }
        _ => {
            print_values(results);
            Ok(())
        }
    }
}

fn print_stream(store: &mut Store<WasiCtx>, end: ReadableEnd) -> Result<(), Error> {
    while let Some(items) = end.read(&mut *store, READ_CHUNK)? {
        for item in items {
            print_values(vec![item]);
        }
        // Items appear as the stream yields them, not when it ends.
        let _ = std::io::stdout().flush();
    }
    end.close(&mut *store)
}

fn print_values(vals: Vec<Val>) {
    let vals: Vec<WaveVal> = vals.into_iter().map(WaveVal).collect();
    println!("{}", DisplayFuncResults(&vals));
}
