//! `compound`: options, results, tuples, records, variants, enums, flags.

use crate::Provider;
use crate::exports::test::guests::compound::{
    Big, Color, DivError, Flags1, Flags8, Flags9, Flags17, Flags32, Guest, Id, Person, Position,
    Shape,
};

impl Guest for Provider {
    fn echo_opt_u32(x: Option<u32>) -> Option<u32> {
        x
    }
    fn echo_opt_string(x: Option<String>) -> Option<String> {
        x
    }
    fn echo_opt_opt(x: Option<Option<u8>>) -> Option<Option<u8>> {
        x
    }
    fn echo_opt_position(x: Option<Position>) -> Option<Position> {
        x
    }
    fn echo_res_both(x: Result<u64, String>) -> Result<u64, String> {
        x
    }
    fn echo_res_ok(x: Result<String, ()>) -> Result<String, ()> {
        x
    }
    fn echo_res_err(x: Result<(), Color>) -> Result<(), Color> {
        x
    }
    fn echo_res_none(x: Result<(), ()>) -> Result<(), ()> {
        x
    }
    fn checked_div(a: i32, b: i32) -> Result<i32, DivError> {
        if b == 0 {
            return Err(DivError::ByZero);
        }
        a.checked_div(b).ok_or(DivError::Overflow(a))
    }
    fn echo_tuple(x: (u8, String, f64, char)) -> (u8, String, f64, char) {
        x
    }
    fn echo_person(x: Person) -> Person {
        x
    }
    fn echo_color(x: Color) -> Color {
        x
    }
    fn echo_shape(x: Shape) -> Shape {
        x
    }
    fn echo_big(x: Big) -> Big {
        x
    }
    fn echo_id(x: Id) -> Id {
        x
    }
    fn echo_flags1(x: Flags1) -> Flags1 {
        x
    }
    fn echo_flags8(x: Flags8) -> Flags8 {
        x
    }
    fn echo_flags9(x: Flags9) -> Flags9 {
        x
    }
    fn echo_flags17(x: Flags17) -> Flags17 {
        x
    }
    fn echo_flags32(x: Flags32) -> Flags32 {
        x
    }
}
