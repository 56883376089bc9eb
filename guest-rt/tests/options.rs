//! The options weft shares with `wit_bindgen::generate!`, expanded for the
//! host target: each one changes the generated API the way it does in
//! wit-bindgen 0.61.1, which this file checks by using that API (a wrong
//! expansion does not compile) and by running the export glue natively.

use std::collections::HashMap;

/// A stand-in for the `bitflags` crate, so `bitflags_path` can be tested
/// without the dependency: it accepts the `bitflags!` input the bindings
/// emit and defines what their lifting and lowering call.
mod fake_bitflags {
    macro_rules! bitflags {
        (
            $(#[$attr:meta])*
            pub struct $name:ident: $bits:ty {
                $( $(#[$flag_attr:meta])* const $flag:ident = $value:expr; )*
            }
        ) => {
            $(#[$attr])*
            pub struct $name { bits: $bits }
            impl $name {
                $( pub const $flag: Self = Self { bits: $value }; )*
                pub fn bits(&self) -> $bits { self.bits }
                pub fn from_bits_retain(bits: $bits) -> Self { Self { bits } }
                /// Only in this stand-in: proves which macro made the type.
                pub fn made_by_fake_bitflags() -> bool { true }
            }
        };
    }
    pub(crate) use bitflags;
}

mod opts {
    weft::bindgen!({
        inline: "
            package test:opts;

            interface api {
                /// Something went wrong.
                enum code {
                    /// The input was empty.
                    empty,
                    /// The input was too long.
                    too-long,
                }
                variant failure { bad(string), worse }
                record point { x: u32, y: u32 }
                flags perms { read, write }
                resource counter {
                    constructor();
                    bump: func(by: u32);
                    peek: func() -> u32;
                }
                check: func(s: string) -> result<u32, code>;
                fail: func(s: string) -> result<_, failure>;
                count: func(m: map<string, u32>) -> map<string, u32>;
                echo: func(s: string) -> string;
                allowed: func(p: perms) -> perms;
                origin: func() -> point;
            }

            world opts {
                import api;
                export api;
            }
        ",
        map_type: "std::collections::HashMap",
        raw_strings,
        bitflags_path: "crate::fake_bitflags",
        chainable_methods: ["test:opts/api#counter"],
        additional_type_attributes: { "test:opts/api/point": [#[derive(Hash, Default)]] },
        additional_member_attributes: { "test:opts/api/point.y": [#[doc = "The y coordinate."]] },
        export_prefix: "prefixed-",
        disable_run_ctors_once_workaround: true,
    });
}

use opts::exports::test::opts::api::{
    _export_check_cabi, _export_echo_cabi, Code, Failure, Guest, GuestCounter, Perms, Point,
};
use std::cell::Cell;

struct Component;

struct Counter(Cell<u32>);

impl GuestCounter for Counter {
    fn new() -> Self {
        Counter(Cell::new(0))
    }
    fn bump(&self, by: u32) {
        self.0.set(self.0.get() + by);
    }
    fn peek(&self) -> u32 {
        self.0.get()
    }
}

impl Guest for Component {
    type Counter = Counter;

    fn check(s: Vec<u8>) -> Result<u32, Code> {
        match s.len() {
            0 => Err(Code::Empty),
            1..=3 => Ok(s.len() as u32),
            _ => Err(Code::TooLong),
        }
    }

    fn fail(s: Vec<u8>) -> Result<(), Failure> {
        Err(Failure::Bad(s))
    }

    fn count(m: HashMap<Vec<u8>, u32>) -> HashMap<Vec<u8>, u32> {
        m.into_iter().map(|(k, v)| (k, v + 1)).collect()
    }

    fn echo(s: Vec<u8>) -> Vec<u8> {
        s
    }

    fn allowed(p: Perms) -> Perms {
        p
    }

    fn origin() -> Point {
        Point::default()
    }
}

opts::export!(Component with_types_in opts);

#[test]
fn error_types_display_and_convert_into_boxed_errors() {
    assert_eq!(Code::TooLong.to_string(), "too-long (error 1)");
    assert_eq!(Code::Empty.name(), "empty");
    assert_eq!(Code::TooLong.message(), "The input was too long.");
    let debug = format!("{:?}", Code::Empty);
    assert_eq!(
        debug,
        "Code { code: 0, name: \"empty\", message: \"The input was empty.\" }"
    );
    // `raw_strings` makes the payload bytes; Display is the Debug text.
    let boxed: Box<dyn std::error::Error> = Failure::Bad(b"x".to_vec()).into();
    assert_eq!(boxed.to_string(), "Failure::Bad([120])");
    let check = |s: &str| -> Result<u32, Box<dyn std::error::Error>> {
        Ok(Component::check(s.as_bytes().to_vec())?)
    };
    assert_eq!(check("").unwrap_err().to_string(), "empty (error 0)");
}

#[test]
fn debug_text_is_wit_bindgens() {
    assert_eq!(
        format!("{:?}", Point { x: 1, y: 2 }),
        "Point { x: 1, y: 2 }"
    );
    assert_eq!(format!("{:?}", Failure::Worse), "Failure::Worse");
    assert_eq!(format!("{:?}", Failure::Bad(vec![1])), "Failure::Bad([1])");
}

#[test]
fn raw_strings_pass_bytes_through_the_export_glue() {
    let mut bytes = b"hi".to_vec();
    bytes.shrink_to_fit();
    let (ptr, len) = (bytes.as_mut_ptr(), bytes.len());
    std::mem::forget(bytes);
    // SAFETY: an exact-capacity allocation whose ownership passes to the
    // export, as the canonical ABI passes a lifted string.
    let area = unsafe { _export_echo_cabi::<Component>(ptr, len) };
    // SAFETY: the export returned its return area holding (ptr, len) of the
    // `Vec<u8>` it leaked to the caller.
    let echoed = unsafe {
        let ptr = *area.cast::<*mut u8>();
        let len = *area.add(std::mem::size_of::<usize>()).cast::<usize>();
        Vec::from_raw_parts(ptr, len, len)
    };
    assert_eq!(echoed, b"hi");
    // SAFETY: as above, for a three-byte input.
    let mut three = b"abc".to_vec();
    three.shrink_to_fit();
    let (ptr, len) = (three.as_mut_ptr(), three.len());
    std::mem::forget(three);
    let area = unsafe { _export_check_cabi::<Component>(ptr, len) };
    // SAFETY: `result<u32, code>` is a tag byte and a u32 at offset 4.
    let (tag, value) = unsafe { (*area, *area.add(4).cast::<u32>()) };
    assert_eq!((tag, value), (0, 3));
}

#[test]
fn imported_api_follows_the_options() {
    use opts::test::opts::api;
    // raw_strings: imported string parameters are bytes.
    let echo: fn(&[u8]) -> Vec<u8> = api::echo;
    // map_type: maps are the named type.
    type Counts = HashMap<Vec<u8>, u32>;
    let count: fn(&Counts) -> Counts = api::count;
    // chainable_methods: `bump` returns the resource.
    let bump: fn(api::Counter, u32) -> api::Counter = api::Counter::bump;
    let peek: fn(&api::Counter) -> u32 = api::Counter::peek;
    std::hint::black_box((echo, count, bump, peek));
    // bitflags_path: flags come from the named `bitflags!`.
    assert!(api::Perms::made_by_fake_bitflags());
    assert_eq!(Perms::WRITE.bits(), 2);
    // additional_type_attributes: `Point` derives `Hash` and `Default`.
    fn hashable<T: std::hash::Hash + Default>() {}
    hashable::<Point>();
}
