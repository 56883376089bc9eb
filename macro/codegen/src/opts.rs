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
