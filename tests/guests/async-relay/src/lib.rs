//! An async guest written against wit-bindgen 0.61's async API: `async fn`
//! exports in the `Guest` traits (freestanding, resource method, static)
//! awaiting async imports (freestanding, method; one static is bound sync
//! with the `async` option), plus the runtime's
//! `yield_async`, `error-context` values, and `future`/`stream` ends made
//! with `wit_future::new` / `wit_stream::new`, read with `.await`,
//! `collect`. Only the crate name differs between the two builds, except
//! for `later` and `count-up`: weft returns a Rust future and a Rust stream
//! as readers (`FutureReader::from`, `StreamReader::from`, wit-bindgen
//! #1387), while wit-bindgen, which has neither, writes the ends from a
//! spawned task.

#[cfg(not(feature = "peer"))]
use weft as rt;
#[cfg(feature = "peer")]
use wit_bindgen as rt;

// The `async` option binds one `async func` synchronously.
#[cfg(not(feature = "peer"))]
weft::bindgen!({
    world: "async-relay",
    path: "../wit",
    async: ["-import:test:guests/pacing@0.1.0#[static]clock.starting-at"],
});
#[cfg(feature = "peer")]
wit_bindgen::generate!({
    world: "async-relay",
    path: "../wit",
    async: ["-import:test:guests/pacing@0.1.0#[static]clock.starting-at"],
});

use exports::test::guests::relay::{Guest as RelayGuest, GuestSession, Session as SessionHandle};
use rt::rt::async_support::ErrorContext;
use test::guests::pacing::{Clock, echo_later, measure};

struct Component;

impl Guest for Component {
    async fn ping() -> u64 {
        let clock = Clock::starting_at(1);
        let (writer, reader) = wit_stream::new::<u8>();
        drop(writer);
        let measured = measure(reader).await;
        clock.tick().await + Clock::new().tick().await + u64::from(measured)
    }
}

impl RelayGuest for Component {
    type Session = Session;

    async fn relay(texts: Vec<String>) -> Vec<String> {
        let mut out = Vec::with_capacity(texts.len());
        for (ticks, text) in (0u32..).zip(texts) {
            rt::yield_async().await;
            out.push(echo_later(text, ticks).await);
        }
        out
    }

    async fn fail(why: String) -> Result<String, ErrorContext> {
        if why.is_empty() {
            Ok("fine".to_string())
        } else {
            Err(ErrorContext::new(&why))
        }
    }

    async fn sum(numbers: rt::StreamReader<u32>) -> u32 {
        numbers.collect().await.iter().sum()
    }

    async fn prefix(label: String, later: rt::FutureReader<String>) -> String {
        format!("{label}{}", later.await)
    }

    fn nothing() -> rt::StreamReader<u32> {
        let (writer, reader) = wit_stream::new::<u32>();
        drop(writer);
        reader
    }

    fn describe_failure(e: ErrorContext) -> String {
        e.debug_message()
    }

    #[cfg(not(feature = "peer"))]
    async fn later(text: String, ticks: u32) -> rt::FutureReader<String> {
        rt::FutureReader::from(async move { echo_later(text, ticks).await })
    }

    #[cfg(feature = "peer")]
    async fn later(text: String, ticks: u32) -> rt::FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(String::new);
        rt::spawn_local(async move {
            let echoed = echo_later(text, ticks).await;
            writer.write(echoed).await.unwrap_or_else(|_| panic!("the reader went away"));
        });
        reader
    }

    #[cfg(not(feature = "peer"))]
    async fn count_up(n: u32) -> rt::StreamReader<u32> {
        rt::StreamReader::from(CountUp {
            next: 0,
            end: n,
            yielded: false,
        })
    }

    #[cfg(feature = "peer")]
    async fn count_up(n: u32) -> rt::StreamReader<u32> {
        let (mut writer, reader) = wit_stream::new::<u32>();
        rt::spawn_local(async move {
            for i in 0..n {
                rt::yield_async().await;
                if !writer.write_all(vec![i]).await.is_empty() {
                    return;
                }
            }
        });
        reader
    }
}

/// `next..end`, pending once (after waking itself) before each value.
#[cfg(not(feature = "peer"))]
struct CountUp {
    next: u32,
    end: u32,
    yielded: bool,
}

#[cfg(not(feature = "peer"))]
impl futures_core::Stream for CountUp {
    type Item = u32;

    fn poll_next(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<u32>> {
        use core::task::Poll;
        if self.next >= self.end {
            return Poll::Ready(None);
        }
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.yielded = false;
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}

struct Session {
    name: String,
}

impl GuestSession for Session {
    fn new(name: String) -> Self {
        Session { name }
    }

    async fn greet(&self, who: String) -> String {
        let name = echo_later(self.name.clone(), 1).await;
        format!("{name} greets {who}")
    }

    async fn open(name: String) -> SessionHandle {
        let name = echo_later(name, 0).await;
        SessionHandle::new(Session { name })
    }
}

export!(Component);
