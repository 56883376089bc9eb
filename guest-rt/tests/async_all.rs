//! `async: true` (wit-bindgen's `all` filter) on a world of plain `func`s,
//! expanded for the host target: every function gets wit-bindgen's async
//! Rust API (an `async fn` import, `async fn` trait methods), which this
//! file checks by implementing and naming that API (a wrong expansion does
//! not compile), and the exports, lifted sync, run their `async fn`s to the
//! end inside the glue, which this file checks by calling the glue
//! natively.

mod all {
    weft::bindgen!({
        inline: "
            package test:all;

            interface api {
                resource counter {
                    constructor(start: u32);
                    bump: func(by: u32) -> u32;
                }
                add: func(a: u32, b: u32) -> u32;
                greet: func(name: string) -> string;
            }

            world all {
                import api;
                export api;
            }
        ",
        async: true,
    });
}

use all::exports::test::all::api::{_export_add_cabi, _export_greet_cabi, Guest, GuestCounter};
use std::cell::Cell;

struct Component;

struct Counter(Cell<u32>);

impl GuestCounter for Counter {
    async fn new(start: u32) -> Self {
        weft::yield_async().await;
        Counter(Cell::new(start))
    }

    async fn bump(&self, by: u32) -> u32 {
        self.0.set(self.0.get() + by);
        self.0.get()
    }
}

impl Guest for Component {
    type Counter = Counter;

    async fn add(a: u32, b: u32) -> u32 {
        // A future that is pending once: `block_on` must poll it again.
        weft::yield_async().await;
        a + b
    }

    async fn greet(name: String) -> String {
        format!("hello {name}")
    }
}

all::export!(Component with_types_in all);

#[test]
fn plain_exports_made_async_run_their_futures_in_the_sync_glue() {
    // SAFETY: `add` takes two flat `u32`s and returns one.
    let sum = unsafe { _export_add_cabi::<Component>(2, 40) };
    assert_eq!(sum, 42);
    let mut name = b"cy".to_vec();
    name.shrink_to_fit();
    let (ptr, len) = (name.as_mut_ptr(), name.len());
    std::mem::forget(name);
    // SAFETY: an exact-capacity allocation whose ownership passes to the
    // export, as the canonical ABI passes a lifted string.
    let area = unsafe { _export_greet_cabi::<Component>(ptr, len) };
    // SAFETY: the export returned its return area holding (ptr, len) of the
    // string it leaked to the caller.
    let greeting = unsafe {
        let ptr = *area.cast::<*mut u8>();
        let len = *area.add(std::mem::size_of::<usize>()).cast::<usize>();
        String::from_raw_parts(ptr, len, len)
    };
    assert_eq!(greeting, "hello cy");
}

#[test]
fn plain_imports_made_async_are_async_fns() {
    use all::test::all::api;
    use std::future::Future;
    // The signatures wit-bindgen gives them: owned parameters, a future.
    fn returns_future<F: Future<Output = String>>(_: fn(String) -> F) {}
    returns_future(api::greet);
    fn adds<F: Future<Output = u32>>(_: fn(u32, u32) -> F) {}
    adds(api::add);
}
