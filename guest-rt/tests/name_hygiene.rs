//! Generated locals never collide with WIT names.
//!
//! Every parameter below is named like a local the generator used to
//! emit (`ptr0`, `len0`, `ret`, `result`, `base`, `vec1`, `e0`, `i`, ...).
//! Compiling this file proves that the import and export glue keeps them
//! apart; calling the export's canonical-ABI entry natively proves that the
//! values reach the right parameters.

weft::bindgen!({
    inline: "
        package test:hygiene;

        interface api {
            record base {
                ptr0: u32,
                len0: string,
            }

            variant payload0 {
                e0(string),
                k0(list<u32>),
            }

            scramble: func(
                ptr0: string,
                len0: list<u32>,
                ret: option<string>,
                %result: list<string>,
                base: base,
                vec1: list<u8>,
                e0: list<payload0>,
                payload0: option<u32>,
                cleanup: string,
                wit-import: u32,
                i: list<string>,
                area1: u64,
                t1: tuple<u32, string>,
                l1: result<string, u32>,
                bits1: list<list<string>>,
                arena0: option<base>,
            ) -> result<list<string>, string>;

            // Under the old `vec1`/`ptr2`/`len3` numbering, lowering `text`
            // bound exactly these names before the records were read.
            shadow: func(text: string, vec1: base, ptr2: base, len3: base) -> u32;

            mix: func(ptr0: string, len0: list<u32>, ret: u32, %result: u8) -> u32;
        }

        world hygiene {
            import api;
            export api;
        }
    ",
});

use exports::test::hygiene::api::{Base, Guest, Payload0};

struct Component;

impl Guest for Component {
    #[allow(clippy::too_many_arguments)]
    fn scramble(
        ptr0: String,
        len0: Vec<u32>,
        ret: Option<String>,
        result: Vec<String>,
        base: Base,
        vec1: Vec<u8>,
        e0: Vec<Payload0>,
        payload0: Option<u32>,
        cleanup: String,
        wit_import: u32,
        i: Vec<String>,
        area1: u64,
        t1: (u32, String),
        l1: Result<String, u32>,
        bits1: Vec<Vec<String>>,
        arena0: Option<Base>,
    ) -> Result<Vec<String>, String> {
        let _ = (
            ptr0, len0, ret, base, vec1, e0, payload0, cleanup, wit_import, i,
        );
        let _ = (area1, t1, l1, bits1, arena0);
        Ok(result)
    }

    fn shadow(text: String, vec1: Base, ptr2: Base, len3: Base) -> u32 {
        text.len() as u32 + vec1.ptr0 + ptr2.ptr0 + len3.ptr0
    }

    fn mix(ptr0: String, len0: Vec<u32>, ret: u32, result: u8) -> u32 {
        ptr0.len() as u32 * 1000 + len0.iter().sum::<u32>() * 100 + ret * 10 + u32::from(result)
    }
}

export!(Component);

#[test]
fn export_glue_routes_each_argument_to_its_parameter() {
    let mut text = String::from("abc").into_bytes();
    text.shrink_to_fit();
    let mut nums = vec![2u32, 3];
    nums.shrink_to_fit();
    let (text_ptr, text_len) = (text.as_mut_ptr(), text.len());
    let (nums_ptr, nums_len) = (nums.as_mut_ptr().cast::<u8>(), nums.len());
    core::mem::forget(text);
    core::mem::forget(nums);
    // SAFETY: both buffers are exact-capacity allocations of the global
    // allocator whose ownership passes to the export, as the canonical ABI
    // passes ownership of lifted lists.
    let out = unsafe {
        exports::test::hygiene::api::_export_mix_cabi::<Component>(
            text_ptr, text_len, nums_ptr, nums_len, 7, 4,
        )
    };
    assert_eq!(out, 3 * 1000 + 5 * 100 + 7 * 10 + 4);
}

#[test]
fn import_glue_with_colliding_names_type_checks() {
    // Natively imports are stubs; taking the function's address is enough
    // to make the compiler check its body.
    let f = test::hygiene::api::scramble;
    core::hint::black_box(f);
}

/// WIT types named like the generic parameter of the export glue (`t`),
/// the export trait (`guest`), Rust keywords (`self`, `type`) and the
/// runtime alias (`rt`), used by imported and exported functions and by a
/// resource. In its own module, which also checks that a second
/// `bindgen!` call in this file does not clash with the first.
mod type_names {
    weft::bindgen!({
        inline: "
            package test:type-names;

            interface api {
                variant t { a, b(u32) }
                record guest { t: t }
                enum self { x, y }
                record rt { %type: self }
                flags cleanup { arg0, ret }
                resource guest-t {
                    constructor(t: t);
                    get: func() -> t;
                }
                f: func(t: t, g: guest, s: self, rt: rt, c: cleanup) -> result<t, guest>;
            }

            world type-names {
                import api;
                export api;
            }
        ",
    });

    use exports::test::type_names::api::{Cleanup, Guest, Guest_, GuestGuestT, Rt, Self_, T};

    pub struct Component;

    pub struct Thing(T);

    impl GuestGuestT for Thing {
        fn new(t: T) -> Self {
            Thing(t)
        }

        fn get(&self) -> T {
            self.0
        }
    }

    impl Guest for Component {
        type GuestT = Thing;

        fn f(t: T, g: Guest_, s: Self_, rt: Rt, c: Cleanup) -> Result<T, Guest_> {
            match (t, s, rt.type_, c.contains(Cleanup::RET)) {
                (T::B(n), Self_::Y, Self_::X, true) => Ok(T::B(n + 1)),
                _ => Err(g),
            }
        }
    }

    export!(Component);
}

#[test]
fn types_named_like_generated_items_reach_the_implementation() {
    use type_names::exports::test::type_names::api::{_export_f_cabi, Guest_, T};
    // Lowered arguments: `t` = B(41) (tag 1, payload 41), `g.t` = A (tag
    // 0, unused payload), `s` = Y (1), `rt.type` = X (0), `c` = RET (bit 1).
    // SAFETY: the arguments are the flat lowering of valid values and the
    // returned area is read before the next call (there is no post-return
    // for this result, which owns no memory).
    let out = unsafe { _export_f_cabi::<type_names::Component>(1, 41, 0, 0, 1, 0, 2) };
    // SAFETY: the export returned a pointer to its static return area.
    let (tag, case, payload) = unsafe { (*out, *out.add(4), *out.add(8).cast::<u32>()) };
    assert_eq!((tag, case, payload), (0, 1, 42), "Ok(T::B(42))");
    // Flags print as the `bitflags` crate's do (wit-bindgen's flags).
    use type_names::exports::test::type_names::api::Cleanup;
    assert_eq!(
        format!("{:?}", Cleanup::ARG0 | Cleanup::RET),
        "Cleanup(ARG0 | RET)"
    );
    assert_eq!(format!("{:?}", Cleanup::empty()), "Cleanup(0x0)");
    assert_eq!(
        format!("{:?}", Cleanup::from_bits_retain(0b101)),
        "Cleanup(ARG0 | 0x4)"
    );
    let _ = (Guest_ { t: T::A },);
}
