//! weft-codegen
