//! Documents of a batch that share keys (LSH band keys, anchors), counted by pair.
//!
//! No large hash table: every (key, document) is scattered into buckets by the key's top bits, each
//! bucket (a few hundred entries, in cache) is grouped by key in a small table, and each key held by
//! several documents gives its pairs, which a radix sort then brings together. A batch of 20k news
//! documents holds close to a million keys; the posting-list hash maps this replaces spent most of
//! their time waiting on cache misses.

use rayon::prelude::*;

/// A pair of documents `a < b` and how many keys of each kind they share. A key shared counts for
/// the kind it has in `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairHits<const K: usize> {
    pub a: u32,
    pub b: u32,
    pub hits: [u32; K],
}

#[derive(Clone, Copy, Default)]
struct Entry {
    key: u64,
    doc: u32,
    kind: u8,
}

/// Entries a bucket holds on average: few enough to group in L1.
const BUCKET_TARGET: usize = 128;

/// Pairs of documents `0..n` sharing at least one key, in `(a, b)` order.
///
/// `keys(d)` gives document `d`'s keys with their kind (`< K`); a document lists a key once.
/// A key held by more than `cap` documents is stock phrase or furniture: if `truncate[kind]` (the
/// kind of its first holder), only its first `cap` holders pair up (LSH bands: identical copies
/// beyond that are found through one another), else it is passed over (anchors).
///
/// Runs on rayon's threads: documents are gathered in chunks, buckets grouped in ranges, and pairs
/// sorted in ranges of `a`. Done on one thread, this was a tenth of the candidate stage's CPU time and
/// the one serial step of a batch (two cores were 1.65x one on that stage).
pub fn pair_hits<const K: usize, F, I>(n: usize, keys: F, cap: usize, truncate: [bool; K]) -> Vec<PairHits<K>>
where
    F: Fn(usize) -> I + Sync,
    I: Iterator<Item = (u64, u8)>,
{
    assert!(n < u32::MAX as usize && K > 0);
    let threads = rayon::current_num_threads();
    // Several tasks a thread, so that an uneven one does not leave a thread idle.
    let tasks = if threads == 1 { 1 } else { 4 * threads };
    let chunk = n.div_ceil(tasks).max(1);
    let mut chunks: Vec<Vec<Entry>> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            let mut v = Vec::new();
            for d in c * chunk..((c + 1) * chunk).min(n) {
                v.extend(keys(d).map(|(key, kind)| {
                    debug_assert!((kind as usize) < K);
                    Entry { key, doc: d as u32, kind }
                }));
            }
            v
        })
        .collect();
    let total: usize = chunks.iter().map(Vec::len).sum();
    if total == 0 {
        return Vec::new();
    }
    let bits = (total / BUCKET_TARGET).max(1).ilog2().min(20);
    let n_buckets = 1usize << bits;
    let bucket = |k: u64| if bits == 0 { 0 } else { (k >> (64 - bits)) as usize };
    // Each chunk in bucket order (a counting sort), keeping document order within a bucket.
    let starts: Vec<Vec<u32>> = chunks
        .par_iter_mut()
        .map(|v| {
            let mut start = vec![0u32; n_buckets + 1];
            for e in v.iter() {
                start[bucket(e.key) + 1] += 1;
            }
            for b in 1..start.len() {
                start[b] += start[b - 1];
            }
            let mut fill = start.clone();
            let mut sorted = vec![Entry::default(); v.len()];
            for &e in v.iter() {
                let at = &mut fill[bucket(e.key)];
                sorted[*at as usize] = e;
                *at += 1;
            }
            *v = sorted;
            start
        })
        .collect();
    // A pair code: `a`, `b`, then the kind, so that sorting brings a pair's keys together.
    let doc_bits = (n.max(2) - 1).ilog2() + 1;
    let kind_bits = (K.max(2) - 1).ilog2() + 1;
    let code_bits = 2 * doc_bits + kind_bits;
    assert!(code_bits <= 64, "batch too large for pair codes");
    let code =
        |a: u32, b: u32, kind: u8| ((a as u64) << (doc_bits + kind_bits)) | ((b as u64) << kind_bits) | kind as u64;
    // Codes are dealt into parts by the top bits of `a`: each part is sorted and counted on its own.
    let part_bits = doc_bits.min(6);
    let n_parts = 1usize << part_bits;
    let part = |c: u64| (c >> (code_bits - part_bits)) as usize;
    let ranges = tasks.min(n_buckets);
    let per_range = n_buckets.div_ceil(ranges);
    let dealt: Vec<Vec<Vec<u64>>> = (0..ranges)
        .into_par_iter()
        .map(|r| {
            let mut parts: Vec<Vec<u64>> = vec![Vec::new(); n_parts];
            let mut group = Grouper::default();
            let mut slice: Vec<Entry> = Vec::new();
            for b in r * per_range..((r + 1) * per_range).min(n_buckets) {
                // The bucket's entries from every chunk, chunks in document order: each key's
                // holders come out in document order too.
                slice.clear();
                for (v, start) in chunks.iter().zip(&starts) {
                    slice.extend_from_slice(&v[start[b] as usize..start[b + 1] as usize]);
                }
                group.runs(&slice, |run| {
                    let run = if run.len() <= cap {
                        run
                    } else if truncate[slice[run[0] as usize].kind as usize] {
                        &run[..cap]
                    } else {
                        return;
                    };
                    for (x, &ix) in run.iter().enumerate() {
                        let ex = slice[ix as usize];
                        for &iy in &run[x + 1..] {
                            let ey = slice[iy as usize];
                            // A key listed under two kinds by one document pairs it with nothing.
                            if ey.doc != ex.doc {
                                let c = code(ex.doc, ey.doc, ex.kind);
                                parts[part(c)].push(c);
                            }
                        }
                    }
                });
            }
            parts
        })
        .collect();
    drop(chunks);
    let counted: Vec<Vec<PairHits<K>>> = (0..n_parts)
        .into_par_iter()
        .map(|p| {
            let mut codes: Vec<u64> = Vec::with_capacity(dealt.iter().map(|d| d[p].len()).sum());
            for d in &dealt {
                codes.extend_from_slice(&d[p]);
            }
            // A part's codes share their top bits: the rest decide the order.
            radix_sort(&mut codes, code_bits - part_bits);
            let mut out: Vec<PairHits<K>> = Vec::new();
            for c in codes {
                let a = (c >> (doc_bits + kind_bits)) as u32;
                let b = ((c >> kind_bits) & ((1 << doc_bits) - 1)) as u32;
                let kind = (c & ((1 << kind_bits) - 1)) as usize;
                match out.last_mut() {
                    Some(p) if p.a == a && p.b == b => p.hits[kind] += 1,
                    _ => {
                        let mut hits = [0u32; K];
                        hits[kind] = 1;
                        out.push(PairHits { a, b, hits });
                    }
                }
            }
            out
        })
        .collect();
    drop(dealt);
    let mut out = Vec::with_capacity(counted.iter().map(Vec::len).sum());
    for c in counted {
        out.extend(c);
    }
    out
}

/// Groups the entries of a bucket by key with a small open-addressing table: most keys are held by
/// one document, and a hash probe an entry costs less than sorting the bucket.
#[derive(Default)]
struct Grouper {
    slots: Vec<Slot>,
    /// Per entry: the next entry with the same key.
    next: Vec<u32>,
    /// Slots whose key has a second holder, in the order that happened.
    shared: Vec<u32>,
    run: Vec<u32>,
}

/// A key's first and last entry (`first == u32::MAX`: empty slot).
#[derive(Clone, Copy)]
struct Slot {
    first: u32,
    last: u32,
}

const EMPTY: Slot = Slot { first: u32::MAX, last: u32::MAX };

impl Grouper {
    /// Calls `f` with the indices (into `slice`, ascending) of each key held by two entries or more.
    fn runs(&mut self, slice: &[Entry], mut f: impl FnMut(&[u32])) {
        if slice.len() < 2 {
            return;
        }
        let size = (2 * slice.len()).next_power_of_two();
        let mask = size - 1;
        self.slots.clear();
        self.slots.resize(size, EMPTY);
        self.next.clear();
        self.next.resize(slice.len(), u32::MAX);
        self.shared.clear();
        for (x, e) in slice.iter().enumerate() {
            // The top bits chose the bucket; the multiply brings the others up.
            let mut h = (e.key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
            loop {
                let slot = &mut self.slots[h];
                if slot.first == u32::MAX {
                    *slot = Slot { first: x as u32, last: x as u32 };
                    break;
                }
                if slice[slot.first as usize].key == e.key {
                    if slot.first == slot.last {
                        self.shared.push(h as u32);
                    }
                    self.next[slot.last as usize] = x as u32;
                    slot.last = x as u32;
                    break;
                }
                h = (h + 1) & mask;
            }
        }
        for &h in &self.shared {
            self.run.clear();
            let mut x = self.slots[h as usize].first;
            while x != u32::MAX {
                self.run.push(x);
                x = self.next[x as usize];
            }
            f(&self.run);
        }
    }
}

/// LSD radix sort of values below `2^bits`, 11 bits a pass.
fn radix_sort(v: &mut Vec<u64>, bits: u32) {
    const DIGIT: u32 = 11;
    let mut tmp = vec![0u64; v.len()];
    let mut shift = 0;
    while shift < bits {
        let mut count = [0usize; 1 << DIGIT];
        for &x in v.iter() {
            count[((x >> shift) & ((1 << DIGIT) - 1)) as usize] += 1;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &x in v.iter() {
            let d = ((x >> shift) & ((1 << DIGIT) - 1)) as usize;
            tmp[count[d]] = x;
            count[d] += 1;
        }
        std::mem::swap(v, &mut tmp);
        shift += DIGIT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The definition: for every pair, the keys they share, by the kind in the lower document.
    fn naive(docs: &[Vec<(u64, u8)>], cap: usize, truncate: [bool; 2]) -> Vec<PairHits<2>> {
        let mut holders: BTreeMap<u64, Vec<(u32, u8)>> = BTreeMap::new();
        for (d, ks) in docs.iter().enumerate() {
            for &(k, kind) in ks {
                holders.entry(k).or_default().push((d as u32, kind));
            }
        }
        let mut pairs: BTreeMap<(u32, u32), [u32; 2]> = BTreeMap::new();
        for (_, mut hs) in holders {
            hs.sort();
            if hs.len() > cap {
                if truncate[hs[0].1 as usize] {
                    hs.truncate(cap);
                } else {
                    continue;
                }
            }
            for (x, &(a, kind)) in hs.iter().enumerate() {
                for &(b, _) in &hs[x + 1..] {
                    if a != b {
                        pairs.entry((a, b)).or_default()[kind as usize] += 1;
                    }
                }
            }
        }
        pairs.into_iter().map(|((a, b), hits)| PairHits { a, b, hits }).collect()
    }

    proptest! {
        #[test]
        fn pairs_match_the_definition(
            docs in proptest::collection::vec(proptest::collection::btree_map(0u64..60, 0u8..2, 0..12), 0..40),
            cap in 2usize..8,
            truncate in any::<[bool; 2]>(),
            spread in any::<bool>(),
        ) {
            // Keys spread over the whole 64-bit range too, so that the bucketing by top bits is used.
            let docs: Vec<Vec<(u64, u8)>> = docs
                .into_iter()
                .map(|m| m.into_iter().map(|(k, kind)| (if spread { k.wrapping_mul(0x9E37_79B9_7F4A_7C15) } else { k }, kind)).collect())
                .collect();
            let want = naive(&docs, cap, truncate);
            // On one thread (one chunk, one range of buckets) and on three (many of each).
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let got = pool.install(|| pair_hits(docs.len(), |d| docs[d].iter().copied(), cap, truncate));
                prop_assert_eq!(&got, &want);
            }
        }

        #[test]
        fn radix_sort_sorts(mut v in proptest::collection::vec(0u64..(1 << 40), 0..300)) {
            let mut want = v.clone();
            want.sort_unstable();
            radix_sort(&mut v, 40);
            prop_assert_eq!(v, want);
        }
    }

    #[test]
    fn many_keys_use_many_buckets() {
        let docs: Vec<Vec<(u64, u8)>> = (0..300u64)
            .map(|d| (0..20u64).map(|i| ((d / 2 * 20 + i).wrapping_mul(0x9E37_79B9_7F4A_7C15), 0)).collect())
            .collect();
        let got = pair_hits(docs.len(), |d| docs[d].iter().copied(), 10, [false]);
        assert_eq!(got.len(), 150);
        assert!(got.iter().all(|p| p.b == p.a + 1 && p.a % 2 == 0 && p.hits == [20]));
    }
}
