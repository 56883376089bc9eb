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
        return utf8_str(cx, ptr, tagged).map(str::to_string);
    }
    if !ptr.is_multiple_of(2) {
        return trap("unaligned pointer");
    }
    let byte_len = units.saturating_mul(2);
    if byte_len > MAX_STRING_BYTE_LENGTH {
        return trap(oob(cx));
    }
    let bytes = cx.bytes(ptr, byte_len, oob(cx))?;
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .or_else(|_| trap("invalid utf-16"))
}

/// The utf8 string of `len` bytes at `ptr`, checked as `load_string`
/// checks it (length, bounds, validity) but not copied out; fused adapters
/// check with it before they copy the bytes themselves.
pub(crate) fn utf8_str<'c, T>(cx: &'c Cx<'_, T>, ptr: u64, len: u64) -> Result<&'c str, Error> {
    if len > MAX_STRING_BYTE_LENGTH {
        return trap(oob(cx));
    }
    let bytes = cx.bytes(ptr, len, oob(cx))?;
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if e.error_len().is_none() => trap("incomplete utf-8 byte sequence"),
        Err(_) => trap("invalid utf-8"),
    }
}

fn load_latin1<T>(cx: &mut Cx<'_, T>, ptr: u64, len: u64) -> Result<String, Error> {
    if !ptr.is_multiple_of(2) {
        return trap("unaligned pointer");
    }
    let bytes = cx.bytes(ptr, len, oob(cx))?;
    Ok(bytes.iter().map(|b| char::from(*b)).collect())
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
