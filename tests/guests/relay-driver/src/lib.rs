//! Drives `async-relay` from another component, with what a host cannot
//! make: streams and futures with contents, written by tasks spawned here,
//! two calls running at once, and a call given up before it returns (which
//! cancels the relay's task, and through it the pacer's; the pacer's
//! `pacer-control` says when it is busy).

#[cfg(not(feature = "peer"))]
use weft as rt;
#[cfg(feature = "peer")]
use wit_bindgen as rt;

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "relay-driver", path: "../wit" });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "relay-driver", path: "../wit" });

use core::future::{Future, poll_fn};
use core::pin::pin;
use core::task::Poll;
use test::guests::{pacer_control, relay};

/// Polls `a` and `b` together until both are done.
async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    poll_fn(|cx| {
        if ra.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

struct Component;

impl Guest for Component {
    async fn sum_to(n: u32, chunk: u32) -> u32 {
        let (mut writer, reader) = wit_stream::new::<u32>();
        let numbers: Vec<u32> = (1..=n).collect();
        let chunk = usize::try_from(chunk.max(1)).unwrap_or(usize::MAX);
        rt::spawn_local(async move {
            for piece in numbers.chunks(chunk) {
                let left = writer.write_all(piece.to_vec()).await;
                assert!(left.is_empty(), "the relay stopped reading early");
            }
        });
        relay::sum(reader).await
    }

    async fn prefix_later(label: String, text: String) -> String {
        let (writer, reader) = wit_future::new::<String>(String::new);
        rt::spawn_local(async move {
            rt::yield_async().await;
            writer.write(text).await.unwrap_or_else(|_| panic!("the relay dropped the future"));
        });
        relay::prefix(label, reader).await
    }

    async fn abandon_relay(texts: Vec<String>, ticks: u32) -> bool {
        let mut call = pin!(relay::relay(texts));
        let mut turn = 0;
        loop {
            let polled = poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
            if polled.is_ready() {
                return true;
            }
            if turn >= ticks && pacer_control::running() > 0 {
                // Dropping `call` cancels the relay's task.
                return false;
            }
            turn += 1;
            rt::yield_async().await;
        }
    }

    async fn relay_twice(first: Vec<String>, second: Vec<String>) -> (Vec<String>, Vec<String>) {
        join(relay::relay(first), relay::relay(second)).await
    }

    async fn await_later(text: String, ticks: u32) -> String {
        relay::later(text, ticks).await.await
    }

    async fn collect_count_up(n: u32) -> Vec<u32> {
        relay::count_up(n).await.collect().await
    }

    /// weft passes the relay's stream on as a Rust stream of its values
    /// (`StreamReader::from`, wit-bindgen #1387), which makes a new stream
    /// written by this component; wit-bindgen passes the reader itself.
    async fn sum_of_count_up(n: u32) -> u32 {
        let counted = relay::count_up(n).await;
        #[cfg(not(feature = "peer"))]
        let counted = rt::StreamReader::from(counted.into_stream());
        relay::sum(counted).await
    }

    /// weft passes a Rust future (`FutureReader::from`); wit-bindgen writes
    /// a new future from a spawned task.
    async fn prefix_of_future(label: String, text: String) -> String {
        #[cfg(not(feature = "peer"))]
        let later = rt::FutureReader::from(async move {
            rt::yield_async().await;
            text
        });
        #[cfg(feature = "peer")]
        let later = {
            let (writer, reader) = wit_future::new::<String>(String::new);
            rt::spawn_local(async move {
                rt::yield_async().await;
                writer.write(text).await.unwrap_or_else(|_| panic!("the relay dropped the future"));
            });
            reader
        };
        relay::prefix(label, later).await
    }
}

export!(Component);
