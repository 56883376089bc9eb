//! Semver-compatible name lookup for imports and exports.
//!
//! `wasi:cli/stdout@0.2.4` matches a definition named
//! `wasi:cli/stdout@0.2.12`: same name, compatible version (same major, or
//! for 0.x the same minor, or for 0.0.x the same patch), highest wins. An
//! exact name always wins first. This is how other component runtimes let
//! a guest built against an older WASI patch release run on a newer host.

/// Splits `name@version` into the name and `(major, minor, patch)`.
fn split_version(name: &str) -> (&str, Option<(u64, u64, u64)>) {
    let Some((base, ver)) = name.rsplit_once('@') else {
        return (name, None);
    };
    let core = ver.split(['-', '+']).next().unwrap_or(ver);
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(a), Some(b), Some(c)) => (base, Some((a, b, c))),
        _ => (name, None),
    }
}

fn compatible(a: (u64, u64, u64), b: (u64, u64, u64)) -> bool {
    match (a.0, b.0) {
        (0, 0) if a.1 == 0 && b.1 == 0 => a.2 == b.2,
        (0, 0) => a.1 == b.1,
        (x, y) => x == y,
    }
}

/// Finds `name` among `(name, value)` pairs, exactly or semver-compatibly.
pub(crate) fn lookup<'a, V>(entries: &'a [(String, V)], name: &str) -> Option<&'a V> {
    if let Some((_, v)) = entries.iter().find(|(n, _)| n == name) {
        return Some(v);
    }
    let (base, Some(want)) = split_version(name) else {
        return None;
    };
    entries
        .iter()
        .filter_map(|(n, v)| match split_version(n) {
            (b, Some(have)) if b == base && compatible(have, want) => Some((have, v)),
            _ => None,
        })
        .max_by_key(|(have, _)| *have)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::lookup;

    fn entries(names: &[&str]) -> Vec<(String, usize)> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i))
            .collect()
    }

    #[test]
    fn compatible_versions_match_and_the_highest_wins() {
        let e = entries(&["a:b/c@0.2.1", "a:b/c@0.2.12", "a:b/c@0.3.0", "a:b/d@1.4.0"]);
        assert_eq!(lookup(&e, "a:b/c@0.2.4"), Some(&1));
        assert_eq!(lookup(&e, "a:b/c@0.2.1"), Some(&0), "exact first");
        assert_eq!(lookup(&e, "a:b/c@0.3.9"), Some(&2));
        assert_eq!(lookup(&e, "a:b/c@0.4.0"), None);
        assert_eq!(lookup(&e, "a:b/d@1.0.0"), Some(&3));
        assert_eq!(lookup(&e, "a:b/d@2.0.0"), None);
        assert_eq!(lookup(&e, "a:b/c"), None, "unversioned names match exactly");
    }
}
