//! Bindings generation time: weft's generator against wit-bindgen's Rust
//! generator (crates.io 0.61.1), on the same worlds in the same run.
//!
//! Inputs: the WASI 0.2 `http-proxy` world, the WASI 0.3 `cli-command` world
//! (async functions, streams and futures), and `variants.wit`, the largest
//! synchronous file of the corpus. WIT is parsed once, outside the
//! measurement; each iteration generates from a fresh clone of the parsed
//! `Resolve`, because wit-bindgen mutates it. wit-bindgen produces source
//! text, which its proc-macro then tokenizes, so it is measured both as text
//! and as text turned into a `TokenStream` (what its macro really costs).
//!
//! The `macro path` group measures what a user waits for in each macro
//! call: read and resolve the WIT files, select the world, generate, and
//! produce the `TokenStream` (for wit-bindgen: its text, tokenized).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::path::PathBuf;

fn shared_dir() -> PathBuf {
    match std::env::var_os("WEFT_SHARED_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

/// A benchmark input: where its WIT is and which world to generate.
struct Input {
    label: &'static str,
    path: PathBuf,
    world: &'static str,
}

fn inputs() -> Vec<Input> {
    let wit = shared_dir().join("wit");
    vec![
        Input {
            label: "wasi-0.2 http-proxy",
            path: wit.join("wasi-0.2"),
            world: "http-proxy",
        },
        Input {
            label: "wasi-0.3 cli-command",
            path: wit.join("wasi-0.3"),
            world: "cli-command",
        },
        Input {
            label: "corpus variants.wit",
            path: wit.join("corpus/variants.wit"),
            world: "my-world",
        },
    ]
}

mod weft {
    //! weft's side, on the workspace's wit-parser (0.257).

    use std::path::Path;
    use wit_parser::{Resolve, WorldId};

    pub fn load(path: &Path, world: &str) -> (Resolve, WorldId) {
        let mut resolve = Resolve::new();
        let (pkg, _) = resolve.push_path(path).expect("parse WIT for weft");
        let world = resolve
            .select_world(&[pkg], Some(world))
            .expect("select world");
        (resolve, world)
    }

    /// The whole `weft::bindgen!` path: read and resolve the WIT at `path`,
    /// select `world`, generate tokens.
    pub fn macro_path(path: &Path, world: &str) -> proc_macro2::TokenStream {
        let source = weft_codegen::WitSource {
            paths: vec![path.to_path_buf()],
            inline: None,
        };
        let opts = weft_codegen::Opts {
            world: Some(world.to_string()),
            generate_all: true,
            ..Default::default()
        };
        weft_codegen::generate(Path::new("."), &source, &opts)
            .expect("weft generation")
            .tokens
    }

    /// Generates the bindings of `world` as `weft::bindgen!` would.
    pub fn generate(mut resolve: Resolve, world: WorldId) -> proc_macro2::TokenStream {
        let opts = weft_codegen::Opts {
            generate_all: true,
            ..Default::default()
        };
        weft_codegen::generate_from_resolve(&mut resolve, world, &opts).expect("weft generation")
    }
}

mod peer {
    //! wit-bindgen's side, on its own wit-parser (0.258).

    use std::path::Path;
    use wit_bindgen_core::wit_parser::{Resolve, WorldId};
    use wit_bindgen_core::{Files, WorldGenerator};

    pub fn load(path: &Path, world: &str) -> (Resolve, WorldId) {
        let mut resolve = Resolve::new();
        let (pkg, _) = resolve.push_path(path).expect("parse WIT for wit-bindgen");
        let world = resolve
            .select_world(&[pkg], Some(world))
            .expect("select world");
        (resolve, world)
    }

    /// Generates the Rust source of `world` as wit-bindgen's macro would.
    pub fn generate(mut resolve: Resolve, world: WorldId) -> String {
        let opts = wit_bindgen_rust::Opts {
            generate_all: true,
            ..Default::default()
        };
        let mut files = Files::default();
        opts.build()
            .generate(&mut resolve, world, &mut files)
            .expect("wit-bindgen generation");
        let (_, text) = files.iter().next().expect("one generated file");
        String::from_utf8_lossy(text).into_owned()
    }
}

fn bench_macro_path(c: &mut Criterion) {
    for input in inputs() {
        let mut group = c.benchmark_group(format!("macro path/{}", input.label));
        group.bench_function("weft", |b| {
            b.iter(|| weft::macro_path(&input.path, input.world))
        });
        group.bench_function("wit-bindgen", |b| {
            b.iter(|| {
                let (resolve, world) = peer::load(&input.path, input.world);
                let text = peer::generate(resolve, world);
                text.parse::<proc_macro2::TokenStream>().expect("tokenize")
            })
        });
        group.finish();
    }
}

fn bench_bindgen(c: &mut Criterion) {
    for input in inputs() {
        let mut group = c.benchmark_group(format!("bindgen/{}", input.label));
        let (ours, our_world) = weft::load(&input.path, input.world);
        group.bench_function("weft (tokens)", |b| {
            b.iter_batched(
                || ours.clone(),
                |r| weft::generate(r, our_world),
                BatchSize::SmallInput,
            )
        });
        let (resolve, world) = peer::load(&input.path, input.world);
        group.bench_function("wit-bindgen (text)", |b| {
            b.iter_batched(
                || resolve.clone(),
                |r| peer::generate(r, world),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("wit-bindgen (text + tokenize)", |b| {
            b.iter_batched(
                || resolve.clone(),
                |r| {
                    let text = peer::generate(r, world);
                    text.parse::<proc_macro2::TokenStream>().expect("tokenize")
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench_bindgen, bench_macro_path);
criterion_main!(benches);
