//! weft-macro
