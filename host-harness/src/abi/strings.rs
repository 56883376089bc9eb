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

/// The spec suite's out-of-bounds trap for a string a fused adapter moves.
const ADAPTER_OOB: &str = "string content out-of-bounds";

fn oob<T>(cx: &Cx<'_, T>) -> &'static str {
    match cx.path {
        Path::Host => "string pointer/length out of bounds of memory",
        Path::Adapter => ADAPTER_OOB,
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
    valid_utf8(bytes)
}

/// [`utf8_str`] of a fused adapter's side, given that side's memory bytes:
/// the check of every utf8 string an adapter copies, without building a
/// [`Cx`] per call.
pub(crate) fn adapter_utf8_check(memory: &[u8], ptr: u64, len: u64) -> Result<(), Error> {
    if len > MAX_STRING_BYTE_LENGTH {
        return trap(ADAPTER_OOB);
    }
    match ptr.checked_add(len) {
        Some(end) if end <= memory.len() as u64 => {
            valid_utf8(&memory[ptr as usize..end as usize]).map(drop)
        }
        _ => trap(ADAPTER_OOB),
    }
}

/// `bytes` as a `str`, or the spec's trap. The SIMD validator answers the
/// common case (valid); std's tells which trap an invalid string gets.
fn valid_utf8(bytes: &[u8]) -> Result<&str, Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(bytes).or_else(utf8_trap),
    }
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

/// A string transcoded by a fused adapter, between its two steps: the
/// bytes in the destination's encoding, and how they are to be stored.
/// The adapter calls the destination's `realloc` itself in between, so the
/// sequence of allocations is `store_string`'s: `alloc` bytes first, then,
/// if `shrink_to` is set, a shrink of that block to `shrink_to` bytes.
#[derive(Debug, Default)]
pub(crate) struct Transcoded {
    pub(crate) bytes: Vec<u8>,
    pub(crate) alloc: u64,
    pub(crate) shrink_to: Option<u64>,
    pub(crate) tagged_len: u64,
}

/// The string `(ptr, tagged)` of `cx`, checked as `load_string` checks it
/// (alignment, length, bounds, validity, in the same order and with the
/// same traps) and encoded for `to` into `out`, whose buffer is reused.
/// Reads the guest's bytes in place: no copy of the source, no `String`.
pub(crate) fn transcode<T>(
    cx: &mut Cx<'_, T>,
    ptr: u64,
    tagged: u64,
    to: StringEncoding,
    out: &mut Transcoded,
) -> Result<(), Error> {
    let (utf16, units) = match cx.opts.encoding {
        StringEncoding::Utf8 => (false, tagged),
        StringEncoding::Utf16 => (true, tagged),
        StringEncoding::Latin1Utf16 if tagged & UTF16_TAG != 0 => (true, tagged ^ UTF16_TAG),
        StringEncoding::Latin1Utf16 => (false, tagged),
    };
    let latin1 = !utf16 && cx.opts.encoding == StringEncoding::Latin1Utf16;
    if (utf16 || latin1) && !ptr.is_multiple_of(2) {
        return trap("unaligned pointer");
    }
    let byte_len = if utf16 {
        units.saturating_mul(2)
    } else {
        units
    };
    if byte_len > MAX_STRING_BYTE_LENGTH && !latin1 {
        return trap(oob(cx));
    }
    cx.bytes(ptr, byte_len, oob(cx))?;
    // Every encoding pair at most doubles the bytes (a utf16 unit becomes
    // at most three utf8 bytes, a utf8 byte at most one utf16 unit).
    cx.charge_host(byte_len.saturating_mul(2))?;
    let src = cx.bytes(ptr, byte_len, oob(cx))?;
    let bytes = &mut out.bytes;
    bytes.clear();
    let reserve = usize::try_from(byte_len.saturating_mul(2)).unwrap_or(usize::MAX);
    bytes
        .try_reserve(reserve)
        .or_else(|_| trap("out of host memory: cannot transcode a string"))?;
    let source = if utf16 {
        Source::Utf16(src)
    } else if latin1 {
        Source::Latin1(src)
    } else {
        Source::Utf8(valid_utf8(src)?)
    };
    // The utf8 length of the string (what `store_string` sizes from).
    let utf8_len = match to {
        StringEncoding::Utf8 => source.encode_utf8(bytes)?,
        StringEncoding::Utf16 => source.encode_utf16(bytes)?,
        StringEncoding::Latin1Utf16 => match source.encode_latin1(bytes) {
            Some(n) => {
                // All of it fits in latin1.
                out.alloc = n;
                out.shrink_to = None;
                out.tagged_len = n;
                return Ok(());
            }
            None => {
                bytes.clear();
                source.encode_utf16(bytes)?
            }
        },
    };
    let len = bytes.len() as u64;
    let (alloc, shrink_to, tagged_len) = match to {
        StringEncoding::Utf8 => {
            if len > MAX_STRING_BYTE_LENGTH {
                return trap("string too long");
            }
            (len, None, len)
        }
        StringEncoding::Utf16 | StringEncoding::Latin1Utf16 => {
            let worst = 2 * utf8_len;
            if worst > MAX_STRING_BYTE_LENGTH {
                return trap("string too long");
            }
            let tag = if to == StringEncoding::Latin1Utf16 {
                UTF16_TAG
            } else {
                0
            };
            (worst, (len < worst).then_some(len), (len / 2) | tag)
        }
    };
    out.alloc = alloc;
    out.shrink_to = shrink_to;
    out.tagged_len = tagged_len;
    Ok(())
}

/// A guest string read in place, in its encoding.
enum Source<'a> {
    Utf8(&'a str),
    Utf16(&'a [u8]),
    Latin1(&'a [u8]),
}

impl Source<'_> {
    /// The code units of a utf16 source.
    fn units(src: &[u8]) -> impl Iterator<Item = u16> + '_ {
        src.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
    }

    /// Calls `f` with each character, trapping on an unpaired surrogate.
    fn for_each(&self, mut f: impl FnMut(char)) -> Result<(), Error> {
        match self {
            Self::Utf8(s) => s.chars().for_each(f),
            Self::Latin1(b) => b.iter().for_each(|b| f(char::from(*b))),
            Self::Utf16(b) => {
                for c in char::decode_utf16(Self::units(b)) {
                    f(c.or_else(|_| trap("invalid utf-16"))?);
                }
            }
        }
        Ok(())
    }

    /// Appends the string as utf8 to `out`; returns its utf8 length.
    fn encode_utf8(&self, out: &mut Vec<u8>) -> Result<u64, Error> {
        match self {
            Self::Utf8(s) => out.extend_from_slice(s.as_bytes()),
            Self::Utf16(b) if b.chunks_exact(2).all(|c| c[0] < 0x80 && c[1] == 0) => {
                // ASCII: every unit's low byte (a plain loop, which the
                // compiler vectorises, unlike a flattening iterator).
                let start = out.len();
                out.resize(start + b.len() / 2, 0);
                for (d, c) in out[start..].iter_mut().zip(b.chunks_exact(2)) {
                    *d = c[0];
                }
            }
            Self::Utf16(_) | Self::Latin1(_) => {
                let mut buf = [0; 4];
                self.for_each(|c| out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()))?;
            }
        }
        Ok(out.len() as u64)
    }

    /// Appends the string as little-endian utf16 to `out`; returns its
    /// utf8 length.
    fn encode_utf16(&self, out: &mut Vec<u8>) -> Result<u64, Error> {
        match self {
            Self::Utf8(s) if s.is_ascii() => {
                // ASCII: each byte becomes a unit with a zero high byte.
                let start = out.len();
                out.resize(start + 2 * s.len(), 0);
                for (d, b) in out[start..].chunks_exact_mut(2).zip(s.bytes()) {
                    d[0] = b;
                }
                Ok(s.len() as u64)
            }
            Self::Utf8(_) | Self::Utf16(_) | Self::Latin1(_) => {
                let mut utf8_len = 0;
                let mut buf = [0; 2];
                self.for_each(|c| {
                    utf8_len += c.len_utf8() as u64;
                    for u in c.encode_utf16(&mut buf) {
                        out.extend_from_slice(&u.to_le_bytes());
                    }
                })?;
                Ok(utf8_len)
            }
        }
    }

    /// Appends the string as latin1 to `out` and returns its length, or
    /// `None` (with `out` partly written) if a character is past U+00FF.
    /// Validates a utf16 source fully before answering, as the host path
    /// decodes the whole string before it stores it.
    fn encode_latin1(&self, out: &mut Vec<u8>) -> Option<u64> {
        let mut fits = true;
        let all = self.for_each(|c| match u8::try_from(c) {
            Ok(b) if fits => out.push(b),
            Ok(_) | Err(_) => fits = false,
        });
        (all.is_ok() && fits).then_some(out.len() as u64)
    }
}
