//! In-memory posting lists of a batch: key -> the documents holding it, in document order.
//!
//! One flat array for all lists (built in two passes: count, then fill) instead of a vector a key:
//! a batch of 20k news documents holds close to a million band keys and anchors, and a vector each
//! costs an allocation and its slack, which made building the maps slower than finding the pairs.

use crate::HashMapH;

/// Posting lists of `u32` document numbers keyed by 64-bit hashes.
#[derive(Debug, Default)]
pub struct FlatPostings {
    /// key -> (start, len) in `docs`.
    ranges: HashMapH<u64, (u32, u32)>,
    docs: Vec<u32>,
}

impl FlatPostings {
    /// Lists of `keys(d)` for documents `0..n`. Each document's number appears once per key
    /// occurrence; callers pass deduplicated keys.
    pub fn build<'a, F, I>(n: usize, keys: F) -> Self
    where
        F: Fn(usize) -> I,
        I: Iterator<Item = &'a u64>,
    {
        // Sized for every key distinct (most are: a band key or an anchor is rarely shared), so the
        // table never grows: growing rehashed it several times and touched twice its memory.
        let total: usize = (0..n).map(|d| keys(d).count()).sum();
        let mut ranges: HashMapH<u64, (u32, u32)> = HashMapH::with_capacity_and_hasher(total, Default::default());
        for d in 0..n {
            for &k in keys(d) {
                ranges.entry(k).or_insert((0, 0)).1 += 1;
            }
        }
        let mut start = 0u32;
        for r in ranges.values_mut() {
            r.0 = start;
            start += r.1;
            // `len` becomes the fill cursor and is back to the length once filled.
            r.1 = 0;
        }
        let mut docs = vec![0u32; total];
        for d in 0..n {
            for &k in keys(d) {
                if let Some(r) = ranges.get_mut(&k) {
                    docs[(r.0 + r.1) as usize] = d as u32;
                    r.1 += 1;
                }
            }
        }
        FlatPostings { ranges, docs }
    }

    /// The documents holding `key`, in increasing order; empty when none does.
    #[inline]
    pub fn get(&self, key: u64) -> &[u32] {
        match self.ranges.get(&key) {
            Some(&(s, l)) => &self.docs[s as usize..(s + l) as usize],
            None => &[],
        }
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #[test]
        fn lists_match_a_naive_map(docs in proptest::collection::vec(proptest::collection::btree_set(0u64..40, 0..12), 0..30)) {
            let docs: Vec<Vec<u64>> = docs.into_iter().map(|s| s.into_iter().collect()).collect();
            let p = FlatPostings::build(docs.len(), |d| docs[d].iter());
            let mut naive: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
            for (d, ks) in docs.iter().enumerate() {
                for &k in ks {
                    naive.entry(k).or_default().push(d as u32);
                }
            }
            prop_assert_eq!(p.len(), naive.len());
            for (k, v) in &naive {
                prop_assert_eq!(p.get(*k), v.as_slice());
            }
            prop_assert!(p.get(1000).is_empty());
        }
    }
}
