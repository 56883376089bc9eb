//! Strings across the boundary: utf8, utf16 and latin1+utf16
//! (CanonicalABI.md, "String loading" and "String storing").
//!
//! The host holds strings as Rust `String`s, so storing always transcodes
//! from UTF-8; allocation follows the spec's worst-case-then-shrink pattern.

use super::{Alloc, Cx, Path};
use crate::error::{Error, trap};
use crate::translate::def::StringEncoding;

const UTF16_TAG: u64 = 1 << 31;
const MAX_STRING_BYTE_LENGTH: u64 = (1 << 31) - 1;

fn oob<T>(cx: &Cx<'_, T>) -> &'static str {
    match cx.path {
        Path::Host => "string pointer/length out of bounds of memory",
        Path::Adapter => "string content out-of-bounds",
    }
}

pub(crate) fn load_string<T>(cx: &mut Cx<'_, T>, ptr: u64, tagged: u64) -> Result<String, Error> {
    let (utf16, units) = match cx.opts.encoding {
        StringEncoding::Utf8 => (false, tagged),
        StringEncoding::Utf16 => (true, tagged),
        StringEncoding::Latin1Utf16 if tagged & UTF16_TAG != 0 => (true, tagged ^ UTF16_TAG),
        StringEncoding::Latin1Utf16 => return load_latin1(cx, ptr, tagged),
    };
    if !utf16 {
        if tagged > MAX_STRING_BYTE_LENGTH {
            return trap(oob(cx));
        }
        let bytes = cx.host_bytes(ptr, tagged, oob(cx))?;
        return String::from_utf8(bytes).or_else(|e| utf8_trap(e.utf8_error()));
    }
    if !ptr.is_multiple_of(2) {
        return trap("unaligned pointer");
    }
    let byte_len = units.saturating_mul(2);
    if byte_len > MAX_STRING_BYTE_LENGTH {
        return trap(oob(cx));
    }
    cx.bytes(ptr, byte_len, oob(cx))?;
    // A UTF-16 code unit becomes at most three bytes of UTF-8.
    let mut out = cx.host_string(byte_len / 2 * 3)?;
    let bytes = cx.bytes(ptr, byte_len, oob(cx))?;
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    for c in char::decode_utf16(units) {
        out.push(c.or_else(|_| trap("invalid utf-16"))?);
    }
    Ok(out)
}

/// The utf8 string of `len` bytes at `ptr`, checked as `load_string`
/// checks it (length, bounds, validity) but not copied out; fused adapters
/// check with it before they copy the bytes themselves.
pub(crate) fn utf8_str<'c, T>(cx: &'c Cx<'_, T>, ptr: u64, len: u64) -> Result<&'c str, Error> {
    if len > MAX_STRING_BYTE_LENGTH {
        return trap(oob(cx));
    }
    let bytes = cx.bytes(ptr, len, oob(cx))?;
    std::str::from_utf8(bytes).or_else(utf8_trap)
}

/// The spec's trap for bytes that are not utf8: a sequence cut short at the
/// end is told apart from an invalid one.
fn utf8_trap<V>(e: std::str::Utf8Error) -> Result<V, Error> {
    match e.error_len() {
        None => trap("incomplete utf-8 byte sequence"),
        Some(_) => trap("invalid utf-8"),
    }
}

fn load_latin1<T>(cx: &mut Cx<'_, T>, ptr: u64, len: u64) -> Result<String, Error> {
    if !ptr.is_multiple_of(2) {
        return trap("unaligned pointer");
    }
    cx.bytes(ptr, len, oob(cx))?;
    // A latin-1 byte becomes at most two bytes of UTF-8.
    let mut out = cx.host_string(len.saturating_mul(2))?;
    out.extend(cx.bytes(ptr, len, oob(cx))?.iter().map(|b| char::from(*b)));
    Ok(out)
}

/// Stores `s` in the guest's memory, returning `(ptr, tagged length)`.
pub(crate) fn store_string<T>(cx: &mut Cx<'_, T>, s: &str) -> Result<(u64, u64), Error> {
    match cx.opts.encoding {
        StringEncoding::Utf8 => {
            let len = s.len() as u64;
            if len > MAX_STRING_BYTE_LENGTH {
                return trap("string too long");
            }
            let ptr = cx.realloc(0, 0, 1, len, Alloc::String)?;
            cx.write(ptr, s.as_bytes(), oob(cx))?;
            Ok((ptr, len))
        }
        StringEncoding::Utf16 => {
            let (ptr, units) = store_utf16(cx, s)?;
            Ok((ptr, units))
        }
        StringEncoding::Latin1Utf16 => store_latin1_or_utf16(cx, s),
    }
}

fn utf16_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn store_utf16<T>(cx: &mut Cx<'_, T>, s: &str) -> Result<(u64, u64), Error> {
    let worst = 2 * s.len() as u64;
    if worst > MAX_STRING_BYTE_LENGTH {
        return trap("string too long");
    }
    let ptr = cx.realloc(0, 0, 2, worst, Alloc::String)?;
    let encoded = utf16_bytes(s);
    cx.write(ptr, &encoded, oob(cx))?;
    let len = encoded.len() as u64;
    let ptr = if len < worst {
        cx.realloc(ptr, worst, 2, len, Alloc::String)?
    } else {
        ptr
    };
    Ok((ptr, len / 2))
}

fn store_latin1_or_utf16<T>(cx: &mut Cx<'_, T>, s: &str) -> Result<(u64, u64), Error> {
    if s.chars().all(|c| (c as u32) < 0x100) {
        let latin1: Vec<u8> = s.chars().map(|c| c as u8).collect();
        let len = latin1.len() as u64;
        let ptr = cx.realloc(0, 0, 2, len, Alloc::String)?;
        cx.write(ptr, &latin1, oob(cx))?;
        return Ok((ptr, len));
    }
    let (ptr, units) = store_utf16(cx, s)?;
    Ok((ptr, units | UTF16_TAG))
}
