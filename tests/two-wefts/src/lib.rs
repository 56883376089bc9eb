//! One component, two versions of weft: `old-side` is bound by this
//! checkout's weft, `next-side` by `weft-next`, a renamed copy one minor
//! version ahead. Each copy brings its own weak `wasip3_task_set` and
//! `cabi_realloc` (each forwarding to its own versioned allocator); the
//! linker keeps one of each.
//!
//! The async exports cross over in one task each: weft's `relay` awaits
//! weft-next's import `lookup` and its own `fetch` at the same time, and
//! weft-next's `serve` awaits weft's `fetch` and its own `lookup` at the
//! same time, so one task's waitable set holds subtasks registered by both
//! runtimes, through whichever `wasip3_task` is current.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

weft::bindgen!({
    inline: "
        package weft-test:old-side;
        world old-side {
            import fetch: async func(x: u32) -> u32;
            export greet: func(name: string) -> string;
            export relay: async func(x: u32) -> u32;
        }
    ",
});

mod next {
    weft_next::bindgen!({
        inline: "
            package weft-test:next-side;
            world next-side {
                import lookup: async func(x: u32) -> u32;
                export shout: func(text: string) -> string;
                export serve: async func(x: u32) -> u32;
            }
        ",
        runtime_path: "::weft_next::rt",
    });

    pub struct Next;

    impl Guest for Next {
        fn shout(text: String) -> String {
            text.to_uppercase()
        }

        async fn serve(x: u32) -> u32 {
            let (fetched, looked_up) = crate::join(crate::fetch(x), lookup(x)).await;
            fetched * 1000 + looked_up
        }
    }

    export!(Next);
}

struct Component;

impl Guest for Component {
    fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }

    async fn relay(x: u32) -> u32 {
        let (looked_up, fetched) = join(next::lookup(x), fetch(x)).await;
        looked_up * 1000 + fetched
    }
}

export!(Component);

/// Polls both futures until both are done, so that both subtasks are
/// pending in one task at the same time.
async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(move |cx: &mut Context<'_>| {
        poll_into(a.as_mut(), &mut out_a, cx);
        poll_into(b.as_mut(), &mut out_b, cx);
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready((out_a.take().unwrap(), out_b.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

fn poll_into<F: Future>(f: Pin<&mut F>, out: &mut Option<F::Output>, cx: &mut Context<'_>) {
    if out.is_none() {
        if let Poll::Ready(value) = f.poll(cx) {
            *out = Some(value);
        }
    }
}
