//! Random WIT packages for the codegen fuzzer, from `wit-smith`.
//!
//! wit-smith builds packages from an `arbitrary::Unstructured` byte stream;
//! here the stream comes from the case seed, and the result is printed back
//! to WIT text (the main package first, its dependencies as nested
//! `package ... { }` blocks) so that the same text can go through
//! `weft-codegen` in process and through `weft::bindgen!` in a compiled
//! sample.

use super::driver::CaseSeed;
use anyhow::{Context, Result, anyhow};
use std::panic::{AssertUnwindSafe, catch_unwind};
use wit_component::{DecodedWasm, WitPrinter};
use wit_parser::{PackageId, Resolve};

/// One generated WIT package and its worlds.
#[derive(Debug)]
pub struct GeneratedWit {
    /// WIT text holding every package.
    pub text: String,
    /// The names of the main package's worlds.
    pub worlds: Vec<String>,
    /// Every `@unstable` feature the text names, to be enabled: wit-smith
    /// generates with all features on, and items it gates may be used by
    /// items it does not.
    pub features: Vec<String>,
}

/// Why wit-smith made no package for a seed: its own generator gave up
/// (not enough bytes, a shape it refuses), which is not weft's concern.
#[derive(Debug)]
pub struct Declined(pub String);

/// wit-smith's configuration for most cases: sync only, with small
/// packages when `small` (compiled samples).
pub fn config(small: bool) -> wit_smith::Config {
    let mut config = wit_smith::Config::default();
    if small {
        config.max_packages = 2;
        config.max_type_size = 20;
        config.max_interface_items = 4;
        config.max_world_items = 4;
        config.max_pkg_items = 4;
        config.max_type_parts = 4;
        config.max_files_per_package = 2;
        config.max_resource_items = 3;
    }
    config
}

/// A configuration drawn from the seed (wit-smith's own `Arbitrary`), which
/// turns on async functions, futures, streams, error-context, fixed-length
/// lists and `implements` at random: weft must report what it cannot bind
/// yet as an error, not fail on it.
pub fn arbitrary_config(seed: CaseSeed) -> wit_smith::Config {
    let bytes = seed.bytes(64);
    arbitrary::Unstructured::new(&bytes)
        .arbitrary()
        .unwrap_or_default()
}

/// Generates the package of `seed`.
///
/// # Errors
/// `Ok(Err(Declined))` when wit-smith makes nothing of these bytes (or
/// panics itself); `Err` when its output cannot be decoded or printed,
/// which would be a bug on this side.
pub fn generate(
    seed: CaseSeed,
    config: &wit_smith::Config,
) -> Result<Result<GeneratedWit, Declined>> {
    let bytes = seed.bytes(16 * 1024);
    let smithed = catch_unwind(AssertUnwindSafe(|| {
        wit_smith::smith(config, &mut arbitrary::Unstructured::new(&bytes))
    }));
    let wasm = match smithed {
        Ok(Ok(wasm)) => wasm,
        Ok(Err(e)) => return Ok(Err(Declined(format!("wit-smith: {e}")))),
        Err(_) => return Ok(Err(Declined("wit-smith panicked".to_string()))),
    };
    let (resolve, pkg) =
        match wit_component::decode(&wasm).context("decoding wit-smith's output")? {
            DecodedWasm::WitPackage(resolve, pkg) => (resolve, pkg),
            DecodedWasm::Component(..) => return Err(anyhow!("wit-smith made a component")),
        };
    let text = print(&resolve, pkg)?;
    let worlds = resolve.packages[pkg].worlds.keys().cloned().collect();
    let features = unstable_features(&text);
    Ok(Ok(GeneratedWit {
        text,
        worlds,
        features,
    }))
}

/// The feature names of every `@unstable(feature = name)` in `text`.
fn unstable_features(text: &str) -> Vec<String> {
    let mut features: Vec<String> = text
        .split("@unstable(feature = ")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|name| name.trim().to_string())
        .collect();
    features.sort();
    features.dedup();
    features
}

fn print(resolve: &Resolve, main: PackageId) -> Result<String> {
    let nested: Vec<PackageId> = resolve
        .packages
        .iter()
        .map(|(id, _)| id)
        .filter(|id| *id != main)
        .collect();
    let mut printer = WitPrinter::default();
    printer.print(resolve, main, &nested)?;
    Ok(printer.output.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_packages_parse_back() {
        let mut parsed = 0;
        for seed in 0..20 {
            let Ok(generated) = generate(CaseSeed(seed), &config(true)).unwrap() else {
                continue;
            };
            let mut resolve = Resolve::new();
            resolve.features.extend(generated.features.iter().cloned());
            resolve
                .push_str("fuzz.wit", &generated.text)
                .unwrap_or_else(|e| panic!("seed {seed}: {e:#}\n{}", generated.text));
            parsed += 1;
        }
        assert!(
            parsed >= 10,
            "wit-smith declined {} of 20 seeds",
            20 - parsed
        );
    }

    #[test]
    fn unstable_features_are_collected() {
        let text = "world w {\n  @unstable(feature = inactive)\n  import f: func();\n  @unstable(feature = other-one)\n  @unstable(feature = inactive)\n}";
        assert_eq!(unstable_features(text), ["inactive", "other-one"]);
    }
}
