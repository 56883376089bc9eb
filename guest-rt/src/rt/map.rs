//! The Rust side of WIT `map<K, V>`.
//!
//! Generated code names the map type as `_rt::Map<K, V>` (a `BTreeMap`)
//! unless the `map_type` option names another one, and builds and measures
//! it only through [`WitMap`], so any map implementing that trait (and
//! iterating as key/value pairs, by value and by reference) can stand in.
//! The method names are wit-bindgen's, so a map type written for one
//! generator works with the other.

use alloc::collections::BTreeMap;

/// The default Rust type of a WIT `map<K, V>`.
pub type Map<K, V> = BTreeMap<K, V>;

/// What generated bindings need from a map type.
pub trait WitMap<K, V>: Sized {
    /// An empty map with room for `capacity` entries (a hint).
    fn wit_map_new(capacity: usize) -> Self;
    /// Adds an entry lifted from the canonical ABI.
    fn wit_map_push(&mut self, key: K, value: V);
    /// The number of entries, to size the lowered list.
    fn wit_map_len(&self) -> usize;
}

impl<K: Ord, V> WitMap<K, V> for BTreeMap<K, V> {
    fn wit_map_new(_capacity: usize) -> Self {
        BTreeMap::new()
    }

    fn wit_map_push(&mut self, key: K, value: V) {
        self.insert(key, value);
    }

    fn wit_map_len(&self) -> usize {
        self.len()
    }
}

#[cfg(feature = "std")]
impl<K: core::hash::Hash + Eq, V, S: core::hash::BuildHasher + Default> WitMap<K, V>
    for std::collections::HashMap<K, V, S>
{
    fn wit_map_new(capacity: usize) -> Self {
        std::collections::HashMap::with_capacity_and_hasher(capacity, S::default())
    }

    fn wit_map_push(&mut self, key: K, value: V) {
        self.insert(key, value);
    }

    fn wit_map_len(&self) -> usize {
        self.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};

    fn build<M: WitMap<u32, String>>(entries: &[(u32, &str)]) -> M {
        let mut m = M::wit_map_new(entries.len());
        for (k, v) in entries {
            m.wit_map_push(*k, v.to_string());
        }
        m
    }

    #[test]
    fn maps_are_built_and_measured_through_the_trait() {
        let m: Map<u32, String> = build(&[(2, "b"), (1, "a"), (2, "c")]);
        assert_eq!(m.wit_map_len(), 2, "a repeated key replaces the entry");
        assert_eq!(m[&2], "c");
        let h: std::collections::HashMap<u32, String> = build(&[(7, "x")]);
        assert_eq!(h.wit_map_len(), 1);
        assert_eq!(h[&7], "x");
    }
}
