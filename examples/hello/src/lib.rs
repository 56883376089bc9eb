//! The README's demo guest: a component exporting two functions.
//!
//! Build it with `cargo build --release --target wasm32-wasip2` and call it
//! with `weft run --invoke 'greet("weft")' hello.wasm`.

weft::bindgen!({ world: "hello" });

struct Hello;

impl Guest for Hello {
    fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }

    fn stats(words: Vec<String>) -> Summary {
        let longest = words.iter().max_by_key(|w| w.chars().count()).cloned();
        Summary { count: words.len() as u32, longest }
    }
}

export!(Hello);
