//! A seeded generator of component text (WAT) for the component fuzzer.
//!
//! Each case is a component that uses most of the component model at once:
//! defined value types (exported, as exported functions need named types),
//! core modules with a memory, a `realloc` and data, `canon lift` with
//! memory, realloc, post-return and string-encoding options, a nested
//! component whose export is aliased and `canon lower`ed into a core module
//! that calls it, WASI imports lowered the same way, bundled instances
//! exported as interfaces, core export aliases, and a resource type whose
//! built-ins core code calls with made-up handles. Function bodies return
//! values from random memory, so lifting meets every kind of bad data.
//!
//! About a third of the cases are deliberately broken ([`Breakage`]): a core
//! signature that does not match, a missing canonical option, a bad
//! `realloc`, a duplicate export, an import nobody provides, a start function
//! that traps, or plainly damaged text. Loops are never generated, so every
//! generated component finishes.

use rand::RngExt;
use rand::rngs::SmallRng;
use std::fmt::Write as _;

/// A generated case: the text and what (if anything) was broken on purpose.
#[derive(Debug, Clone)]
pub struct GeneratedComponent {
    pub text: String,
    pub breakage: Option<Breakage>,
}

/// The deliberate defects a generated component may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakage {
    /// A lifted core function takes one parameter too many.
    WrongCoreSignature,
    /// A lift that moves strings or lists has no `memory` option.
    MissingMemory,
    /// `realloc` has the wrong type.
    BadReallocType,
    /// Two exports share a name.
    DuplicateExport,
    /// An interface is imported that no linker defines.
    UnknownImport,
    /// The core module's start function traps at instantiation.
    TrappingStart,
    /// A character of the text is removed.
    DamagedText,
}

impl Breakage {
    const ALL: [Breakage; 7] = [
        Breakage::WrongCoreSignature,
        Breakage::MissingMemory,
        Breakage::BadReallocType,
        Breakage::DuplicateExport,
        Breakage::UnknownImport,
        Breakage::TrappingStart,
        Breakage::DamagedText,
    ];
}

/// A core value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Core {
    I32,
    I64,
    F32,
    F64,
}

impl Core {
    fn name(self) -> &'static str {
        match self {
            Core::I32 => "i32",
            Core::I64 => "i64",
            Core::F32 => "f32",
            Core::F64 => "f64",
        }
    }

    /// Joins two flat types at the same position of different variant cases.
    fn join(self, other: Core) -> Core {
        match (self, other) {
            (a, b) if a == b => a,
            (Core::I32, Core::F32) | (Core::F32, Core::I32) => Core::I32,
            _ => Core::I64,
        }
    }
}

/// A component value type, as far as the generator needs to know it.
#[derive(Debug, Clone)]
enum ValTy {
    Prim(&'static str),
    String,
    List(Box<ValTy>),
    Record(Vec<ValTy>),
    Tuple(Vec<ValTy>),
    Variant(Vec<Option<ValTy>>),
    Enum(u32),
    Option(Box<ValTy>),
    Result(Option<Box<ValTy>>, Option<Box<ValTy>>),
    Flags(u32),
    /// A defined (and exported) type, by the name of its export's index.
    Named(String, Box<ValTy>),
}

const PRIMS: &[&str] = &[
    "bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64", "char",
];

impl ValTy {
    /// The type as written in a function signature or type definition.
    fn text(&self) -> String {
        match self {
            ValTy::Prim(p) => (*p).to_string(),
            ValTy::String => "string".to_string(),
            ValTy::Named(id, _) => id.clone(),
            other => other.definition(),
        }
    }

    /// The defined type itself (what a `(type $t ...)` holds).
    fn definition(&self) -> String {
        let cases = |prefix: &str, n: usize| -> Vec<String> {
            (0..n).map(|i| format!("\"{prefix}{i}\"")).collect()
        };
        match self {
            ValTy::Prim(_) | ValTy::String | ValTy::Named(..) => self.text(),
            ValTy::List(t) => format!("(list {})", t.text()),
            ValTy::Record(fs) => {
                let fields: Vec<String> = fs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("(field \"f{i}\" {})", t.text()))
                    .collect();
                format!("(record {})", fields.join(" "))
            }
            ValTy::Tuple(ts) => {
                let ts: Vec<String> = ts.iter().map(ValTy::text).collect();
                format!("(tuple {})", ts.join(" "))
            }
            ValTy::Variant(cs) => {
                let cs: Vec<String> = cs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| match t {
                        Some(t) => format!("(case \"c{i}\" {})", t.text()),
                        None => format!("(case \"c{i}\")"),
                    })
                    .collect();
                format!("(variant {})", cs.join(" "))
            }
            ValTy::Enum(n) => format!("(enum {})", cases("e", *n as usize).join(" ")),
            ValTy::Option(t) => format!("(option {})", t.text()),
            ValTy::Result(ok, err) => {
                let mut s = "(result".to_string();
                if let Some(ok) = ok {
                    write!(s, " {}", ok.text()).ok();
                }
                if let Some(err) = err {
                    write!(s, " (error {})", err.text()).ok();
                }
                s.push(')');
                s
            }
            ValTy::Flags(n) => format!("(flags {})", cases("g", *n as usize).join(" ")),
        }
    }

    /// Whether values of this type live (partly) in linear memory.
    fn uses_memory(&self) -> bool {
        match self {
            ValTy::Prim(_) | ValTy::Enum(_) | ValTy::Flags(_) => false,
            ValTy::String | ValTy::List(_) => true,
            ValTy::Record(ts) | ValTy::Tuple(ts) => ts.iter().any(ValTy::uses_memory),
            ValTy::Variant(cs) => cs.iter().flatten().any(ValTy::uses_memory),
            ValTy::Option(t) | ValTy::Named(_, t) => t.uses_memory(),
            ValTy::Result(ok, err) => ok.iter().chain(err.iter()).any(|t| t.uses_memory()),
        }
    }

    /// The canonical ABI's flattening of this type.
    fn flat(&self, out: &mut Vec<Core>) {
        match self {
            ValTy::Prim(p) => out.push(match *p {
                "s64" | "u64" => Core::I64,
                "f32" => Core::F32,
                "f64" => Core::F64,
                _ => Core::I32,
            }),
            ValTy::String | ValTy::List(_) => out.extend([Core::I32, Core::I32]),
            ValTy::Record(ts) | ValTy::Tuple(ts) => ts.iter().for_each(|t| t.flat(out)),
            ValTy::Variant(cs) => flat_variant(cs.iter().map(Option::as_ref), out),
            ValTy::Enum(_) => out.push(Core::I32),
            ValTy::Option(t) => flat_variant([None, Some(&**t)].into_iter(), out),
            ValTy::Result(ok, err) => {
                flat_variant([ok.as_deref(), err.as_deref()].into_iter(), out)
            }
            ValTy::Flags(n) => {
                if *n > 0 {
                    out.push(Core::I32);
                }
            }
            ValTy::Named(_, t) => t.flat(out),
        }
    }
}

fn flat_variant<'a>(cases: impl Iterator<Item = Option<&'a ValTy>>, out: &mut Vec<Core>) {
    let mut joined: Vec<Core> = Vec::new();
    for case in cases.flatten() {
        let mut flat = Vec::new();
        case.flat(&mut flat);
        for (i, t) in flat.into_iter().enumerate() {
            match joined.get_mut(i) {
                Some(j) => *j = j.join(t),
                None => joined.push(t),
            }
        }
    }
    out.push(Core::I32);
    out.extend(joined);
}

/// The canonical ABI's limits on flat parameters and results.
const MAX_FLAT_PARAMS: usize = 16;
const MAX_FLAT_RESULTS: usize = 1;

/// A component function type and its lifted core signature.
#[derive(Debug, Clone)]
struct FuncSig {
    params: Vec<ValTy>,
    result: Option<ValTy>,
}

impl FuncSig {
    fn uses_memory(&self) -> bool {
        self.params
            .iter()
            .chain(self.result.iter())
            .any(ValTy::uses_memory)
            || self.flat_params().len() > MAX_FLAT_PARAMS
            || self.flat_results().len() > MAX_FLAT_RESULTS
    }

    fn flat_params(&self) -> Vec<Core> {
        let mut out = Vec::new();
        self.params.iter().for_each(|p| p.flat(&mut out));
        out
    }

    fn flat_results(&self) -> Vec<Core> {
        let mut out = Vec::new();
        self.result.iter().for_each(|r| r.flat(&mut out));
        out
    }

    /// Core (params, results) of `canon lift`.
    fn lifted_core(&self) -> (Vec<Core>, Vec<Core>) {
        let params = self.flat_params();
        let results = self.flat_results();
        (
            if params.len() > MAX_FLAT_PARAMS {
                vec![Core::I32]
            } else {
                params
            },
            if results.len() > MAX_FLAT_RESULTS {
                vec![Core::I32]
            } else {
                results
            },
        )
    }

    /// Core (params, results) of `canon lower`.
    fn lowered_core(&self) -> (Vec<Core>, Vec<Core>) {
        let mut params = self.flat_params();
        let results = self.flat_results();
        if params.len() > MAX_FLAT_PARAMS {
            params = vec![Core::I32];
        }
        if results.len() > MAX_FLAT_RESULTS {
            params.push(Core::I32);
            (params, vec![])
        } else {
            (params, results)
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for (i, p) in self.params.iter().enumerate() {
            write!(s, " (param \"p{i}\" {})", p.text()).ok();
        }
        if let Some(r) = &self.result {
            write!(s, " (result {})", r.text()).ok();
        }
        s
    }
}

/// WASI functions the generated components import and call.
struct WasiImport {
    interface: &'static str,
    func: &'static str,
    sig: fn() -> FuncSig,
}

const WASI_IMPORTS: &[WasiImport] = &[
    WasiImport {
        interface: "wasi:cli/environment@0.2.0",
        func: "get-arguments",
        sig: || FuncSig {
            params: vec![],
            result: Some(ValTy::List(Box::new(ValTy::String))),
        },
    },
    WasiImport {
        interface: "wasi:random/random@0.2.3",
        func: "get-random-bytes",
        sig: || FuncSig {
            params: vec![ValTy::Prim("u64")],
            result: Some(ValTy::List(Box::new(ValTy::Prim("u8")))),
        },
    },
    WasiImport {
        interface: "wasi:cli/environment@0.2.6",
        func: "get-environment",
        sig: || FuncSig {
            params: vec![],
            result: Some(ValTy::List(Box::new(ValTy::Tuple(vec![
                ValTy::String,
                ValTy::String,
            ])))),
        },
    },
];

/// Encodes WAT text (a component or a core module) to binary.
///
/// # Errors
/// If `text` does not lex, parse or encode; the message is wast's.
pub fn encode(text: &str) -> anyhow::Result<Vec<u8>> {
    let buf = wast::parser::ParseBuffer::new(text)?;
    let mut wat: wast::Wat = wast::parser::parse(&buf)?;
    Ok(wat.encode()?)
}

/// Generates one component from `rng`.
pub fn generate(rng: &mut SmallRng) -> GeneratedComponent {
    let breakage = rng
        .random_ratio(1, 3)
        .then(|| Breakage::ALL[rng.random_range(0..Breakage::ALL.len())]);
    let mut g = Gen {
        rng,
        breakage,
        out: String::new(),
        types: Vec::new(),
    };
    g.component();
    let mut text = g.out;
    if breakage == Some(Breakage::DamagedText) && !text.is_empty() {
        let mut at = rng.random_range(0..text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.remove(at);
    }
    GeneratedComponent { text, breakage }
}

struct Gen<'r> {
    rng: &'r mut SmallRng,
    breakage: Option<Breakage>,
    out: String,
    /// Exported defined types usable in signatures.
    types: Vec<ValTy>,
}

impl Gen<'_> {
    fn broken(&self, b: Breakage) -> bool {
        self.breakage == Some(b)
    }

    fn val_ty(&mut self, depth: u32) -> ValTy {
        let leaf = depth >= 3 || self.rng.random_ratio(1, 2);
        if leaf {
            return match self.rng.random_range(0..4) {
                0 => ValTy::String,
                1 if !self.types.is_empty() => {
                    self.types[self.rng.random_range(0..self.types.len())].clone()
                }
                _ => ValTy::Prim(PRIMS[self.rng.random_range(0..PRIMS.len())]),
            };
        }
        let d = depth + 1;
        match self.rng.random_range(0..6) {
            0 => ValTy::List(Box::new(self.val_ty(d))),
            1 => ValTy::Tuple(self.some_types(d, 1, 4)),
            2 => ValTy::Option(Box::new(self.val_ty(d))),
            3 => {
                let ok = self.rng.random::<bool>().then(|| Box::new(self.val_ty(d)));
                let err = self.rng.random::<bool>().then(|| Box::new(self.val_ty(d)));
                ValTy::Result(ok, err)
            }
            4 => ValTy::List(Box::new(ValTy::Prim("u8"))),
            _ => ValTy::Prim(PRIMS[self.rng.random_range(0..PRIMS.len())]),
        }
    }

    fn some_types(&mut self, depth: u32, min: usize, max: usize) -> Vec<ValTy> {
        let n = self.rng.random_range(min..=max);
        (0..n).map(|_| self.val_ty(depth)).collect()
    }

    /// A nominal type definition (record, variant, enum, flags).
    fn nominal(&mut self) -> ValTy {
        match self.rng.random_range(0..4) {
            0 => ValTy::Record(self.some_types(1, 1, 5)),
            1 => {
                let n = self.rng.random_range(1..5);
                ValTy::Variant(
                    (0..n)
                        .map(|_| self.rng.random::<bool>().then(|| self.val_ty(1)))
                        .collect(),
                )
            }
            2 => ValTy::Enum(self.rng.random_range(1..40)),
            _ => ValTy::Flags(self.rng.random_range(1..=32)),
        }
    }

    fn sig(&mut self) -> FuncSig {
        // Now and then a wide signature that spills to memory.
        let max = if self.rng.random_ratio(1, 8) { 20 } else { 3 };
        let params = self.some_types(0, 0, max);
        let result = self.rng.random_ratio(3, 4).then(|| self.val_ty(0));
        FuncSig { params, result }
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn component(&mut self) {
        self.line("(component");
        if self.broken(Breakage::UnknownImport) {
            self.line(
                "  (import \"fuzz:missing/iface@1.0.0\" (instance (export \"f\" (func (param \"x\" u32)))))",
            );
        }
        for n in 0..self.rng.random_range(0..4) {
            let def = self.nominal();
            let text = format!(
                "  (type $d{n} {})\n  (export $t{n} \"t{n}\" (type $d{n}))",
                def.definition()
            );
            self.line(&text);
            self.types
                .push(ValTy::Named(format!("$t{n}"), Box::new(def)));
        }
        let sigs: Vec<FuncSig> = (0..self.rng.random_range(1..5))
            .map(|_| self.sig())
            .collect();
        let (inner_sig, wasi) = (
            self.rng.random_ratio(1, 2).then(|| self.inner_sig()),
            self.rng
                .random_ratio(1, 2)
                .then(|| &WASI_IMPORTS[self.rng.random_range(0..WASI_IMPORTS.len())]),
        );
        self.core_module(&sigs);
        self.line("  (core instance $m (instantiate $M))");
        self.line("  (alias core export $m \"mem\" (core memory $mem))");
        for (i, sig) in sigs.iter().enumerate() {
            self.lift(&format!("f{i}"), &format!("(core func $m \"f{i}\")"), sig);
        }
        if self.rng.random_ratio(1, 3) {
            self.resource();
        }
        let mut callers = Vec::new();
        if let Some(sig) = inner_sig {
            self.nested_component(&sig);
            self.line("  (instance $inner (instantiate $Inner))");
            self.line("  (alias export $inner \"g\" (func $g))");
            self.lower("$g", "$lg", &sig);
            callers.push(("$lg", sig));
        }
        if let Some(w) = wasi {
            let sig = (w.sig)();
            self.line(&format!(
                "  (import \"{}\" (instance $wasi (export \"{}\" (func{}))))",
                w.interface,
                w.func,
                sig.text()
            ));
            self.line(&format!("  (alias export $wasi \"{}\" (func $h))", w.func));
            self.lower("$h", "$lh", &sig);
            callers.push(("$lh", sig));
        }
        if !callers.is_empty() {
            self.caller_module(&callers);
        }
        let exported = sigs.len();
        if exported > 1 && self.rng.random() {
            // Bundle two functions as an interface-shaped instance export.
            self.line(
                "  (instance $bundle (export \"a\" (func $f0)) (export \"b\" (func $f1)))\n  (export \"fuzz:gen/bundle@0.1.0\" (instance $bundle))",
            );
        }
        for i in 0..exported {
            self.line(&format!("  (export \"f{i}\" (func $f{i}))"));
        }
        if self.broken(Breakage::DuplicateExport) {
            self.line("  (export \"f0\" (func $f0))");
        }
        self.line(")");
    }

    /// A resource type defined here (with a destructor now and then), its
    /// `resource.new`, `resource.rep` and `resource.drop` built-ins called
    /// by core code with made-up handles, and an export `make` returning an
    /// owned handle to the host.
    fn resource(&mut self) {
        let dtor = if self.rng.random() {
            " (dtor (func $m \"post\"))"
        } else {
            ""
        };
        self.line(&format!(
            "  (type $res (resource (rep i32){dtor}))\n  (export $res-t \"res\" (type $res))"
        ));
        for (name, builtin) in [
            ("new", "resource.new"),
            ("rep", "resource.rep"),
            ("drop", "resource.drop"),
        ] {
            self.line(&format!("  (core func $res-{name} (canon {builtin} $res))"));
        }
        let mut churn = String::new();
        for _ in 0..self.rng.random_range(1..8) {
            // Handles are small numbers, so made-up ones often name a live one.
            let handle = self.rng.random_range(0..6);
            let call = match self.rng.random_range(0..3) {
                0 => format!(
                    "(drop (call $new (i32.const {})))",
                    self.rng.random::<i32>()
                ),
                1 => format!("(drop (call $rep (i32.const {handle})))"),
                _ => format!("(call $drop (i32.const {handle}))"),
            };
            churn.push_str(&call);
            churn.push(' ');
        }
        let rep = self.rng.random_range(0..100);
        self.line(&format!(
            "  (core module $RM\n    (import \"r\" \"new\" (func $new (param i32) (result i32)))\n    (import \"r\" \"rep\" (func $rep (param i32) (result i32)))\n    (import \"r\" \"drop\" (func $drop (param i32)))\n    (func (export \"make\") (result i32) (call $new (i32.const {})))\n    (func (export \"churn\") (result i32) {churn}(i32.const 0)))",
            rep
        ));
        self.line("  (core instance $rm (instantiate $RM (with \"r\" (instance (export \"new\" (func $res-new)) (export \"rep\" (func $res-rep)) (export \"drop\" (func $res-drop))))))");
        self.line("  (func $make (result (own $res-t)) (canon lift (core func $rm \"make\")))\n  (export \"make\" (func $make))");
        self.line("  (func $churn (result u32) (canon lift (core func $rm \"churn\")))\n  (export \"churn\" (func $churn))");
    }

    fn inner_sig(&mut self) -> FuncSig {
        // The nested component has no access to the outer types.
        let saved = std::mem::take(&mut self.types);
        let sig = self.sig();
        self.types = saved;
        sig
    }

    /// A constant of core type `t`: often a small in-memory offset, so that
    /// pointers and lengths land in the data.
    fn constant(&mut self, t: Core) -> String {
        // Mostly aligned, so that pointers get past the alignment check.
        let small = self.rng.random_range(0..40u32) * 8 + u32::from(self.rng.random_ratio(1, 8));
        match t {
            Core::I32 => {
                let v: i32 = match self.rng.random_range(0..4) {
                    0 => -1,
                    1 => self.rng.random(),
                    _ => small as i32,
                };
                format!("(i32.const {v})")
            }
            Core::I64 => {
                let v: i64 = match self.rng.random_range(0..4) {
                    0 => i64::MAX,
                    1 => self.rng.random(),
                    2 => 1 << 40,
                    _ => small.into(),
                };
                format!("(i64.const {v})")
            }
            Core::F32 => format!("(f32.const {})", small),
            Core::F64 => format!("(f64.const -{})", small),
        }
    }

    fn params_results(params: &[Core], results: &[Core]) -> String {
        let mut s = String::new();
        if !params.is_empty() {
            let p: Vec<&str> = params.iter().map(|c| c.name()).collect();
            write!(s, " (param {})", p.join(" ")).ok();
        }
        if !results.is_empty() {
            let r: Vec<&str> = results.iter().map(|c| c.name()).collect();
            write!(s, " (result {})", r.join(" ")).ok();
        }
        s
    }

    /// The memory, `realloc`, data and one function per lifted signature.
    fn core_module(&mut self, sigs: &[FuncSig]) {
        self.line("  (core module $M");
        self.line("    (memory (export \"mem\") 1)");
        self.line("    (global $bump (mut i32) (i32.const 4096))");
        let realloc_body = match self.rng.random_range(0..6) {
            0 => "(i32.const 0)",
            1 => "(i32.const -8)",
            2 => "unreachable",
            _ => {
                "(global.set $bump (i32.and (i32.add (global.get $bump) (i32.add (local.get 3) (i32.const 7))) (i32.const -8)))\n      (i32.sub (global.get $bump) (i32.and (i32.add (local.get 3) (i32.const 7)) (i32.const -8)))"
            }
        };
        if self.broken(Breakage::BadReallocType) {
            self.line("    (func (export \"realloc\") (param i32 i32) (result i32) (i32.const 0))");
        } else {
            self.line(&format!(
                "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n      {realloc_body})"
            ));
        }
        self.line("    (func (export \"post\") (param i32))");
        if self.broken(Breakage::TrappingStart) {
            self.line("    (func $start unreachable)\n    (start $start)");
        }
        for (i, sig) in sigs.iter().enumerate() {
            let (mut params, results) = sig.lifted_core();
            if i == 0 && self.broken(Breakage::WrongCoreSignature) {
                params.push(Core::I64);
            }
            let body = if self.rng.random_ratio(1, 10) {
                "unreachable".to_string()
            } else {
                let cs: Vec<String> = results.iter().map(|t| self.constant(*t)).collect();
                cs.join(" ")
            };
            self.line(&format!(
                "    (func (export \"f{i}\"){} {body})",
                Self::params_results(&params, &results)
            ));
        }
        let data = self.data_bytes();
        self.line(&format!("    (data (i32.const 0) \"{data}\"))"));
    }

    /// Random bytes for the start of memory, with pointer/length pairs that
    /// point back into it mixed in.
    fn data_bytes(&mut self) -> String {
        let mut s = String::new();
        for _ in 0..64 {
            let word: u32 = match self.rng.random_range(0..4) {
                0 => self.rng.random(),
                1 => self.rng.random_range(0..4),
                _ => self.rng.random_range(0..256),
            };
            for b in word.to_le_bytes() {
                write!(s, "\\{b:02x}").ok();
            }
        }
        s
    }

    fn lift(&mut self, name: &str, core: &str, sig: &FuncSig) {
        let mut opts = String::new();
        let needs_memory = sig.uses_memory();
        if needs_memory && !(name == "f0" && self.broken(Breakage::MissingMemory)) {
            opts.push_str(" (memory $mem) (realloc (core func $m \"realloc\"))");
        }
        if self.rng.random_ratio(1, 4) {
            let enc = ["utf8", "utf16", "latin1+utf16"][self.rng.random_range(0..3)];
            write!(opts, " string-encoding={enc}").ok();
        }
        if self.rng.random_ratio(1, 3) && sig.lifted_core().1 == [Core::I32] {
            // `post` takes one i32: right only when the core result is one.
            opts.push_str(" (post-return (core func $m \"post\"))");
        }
        self.line(&format!(
            "  (func ${name}{} (canon lift {core}{opts}))",
            sig.text()
        ));
    }

    fn lower(&mut self, func: &str, core_name: &str, sig: &FuncSig) {
        let opts = if sig.uses_memory() {
            " (memory $mem) (realloc (core func $m \"realloc\"))"
        } else {
            ""
        };
        self.line(&format!(
            "  (core func {core_name} (canon lower (func {func}){opts}))"
        ));
    }

    /// A component exporting `g` of `sig`, lifted from its own core module.
    fn nested_component(&mut self, sig: &FuncSig) {
        let (params, results) = sig.lifted_core();
        let cs: Vec<String> = results.iter().map(|t| self.constant(*t)).collect();
        let data = self.data_bytes();
        let opts = if sig.uses_memory() {
            " (memory (core memory $n \"mem\")) (realloc (core func $n \"realloc\"))"
        } else {
            ""
        };
        self.line("  (component $Inner");
        self.line(&format!(
            "    (core module $N (memory (export \"mem\") 1)\n      (func (export \"realloc\") (param i32 i32 i32 i32) (result i32) (i32.const 512))\n      (func (export \"g\"){} {})\n      (data (i32.const 0) \"{data}\"))",
            Self::params_results(&params, &results),
            cs.join(" ")
        ));
        self.line("    (core instance $n (instantiate $N))");
        self.line(&format!(
            "    (func $g{} (canon lift (core func $n \"g\"){opts}))\n    (export \"g\" (func $g)))",
            sig.text()
        ));
    }

    /// A core module that calls each lowered function with constant
    /// arguments, exported as `call<i>: func() -> u32`.
    fn caller_module(&mut self, callers: &[(&str, FuncSig)]) {
        self.line("  (core module $C");
        for (i, (_, sig)) in callers.iter().enumerate() {
            let (params, results) = sig.lowered_core();
            self.line(&format!(
                "    (import \"host\" \"h{i}\" (func $h{i}{}))",
                Self::params_results(&params, &results)
            ));
        }
        for (i, (_, sig)) in callers.iter().enumerate() {
            let (params, results) = sig.lowered_core();
            let args: Vec<String> = params.iter().map(|t| self.constant(*t)).collect();
            let drops = "(drop)".repeat(results.len());
            self.line(&format!(
                "    (func (export \"call{i}\") (result i32) (call $h{i} {}) {drops} (i32.const 7))",
                args.join(" ")
            ));
        }
        self.line("  )");
        let withs: Vec<String> = callers
            .iter()
            .enumerate()
            .map(|(i, (core, _))| format!("(export \"h{i}\" (func {core}))"))
            .collect();
        self.line(&format!(
            "  (core instance $c (instantiate $C (with \"host\" (instance {}))))",
            withs.join(" ")
        ));
        for i in 0..callers.len() {
            self.line(&format!(
                "  (func $call{i} (result u32) (canon lift (core func $c \"call{i}\")))\n  (export \"call{i}\" (func $call{i}))"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Unbroken components must mostly be valid, or the fuzzer only tests
    /// the validator; broken ones must mostly be rejected somewhere.
    #[test]
    fn unbroken_components_are_mostly_valid() {
        let (mut valid, mut total) = (0, 0);
        for seed in 0..200 {
            let generated = generate(&mut SmallRng::seed_from_u64(seed));
            if generated.breakage.is_some() {
                continue;
            }
            total += 1;
            let ok = encode(&generated.text).ok().is_some_and(|bytes| {
                let features =
                    wasmparser::WasmFeatures::default() | wasmparser::WasmFeatures::COMPONENT_MODEL;
                wasmparser::Validator::new_with_features(features)
                    .validate_all(&bytes)
                    .map_err(|e| eprintln!("seed {seed}: {e}\n{}", generated.text))
                    .is_ok()
            });
            valid += u32::from(ok);
        }
        assert!(
            total > 100 && valid * 10 >= total * 9,
            "{valid} of {total} valid"
        );
    }

    #[test]
    fn flattening_follows_the_canonical_abi() {
        let mut flat = Vec::new();
        ValTy::Result(
            Some(Box::new(ValTy::Prim("f32"))),
            Some(Box::new(ValTy::Prim("u64"))),
        )
        .flat(&mut flat);
        assert_eq!(flat, [Core::I32, Core::I64]);
        flat.clear();
        ValTy::Option(Box::new(ValTy::String)).flat(&mut flat);
        assert_eq!(flat, [Core::I32, Core::I32, Core::I32]);
    }
}
