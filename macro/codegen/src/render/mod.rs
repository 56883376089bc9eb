//! The Rust backend: renders the analysed world as `quote!` tokens.
//!
//! [`Ctx`] holds what every renderer needs (the resolve, sizes, analysis,
//! options, where each interface's module lives). The jobs are split by
//! file: `paths` (module paths), `ty` (Rust types of WIT types), `typedefs`
//! and `flags` (type definitions), `resources` (handle types), `body` (the
//! [`Emitter`](crate::abi::Emitter) that renders ABI instructions),
//! `moved` (streams moved, not copied, into `quote!`), `shared` (load helpers shared by every function that loads a variant),
//! `imports` and `exports` (functions and traits), and `world` (assembling
//! the module tree, the export macro and the custom section).

mod async_filter;
mod attrs;
mod body;
mod chain;
mod display;
mod exports;
mod flags;
mod imports;
mod merge;
mod moved;
mod paths;
mod payloads;
mod resources;
mod shared;
mod tree;
mod ty;
mod typedefs;
mod with;
pub mod world;

use crate::analysis::Analysis;
use crate::id_map::IdMap;
use crate::opts::Opts;
use paths::ModPath;
use proc_macro2::TokenStream;
use quote::quote;
use wit_parser::{InterfaceId, Resolve, SizeAlign, TypeId, WorldId, WorldKey};

/// Where an interface's bindings live.
#[derive(Debug, Clone)]
pub(crate) struct IfaceSite {
    /// Module path from the bindings root.
    pub path: ModPath,
    /// Whether the world exports it (its resources are defined here).
    pub exported: bool,
    /// The key the world uses for it (names core imports/exports).
    pub key: WorldKey,
    /// `with`: bindings that exist elsewhere, so nothing is generated.
    pub remapped: Option<TokenStream>,
}

/// Shared state of one rendering run.
pub(crate) struct Ctx<'a> {
    pub resolve: &'a Resolve,
    pub world: WorldId,
    pub opts: &'a Opts,
    pub sizes: SizeAlign,
    pub analysis: Analysis,
    pub ifaces: IdMap<InterfaceId, IfaceSite>,
    /// `with` entries naming single types.
    pub remapped_types: IdMap<TypeId, TokenStream>,
    /// Path options, checked (see [`OptionPaths`]).
    pub paths: OptionPaths,
    /// `additional_type_attributes`/`additional_member_attributes`.
    pub attrs: attrs::SelectedAttrs,
    /// Names of the items this call adds to the caller's module.
    pub names: CallNames,
    /// `use <with path> as <alias>;` items placed in the caller's module,
    /// so `with` paths resolve from there, as written.
    pub with_aliases: Vec<(proc_macro2::Ident, TokenStream)>,
    /// `merge_structurally_equal_types`: merged type -> the type whose
    /// definition it aliases.
    pub merged: IdMap<TypeId, TypeId>,
    /// Interfaces added by `generate_unused_types`: types only.
    pub types_only: &'a std::collections::HashSet<InterfaceId>,
    /// The shared load helpers the rendered code calls.
    pub shared_loads: std::cell::RefCell<shared::SharedLoads>,
}

/// The names of the hidden items one `bindgen!` call puts in the caller's
/// module. They carry the world's full name, so two calls (for different
/// worlds) in one module do not clash.
pub(crate) struct CallNames {
    /// The module holding world-level items (glob re-exported).
    pub world_module: String,
    /// The alias of the runtime path.
    pub runtime_alias: String,
    /// The prefix of `with` aliases.
    pub with_prefix: String,
}

impl CallNames {
    /// The names for `world`.
    pub fn new(resolve: &Resolve, world: WorldId) -> CallNames {
        let w = &resolve.worlds[world];
        let full = match w.package {
            Some(p) => {
                let n = &resolve.packages[p].name;
                format!("{}_{}_{}", n.namespace, n.name, w.name)
            }
            None => w.name.clone(),
        };
        let tag: String = full
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        CallNames {
            world_module: format!("__weft_world_{tag}"),
            runtime_alias: format!("__weft_rt_{tag}"),
            with_prefix: format!("__weft_with_{tag}_"),
        }
    }
}

/// The options that name Rust paths, parsed once by [`OptionPaths::new`]
/// so that renderers never meet a bad value.
pub(crate) struct OptionPaths {
    /// `runtime_path`.
    pub runtime: TokenStream,
    /// `default_bindings_module` (`self` when not given).
    pub default_bindings: TokenStream,
    /// `additional_derives`: each derive's last segment and its path.
    pub derives: Vec<(String, TokenStream)>,
    /// `map_type` (`_rt::Map` when not given).
    pub map: TokenStream,
    /// `bitflags_path`, when given.
    pub bitflags: Option<TokenStream>,
}

impl OptionPaths {
    /// Parses the path options of `opts`.
    ///
    /// # Errors
    /// [`crate::Error::Option`] naming the first option whose value is not
    /// a Rust path.
    pub fn new(opts: &Opts) -> Result<OptionPaths, crate::Error> {
        use crate::rust_path::{last_segment, parse};
        Ok(OptionPaths {
            runtime: parse("runtime_path", opts.runtime_path())?,
            default_bindings: match &opts.default_bindings_module {
                Some(path) => parse("default_bindings_module", path)?,
                None => quote!(self),
            },
            derives: opts
                .additional_derives
                .iter()
                .map(|d| Ok((last_segment(d).to_string(), parse("additional_derives", d)?)))
                .collect::<Result<_, crate::Error>>()?,
            map: match &opts.map_type {
                Some(path) => parse("map_type", path)?,
                None => quote!(_rt::Map),
            },
            bitflags: opts
                .bitflags_path
                .as_deref()
                .map(|path| parse("bitflags_path", path))
                .transpose()?,
        })
    }
}

impl Ctx<'_> {
    /// The named types whose definitions this run renders (not remapped by
    /// `with`), imports before exports, in WIT order.
    pub fn rendered_types(&self) -> Vec<TypeId> {
        let world = &self.resolve.worlds[self.world];
        let mut out = Vec::new();
        for item in world.imports.values().chain(world.exports.values()) {
            match item {
                wit_parser::WorldItem::Interface { id, .. } => {
                    if self.ifaces.get(id).is_some_and(|s| s.remapped.is_some()) {
                        continue;
                    }
                    out.extend(self.resolve.interfaces[*id].types.values().copied());
                }
                wit_parser::WorldItem::Type { id, .. } => out.push(*id),
                wit_parser::WorldItem::Function(_) => {}
            }
        }
        out.retain(|id| !self.remapped_types.contains_key(id));
        out
    }

    /// Whether the Rust definition of named type `def` (no alias) is one
    /// this run renders (or, merged, aliases to one it renders), rather
    /// than a type that `with` maps to a path.
    pub fn renders_definition(&self, def: TypeId) -> bool {
        let rep = self.merged.get(&def).copied().unwrap_or(def);
        [def, rep].iter().all(|id| {
            let remapped_iface = match self.resolve.types[*id].owner {
                wit_parser::TypeOwner::Interface(i) => {
                    self.ifaces.get(&i).is_some_and(|s| s.remapped.is_some())
                }
                wit_parser::TypeOwner::World(_) | wit_parser::TypeOwner::None => false,
            };
            !remapped_iface && !self.remapped_types.contains_key(id)
        })
    }

    /// `#[doc = ...]` attributes for WIT docs.
    pub fn docs(&self, docs: &wit_parser::Docs) -> TokenStream {
        let Some(text) = &docs.contents else {
            return TokenStream::new();
        };
        // One attribute for all the lines (rustdoc joins attributes with
        // newlines anyway), each line after a space as `///` would give:
        // an attribute per line was a tenth of an http-proxy expansion.
        let mut doc = String::with_capacity(text.len() + 16);
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                doc.push('\n');
            }
            doc.push(' ');
            doc.push_str(line);
        }
        let doc = raw_string(&doc);
        quote! { #[doc = #doc] }
    }
}

/// A string literal for `text`, written raw (`r#"..."#`) where it can be.
///
/// Outside a proc macro `Literal::string` escapes the text a character at
/// a time, ~15 times slower than lexing the raw form; WASI's docs made it
/// most of an expansion's cost for their attributes.
fn raw_string(text: &str) -> proc_macro2::Literal {
    // Carriage returns are not allowed in raw strings; such text is rare.
    if !text.contains('\r') {
        // One more `#` than the longest run following a quote in the text.
        let mut hashes = 0;
        for (i, _) in text.match_indices('"') {
            let run = text[i + 1..].bytes().take_while(|b| *b == b'#').count();
            hashes = hashes.max(run + 1);
        }
        let mut repr = String::with_capacity(text.len() + 2 * hashes + 3);
        repr.push('r');
        repr.extend(std::iter::repeat_n('#', hashes));
        repr.push('"');
        repr.push_str(text);
        repr.push('"');
        repr.extend(std::iter::repeat_n('#', hashes));
        if let Ok(lit) = repr.parse() {
            return lit;
        }
    }
    proc_macro2::Literal::string(text)
}

/// A byte string literal for `bytes` (the encoded component type).
///
/// Built as text and lexed: `Literal::byte_string` escapes a byte at a
/// time outside a proc macro, about four times slower.
pub(crate) fn byte_string(bytes: &[u8]) -> proc_macro2::Literal {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut repr = String::with_capacity(bytes.len() * 2 + 3);
    repr.push_str("b\"");
    for &b in bytes {
        match b {
            b'"' => repr.push_str("\\\""),
            b'\\' => repr.push_str("\\\\"),
            b'\0' => repr.push_str("\\0"),
            b'\t' => repr.push_str("\\t"),
            b'\n' => repr.push_str("\\n"),
            b'\r' => repr.push_str("\\r"),
            0x20..=0x7e => repr.push(char::from(b)),
            _ => {
                repr.push_str("\\x");
                repr.push(char::from(HEX[usize::from(b >> 4)]));
                repr.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    repr.push('"');
    repr.parse()
        .unwrap_or_else(|_| proc_macro2::Literal::byte_string(bytes))
}

#[cfg(test)]
mod tests {
    use super::{byte_string, raw_string};

    #[test]
    fn byte_strings_escape_what_is_not_printable() {
        let lit = byte_string(b"\0asm \"q\" \\ \t\r\n\x01\x7f\xff");
        assert_eq!(lit.to_string(), r#"b"\0asm \"q\" \\ \t\r\n\x01\x7f\xff""#);
    }

    #[test]
    fn raw_strings_hold_any_text_and_fall_back_when_they_cannot() {
        assert_eq!(raw_string(" plain").to_string(), "r\" plain\"");
        assert_eq!(raw_string("a \"q\" b").to_string(), "r#\"a \"q\" b\"#");
        assert_eq!(raw_string("x \"## y").to_string(), "r###\"x \"## y\"###");
        assert_eq!(raw_string("cr\r").to_string(), "\"cr\\r\"");
        assert_eq!(raw_string("").to_string(), "r\"\"");
    }
}
