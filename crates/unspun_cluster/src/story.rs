//! Stories: documents about one event, copies and independent reports alike.
//!
//! Two documents are linked as the same story when their event terms (names, numbers, content
//! stems and word pairs, see `unspun_fingerprint::event_terms`), weighted by inverse document
//! frequency, have a cosine similarity of at least [`StoryParams::threshold`], and their publication
//! dates, where both are known, lie within [`StoryParams::window_days`]. Stories are the connected
//! components of these links together with the copy links. A pair decision depends only on the two
//! documents and the document frequencies known when the later one arrives, so an index that grows
//! batch by batch gives the stories a single scan gives, except where a frequency that moved in
//! between tips a pair across the threshold.
use crate::DateKey;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoryParams {
    /// Minimum IDF-weighted cosine of the event terms.
    pub threshold: f32,
    /// Dated documents further apart than this are never the same story (a follow-up a week later,
    /// the same company's next announcement).
    pub window_days: i64,
    /// Terms a document is posted under and queried by.
    pub posting_terms: usize,
    /// Posted terms two documents must share to be compared at all. Pairs sharing fewer do not
    /// reach the threshold: on newsreuse-dev and WikiRef220 no pair sharing fewer than 4 of their 24
    /// posted terms does (nor fewer than 6 across languages), and on the first 100k documents of the
    /// 1M scale corpus 3 of 6,774 pairs over the threshold share 3, among 10.3 million compared pairs
    /// sharing 2 or 3 (77% of all comparisons when this was 2).
    pub min_shared: u32,
    /// A posting list longer than this is a term of every story (a weekday, a wire's name): skipped.
    pub max_posting: usize,
    /// Most candidates compared per document, those sharing the most posted terms first.
    pub max_candidates: usize,
    /// Factor on `threshold` for documents in two languages. They can share only names, numbers
    /// and months, so they are compared by the cosine of those alone, normalised on their own;
    /// that cosine runs higher than the whole vectors' (a same-topic page in the other language
    /// names the same actors too), hence a factor above 1: at 1.35 (0.46) newsreuse-dev has no
    /// false link across languages and the first false ones sit at 0.43-0.45.
    pub cross_language: f32,
    /// Factor on `threshold` for two documents in one language that share a verbatim passage of
    /// at least `shared_shingles` word 5-grams without being copies: a quote or a wire sentence
    /// both took is evidence of one event that the event terms of two short excerpts covering
    /// different sides of it do not give. On newsreuse-dev such same-story pairs sit at cosines of
    /// 0.25-0.34; the pairs of different events that share text share at most 7 shingles.
    #[serde(default = "default_shared_text")]
    pub shared_text: f32,
    /// Distinct shared word 5-grams (about 14 words in a row) that make a shared passage.
    #[serde(default = "default_shared_shingles")]
    pub shared_shingles: u32,
    /// The cosine of the names and numbers alone that a pair sharing a passage must reach too: a
    /// template filled in with other names (two companies' dividend notices, 0.06) shares wording,
    /// not actors. The same-story pairs of newsreuse-dev that share a passage reach 0.27 and more.
    #[serde(default = "default_shared_text_names")]
    pub shared_text_names: f32,
}

fn default_shared_text_names() -> f32 {
    StoryParams::default().shared_text_names
}

fn default_shared_text() -> f32 {
    StoryParams::default().shared_text
}

fn default_shared_shingles() -> u32 {
    StoryParams::default().shared_shingles
}

impl Default for StoryParams {
    fn default() -> Self {
        StoryParams {
            threshold: 0.34,
            window_days: 7,
            posting_terms: 24,
            min_shared: 4,
            max_posting: 1000,
            max_candidates: 100,
            cross_language: 1.35,
            shared_text: 0.8,
            shared_shingles: 10,
            shared_text_names: 0.2,
        }
    }
}

/// Inverse document frequency with add-one smoothing; `n` documents in all, `df` holding the term.
#[inline]
pub fn idf(n: u64, df: u64) -> f32 {
    ((n as f32 + 1.0) / (df as f32 + 1.0)).ln() + 1.0
}

/// Unit-length vector of `terms` (sorted by term) weighted by `idf_of(term)`.
pub fn weigh(terms: &[(u32, f32)], mut idf_of: impl FnMut(u32) -> f32) -> Vec<(u32, f32)> {
    let mut v: Vec<(u32, f32)> = terms.iter().map(|&(t, w)| (t, w * idf_of(t))).filter(|x| x.1 > 0.0).collect();
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            x.1 /= norm;
        }
    }
    v
}

/// Dot product of two term-sorted vectors.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    // Branch-free steps: which side advances is data, not a jump the CPU must guess (the story stage
    // takes up to a hundred such products a document, over a few hundred terms each).
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i].0, b[j].0);
        if x == y {
            s += a[i].1 * b[j].1;
        }
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    s
}

/// Whether two publication dates allow one story: unknown dates always do.
pub fn within_window(a: Option<DateKey>, b: Option<DateKey>, days: i64) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a.day - b.day).abs() <= days,
        _ => true,
    }
}

/// The candidates of one document from posting counts: those sharing at least `min_shared` posted
/// terms, most shared first (ties by number, for a stable cut), at most `max_candidates`.
pub fn pick_candidates<K: Copy + Ord>(counts: impl IntoIterator<Item = (K, u32)>, p: &StoryParams) -> Vec<K> {
    let mut c: Vec<(K, u32)> = counts.into_iter().filter(|x| x.1 >= p.min_shared).collect();
    c.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    c.truncate(p.max_candidates);
    c.into_iter().map(|x| x.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn dot_is_the_sum_over_shared_terms(a in proptest::collection::btree_map(0u32..60, 0u8..9, 0..40),
                                            b in proptest::collection::btree_map(0u32..60, 0u8..9, 0..40)) {
            let v = |m: &std::collections::BTreeMap<u32, u8>| m.iter().map(|(&t, &w)| (t, w as f32)).collect::<Vec<_>>();
            let naive: f32 = a.iter().filter_map(|(t, &w)| b.get(t).map(|&x| w as f32 * x as f32)).sum();
            prop_assert_eq!(dot(&v(&a), &v(&b)), naive);
            prop_assert_eq!(dot(&v(&a), &v(&b)), dot(&v(&b), &v(&a)));
        }
    }

    #[test]
    fn cosine_of_weighted_vectors() {
        let a = weigh(&[(1, 1.0), (2, 1.0), (3, 2.0)], |_| 1.0);
        let b = weigh(&[(2, 1.0), (3, 2.0), (4, 1.0)], |_| 1.0);
        let s = dot(&a, &b);
        assert!((s - 5.0 / 6.0).abs() < 1e-5, "{s}");
        assert!((dot(&a, &a) - 1.0).abs() < 1e-5);
        // A term in every document weighs least, but not nothing: in a corpus of two, the words the
        // two share are all there is to compare.
        let n = 10;
        assert_eq!(idf(n, n), 1.0);
        assert!(idf(n, 1) > 2.0 * idf(n, n));
        let c = weigh(&[(1, 1.0), (9, 1.0)], |t| if t == 9 { idf(n, n) } else { idf(n, 1) });
        assert!(c[0].1 > 2.0 * c[1].1);
    }

    #[test]
    fn dates_gate_only_when_both_known() {
        let d = |day| Some(DateKey { day, second: None });
        assert!(within_window(d(100), d(107), 7));
        assert!(!within_window(d(100), d(108), 7));
        assert!(within_window(None, d(108), 7));
    }

    #[test]
    fn candidates_by_shared_count_then_number() {
        let p = StoryParams { min_shared: 2, max_candidates: 2, ..Default::default() };
        let c = pick_candidates(vec![(5u64, 2), (3, 4), (9, 1), (1, 2)], &p);
        assert_eq!(c, vec![3, 1]);
    }
}
