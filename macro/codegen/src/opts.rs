//! Generation options: the library-level mirror of the `bindgen!` options.
//!
//! The proc-macro parses its input into [`Opts`] (keeping spans for error
//! reporting); build scripts can fill one in directly.

/// How generated types own their data (`ownership` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ownership {
    /// Types own their data (`String`, `Vec<T>`); import parameters borrow
    /// at the top level (`&str`, `&[T]`).
    #[default]
    Owning,
    /// Import parameters borrow all the way down; types used both as
    /// import parameters and elsewhere are duplicated when
    /// `duplicate_if_necessary` is set.
    Borrowing {
        /// Generate a `*Param` and a `*Result` flavour of such types.
        duplicate_if_necessary: bool,
    },
}

/// What a `with` entry maps a WIT interface or type to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithTarget {
    /// Use these existing bindings (a Rust path).
    Path(String),
    /// Generate bindings as if the entry were absent.
    Generate,
}

/// Options for one generation run; see the `weft::bindgen!` docs.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// The world to generate; may be omitted when the package has one.
    pub world: Option<String>,
    /// `with`: WIT interface (`ns:pkg/iface`) or type (`ns:pkg/iface/ty`)
    /// names to existing bindings.
    pub with: Vec<(String, WithTarget)>,
    /// Generate interfaces missing from `with` instead of failing.
    pub generate_all: bool,
    /// Extra derives for every generated type (Rust paths).
    pub additional_derives: Vec<String>,
    /// WIT type names that do not get `additional_derives`.
    pub additional_derives_ignore: Vec<String>,
    /// Ownership mode of generated types.
    pub ownership: Ownership,
    /// WIT function names (or `iface#func`) to leave out.
    pub skip: Vec<String>,
    /// The `async` option: filters (`all`, `-all`, `import:ns:pkg/i#f`,
    /// `-export:f`, ...) deciding which functions are bound async, first
    /// match wins; unmatched functions follow their WIT `async`.
    pub async_filters: Vec<String>,
    /// Also generate a `Stub` type implementing every export with
    /// `unreachable!()`, and export it.
    pub stubs: bool,
    /// Path of the runtime module (default `::weft::rt`).
    pub runtime_path: Option<String>,
    /// Name of the generated export macro (default `export`).
    pub export_macro_name: Option<String>,
    /// Make the export macro `pub` (`#[macro_export]`).
    pub pub_export_macro: bool,
    /// Path to the bindings used by `export!(T)` (default `self`).
    pub default_bindings_module: Option<String>,
    /// Suffix added to the component-type custom section name.
    pub type_section_suffix: Option<String>,
    /// Also generate types of the world's package that the world does not use.
    pub generate_unused_types: bool,
    /// WIT `@unstable` features to enable.
    pub features: Vec<String>,
    /// Put what needs `std` (the `Error` impls of error types) behind
    /// `#[cfg(feature = "std")]` of the calling crate.
    pub std_feature: bool,
    /// Borrowed string parameters of imports are `&[u8]` instead of `&str`
    /// (the bytes must still be UTF-8; the caller skips its own check).
    pub raw_strings: bool,
    /// The Rust type for WIT `map<K, V>` (default `{runtime_path}::Map`);
    /// it must implement `{runtime_path}::WitMap<K, V>` and iterate as
    /// key/value pairs by value and by reference.
    pub map_type: Option<String>,
    /// Where the `bitflags` crate is; when set, flags types are declared
    /// with its `bitflags!` macro instead of weft's own definition.
    pub bitflags_path: Option<String>,
    /// Prefix of every core export name (to avoid clashes in tests).
    pub export_prefix: Option<String>,
    /// `(selector, attribute)`: the attribute (`#[...]`, as Rust source) goes
    /// on the record, variant or enum whose full WIT name (as in `with`:
    /// `ns:pkg/iface@ver/type`) is `selector`.
    pub additional_type_attributes: Vec<(String, String)>,
    /// `(selector, attribute)`: as `additional_type_attributes` for a record
    /// field or a variant/enum case, selected as `ns:pkg/iface/type.member`.
    pub additional_member_attributes: Vec<(String, String)>,
    /// Do not run static constructors once at the start of each export.
    pub disable_run_ctors_once_workaround: bool,
    /// Do not emit the helpers that force the component-type section of
    /// these bindings into the final link.
    pub disable_custom_section_link_helpers: bool,
    /// Which imported resource methods without results return `Self`
    /// (`"all"`, `"ns:pkg/iface#resource"`, `"ns:pkg/iface#[method]r.m"`;
    /// prefix `&` to return `&Self`, `-` to exclude). Earlier entries win.
    pub chainable_methods: Vec<String>,
    /// Generate one definition per class of structurally equal types; the
    /// others become aliases of it.
    pub merge_structurally_equal_types: bool,
}

impl Opts {
    /// The runtime path as written in generated code.
    pub fn runtime_path(&self) -> &str {
        self.runtime_path.as_deref().unwrap_or("::weft::rt")
    }

    /// The name of the generated export macro.
    pub fn export_macro_name(&self) -> &str {
        self.export_macro_name.as_deref().unwrap_or("export")
    }
}
