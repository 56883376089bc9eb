//! Import parameter types under each `ownership` mode are wit-bindgen
//! 0.61.1's: the calls below are written as a guest written for wit-bindgen
//! makes them (borrowed strings built from `String`s, records holding
//! borrowed handles passed by reference, lists of owned handles moved), so
//! this file compiles only if weft's signatures accept them. Natively the
//! imports are stubs, so the calls are type-checked, not run.

macro_rules! world {
    ($name:ident, $($ownership:tt)*) => {
        mod $name {
            weft::bindgen!({
                inline: "
                    package a:b;
                    interface api {
                        resource r2 { m: func(); }
                        record holder { r: borrow<r2> }
                        record holder-own { r: r2 }
                        record plain { x: u32 }
                        record names { items: list<string> }
                        variant v { s(string), n(u32) }
                        f1: func(a: option<list<string>>, b: list<list<string>>, c: tuple<string, u32>, d: result<string, string>);
                        f2: func(a: list<names>, b: list<holder>, c: holder, d: list<borrow<r2>>, e: plain, g: list<plain>, h: v, i: list<v>);
                        f3: func(a: holder-own, b: list<holder-own>, c: option<names>, d: list<u8>, e: option<string>);
                        f4: func(a: list<option<string>>, b: list<tuple<string, string>>);
                        g: func() -> names;
                    }
                    world w { import api; }
                ",
                $($ownership)*
            });
            pub use a::b::api::*;
        }
    };
}

world!(owning, ownership: Owning);
world!(borrowing, ownership: Borrowing { duplicate_if_necessary: false });
world!(duplicating, ownership: Borrowing { duplicate_if_necessary: true });

/// Strings the callers borrow from.
fn strings() -> Vec<String> {
    vec!["a".to_string(), "b".to_string()]
}

#[allow(
    dead_code,
    reason = "type-checked only: natively the imports are stubs"
)]
fn owning_calls(r: &owning::R2, own: owning::R2, more: Vec<owning::R2>) {
    use owning::*;
    let s = strings();
    f1(Some(&s), std::slice::from_ref(&s), ("c", 1), Ok("d"));
    let names = Names { items: s.clone() };
    let holder = Holder { r };
    f2(
        std::slice::from_ref(&names),
        &[Holder { r }],
        &holder,
        &[r],
        Plain { x: 1 },
        &[Plain { x: 2 }],
        &V::S(s[0].clone()),
        &[V::N(3)],
    );
    let owned: Vec<HolderOwn> = more.into_iter().map(|r| HolderOwn { r }).collect();
    f3(
        HolderOwn { r: own },
        owned,
        Some(&names),
        b"bytes",
        Some(&s[1]),
    );
    f4(&[Some(s[0].clone())], &[(s[0].clone(), s[1].clone())]);
}

#[allow(
    dead_code,
    reason = "type-checked only: natively the imports are stubs"
)]
fn borrowing_calls(r: &borrowing::R2, own: borrowing::R2) {
    use borrowing::*;
    let s = strings();
    let refs: Vec<&str> = s.iter().map(String::as_str).collect();
    f1(Some(&refs), &[&refs], (&s[0], 1), Ok(&s[1]));
    let names = g();
    f2(
        &[&names],
        &[Holder { r }],
        Holder { r },
        &[r],
        Plain { x: 1 },
        &[Plain { x: 2 }],
        V::S(&s[0]),
        &[V::N(3)],
    );
    f3(
        HolderOwn { r: own },
        Vec::new(),
        Some(&names),
        b"bytes",
        None,
    );
    f4(&[Some(&s[0])], &[(&s[0], &s[1])]);
}

#[allow(
    dead_code,
    reason = "type-checked only: natively the imports are stubs"
)]
fn duplicating_calls(r: &duplicating::R2) {
    use duplicating::*;
    let s = strings();
    let refs: Vec<&str> = s.iter().map(String::as_str).collect();
    f1(None, &[&refs], (&s[0], 1), Err(&s[1]));
    let param = NamesParam { items: &refs };
    f2(
        &[NamesParam { items: &refs }],
        &[Holder { r }],
        Holder { r },
        &[r],
        Plain { x: 1 },
        &[],
        V::S(&s[0]),
        &[],
    );
    let result: NamesResult = g();
    f3_shape_check(Some(param), result);
}

#[allow(dead_code, reason = "type-checked only")]
fn f3_shape_check(_: Option<duplicating::NamesParam<'_>>, _: duplicating::NamesResult) {}

#[test]
fn every_mode_expands_with_wit_bindgens_parameter_types() {
    std::hint::black_box((
        owning_calls as fn(_, _, _),
        borrowing_calls as fn(_, _),
        duplicating_calls as fn(_),
    ));
}
