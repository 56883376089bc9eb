//! Per-type translation inside an adapter: the code that turns a value of
//! the source side's flat form into the destination side's, with the
//! checks the spec's lift makes on the way (CanonicalABI.md, "Flat
//! Lifting" followed by "Flat Lowering").
//!
//! Today this covers the scalars; values that live in memory keep the host
//! path until their translation is written here.

use wasm_encoder::{Function, Ieee32, Ieee64, InstructionSink};

use super::intrinsics::AdapterTrap;
use crate::error::{CallError, Error};
use crate::types::Type;

/// Where the function body finds the imports it calls.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Calls {
    /// The `trap` intrinsic's function index.
    pub(crate) trap: u32,
}

/// Emits a trap with `code`'s message.
fn emit_trap(ins: &mut InstructionSink<'_>, calls: Calls, code: AdapterTrap) {
    ins.i32_const(code as i32).call(calls.trap).unreachable();
}

/// Pushes the value of scalar type `ty` held in `local`, converted as a
/// lift from one side and a lower into the other: integers narrower than
/// their core type are masked or sign-extended, `bool` becomes 0 or 1,
/// NaNs become the canonical NaN, and an invalid `char` traps.
pub(crate) fn emit_scalar(
    f: &mut Function,
    calls: Calls,
    ty: &Type,
    local: u32,
) -> Result<(), Error> {
    let mut ins = f.instructions();
    match ty {
        Type::Bool => {
            ins.local_get(local).i32_const(0).i32_ne();
        }
        Type::S8 => {
            ins.local_get(local).i32_extend8_s();
        }
        Type::U8 => {
            ins.local_get(local).i32_const(0xff).i32_and();
        }
        Type::S16 => {
            ins.local_get(local).i32_extend16_s();
        }
        Type::U16 => {
            ins.local_get(local).i32_const(0xffff).i32_and();
        }
        Type::S32 | Type::U32 | Type::S64 | Type::U64 => {
            ins.local_get(local);
        }
        Type::F32 => {
            ins.local_get(local)
                .f32_const(Ieee32::from(f32::from_bits(0x7fc0_0000)))
                .local_get(local)
                .local_get(local)
                .f32_eq()
                .select();
        }
        Type::F64 => {
            ins.local_get(local)
                .f64_const(Ieee64::from(f64::from_bits(0x7ff8_0000_0000_0000)))
                .local_get(local)
                .local_get(local)
                .f64_eq()
                .select();
        }
        Type::Char => {
            // A surrogate (0xd800..=0xdfff) or beyond 0x10ffff traps.
            ins.local_get(local)
                .i32_const(0xd800)
                .i32_xor()
                .i32_const(0x800)
                .i32_lt_u()
                .local_get(local)
                .i32_const(0x11_0000)
                .i32_ge_u()
                .i32_or()
                .if_(wasm_encoder::BlockType::Empty);
            emit_trap(&mut ins, calls, AdapterTrap::InvalidChar);
            ins.end().local_get(local);
        }
        Type::String
        | Type::ErrorContext
        | Type::List(_)
        | Type::FixedList(..)
        | Type::Record(_)
        | Type::Tuple(_)
        | Type::Variant(_)
        | Type::Enum(_)
        | Type::Option(_)
        | Type::Result { .. }
        | Type::Flags(_)
        | Type::Own(_)
        | Type::Borrow(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::Map(..) => {
            return Err(CallError::Unsupported(format!(
                "adapter for a non-scalar `{}` value",
                ty.describe()
            ))
            .into());
        }
    }
    Ok(())
}
