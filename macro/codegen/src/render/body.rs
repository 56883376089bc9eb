//! The Rust [`Emitter`]: renders ABI instructions as statements and
//! expressions of one generated function.
//!
//! Operands are expressions; anything used more than once or that must be
//! evaluated at a precise point (memory loads before a free, lowered
//! strings before the call) is bound to a local first. Blocks (list
//! elements, variant cases) are collected on a stack and consumed by the
//! instruction that follows them. Locals in blocks are named by nesting
//! depth, so a list element at depth 2 is `e2` at `base2`.

/// Appends a statement, written as for `quote!`, to the current block of
/// `$body`. The block's tokens so far are interpolated first, so `quote!`
/// takes them as its output (see `Moved`) and pushes the statement's tokens
/// straight onto them: no stream of its own per statement, which outside a
/// proc macro was an allocation and a copy of every token.
macro_rules! stmt {
    ($body:expr, $($tokens:tt)*) => {{
        let prev = $body.take_stmts();
        let stmts = ::quote::quote!(#prev $($tokens)*);
        $body.put_stmts(stmts);
    }};
}

use super::Ctx;
use super::moved::{Moved, Op};
use super::paths::ModPath;
use super::ty::{Flavor, local};
use crate::abi::{Emitter, Instruction, MemKind, Prim, Transfer};
use crate::analysis::{dealias, is_list_canonical};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use wit_parser::abi::WasmType;
use wit_parser::{Alignment, ArchitectureSize, Type, TypeId};

/// How a generated export calls the user's implementation, `T_` (a name
/// no WIT identifier converts to: camel case never ends in `_` except for
/// escaped keywords, and `T` is none).
pub(crate) enum Callee {
    /// `T_::f(args)` (freestanding or static).
    Plain(TokenStream),
    /// `T_::f(self_borrow.get::<T_>(), args)`.
    Method(TokenStream),
    /// `R::new(T_::new(args))`: a constructor returning `own<R>`.
    Constructor {
        call: TokenStream,
        handle: TokenStream,
    },
    /// `T_::new(args).map(R::new)`: a constructor returning
    /// `result<own<R>, E>`, whose trait method returns `Result<Self, E>`.
    FallibleConstructor {
        call: TokenStream,
        handle: TokenStream,
    },
}

/// Which side of the canonical ABI the function is on.
pub(crate) enum Role {
    Import,
    Export(Callee),
}

#[derive(Default)]
struct Block {
    /// `None` until the first statement, which then becomes the stream
    /// (no empty stream allocated, and the first statement not copied).
    stmts: Option<TokenStream>,
    payload_used: bool,
    captures: bool,
}

struct Finished {
    stmts: Op,
    results: Vec<Op>,
    depth: usize,
    payload_used: bool,
    /// Whether the block uses a local of the enclosing function (a handle
    /// arena), so it cannot become a non-capturing closure.
    captures: bool,
}

/// Renders one function body.
pub(crate) struct Body<'c, 'a> {
    ctx: &'c Ctx<'a>,
    from: &'c ModPath,
    role: Role,
    params: Vec<Op>,
    blocks: Vec<Block>,
    finished: Vec<Finished>,
    tmp: usize,
    needs_cleanup: bool,
    arenas: Vec<(TypeId, proc_macro2::Ident)>,
    ret: Option<Op>,
    /// A sync-lifted export whose trait method is `async` (the `async`
    /// option on a plain `func`): the call runs to the end in `block_on`.
    blocking: bool,
}

impl<'c, 'a> Body<'c, 'a> {
    /// A body in module `from` whose arguments are `params`.
    pub fn new(ctx: &'c Ctx<'a>, from: &'c ModPath, role: Role, params: Vec<Op>) -> Self {
        Body {
            ctx,
            from,
            role,
            params,
            blocks: vec![Block::default()],
            finished: Vec::new(),
            tmp: 0,
            needs_cleanup: false,
            arenas: Vec::new(),
            ret: None,
            blocking: false,
        }
    }

    /// Makes the export's call run its `async` trait method with
    /// `block_on` (see `render::async_filter`).
    pub fn blocking(mut self, blocking: bool) -> Self {
        self.blocking = blocking;
        self
    }

    /// The rendered statements and final expression.
    pub fn finish(mut self) -> TokenStream {
        let body = self.blocks.pop().and_then(|b| b.stmts);
        let cleanup = self
            .needs_cleanup
            // A reference (the temporary lives to the end of the body), so
            // list helpers and their element closures all pass it on as is.
            .then(|| quote!(let _cleanup = &mut _rt::Cleanup::new();));
        let arenas = self.arenas.iter().map(|(ty, name)| {
            let path = self.ctx.resource_path(*ty, self.from, "");
            quote!(let #name = _rt::HandleArena::<#path>::new();)
        });
        let body = body.map(Moved::new);
        let ret = self.ret.take().map(Moved::new);
        quote! {
            #cleanup
            #(#arenas)*
            #body
            #ret
        }
    }

    /// The rendered statements, ending in `value` (a shared helper's
    /// body, whose value is not a function result of the walker).
    pub fn finish_with(mut self, value: TokenStream) -> TokenStream {
        self.ret = Some(value.into());
        self.finish()
    }

    fn fresh(&mut self, prefix: &str) -> proc_macro2::Ident {
        self.tmp += 1;
        local(prefix, self.tmp)
    }

    /// The current block's statements so far, moved out for [`stmt!`].
    fn take_stmts(&mut self) -> Moved {
        let stmts = self.blocks.last_mut().and_then(|b| b.stmts.take());
        Moved::new(stmts.map_or(Op::Taken, Op::Expr))
    }

    /// The current block's statements, with what [`stmt!`] appended.
    fn put_stmts(&mut self, stmts: TokenStream) {
        if let Some(b) = self.blocks.last_mut() {
            b.stmts = Some(stmts);
        }
    }

    fn depth(&self) -> usize {
        self.blocks.len() - 1
    }

    fn take_blocks(&mut self, n: usize) -> Vec<Finished> {
        let at = self.finished.len().saturating_sub(n);
        self.finished.split_off(at)
    }

    /// The path of the definition of named type `id` used when lowering
    /// (borrowed flavour for imports) or lifting (owned).
    fn def_path(&self, id: TypeId, flavor: Flavor) -> TokenStream {
        let def = dealias(self.ctx.resolve, id);
        let (name, _) = self.ctx.definition_for(def, flavor);
        self.ctx.type_item_path(self.from, def, &name)
    }

    fn lower_flavor(&self) -> Flavor {
        match (&self.role, self.ctx.opts.ownership) {
            (Role::Import, crate::opts::Ownership::Borrowing { .. }) => Flavor::Borrowed,
            _ => Flavor::Owned,
        }
    }

    fn transfer_iter(transfer: Transfer) -> TokenStream {
        match transfer {
            Transfer::Lend => quote!(iter),
            Transfer::Move => quote!(into_iter),
        }
    }
}

/// A local as an operand.
pub(crate) fn operand(name: Ident) -> Op {
    Op::Ident(name)
}

/// Operand `i` of an instruction, moved out so that `quote!` takes its
/// tokens instead of copying them: for operands used exactly once.
pub(crate) fn take(ops: &mut [Op], i: usize) -> Moved {
    Moved::new(std::mem::take(&mut ops[i]))
}

/// Every operand, moved out (see [`take`]).
pub(crate) fn take_all(ops: &mut Vec<Op>) -> Vec<Moved> {
    ops.drain(..).map(Moved::new).collect()
}

/// A byte size, with pointer-sized parts written portably.
pub(crate) fn size_expr(size: ArchitectureSize) -> Op {
    let bytes = size.constant_bytes();
    let ptrs = match size.pointers_to_add() {
        0 => return Literal::usize_unsuffixed(bytes).into(),
        1 => quote!(_rt::PTR_SIZE),
        n => {
            let n = Literal::usize_unsuffixed(n);
            quote!(#n * _rt::PTR_SIZE)
        }
    };
    match bytes {
        0 => ptrs.into(),
        b => {
            let b = Literal::usize_unsuffixed(b);
            quote!(#b + #ptrs).into()
        }
    }
}

/// [`size_expr`] as an operand of `*`: parenthesised when compound.
pub(crate) fn size_factor(size: ArchitectureSize) -> Op {
    let expr = Moved::new(size_expr(size));
    match (size.constant_bytes(), size.pointers_to_add()) {
        (_, 0) | (0, 1) => expr.into_op(),
        _ => quote!((#expr)).into(),
    }
}

/// An alignment in bytes.
pub(crate) fn align_expr(align: Alignment) -> Op {
    match align {
        Alignment::Pointer => quote!(_rt::PTR_ALIGN).into(),
        Alignment::Bytes(n) => Literal::usize_unsuffixed(n.get()).into(),
    }
}

/// The Rust type of a core wasm value.
pub(crate) fn wasm_type(ty: WasmType) -> TokenStream {
    match ty {
        WasmType::I32 => quote!(i32),
        WasmType::I64 | WasmType::PointerOrI64 => quote!(i64),
        WasmType::F32 => quote!(f32),
        WasmType::F64 => quote!(f64),
        WasmType::Pointer => quote!(*mut u8),
        WasmType::Length => quote!(usize),
    }
}

/// Reinterprets a core value as another core type (through 64 bits), with
/// the runtime's `_rt::{from}_to_{to}`.
fn bitcast(op: Moved, from: WasmType, to: WasmType) -> Op {
    // `PointerOrI64` is an `i64` in Rust, and casts like one.
    let short = |ty| match ty {
        WasmType::I32 => "i32",
        WasmType::I64 | WasmType::PointerOrI64 => "i64",
        WasmType::F32 => "f32",
        WasmType::F64 => "f64",
        WasmType::Pointer => "ptr",
        WasmType::Length => "len",
    };
    let (from, to) = (short(from), short(to));
    if from == to {
        return op.into_op();
    }
    let cast = Ident::new(&format!("{from}_to_{to}"), proc_macro2::Span::call_site());
    quote!(_rt::#cast(#op)).into()
}

fn zero(ty: WasmType) -> Op {
    match ty {
        WasmType::I32 => Literal::i32_suffixed(0).into(),
        WasmType::I64 | WasmType::PointerOrI64 => Literal::i64_suffixed(0).into(),
        WasmType::F32 => Literal::f32_suffixed(0.0).into(),
        WasmType::F64 => Literal::f64_suffixed(0.0).into(),
        WasmType::Pointer => quote!(_rt::NULL).into(),
        WasmType::Length => Literal::usize_suffixed(0).into(),
    }
}

/// The name of the runtime's load of a core value from memory
/// (`_rt::i32_load8_u`...).
fn load_fn(kind: MemKind) -> &'static str {
    match kind {
        MemKind::I32 => "i32_load",
        MemKind::I32U8 => "i32_load8_u",
        MemKind::I32S8 => "i32_load8_s",
        MemKind::I32U16 => "i32_load16_u",
        MemKind::I32S16 => "i32_load16_s",
        MemKind::I64 => "i64_load",
        MemKind::F32 => "f32_load",
        MemKind::F64 => "f64_load",
        MemKind::Pointer => "ptr_load",
        MemKind::Length => "len_load",
    }
}

/// The name of the runtime's store of a core value to memory
/// (`_rt::i32_store8`...);
/// narrow stores keep the low bits whatever the signedness.
fn store_fn(kind: MemKind) -> &'static str {
    match kind {
        MemKind::I32 => "i32_store",
        MemKind::I32U8 | MemKind::I32S8 => "i32_store8",
        MemKind::I32U16 | MemKind::I32S16 => "i32_store16",
        MemKind::I64 => "i64_store",
        MemKind::F32 => "f32_store",
        MemKind::F64 => "f64_store",
        MemKind::Pointer => "ptr_store",
        MemKind::Length => "len_store",
    }
}

fn lower_prim(prim: Prim, op: Moved) -> Op {
    let lowered = match prim {
        Prim::Bool
        | Prim::U8
        | Prim::S8
        | Prim::U16
        | Prim::S16
        | Prim::U32
        | Prim::S32
        | Prim::Char => {
            quote!(_rt::as_i32(#op))
        }
        Prim::U64 | Prim::S64 => quote!(_rt::as_i64(#op)),
        Prim::F32 => quote!(_rt::as_f32(#op)),
        Prim::F64 => quote!(_rt::as_f64(#op)),
    };
    lowered.into()
}

fn lift_prim(prim: Prim, op: Moved) -> Op {
    let lifted = match prim {
        Prim::Bool => quote!(_rt::bool_lift(#op)),
        Prim::U8 => quote!((#op) as u8),
        Prim::S8 => quote!((#op) as i8),
        Prim::U16 => quote!((#op) as u16),
        Prim::S16 => quote!((#op) as i16),
        Prim::U32 => quote!((#op) as u32),
        Prim::U64 => quote!((#op) as u64),
        Prim::S32 | Prim::S64 | Prim::F32 | Prim::F64 => return op.into_op(),
        Prim::Char => quote!(_rt::char_lift(#op)),
    };
    lifted.into()
}

impl Emitter for Body<'_, '_> {
    type Operand = Op;

    fn emit(&mut self, inst: &Instruction<'_>, operands: &mut Vec<Op>, results: &mut Vec<Op>) {
        self.render(inst, operands, results);
    }

    fn push_block(&mut self) {
        self.blocks.push(Block::default());
    }

    fn finish_block(&mut self, operands: &mut Vec<Op>) {
        let depth = self.depth();
        let block = self.blocks.pop().unwrap_or_default();
        self.finished.push(Finished {
            stmts: block.stmts.map_or(Op::Taken, Op::Expr),
            results: std::mem::take(operands),
            depth,
            payload_used: block.payload_used,
            captures: block.captures,
        });
    }

    fn scratch_area(&mut self, size: ArchitectureSize, _align: Alignment) -> Op {
        // `RetArea` is 8-aligned, the largest alignment of any WIT type.
        let size = Moved::new(size_expr(size));
        let ptr = self.fresh("ptr");
        match self.role {
            Role::Import => {
                let area = self.fresh("area");
                stmt!(self,
                    let mut #area = _rt::RetArea::<{ #size }>::new();
                    let #ptr = #area.ptr();
                );
            }
            // The caller reads an export's results after it returned.
            Role::Export(_) => stmt!(self, let #ptr = _rt::static_ret_area!(#size);),
        }
        operand(ptr)
    }

    fn is_list_canonical(&self, elem: &Type) -> bool {
        is_list_canonical(self.ctx.resolve, elem, &|id| {
            self.ctx.renders_definition(id)
        })
    }

    fn shared_load(&mut self, id: TypeId, addr: &Op, offset: ArchitectureSize) -> Option<Op> {
        let helper = self.ctx.shared_load_path(id, self.from)?;
        let off = Moved::new(size_expr(offset));
        // Bound right away, as every load is: the memory may be freed
        // before the value is used.
        let l = self.fresh("l");
        stmt!(self, let #l = #helper((#addr).add(#off)););
        Some(operand(l))
    }
}

mod async_handles;
mod lists;
mod render;
mod variants;
