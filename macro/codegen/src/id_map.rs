//! Hash maps keyed by `wit_parser` arena ids (`TypeId`, `InterfaceId`).
//!
//! Generation looks types up in these maps at every use of a type, and
//! the standard SipHash showed in profiles; an arena id is two small
//! integers that no outside input chooses, so a multiply-rotate hash (the
//! one rustc uses for its own ids) is enough.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by arena ids.
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;
/// A set of arena ids.
pub(crate) type IdSet<K> = HashSet<K, BuildHasherDefault<IdHasher>>;

/// The hasher of [`IdMap`] and [`IdSet`].
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(SEED);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_one_arena_hash_apart() {
        let mut resolve = wit_parser::Resolve::new();
        resolve
            .push_str(
                "t.wit",
                "package a:b; interface i { type x = u8; type y = u8; }",
            )
            .expect("valid WIT");
        let ids: Vec<_> = resolve.types.iter().map(|(id, _)| id).collect();
        let mut set = IdSet::default();
        set.extend(ids.iter().copied());
        assert_eq!(set.len(), 2);
        let mut map = IdMap::default();
        map.insert(ids[0], "x");
        assert_eq!(map.get(&ids[0]), Some(&"x"));
        assert_eq!(map.get(&ids[1]), None);
    }
}
