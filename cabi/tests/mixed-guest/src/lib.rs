//! One component, two bindings generators: `greet` is bound by weft,
//! `shout` by wit-bindgen. Both take strings, so the host calls the single
//! `cabi_realloc` export that survives linking for both of them.
//!
//! The async half crosses over: weft's async export `relay` awaits
//! `lookup`, an async import bound by wit-bindgen, and wit-bindgen's async
//! export `serve` awaits `fetch`, an async import bound by weft, in a future
//! it spawns with weft's `spawn_local` under wit-bindgen's task. Each
//! import registers its subtask through whichever executor's `wasip3_task`
//! is current, through the one `wasip3_task_set` that survives linking.

weft::bindgen!({
    inline: "
        package weft-test:weft-side;
        world weft-side {
            import fetch: async func(x: u32) -> u32;
            export greet: func(name: string, xs: list<u32>) -> string;
            export relay: async func(x: u32) -> u32;
        }
    ",
});

mod other {
    wit_bindgen::generate!({
        inline: "
            package weft-test:other-side;
            world other-side {
                import lookup: async func(x: u32) -> u32;
                export shout: func(text: string) -> string;
                export serve: async func(x: u32) -> u32;
            }
        ",
    });

    pub struct Other;

    impl Guest for Other {
        fn shout(text: String) -> String {
            text.to_uppercase()
        }

        async fn serve(x: u32) -> u32 {
            // weft's `spawn_local` under wit-bindgen's task (their #1305):
            // the spawned future awaits weft's import and hands the answer
            // over through a one-shot cell that wakes this task.
            let answer = crate::OneShot::default();
            let sender = answer.clone();
            weft::spawn_local(async move { sender.send(crate::fetch(x).await) });
            answer.await + 1
        }
    }

    export!(Other);
}

/// A value handed from one future to another, waking the receiver.
#[derive(Clone, Default)]
struct OneShot(std::rc::Rc<std::cell::RefCell<(Option<u32>, Option<std::task::Waker>)>>);

impl OneShot {
    fn send(&self, value: u32) {
        let mut slot = self.0.borrow_mut();
        slot.0 = Some(value);
        if let Some(waker) = slot.1.take() {
            waker.wake();
        }
    }
}

impl std::future::Future for OneShot {
    type Output = u32;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<u32> {
        let mut slot = self.0.borrow_mut();
        match slot.0.take() {
            Some(value) => std::task::Poll::Ready(value),
            None => {
                slot.1 = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        }
    }
}

struct Component;

impl Guest for Component {
    fn greet(name: String, xs: Vec<u32>) -> String {
        format!("Hello, {name}! {}", xs.iter().sum::<u32>())
    }

    async fn relay(x: u32) -> u32 {
        other::lookup(x).await * 2
    }
}

export!(Component);

/// A strong definition that must win over every weak library one.
///
/// # Safety
/// The canonical ABI `realloc` contract (see `weft::rt`).
#[cfg(feature = "strong-override")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use std::alloc::{Layout, alloc, realloc};
    if new_len == 0 {
        return align as *mut u8;
    }
    // SAFETY: the host passes a block this function returned, with its
    // original size and alignment, or `old_len == 0` for a fresh block.
    unsafe {
        if old_len == 0 {
            alloc(Layout::from_size_align_unchecked(new_len, align))
        } else {
            realloc(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    }
}
