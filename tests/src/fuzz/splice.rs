//! Rewrites the core modules inside a component, keeping everything else
//! byte for byte.
//!
//! `wasm-mutate` and our [`bound`](super::bound) pass work on core modules;
//! a guest component is a component whose top-level core module sections
//! hold the compiled Rust code (plus the small adapter and shim modules
//! wit-component adds). Splicing section by section means the component's
//! types, canonical options and instances are untouched, so a change to a
//! module shows up as that module's mutation and nothing else. Nested
//! components are copied as they are.

use anyhow::{Context, Result};
use wasm_encoder::RawSection;
use wasmparser::{Parser, Payload};

/// The index of a core module among a component's top-level module sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModuleIndex(pub u32);

/// The component section id of a core module (`0x01`).
const CORE_MODULE_SECTION: u8 = 1;

/// Re-encodes `component` with every top-level core module passed through
/// `rewrite`, which returns the new module or `None` to keep it.
///
/// # Errors
/// If `component` does not parse as a component, or `rewrite` fails.
pub fn map_core_modules(
    component: &[u8],
    mut rewrite: impl FnMut(ModuleIndex, &[u8]) -> Result<Option<Vec<u8>>>,
) -> Result<Vec<u8>> {
    if !Parser::is_component(component) {
        anyhow::bail!("not a component");
    }
    let mut out = wasm_encoder::Component::new();
    let mut depth = 0u32;
    let mut modules = 0u32;
    for payload in Parser::new(0).parse_all(component) {
        let payload = payload.context("parsing the component")?;
        match &payload {
            Payload::Version { .. } => {
                depth += 1;
                continue;
            }
            Payload::End(_) => {
                depth -= 1;
                continue;
            }
            _ => {}
        }
        if depth != 1 {
            continue;
        }
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        let bytes = component
            .get(range.start as usize..range.end as usize)
            .context("section out of bounds")?;
        let replaced = if id == CORE_MODULE_SECTION {
            let index = ModuleIndex(modules);
            modules += 1;
            rewrite(index, bytes)?
        } else {
            None
        };
        let data = replaced.as_deref().unwrap_or(bytes);
        out.section(&RawSection { id, data });
    }
    Ok(out.finish())
}

/// The offsets at which each top-level section of `component` ends: cutting
/// a component there leaves a well-formed prefix, which reaches further
/// into loading than a cut in the middle of a section.
///
/// # Errors
/// As for [`map_core_modules`].
pub fn section_ends(component: &[u8]) -> Result<Vec<usize>> {
    let mut ends = Vec::new();
    let mut depth = 0u32;
    for payload in Parser::new(0).parse_all(component) {
        let payload = payload.context("parsing the component")?;
        match &payload {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth -= 1,
            other if depth == 1 => {
                if let Some((_, range)) = other.as_section() {
                    ends.push(range.end as usize);
                }
            }
            _ => {}
        }
    }
    Ok(ends)
}

/// The number of top-level core modules in `component`.
///
/// # Errors
/// As for [`map_core_modules`].
pub fn core_module_count(component: &[u8]) -> Result<u32> {
    let mut n = 0;
    map_core_modules(component, |_, _| {
        n += 1;
        Ok(None)
    })?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_MODULES: &str = r#"(component
        (core module $a (func (export "f")))
        (core module $b (memory (export "m") 1))
        (core instance (instantiate $a))
    )"#;

    fn encode(text: &str) -> Vec<u8> {
        crate::fuzz::wat_gen::encode(text).unwrap()
    }

    #[test]
    fn identity_rewrite_reproduces_the_component() {
        let bytes = encode(TWO_MODULES);
        assert_eq!(map_core_modules(&bytes, |_, _| Ok(None)).unwrap(), bytes);
        assert_eq!(core_module_count(&bytes).unwrap(), 2);
        let ends = section_ends(&bytes).unwrap();
        // Two modules, an instance and the name section.
        assert_eq!(ends.len(), 4);
        assert_eq!(ends.last(), Some(&bytes.len()));
        // A cut after the two modules is still a valid component.
        wasmparser::Validator::new()
            .validate_all(&bytes[..ends[1]])
            .unwrap();
    }

    #[test]
    fn a_replaced_module_is_the_only_change() {
        let bytes = encode(TWO_MODULES);
        let empty = wasm_encoder::Module::new().finish();
        let out = map_core_modules(&bytes, |i, _| {
            Ok((i == ModuleIndex(1)).then(|| empty.clone()))
        })
        .unwrap();
        assert_ne!(out, bytes);
        let mut seen = Vec::new();
        map_core_modules(&out, |i, m| {
            seen.push((i, m.to_vec()));
            Ok(None)
        })
        .unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].1, empty);
        wasmparser::Validator::new().validate_all(&out).unwrap();
    }
}
