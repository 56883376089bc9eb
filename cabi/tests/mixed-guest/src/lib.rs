//! One component, two bindings generators: `greet` is bound by weft,
//! `shout` by wit-bindgen. Both take strings, so the host calls the single
//! `cabi_realloc` export that survives linking for both of them.

weft::bindgen!({
    inline: "
        package weft-test:weft-side;
        world weft-side {
            export greet: func(name: string, xs: list<u32>) -> string;
        }
    ",
});

mod other {
    wit_bindgen::generate!({
        inline: "
            package weft-test:other-side;
            world other-side {
                export shout: func(text: string) -> string;
            }
        ",
    });

    pub struct Other;

    impl Guest for Other {
        fn shout(text: String) -> String {
            text.to_uppercase()
        }
    }

    export!(Other);
}

struct Component;

impl Guest for Component {
    fn greet(name: String, xs: Vec<u32>) -> String {
        format!("Hello, {name}! {}", xs.iter().sum::<u32>())
    }
}

export!(Component);

/// A strong definition that must win over every weak library one.
///
/// # Safety
/// The canonical ABI `realloc` contract (see `weft::rt`).
#[cfg(feature = "strong-override")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use std::alloc::{Layout, alloc, realloc};
    if new_len == 0 {
        return align as *mut u8;
    }
    // SAFETY: the host passes a block this function returned, with its
    // original size and alignment, or `old_len == 0` for a fresh block.
    unsafe {
        if old_len == 0 {
            alloc(Layout::from_size_align_unchecked(new_len, align))
        } else {
            realloc(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    }
}
