//! The start-up benchmark's guest: a command whose release build is about
//! 1 MB of code, so that loading, validating and instantiating it costs what
//! a real application's would.
//!
//! The bulk is 4096 monomorphised copies of one formatting routine, each
//! reachable through a function table so that neither LTO nor dead-code
//! elimination can drop them. `main` calls a few of them and prints a
//! checksum, which the benchmark checks so it measures a run that worked.

/// One entry of the table: formats `x` in a way that depends on `K`.
type Render = fn(u64) -> String;

fn render<const K: u64>(x: u64) -> String {
    let scaled = x.wrapping_mul(K | 1);
    format!(
        "{scaled:>12}|{:x}|{:?}|{:e}",
        x ^ K,
        (x as f64) / ((K + 1) as f64),
        (scaled % 1000) as f32 + 0.5
    )
}

/// Calls `$cb!` with the given prefix digits and each hex digit appended.
macro_rules! each16 {
    ($cb:ident $v:ident $($prefix:literal)*) => {
        $cb!($v $($prefix)* 0); $cb!($v $($prefix)* 1); $cb!($v $($prefix)* 2);
        $cb!($v $($prefix)* 3); $cb!($v $($prefix)* 4); $cb!($v $($prefix)* 5);
        $cb!($v $($prefix)* 6); $cb!($v $($prefix)* 7); $cb!($v $($prefix)* 8);
        $cb!($v $($prefix)* 9); $cb!($v $($prefix)* 10); $cb!($v $($prefix)* 11);
        $cb!($v $($prefix)* 12); $cb!($v $($prefix)* 13); $cb!($v $($prefix)* 14);
        $cb!($v $($prefix)* 15);
    };
}
macro_rules! level2 {
    ($v:ident $a:literal) => { each16!(level1 $v $a); };
}
macro_rules! level1 {
    ($v:ident $a:literal $b:literal) => { each16!(level0 $v $a $b); };
}
macro_rules! level0 {
    ($v:ident $a:literal $b:literal $c:literal) => {
        $v.push(render::<{ $a * 256 + $b * 16 + $c }> as Render);
    };
}

fn table() -> Vec<Render> {
    let mut v: Vec<Render> = Vec::with_capacity(4096);
    each16!(level2 v);
    v
}

fn main() {
    let table = table();
    let seed: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let mut checksum = 0u64;
    for i in 0..16u64 {
        let index =
            (seed.wrapping_mul(2654435761).wrapping_add(i * 257) % table.len() as u64) as usize;
        let text = table[index](seed + i);
        checksum = checksum.wrapping_mul(31).wrapping_add(text.len() as u64);
    }
    println!("cli-big: {} renderers, checksum {checksum}", table.len());
}
