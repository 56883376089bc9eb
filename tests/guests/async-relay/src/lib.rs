//! An async guest written against wit-bindgen 0.61's async API: `async fn`
//! exports in the `Guest` traits (freestanding, resource method, static)
//! awaiting async imports (freestanding, method; one static is bound sync
//! with the `async` option), plus the runtime's
//! `yield_async`, `error-context` values, and `future`/`stream` ends made
//! with `wit_future::new` / `wit_stream::new`, read with `.await`,
//! `collect`. Only the crate name differs between the two builds.

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
