//! The value-type size bound of Binary.md (added with the spec's
//! `validation/max-value-size.wast`): every `defvaltype` of a component
//! must have `elem_size(t, i64)` below 2^28, the bound of
//! `MAX_LIST_BYTE_LENGTH`, so that no size computation on it can
//! overflow. `wasmparser` 0.257 does not check it yet, so translation does,
//! once the validator has resolved the component's types.

use wasmparser::component_types::{ComponentAnyTypeId, ComponentValType};
use wasmparser::types::TypesRef;

use super::convert;
use crate::abi::layout::elem_size_u64;
use crate::error::{Error, LoadError};

/// The bound: sizes must be strictly less.
const MAX_TYPE_SIZE: u64 = 1 << 28;

/// Rejects the component if one of its value types is too large.
pub(super) fn check_value_type_sizes(types: TypesRef<'_>) -> Result<(), Error> {
    for i in 0..types.component_type_count() {
        let ComponentAnyTypeId::Defined(id) = types.component_any_type_at(i) else {
            continue;
        };
        let ty = convert::val_type(types, &ComponentValType::Type(id));
        // The `i64` layout is never smaller than the `i32` one.
        let size = elem_size_u64(&ty, true);
        if size >= MAX_TYPE_SIZE {
            return Err(LoadError::Invalid(format!(
                "type {i} (`{}`) exceeds maximum byte size: {size} bytes, the limit is {MAX_TYPE_SIZE}",
                ty.describe()
            ))
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::MAX_TYPE_SIZE;
    use crate::abi::layout::elem_size_u64;
    use crate::types::Type;

    /// Sizes past `u64::MAX` saturate instead of wrapping (or panicking),
    /// so the bound still rejects them.
    #[test]
    fn sizes_too_large_for_any_integer_still_exceed_the_bound() {
        let huge = Type::FixedList(Arc::new(Type::U64), u32::MAX);
        let nested = Type::FixedList(Arc::new(huge.clone()), u32::MAX);
        let pair = Type::Tuple(Arc::new([nested.clone(), nested.clone()]));
        for ty in [&huge, &nested, &pair] {
            assert!(
                elem_size_u64(ty, true) >= MAX_TYPE_SIZE,
                "{}",
                ty.describe()
            );
        }
        assert_eq!(elem_size_u64(&nested, false), u64::MAX);
        let fits = Type::FixedList(Arc::new(Type::U8), (1 << 28) - 1);
        assert_eq!(elem_size_u64(&fits, true), (1 << 28) - 1);
    }
}
