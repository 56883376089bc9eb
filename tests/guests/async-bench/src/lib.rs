//! The guest of `benches/benches/guest_async.rs`: the same code built by
//! weft and by wit-bindgen 0.61.1 (`peer`), so the bench compares what each
//! generator's bindings and runtime cost inside the guest on one host.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

#[cfg(not(feature = "peer"))]
use weft as rt;
#[cfg(feature = "peer")]
use wit_bindgen as rt;

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "async-bench", path: "../wit" });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "async-bench", path: "../wit" });

/// Bytes per stream write and per read.
const CHUNK: usize = 64 * 1024;

struct Component;

impl Guest for Component {
    async fn call_ready(calls: u32) -> u32 {
        let mut sum = 0u32;
        for i in 0..calls {
            sum = sum.wrapping_add(ready(i).await);
        }
        sum
    }

    async fn stream_pairs(rounds: u32) -> u64 {
        let (mut tx, mut rx) = wit_stream::new::<u8>();
        let mut total = 0u64;
        let mut buf = Vec::with_capacity(CHUNK);
        for _ in 0..rounds {
            // The write is polled first and waits for the read, which
            // takes the whole chunk in one copy.
            let write = tx.write_all(vec![7u8; CHUNK]);
            let read = rx.read(std::mem::take(&mut buf));
            let (rest, (_, mut got)) = both(write, read).await;
            assert!(rest.is_empty(), "the read took the whole chunk");
            total += got.len() as u64;
            got.clear();
            buf = got;
        }
        total
    }

    fn ended() -> rt::StreamReader<u8> {
        wit_stream::new::<u8>().1
    }
}

export!(Component);

/// Polls `a` then `b` until both are done.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}
