//! Signatures that let a document find its relatives among millions without comparing all pairs.
//!
//! * [`shingles`]: hashes of word n-grams, each tied to its first token so evidence can be located.
//! * [`MinHasher`]: classic k-permutation MinHash (multiply-shift permutations of 64-bit shingle hashes),
//!   and [`LshParams::band_keys`] to bucket signatures; finds pairs of high Jaccard similarity.
//! * [`winnow`]: anchors chosen by winnowing (Schleimer et al. 2003). Any passage of at least
//!   `window + n - 1` tokens that two texts share yields a shared anchor, so a truncated copy or a copy
//!   inside other page furniture is found even when its Jaccard similarity is low (containment).

mod event;
mod postings;
pub use postings::{pair_hits, PairHits};

pub use event::{
    dequantize_weight, event_terms, is_pair, posting_terms, quantize_weight, EventTerms, Term, TermKind,
    MAX_EVENT_TERMS, PAIR_BIT,
};
use serde::{Deserialize, Serialize};

/// Parameters that must match between a signature and the index that stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FingerprintParams {
    pub shingle: usize,
    pub num_perm: usize,
    pub bands: usize,
    pub rows: usize,
    pub window: usize,
    pub seed: u64,
}

impl Default for FingerprintParams {
    fn default() -> Self {
        // The anchors' defaults (word 5-grams, 128 permutations, 16 x 8 bands) so benchmarks compare alike.
        FingerprintParams { shingle: 5, num_perm: 128, bands: 16, rows: 8, window: 12, seed: 0x756e_7370_756e }
    }
}

const SHINGLE_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: spreads the combined token hashes over all 64 bits.
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hashes of the word `n`-grams of a token-hash sequence; element `i` covers tokens `i..i+n`.
/// A text with fewer than `n` (but at least one) tokens has one shingle of all its tokens, as the
/// anchors do, so very short documents still compare.
pub fn shingles(tokens: &[u64], n: usize) -> Vec<u64> {
    let mut out = Vec::new();
    shingles_into(tokens, n, &mut out);
    out
}

/// As [`shingles`], into a buffer (cleared first) that a caller reuses across documents.
pub fn shingles_into(tokens: &[u64], n: usize, out: &mut Vec<u64>) {
    let n = n.max(1);
    out.clear();
    if tokens.is_empty() {
        return;
    }
    if tokens.len() < n {
        out.push(combine(tokens));
        return;
    }
    match n {
        // The lengths in use, with the window unrolled: the general loop costs a branch a word.
        5 => combine_all::<5>(tokens, out),
        3 => combine_all::<3>(tokens, out),
        _ => out.extend(tokens.windows(n).map(combine)),
    }
}

#[inline(always)]
fn combine_all<const N: usize>(tokens: &[u64], out: &mut Vec<u64>) {
    // `extend` over windows knows the length: no capacity check a shingle.
    out.extend(tokens.windows(N).map(|w| {
        let w: &[u64; N] = w.try_into().expect("a window of N");
        combine(w)
    }));
}

#[inline(always)]
fn combine(w: &[u64]) -> u64 {
    let mut h = 0u64;
    for &t in w {
        h = (h.rotate_left(23) ^ t).wrapping_mul(SHINGLE_MUL);
    }
    mix(h)
}

/// A MinHash signature: one 32-bit minimum per permutation.
pub type Signature = Vec<u32>;

/// k random affine permutations `x -> a*x + b (mod 2^32)` (a odd) of a 32-bit fold of each 64-bit
/// shingle hash. 32-bit lanes let the signing loop run 8 or 16 permutations per instruction.
#[derive(Debug, Clone)]
pub struct MinHasher {
    a: Vec<u32>,
    b: Vec<u32>,
}

impl MinHasher {
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_add(SHINGLE_MUL);
            mix(state)
        };
        let a = (0..num_perm).map(|_| (next() as u32) | 1).collect();
        let b = (0..num_perm).map(|_| next() as u32).collect();
        MinHasher { a, b }
    }

    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// Signature of a shingle set (duplicates in `shingles` do not matter). An empty set gives all
    /// `u32::MAX`, which matches nothing in LSH because empty documents are never indexed.
    pub fn sign(&self, shingles: &[u64]) -> Signature {
        let mut mins = vec![u32::MAX; self.a.len()];
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { sign_avx2(&self.a, &self.b, shingles, &mut mins) };
                return mins;
            }
        }
        sign_portable(&self.a, &self.b, shingles, &mut mins);
        mins
    }
}

#[inline(always)]
fn sign_portable(a: &[u32], b: &[u32], shingles: &[u64], mins: &mut [u32]) {
    for &x in shingles {
        let x = (x ^ (x >> 32)) as u32;
        // One pass over the permutations per shingle: independent lanes the compiler vectorises.
        for ((m, &a), &b) in mins.iter_mut().zip(a).zip(b) {
            let v = a.wrapping_mul(x).wrapping_add(b);
            *m = (*m).min(v);
        }
    }
}

/// As [`sign_portable`] for a number of permutations known at compile time: the lane loop unrolls
/// whole, with no loop branch and no bounds check per block of lanes.
#[inline(always)]
fn sign_fixed<const P: usize>(a: &[u32], b: &[u32], shingles: &[u64], mins: &mut [u32]) {
    let (Ok(fa), Ok(fb), Ok(out)) =
        (<&[u32; P]>::try_from(a), <&[u32; P]>::try_from(b), <&mut [u32; P]>::try_from(&mut *mins))
    else {
        return sign_portable(a, b, shingles, mins);
    };
    let mut m = *out;
    for &x in shingles {
        let x = (x ^ (x >> 32)) as u32;
        for k in 0..P {
            m[k] = m[k].min(fa[k].wrapping_mul(x).wrapping_add(fb[k]));
        }
    }
    *out = m;
}

/// The same loop compiled for AVX2 (8 permutations per instruction), chosen at run time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sign_avx2(a: &[u32], b: &[u32], shingles: &[u64], mins: &mut [u32]) {
    if a.len() == 128 {
        // Two passes of 64 lanes: 8 registers of minima each, which stay in registers with the
        // multipliers; 128 lanes need all 16 and spill.
        let (a0, a1) = a.split_at(64);
        let (b0, b1) = b.split_at(64);
        let (m0, m1) = mins.split_at_mut(64);
        sign_fixed::<64>(a0, b0, shingles, m0);
        sign_fixed::<64>(a1, b1, shingles, m1);
    } else {
        sign_portable(a, b, shingles, mins)
    }
}

/// Estimated Jaccard similarity: share of permutations whose minima agree.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

/// Banding of signatures for locality-sensitive hashing.
#[derive(Debug, Clone, Copy)]
pub struct LshParams {
    pub bands: usize,
    pub rows: usize,
}

impl LshParams {
    /// One key per band; the band number is mixed in so equal rows in different bands do not collide.
    pub fn band_keys(&self, sig: &[u32]) -> Vec<u64> {
        (0..self.bands)
            .filter_map(|band| {
                let rows = sig.get(band * self.rows..(band + 1) * self.rows)?;
                let mut buf = [0u8; 4 * 32 + 8];
                let mut len = 0;
                buf[..8].copy_from_slice(&(band as u64).to_le_bytes());
                len += 8;
                for &r in rows.iter().take(32) {
                    buf[len..len + 4].copy_from_slice(&r.to_le_bytes());
                    len += 4;
                }
                Some(xxhash_rust::xxh3::xxh3_64(&buf[..len]))
            })
            .collect()
    }
}

/// Winnowing: the minimum of every window of `window` consecutive shingle hashes (rightmost on ties),
/// each reported once with its shingle position. Deterministic in the content, so two texts that share
/// a long enough passage select the same anchors inside it.
pub fn winnow(shingles: &[u64], window: usize) -> Vec<(u64, u32)> {
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(2 * shingles.len() / (window.max(1) + 1) + 1);
    winnow_with(shingles, window, |h, i| out.push((h, i)));
    out
}

/// The hashes [`winnow`] selects, appended to `out` (positions are not kept).
pub fn winnow_hashes(shingles: &[u64], window: usize, out: &mut Vec<u64>) {
    out.reserve(2 * shingles.len() / (window.max(1) + 1) + 1);
    winnow_with(shingles, window, |h, _| out.push(h));
}

#[inline(always)]
fn winnow_with(shingles: &[u64], window: usize, mut emit: impl FnMut(u64, u32)) {
    let w = window.max(1);
    if shingles.is_empty() {
        return;
    }
    if shingles.len() <= w {
        let (i, &h) = shingles.iter().enumerate().min_by_key(|(_, &h)| h).expect("not empty");
        emit(h, i as u32);
        return;
    }
    // The window's rightmost minimum, kept as the window slides; only when it falls out of the
    // window is the window scanned again (w comparisons, about once every w/2 positions on random
    // hashes). Cheaper than a monotone deque in practice: no queue traffic on most positions.
    let rightmost_min = |lo: usize, hi: usize| {
        let mut m = lo;
        for j in lo + 1..=hi {
            if shingles[j] <= shingles[m] {
                m = j;
            }
        }
        m
    };
    let mut m = rightmost_min(0, w - 1);
    emit(shingles[m], m as u32);
    for i in w..shingles.len() {
        let prev = m;
        if shingles[i] <= shingles[m] {
            m = i;
        } else if m + w <= i {
            m = rightmost_min(i + 1 - w, i);
        }
        if m != prev {
            emit(shingles[m], m as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toks(s: &str) -> Vec<u64> {
        unspun_text::tokenize(s).iter().map(|t| t.hash).collect()
    }

    #[test]
    fn shingle_count_and_short_texts() {
        assert_eq!(shingles(&toks("a b c d e f g"), 5).len(), 3);
        assert_eq!(shingles(&toks("a b"), 5).len(), 1);
        assert!(shingles(&[], 5).is_empty());
    }

    #[test]
    fn identical_sets_identical_signatures_and_estimate_tracks_jaccard() {
        let mh = MinHasher::new(256, 7);
        let a: Vec<u64> = (0..1000u64).map(mix).collect();
        let b: Vec<u64> = (500..1500u64).map(mix).collect(); // true Jaccard 1/3
        assert_eq!(mh.sign(&a), mh.sign(&a));
        let est = estimate_jaccard(&mh.sign(&a), &mh.sign(&b));
        assert!((est - 1.0 / 3.0).abs() < 0.08, "estimate {est}");
        let c: Vec<u64> = (5000..6000u64).map(mix).collect();
        assert!(estimate_jaccard(&mh.sign(&a), &mh.sign(&c)) < 0.05);
    }

    #[test]
    fn band_keys_differ_by_band() {
        let p = LshParams { bands: 4, rows: 2 };
        let keys = p.band_keys(&[1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(keys.len(), 4);
        let set: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(set.len(), 4);
    }

    #[test]
    fn winnowing_finds_shared_passage_inside_other_text() {
        let passage = "the russian cybersecurity firm kaspersky lab is considering closing its washington office due to strained relations";
        let a = format!("menu home tech markets {passage} copyright all rights reserved");
        let b = format!("completely different furniture about sports and weather {passage} subscribe now");
        let wa: std::collections::HashSet<u64> = winnow(&shingles(&toks(&a), 5), 8).iter().map(|x| x.0).collect();
        let wb: std::collections::HashSet<u64> = winnow(&shingles(&toks(&b), 5), 8).iter().map(|x| x.0).collect();
        assert!(wa.intersection(&wb).count() >= 1);
    }

    proptest! {
        #[test]
        fn winnow_is_the_rightmost_minimum_of_each_window(xs in proptest::collection::vec(0u64..50, 1..300), w in 1usize..20) {
            let mut naive: Vec<(u64, u32)> = Vec::new();
            if xs.len() <= w {
                let (i, &h) = xs.iter().enumerate().min_by_key(|(_, &h)| h).unwrap();
                naive.push((h, i as u32));
            } else {
                for end in w - 1..xs.len() {
                    let lo = end + 1 - w;
                    let m = (lo..=end).rev().min_by_key(|&j| xs[j]).unwrap();
                    if naive.last().map(|x| x.1) != Some(m as u32) {
                        naive.push((xs[m], m as u32));
                    }
                }
            }
            prop_assert_eq!(winnow(&xs, w), naive);
        }

        #[test]
        fn winnow_guarantee(xs in proptest::collection::vec(any::<u64>(), 1..300), w in 1usize..20) {
            let anchors = winnow(&xs, w);
            // Every window of w shingles contains at least one selected position.
            let pos: Vec<usize> = anchors.iter().map(|a| a.1 as usize).collect();
            for start in 0..xs.len().saturating_sub(w) + 1 {
                let end = (start + w).min(xs.len());
                prop_assert!(pos.iter().any(|&p| p >= start && p < end));
            }
        }

        #[test]
        fn jaccard_estimate_is_symmetric(a in proptest::collection::vec(any::<u64>(), 0..50),
                                         b in proptest::collection::vec(any::<u64>(), 0..50)) {
            let mh = MinHasher::new(32, 1);
            let (sa, sb) = (mh.sign(&a), mh.sign(&b));
            prop_assert_eq!(estimate_jaccard(&sa, &sb), estimate_jaccard(&sb, &sa));
        }
    }
}

/// A `Hasher` for keys that are already uniform 64-bit hashes (shingles, band keys, anchors):
/// hashing them again with SipHash would cost more than the map lookup itself.
#[derive(Default, Clone, Copy)]
pub struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for non-integer keys; fold them so the map still works.
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(SHINGLE_MUL);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn write_u32(&mut self, i: u32) {
        // Dense small ids: spread them so the table's high bits are used.
        self.0 = (i as u64).wrapping_mul(SHINGLE_MUL);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (i as u64).wrapping_mul(SHINGLE_MUL);
    }
}

/// HashMap keyed by hashes.
pub type HashMapH<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdentityHasher>>;

/// HashSet of hashes.
pub type HashSetH<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<IdentityHasher>>;

/// Shingles that survive rewriting (Stamatatos 2011, extended): each token becomes its own hash when
/// it is a function word, a name (capitalised) or a number, and one placeholder when it is any other
/// content word, which is what a spinner or paraphraser swaps for a synonym. Word `n`-grams of that
/// sequence are kept only when they hold at least `min_specific` names or numbers, because a skeleton
/// of function words alone ("W of the W in a W") recurs across unrelated texts.
pub fn skeleton_shingles(tokens: &[unspun_text::Token], n: usize, min_specific: usize) -> Vec<u64> {
    use unspun_text::TokenFlags;
    const PLACEHOLDER: u64 = 0x0005_EED0_FC0A_7E47;
    if tokens.len() < n || n == 0 {
        return Vec::new();
    }
    let specific = |t: &unspun_text::Token| t.flags.has(TokenFlags::DIGIT) || t.flags.has(TokenFlags::CAPITAL);
    let mapped: Vec<u64> = tokens
        .iter()
        .map(|t| if t.flags.has(TokenFlags::STOP) || specific(t) { t.hash } else { PLACEHOLDER })
        .collect();
    let spec: Vec<u32> = tokens.iter().map(|t| specific(t) as u32).collect();
    let mut count: u32 = spec[..n].iter().sum();
    let mut out = Vec::new();
    for i in 0..=tokens.len() - n {
        if i > 0 {
            count = count + spec[i + n - 1] - spec[i - 1];
        }
        if count as usize >= min_specific {
            // Salted so these never collide with exact-word shingles in a shared posting table.
            out.push(combine(&mapped[i..i + n]) ^ 0xA5A5_5A5A_0F0F_F0F0);
        }
    }
    out
}

/// Shingles of the sequence of names and numbers alone: the part of a text that survives translation
/// ("Equifax ... 143 ... Richard Smith" reads the same in Spanish). `n` consecutive entities a shingle.
pub fn entity_shingles(tokens: &[unspun_text::Token], n: usize) -> Vec<u64> {
    let ents: Vec<u64> =
        tokens.iter().filter(|t| t.flags.has(unspun_text::TokenFlags::ENTITY)).map(|t| t.hash).collect();
    if ents.len() < n || n == 0 {
        return Vec::new();
    }
    ents.windows(n).map(|w| combine(w) ^ 0x3C3C_C3C3_9696_6969).collect()
}
