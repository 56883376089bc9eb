//! The async imports of the mixed weft + wit-bindgen component
//! (`cabi/tests/mixed-guest`), exported by a component of their own so
//! that the mixed component's subtasks really wait: each answer comes
//! after the task has yielded to the scheduler.

#[cfg(not(feature = "peer"))]
use weft as rt;
#[cfg(feature = "peer")]
use wit_bindgen as rt;

#[cfg(not(feature = "peer"))]
weft::bindgen!({ world: "lookup-service", path: "../wit" });
#[cfg(feature = "peer")]
wit_bindgen::generate!({ world: "lookup-service", path: "../wit" });

struct Component;

impl Guest for Component {
    async fn fetch(x: u32) -> u32 {
        for _ in 0..x % 3 {
            rt::yield_async().await;
        }
        x + 10
    }

    async fn lookup(x: u32) -> u32 {
        rt::yield_async().await;
        x + 100
    }
}

export!(Component);
