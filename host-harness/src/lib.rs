//! weft-harness
