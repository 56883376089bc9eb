//! Differential test of the fused adapters against the host-mediated path.
//!
//! A seeded generator makes random component function types (records,
//! variants, enums, flags, tuples, lists, fixed-length lists, strings,
//! options, results, `error-context` and scalars, nested up to depth 4, up
//! to 20 parameters) and random values.
//! Component text must name every record, variant, enum and flags type a
//! function it imports or exports uses, so each case defines them as
//! named types: the callee exports them, the caller imports them (equal
//! to its own definitions) and exports them again, and the outer
//! component exports the caller's and ascribes them to its exports. For
//! each case it
//! builds a callee and a caller component with random string encodings
//! and random memory widths (32- or 64-bit) on both sides, links them in
//! one composition, and calls the caller's
//! forwarding exports with the same arguments on an engine with adapters
//! and on one without: results, traps and the path taken must be as
//! expected. Some cases corrupt the caller's memory or pointers before the
//! call, so the two paths must also agree on which trap they raise.
//!
//! Each case has two functions. `spill` takes the random parameters
//! (padded past 16 flat values, so they are passed as a spilled tuple) and
//! returns them as one tuple: the callee returns its parameter area as its
//! return area, an echo that needs no type-directed core code. `flat`
//! takes one string or list as flat `(ptr, len)` and echoes it likewise.
//!
//! `WEFT_FUZZ_CASES=N` runs N cases instead of the fixed CI set.

#[expect(dead_code, reason = "this test uses only the `component` loader")]
mod components;

use components::component;
use weft_harness::{Engine, ErrorContext, Linker, Store, Val};

/// The number of cases CI runs (seeds `0..CI_CASES`).
const CI_CASES: u64 = 150;

/// xorshift64*: small, seedable, good enough to pick shapes and values.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(
            seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .wrapping_add(0x2545_f491_4f6c_dd1d)
                | 1,
        )
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A generated value type.
#[derive(Debug, Clone)]
enum Ty {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    /// Copied between instances as a handle (the sender keeps its own).
    ErrorContext,
    List(Box<Ty>),
    /// `list<T, N>`.
    FixedList(Box<Ty>, u32),
    Tuple(Vec<Ty>),
    Option(Box<Ty>),
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    /// The case's named type `i` (see [`Def`]).
    Named(usize),
}

/// A named type's definition.
#[derive(Debug, Clone)]
enum Def {
    Record(Vec<Ty>),
    Variant(Vec<Option<Ty>>),
    Enum(usize),
    Flags(usize),
}

impl Def {
    /// The definition in component text, naming other types `${prefix}j`.
    fn text(&self, prefix: &str) -> String {
        match self {
            Self::Record(fs) => {
                let fs: String = fs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!(" (field \"f{i}\" {})", t.text(prefix)))
                    .collect();
                format!("(record{fs})")
            }
            Self::Variant(cs) => {
                let cs: String = cs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| match t {
                        Some(t) => format!(" (case \"c{i}\" {})", t.text(prefix)),
                        None => format!(" (case \"c{i}\")"),
                    })
                    .collect();
                format!("(variant{cs})")
            }
            Self::Enum(n) => {
                let cs: String = (0..*n).map(|i| format!(" \"e{i}\"")).collect();
                format!("(enum{cs})")
            }
            Self::Flags(n) => {
                let fs: String = (0..*n).map(|i| format!(" \"g{i}\"")).collect();
                format!("(flags{fs})")
            }
        }
    }
}

const SCALARS: [Ty; 12] = [
    Ty::Bool,
    Ty::S8,
    Ty::U8,
    Ty::S16,
    Ty::U16,
    Ty::S32,
    Ty::U32,
    Ty::S64,
    Ty::U64,
    Ty::F32,
    Ty::F64,
    Ty::Char,
];

impl Ty {
    /// A random type nested at most `depth` levels; named types it uses
    /// are added to `defs`, after the ones they use.
    fn random(rng: &mut Rng, depth: u32, defs: &mut Vec<Def>) -> Self {
        let k = if depth == 0 { 0 } else { rng.below(15) };
        let inner = |rng: &mut Rng, defs: &mut Vec<Def>| Self::random(rng, depth - 1, defs);
        let named = |def: Def, defs: &mut Vec<Def>| {
            defs.push(def);
            Self::Named(defs.len() - 1)
        };
        match k {
            0 | 1 => SCALARS[rng.below(12) as usize].clone(),
            2 => Self::String,
            3 => Self::List(Box::new(inner(rng, defs))),
            4 => {
                let n = 1 + rng.below(4) as usize;
                Self::Tuple((0..n).map(|_| inner(rng, defs)).collect())
            }
            5 | 6 => Self::Option(Box::new(inner(rng, defs))),
            7 => Self::Result(
                rng.chance(70).then(|| Box::new(inner(rng, defs))),
                rng.chance(70).then(|| Box::new(inner(rng, defs))),
            ),
            8 | 9 => {
                let n = 1 + rng.below(4) as usize;
                let fs = (0..n).map(|_| inner(rng, defs)).collect();
                named(Def::Record(fs), defs)
            }
            10 => {
                let n = 1 + rng.below(4) as usize;
                let cs = (0..n)
                    .map(|_| rng.chance(70).then(|| inner(rng, defs)))
                    .collect();
                named(Def::Variant(cs), defs)
            }
            11 => named(Def::Enum(1 + rng.below(5) as usize), defs),
            12 => Self::ErrorContext,
            // Past 16 elements in memory the adapter moves them in a loop.
            13 => {
                let n = if rng.chance(20) {
                    17
                } else {
                    1 + rng.below(4) as u32
                };
                Self::FixedList(Box::new(inner(rng, defs)), n)
            }
            // Up to 32 flags (the validator's limit): 1, 2 or 4 bytes.
            _ => named(Def::Flags(1 + rng.below(32) as usize), defs),
        }
    }

    /// The type in component text, naming types `${prefix}i`.
    fn text(&self, prefix: &str) -> String {
        match self {
            Self::Bool => "bool".into(),
            Self::S8 => "s8".into(),
            Self::U8 => "u8".into(),
            Self::S16 => "s16".into(),
            Self::U16 => "u16".into(),
            Self::S32 => "s32".into(),
            Self::U32 => "u32".into(),
            Self::S64 => "s64".into(),
            Self::U64 => "u64".into(),
            Self::F32 => "f32".into(),
            Self::F64 => "f64".into(),
            Self::Char => "char".into(),
            Self::String => "string".into(),
            Self::ErrorContext => "error-context".into(),
            Self::List(t) => format!("(list {})", t.text(prefix)),
            Self::FixedList(t, n) => format!("(list {} {n})", t.text(prefix)),
            Self::Tuple(ts) => {
                let ts: String = ts.iter().map(|t| format!(" {}", t.text(prefix))).collect();
                format!("(tuple{ts})")
            }
            Self::Option(t) => format!("(option {})", t.text(prefix)),
            Self::Result(ok, err) => {
                let ok = ok
                    .as_ref()
                    .map(|t| format!(" {}", t.text(prefix)))
                    .unwrap_or_default();
                let err = err
                    .as_ref()
                    .map(|t| format!(" (error {})", t.text(prefix)))
                    .unwrap_or_default();
                format!("(result{ok}{err})")
            }
            Self::Named(i) => format!("${prefix}{i}"),
        }
    }

    fn flat_count(&self, defs: &[Def]) -> usize {
        let payload = |t: Option<&Ty>| t.map_or(0, |t| t.flat_count(defs));
        match self {
            Self::String | Self::List(_) => 2,
            Self::FixedList(t, n) => t.flat_count(defs) * *n as usize,
            Self::Tuple(fs) => fs.iter().map(|t| t.flat_count(defs)).sum(),
            Self::Option(t) => 1 + t.flat_count(defs),
            Self::Result(ok, err) => 1 + payload(ok.as_deref()).max(payload(err.as_deref())),
            Self::Named(i) => match &defs[*i] {
                Def::Record(fs) => fs.iter().map(|t| t.flat_count(defs)).sum(),
                Def::Variant(cs) => 1 + cs.iter().map(|t| payload(t.as_ref())).max().unwrap_or(0),
                Def::Enum(_) => 1,
                Def::Flags(n) => n.div_ceil(32),
            },
            _ => 1,
        }
    }

    fn val(&self, rng: &mut Rng, defs: &[Def]) -> Val {
        let boxed = |t: &Ty, rng: &mut Rng| Box::new(t.val(rng, defs));
        match self {
            Self::Bool => Val::Bool(rng.chance(50)),
            Self::S8 => Val::S8(rng.next() as i8),
            Self::U8 => Val::U8(rng.next() as u8),
            Self::S16 => Val::S16(rng.next() as i16),
            Self::U16 => Val::U16(rng.next() as u16),
            Self::S32 => Val::S32(rng.next() as i32),
            Self::U32 => Val::U32(rng.next() as u32),
            Self::S64 => Val::S64(rng.next() as i64),
            Self::U64 => Val::U64(rng.next()),
            Self::F32 => Val::Float32(f32::from_bits(rng.next() as u32)),
            Self::F64 => Val::Float64(f64::from_bits(rng.next())),
            Self::Char => Val::Char(pick_char(rng)),
            Self::String => {
                let n = rng.below(9);
                Val::String((0..n).map(|_| pick_char(rng)).collect())
            }
            Self::ErrorContext => {
                let n = rng.below(5);
                let message: String = (0..n).map(|_| pick_char(rng)).collect();
                Val::ErrorContext(ErrorContext::new(&message))
            }
            Self::List(t) => Val::List((0..rng.below(4)).map(|_| t.val(rng, defs)).collect()),
            Self::FixedList(t, n) => Val::List((0..*n).map(|_| t.val(rng, defs)).collect()),
            Self::Tuple(ts) => Val::Tuple(ts.iter().map(|t| t.val(rng, defs)).collect()),
            Self::Named(i) => match &defs[*i] {
                Def::Record(fs) => Val::Record(
                    fs.iter()
                        .enumerate()
                        .map(|(i, t)| (format!("f{i}"), t.val(rng, defs)))
                        .collect(),
                ),
                Def::Variant(cs) => {
                    let c = rng.below(cs.len() as u64) as usize;
                    Val::Variant(format!("c{c}"), cs[c].as_ref().map(|t| boxed(t, rng)))
                }
                Def::Enum(n) => Val::Enum(format!("e{}", rng.below(*n as u64))),
                Def::Flags(n) => Val::Flags(
                    (0..*n)
                        .filter(|_| rng.chance(40))
                        .map(|i| format!("g{i}"))
                        .collect(),
                ),
            },
            Self::Option(t) => Val::Option(rng.chance(60).then(|| boxed(t, rng))),
            Self::Result(ok, err) => Val::Result(if rng.chance(50) {
                Ok(ok.as_ref().map(|t| boxed(t, rng)))
            } else {
                Err(err.as_ref().map(|t| boxed(t, rng)))
            }),
        }
    }
}

/// ASCII, Latin-1, other BMP and astral characters, so every encoding
/// pair meets both its cheap and its transcoding case.
fn pick_char(rng: &mut Rng) -> char {
    const POOL: [char; 8] = ['a', 'Z', '0', 'é', 'ÿ', '☃', 'ऄ', '😀'];
    POOL[rng.below(POOL.len() as u64) as usize]
}

const ENCODINGS: [&str; 3] = ["utf8", "utf16", "latin1+utf16"];

/// How the caller tampers with its arguments before the call.
#[derive(Debug, Clone, Copy)]
enum Corrupt {
    None,
    /// Passes a parameter pointer past the end of memory.
    Pointer,
    /// Overwrites one byte of the parameter tuple with 0xff.
    Byte(u32),
    /// Overwrites four bytes of the parameter tuple with 0xffff_ffff.
    Word(u32),
    /// Overwrites one byte with a small value (a discriminant just past
    /// the last case, a flag just past the last).
    Small(u32, u8),
}

impl Corrupt {
    /// The tampering code, in a function whose pointers are of type `p`.
    fn code(self, p: &str) -> String {
        match self {
            Self::None => String::new(),
            Self::Pointer => format!("(local.set 0 ({p}.const -16))"),
            Self::Byte(off) => format!("(i32.store8 offset={off} (local.get 0) (i32.const -1))"),
            Self::Word(off) => format!("(i32.store offset={off} (local.get 0) (i32.const -1))"),
            Self::Small(off, v) => {
                format!("(i32.store8 offset={off} (local.get 0) (i32.const {v}))")
            }
        }
    }
}

/// One generated case.
struct Case {
    /// The named types the parameters use.
    defs: Vec<Def>,
    params: Vec<Ty>,
    flat: Ty,
    caller_encoding: &'static str,
    callee_encoding: &'static str,
    post_return: bool,
    corrupt: Corrupt,
    args: Vec<Val>,
    flat_arg: Val,
    /// Whether the caller's, and the callee's, memory is 64-bit.
    caller64: bool,
    callee64: bool,
}

impl Case {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut defs = Vec::new();
        let n = rng.below(21) as usize;
        let mut params: Vec<Ty> = (0..n)
            .map(|_| {
                let depth = 1 + rng.below(4) as u32;
                Ty::random(&mut rng, depth, &mut defs)
            })
            .collect();
        // Pad past 16 flat values so the parameters spill.
        let flat: usize = params.iter().map(|t| t.flat_count(&defs)).sum();
        params.extend((flat..17).map(|_| Ty::U8));
        let flat = if rng.chance(50) {
            Ty::String
        } else {
            Ty::List(Box::new(Ty::random(&mut rng, 3, &mut defs)))
        };
        let args = params.iter().map(|t| t.val(&mut rng, &defs)).collect();
        let flat_arg = flat.val(&mut rng, &defs);
        let corrupt = match rng.below(8) {
            0 => Corrupt::Pointer,
            1 => Corrupt::Byte(rng.below(16) as u32),
            2 => Corrupt::Word(4 * rng.below(4) as u32),
            3 => Corrupt::Small(rng.below(16) as u32, rng.below(6) as u8),
            _ => Corrupt::None,
        };
        Self {
            defs,
            params,
            flat,
            caller_encoding: ENCODINGS[rng.below(3) as usize],
            callee_encoding: ENCODINGS[rng.below(3) as usize],
            post_return: rng.chance(50),
            corrupt,
            args,
            flat_arg,
            caller64: rng.chance(30),
            callee64: rng.chance(30),
        }
    }

    /// The two functions' types, naming types `${prefix}i`.
    fn func_types(&self, prefix: &str) -> (String, String) {
        let params: String = self
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| format!(" (param \"p{i}\" {})", t.text(prefix)))
            .collect();
        let tuple: String = self
            .params
            .iter()
            .map(|t| format!(" {}", t.text(prefix)))
            .collect();
        let flat = self.flat.text(prefix);
        (
            format!("{params} (result (tuple{tuple}))"),
            format!("(param \"x\" {flat}) (result {flat})"),
        )
    }

    fn text(&self) -> String {
        // The callee exports its types as `$t`; the caller imports them as
        // `$ti` (each equal to its own definition `$cd`) and exports them
        // again as `$te`; the outer component exports those as `$o`
        // (ascribed its own definitions `$od`).
        let mut callee_types = String::new();
        let mut caller_types = String::new();
        let mut caller_exports = String::new();
        let mut with_types = String::new();
        let mut outer_types = String::new();
        for (i, d) in self.defs.iter().enumerate() {
            callee_types += &format!(
                "\n    (type $cd{i} {}) (export $t{i} \"t{i}\" (type $cd{i}))",
                d.text("t")
            );
            caller_types += &format!(
                "\n    (type $cd{i} {}) (import \"t{i}\" (type $ti{i} (eq $cd{i})))",
                d.text("ti")
            );
            caller_exports += &format!("\n    (export $te{i} \"t{i}\" (type $ti{i}))");
            with_types += &format!(" (with \"t{i}\" (type $callee \"t{i}\"))");
            // Ascribed, so that it names the types it uses by their `$o`.
            outer_types += &format!(
                "\n  (type $od{i} {}) (alias export $caller \"t{i}\" (type $ca{i}))\n  (export $o{i} \"t{i}\" (type $ca{i}) (type (eq $od{i})))",
                d.text("o")
            );
        }
        let (spill_ty, flat_ty) = self.func_types("t");
        let (import_spill_ty, import_flat_ty) = self.func_types("ti");
        let (export_spill_ty, export_flat_ty) = self.func_types("te");
        let (outer_spill_ty, outer_flat_ty) = self.func_types("o");
        let opts = |enc: &str| {
            format!(
                "(memory (core memory $mem \"mem\")) (realloc (core func $mem \"realloc\")) string-encoding={enc}"
            )
        };
        let post = if self.post_return {
            "(post-return (core func $m \"post\"))"
        } else {
            ""
        };
        let (callee_opts, caller_opts) = (opts(self.callee_encoding), opts(self.caller_encoding));
        let (p, q) = (ptr(self.callee64), ptr(self.caller64));
        let corrupt = self.corrupt.code(q);
        let (callee_mem, caller_mem) = (mem(self.callee64), mem(self.caller64));
        let (callee_import, caller_import) = (import(self.callee64), import(self.caller64));
        let len_at = if self.callee64 { 16 } else { 12 };
        format!(
            r#"(component
  (component $Callee{callee_types}
    (core module $Mem {callee_mem})
    (core instance $mem (instantiate $Mem))
    (core module $M
      {callee_import}
      (func (export "spill") (param {p}) (result {p}) (local.get 0))
      (func (export "flat") (param {p} {p}) (result {p})
        ({p}.store ({p}.const 8) (local.get 0))
        ({p}.store ({p}.const {len_at}) (local.get 1))
        ({p}.const 8))
      (func (export "post") (param {p})))
    (core instance $m (instantiate $M (with "m" (instance $mem))))
    (func (export "spill") {spill_ty} (canon lift (core func $m "spill") {callee_opts} {post}))
    (func (export "flat") {flat_ty} (canon lift (core func $m "flat") {callee_opts} {post})))
  (component $Caller{caller_types}
    (import "spill" (func $spill {import_spill_ty}))
    (import "flat" (func $flat {import_flat_ty}))
    (core module $Mem {caller_mem})
    (core instance $mem (instantiate $Mem))
    (core func $spill_l (canon lower (func $spill) {caller_opts}))
    (core func $flat_l (canon lower (func $flat) {caller_opts}))
    (core module $Fwd
      {caller_import}
      (import "i" "spill" (func $spill (param {q} {q})))
      (import "i" "flat" (func $flat (param {q} {q} {q})))
      (func (export "spill") (param {q}) (result {q})
        {corrupt}
        (call $spill (local.get 0) ({q}.const 8))
        ({q}.const 8))
      (func (export "flat") (param {q} {q}) (result {q})
        (call $flat (local.get 0) (local.get 1) ({q}.const 8))
        ({q}.const 8)))
    (core instance $fwd (instantiate $Fwd (with "m" (instance $mem))
      (with "i" (instance (export "spill" (func $spill_l)) (export "flat" (func $flat_l))))))
    {caller_exports}
    (func (export "spill") {export_spill_ty} (canon lift (core func $fwd "spill") {caller_opts}))
    (func (export "flat") {export_flat_ty} (canon lift (core func $fwd "flat") {caller_opts})))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller{with_types}
    (with "spill" (func $callee "spill")) (with "flat" (func $callee "flat")))){outer_types}
  (alias export $caller "spill" (func $cs))
  (alias export $caller "flat" (func $cf))
  (export "spill" (func $cs) (func {outer_spill_ty}))
  (export "flat" (func $cf) (func {outer_flat_ty})))"#
        )
    }
}

/// The pointer type of a side whose memory is 64-bit when `wide`.
fn ptr(wide: bool) -> &'static str {
    if wide { "i64" } else { "i32" }
}

/// The import of the shared memory into a side's code module.
fn import(wide: bool) -> &'static str {
    if wide {
        r#"(import "m" "mem" (memory i64 1))"#
    } else {
        r#"(import "m" "mem" (memory 1))"#
    }
}

/// A memory (64-bit when `wide`) with a bump allocator above the first
/// 64 KiB (which holds the return areas), growing the memory as needed;
/// shrinking keeps the block.
fn mem(wide: bool) -> String {
    let p = ptr(wide);
    let decl = if wide { "i64 2" } else { "2" };
    format!(
        r#"
      (memory (export "mem") {decl})
      (global $next (mut {p}) ({p}.const 65536))
      (func (export "realloc") (param {p} {p} {p} {p}) (result {p})
        (local $r {p}) (local $end {p})
        ;; Shrinking (the only reallocation the ABI makes) keeps the block.
        (if (i32.and ({p}.ne (local.get 0) ({p}.const 0)) ({p}.le_u (local.get 3) (local.get 1)))
          (then (return (local.get 0))))
        (local.set $r ({p}.and ({p}.add (global.get $next) ({p}.sub (local.get 2) ({p}.const 1)))
                               ({p}.sub ({p}.const 0) (local.get 2))))
        (local.set $end ({p}.add (local.get $r) (local.get 3)))
        (if ({p}.gt_u (local.get $end) ({p}.mul (memory.size) ({p}.const 65536)))
          (then (drop (memory.grow
            ({p}.add ({p}.div_u ({p}.sub (local.get $end) ({p}.mul (memory.size) ({p}.const 65536)))
                                ({p}.const 65536)) ({p}.const 1))))))
        (global.set $next (local.get $end))
        (local.get $r))"#
    )
}

/// Runs `case` on one engine: the outcome of each call, and the adapter calls.
fn run(case: &Case, text: &str, adapters: bool) -> (Vec<String>, u64) {
    let engine = Engine::new().fused_adapters(adapters);
    let c = component(&engine, text);
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &c)
        .unwrap_or_else(|e| panic!("instantiating: {e}\n{text}"));
    let mut outcomes = Vec::new();
    for (name, args) in [
        ("spill", case.args.clone()),
        ("flat", vec![case.flat_arg.clone()]),
    ] {
        let f = instance.get_func(&mut store, name).unwrap();
        let mut out = vec![Val::Bool(false)];
        outcomes.push(match f.call(&mut store, &args, &mut out) {
            Ok(()) => format!("{:?}", out[0]),
            Err(e) => format!("trap: {e}"),
        });
    }
    (outcomes, store.adapter_calls())
}

fn check(seed: u64) {
    let case = Case::new(seed);
    let text = case.text();
    let (fused, calls) = run(&case, &text, true);
    let (host, host_calls) = run(&case, &text, false);
    assert_eq!(fused, host, "seed {seed}: the paths disagree\n{text}");
    assert_eq!(host_calls, 0, "seed {seed}: the host path used an adapter");
    // Every generated type is fused: `spill` enters its adapter (a trap
    // inside it comes after that); `flat` is reached only if `spill` did
    // not trap, since a trap leaves the caller instance poisoned.
    let spill_trapped = fused[0].starts_with("trap");
    let expected = 1 + u64::from(!spill_trapped);
    assert_eq!(calls, expected, "seed {seed}: adapter calls\n{text}");
    if matches!(case.corrupt, Corrupt::None) {
        assert!(
            !fused[0].starts_with("trap"),
            "seed {seed}: an untampered call trapped: {}\n{text}",
            fused[0]
        );
        assert_eq!(
            fused[0],
            format!("{:?}", Val::Tuple(case.args.clone())),
            "seed {seed}: the echo changed the values"
        );
    }
}

#[test]
fn adapters_agree_with_the_host_path_on_random_types_and_values() {
    let cases = std::env::var("WEFT_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CI_CASES);
    for seed in 0..cases {
        check(seed);
    }
}
