//! weft-macro: the `weft::bindgen!` proc-macro.
//!
//! A thin wrapper: it parses options (`options`), calls
//! [`weft_codegen::generate`], and turns errors into compile errors on the
//! right span. Everything else lives in `weft-codegen`.

#![deny(missing_docs)]
#![warn(clippy::allow_attributes_without_reason)]

mod options;

use options::Config;
use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use std::path::{Path, PathBuf};
use weft_codegen::Error;

/// Generates Rust bindings for a WIT world.
///
/// ```text
/// weft::bindgen!("my-world");                       // WIT from `<crate>/wit`
/// weft::bindgen!("my-world" in "wit/other");        // WIT from a path
/// weft::bindgen!({ world: "my-world", path: "wit", stubs });
/// ```
///
/// Options (the same names and meanings as `wit_bindgen::generate!` 0.61.1;
/// its `async` option belongs to the async bindings, not generated yet):
///
/// | option | meaning |
/// |---|---|
/// | `world: "name"` | the world to bind (optional if the package has one) |
/// | `path: "dir"` or `path: ["a", "b"]` | WIT files or directories, relative to the crate |
/// | `inline: "..."` | WIT text |
/// | `with: { "ns:pkg/iface": path::to::it, "ns:pkg/iface/type": path, "ns:pkg/other": generate }` | reuse existing bindings; keys that match nothing are an error |
/// | `generate_all` | generate imported interfaces of other packages that `with` does not list (without it they are an error, as in wit-bindgen; the world's own package is always generated) |
/// | `additional_derives: [PartialEq, serde::Serialize]` | extra derives on generated types |
/// | `additional_derives_ignore: ["wit-type"]` | types that do not get them |
/// | `ownership: Owning` / `Borrowing { duplicate_if_necessary: bool }` | how import parameters borrow |
/// | `skip: ["func"]` | functions to leave out |
/// | `stubs` | implement every export with `unreachable!()` on a `Stub` type |
/// | `runtime_path: "::weft::rt"` | where the runtime lives |
/// | `export_macro_name: "export"`, `pub_export_macro: true` | name and visibility of the export macro |
/// | `default_bindings_module: "crate::bindings"` | the path `export!(T)` assumes |
/// | `type_section_suffix: "..."` | suffix of the component-type section name |
/// | `generate_unused_types` | also bind interfaces of the package the world does not use |
/// | `features: ["name"]` | enable WIT `@unstable(feature = name)` items |
/// | `std_feature` | put what needs `std` (the `Error` impls) behind `#[cfg(feature = "std")]` |
/// | `raw_strings` | WIT strings are bytes (`Vec<u8>`, `&[u8]`) |
/// | `map_type: "std::collections::HashMap"` | the Rust type of `map<K, V>` (default `weft::rt::Map`, a `BTreeMap`; it must implement `weft::rt::WitMap`) |
/// | `bitflags_path: "::bitflags"` | declare flags with that crate's `bitflags!` |
/// | `export_prefix: "p-"` | prefix of every core export name |
/// | `additional_type_attributes: { "ns:pkg/iface/type": [#[attr]] }` | attributes for one record, variant or enum |
/// | `additional_member_attributes: { "ns:pkg/iface/type.member": [#[attr]] }` | attributes for one field or case |
/// | `chainable_methods: ["all", "&ns:pkg/iface#res", "-ns:pkg/iface#[method]res.m"]` | imported methods without results return `Self` (`&Self` with `&`; `-` excludes) |
/// | `disable_run_ctors_once_workaround: true` | do not run static constructors before the first export |
/// | `disable_custom_section_link_helpers: true` | omit the statics that keep the component-type section linked |
/// | `merge_structurally_equal_types: true` | one definition per class of structurally equal types, aliases for the rest |
/// | `debug` | write the formatted expansion to `$OUT_DIR` (or `target/weft-bindgen`) and `include!` it |
///
/// The expansion has a `Guest` trait for world-level exports,
/// `exports::ns::pkg::iface::Guest` (and `GuestR` for each exported
/// resource `R`) for exported interfaces, import functions under
/// `ns::pkg::iface`, and an `export!(MyType)` macro that emits the core
/// exports backed by `MyType`.
#[proc_macro]
pub fn bindgen(input: TokenStream) -> TokenStream {
    let config = syn::parse_macro_input!(input as Config);
    match expand(&config) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

fn expand(config: &Config) -> syn::Result<proc_macro2::TokenStream> {
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let generated = weft_codegen::generate(&root, &config.source, &config.opts)
        .map_err(|e| to_syn_error(e, config))?;
    let tracked = generated.files.iter().filter_map(|f| f.to_str()).map(|f| {
        quote!(
            const _: &[u8] = include_bytes!(#f);
        )
    });
    let tokens = generated.tokens;
    let body = if config.debug {
        write_debug(&root, config, &tokens)?
    } else {
        tokens
    };
    Ok(quote! {
        #body
        #(#tracked)*
    })
}

fn to_syn_error(err: Error, config: &Config) -> syn::Error {
    let span = match &err {
        Error::UnusedWith(key) => config
            .with_spans
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| *s)
            .unwrap_or_else(Span::call_site),
        Error::Option { option, .. } => config
            .option_spans
            .iter()
            .find(|(k, _)| k == option)
            .map_or(config.source_span, |(_, s)| *s),
        _ => config.source_span,
    };
    syn::Error::new(span, err.to_string())
}

/// Writes the formatted expansion next to the build output and includes it
/// from there, so it can be read (and rust-analyzer can navigate it).
fn write_debug(
    root: &Path,
    config: &Config,
    tokens: &proc_macro2::TokenStream,
) -> syn::Result<proc_macro2::TokenStream> {
    let file: syn::File = syn::parse2(tokens.clone())?;
    let pretty = prettyplease::unparse(&file);
    let dir = match std::env::var_os("OUT_DIR") {
        Some(out) => PathBuf::from(out),
        None => root.join("target").join("weft-bindgen"),
    };
    let world = config
        .opts
        .world
        .as_deref()
        .unwrap_or("world")
        .replace([':', '/', '@'], "_");
    let path = dir.join(format!("{world}.rs"));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, pretty))
        .map_err(|e| {
            syn::Error::new(
                Span::call_site(),
                format!("`debug`: cannot write {}: {e}", path.display()),
            )
        })?;
    let path = path.to_string_lossy().into_owned();
    Ok(quote!(include!(#path);))
}
