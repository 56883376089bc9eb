//! weft: guest runtime (filled in by the bindgen work).
