//! `scalars`, `strings` and `lists`: echoes plus a few computations.

use crate::Provider;
use crate::exports::test::guests::lists::{self, Person, Point};
use crate::exports::test::guests::scalars::{self, Many};
use crate::exports::test::guests::strings;

impl scalars::Guest for Provider {
    fn echo_bool(x: bool) -> bool {
        x
    }
    fn echo_u8(x: u8) -> u8 {
        x
    }
    fn echo_s8(x: i8) -> i8 {
        x
    }
    fn echo_u16(x: u16) -> u16 {
        x
    }
    fn echo_s16(x: i16) -> i16 {
        x
    }
    fn echo_u32(x: u32) -> u32 {
        x
    }
    fn echo_s32(x: i32) -> i32 {
        x
    }
    fn echo_u64(x: u64) -> u64 {
        x
    }
    fn echo_s64(x: i64) -> i64 {
        x
    }
    fn echo_f32(x: f32) -> f32 {
        x
    }
    fn echo_f64(x: f64) -> f64 {
        x
    }
    fn echo_char(x: char) -> char {
        x
    }

    #[allow(clippy::too_many_arguments)]
    fn many_args(
        a1: u8,
        a2: i16,
        a3: u32,
        a4: i64,
        a5: f32,
        a6: f64,
        a7: char,
        a8: bool,
        a9: u64,
        a10: i8,
        a11: u16,
        a12: i32,
        a13: f32,
        a14: f64,
        a15: u8,
        a16: i64,
        a17: u32,
        a18: String,
    ) -> Many {
        Many {
            a1,
            a2,
            a3,
            a4,
            a5,
            a6,
            a7,
            a8,
            a9,
            a10,
            a11,
            a12,
            a13,
            a14,
            a15,
            a16,
            a17,
            a18,
        }
    }

    fn split_u64(x: u64) -> (u32, u32, bool) {
        ((x >> 32) as u32, x as u32, x == 0)
    }
}

impl strings::Guest for Provider {
    fn echo_string(s: String) -> String {
        s
    }
    fn concat(a: String, b: String) -> String {
        a + &b
    }
    fn char_count(s: String) -> u32 {
        s.chars().count() as u32
    }
    fn split_words(s: String) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }
}

impl lists::Guest for Provider {
    fn echo_u8s(x: Vec<u8>) -> Vec<u8> {
        x
    }
    fn echo_s64s(x: Vec<i64>) -> Vec<i64> {
        x
    }
    fn echo_f32s(x: Vec<f32>) -> Vec<f32> {
        x
    }
    fn echo_chars(x: Vec<char>) -> Vec<char> {
        x
    }
    fn echo_bools(x: Vec<bool>) -> Vec<bool> {
        x
    }
    fn echo_strings(x: Vec<String>) -> Vec<String> {
        x
    }
    fn echo_points(x: Vec<Point>) -> Vec<Point> {
        x
    }
    fn echo_people(x: Vec<Person>) -> Vec<Person> {
        x
    }
    fn echo_nested(x: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
        x
    }
    fn echo_nested_strings(x: Vec<Vec<String>>) -> Vec<Vec<String>> {
        x
    }
    fn echo_tuples(x: Vec<(u8, String)>) -> Vec<(u8, String)> {
        x
    }
    fn echo_options(x: Vec<Option<String>>) -> Vec<Option<String>> {
        x
    }
    fn sum_s64s(x: Vec<i64>) -> i64 {
        x.iter().fold(0i64, |acc, v| acc.wrapping_add(*v))
    }
    fn fill(n: u32, byte: u8) -> Vec<u8> {
        vec![byte; n as usize]
    }
}
