use serde::{Deserialize, Serialize};
use std::ops::Range;
use unspun_fingerprint::{HashMapH, HashSetH};
use unspun_text::{Token, TokenFlags};

/// What the aligner needs of a document: its tokens (spans into the input), its shingle hashes
/// (`shingles[i]` covers `tokens[i..i + n]`) and the same hashes as a set.
#[derive(Debug, Clone, Copy)]
pub struct DocView<'a> {
    pub tokens: &'a [Token],
    pub shingles: &'a [u64],
    pub set: &'a ShingleSet,
    pub n: usize,
}

/// The distinct shingle hashes of a document.
///
/// Verification counts the shingles two documents share for every candidate pair. A merge of two
/// sorted lists does it in |A| + |B| steps that each wait on the last (which side advances depends
/// on the values just loaded); probing the larger document's set with the smaller one's hashes
/// takes min(|A|, |B|) independent lookups, and building the set costs less than sorting.
pub type ShingleSet = HashSetH<u64>;

/// How many hashes two sets share: the smaller one's looked up in the larger one.
fn shared_count(a: &ShingleSet, b: &ShingleSet) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().filter(|h| large.contains(*h)).count()
}

/// A passage the two texts share: byte ranges into each input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub a: Range<usize>,
    pub b: Range<usize>,
    /// Matched shingles over the longer side's shingles in the passage.
    pub similarity: f64,
    /// Tokens the passage spans in `a`.
    pub tokens: usize,
    /// Share of the matched shingles that touch a quotation.
    pub quoted: f64,
}

/// The verified overlap of two documents.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Overlap {
    /// Distinct shingles in common.
    pub shared: usize,
    /// Distinct shingles of `a` and of `b`.
    #[serde(default)]
    pub len_a: usize,
    #[serde(default)]
    pub len_b: usize,
    pub jaccard: f64,
    /// Shared over the smaller document's distinct shingles.
    pub containment: f64,
    /// Shared over `a`'s distinct shingles (how much of `a` is in `b`).
    pub a_in_b: f64,
    pub b_in_a: f64,
    /// Matched shingle positions of `a` that touch no quotation.
    pub unquoted_matches: usize,
    /// Longest passage, in tokens of `a`, counting only passages mostly outside quotations.
    pub longest_unquoted_run: usize,
    /// Share of `a`'s matched shingles that hold a name or number, over the same share among all of
    /// `a`'s shingles: about 1 for a copy (the copied span carries its names), near 0 for a template
    /// filled in with other names and numbers (the shared words stop at every name).
    pub entity_ratio: f64,
    pub passages: Vec<Passage>,
}

/// Passages closer than this many shingles on both sides merge into one (an edited word or a
/// dropped clause inside a copied paragraph should not split the evidence).
const MERGE_GAP: usize = 8;

/// Verify and align two documents.
pub fn compare(a: &DocView<'_>, b: &DocView<'_>) -> Overlap {
    compare_at_least(a, b, 0.0)
}

/// As [`compare`], but a pair whose containment is below `min_containment` gets only its set
/// figures (shared, lengths, Jaccard, containment), without the positional pass that finds
/// passages, quotations and names: when nothing below that containment can be a copy, most
/// candidates of a batch stop at the count of the shingles the two sets share.
pub fn compare_at_least(a: &DocView<'_>, b: &DocView<'_>, min_containment: f64) -> Overlap {
    let shared = shared_count(a.set, b.set);
    let (la, lb) = (a.set.len(), b.set.len());
    let mut ov = Overlap { shared, len_a: la, len_b: lb, ..Default::default() };
    if shared == 0 || la == 0 || lb == 0 {
        return ov;
    }
    ov.jaccard = shared as f64 / (la + lb - shared) as f64;
    ov.containment = shared as f64 / la.min(lb) as f64;
    ov.a_in_b = shared as f64 / la as f64;
    ov.b_in_a = shared as f64 / lb as f64;
    if ov.containment < min_containment {
        return ov;
    }

    // First position of each shingle in b, restricted to the shared ones to keep the map small.
    let mut pos_b: HashMapH<u64, usize> = HashMapH::with_capacity_and_hasher(shared * 2, Default::default());
    for (j, &h) in b.shingles.iter().enumerate() {
        if a.set.contains(&h) {
            pos_b.entry(h).or_insert(j);
        }
    }
    // Matched positions in a's order, then chained into monotone runs merged across small gaps.
    let mut runs: Vec<(usize, usize, usize, usize, usize, usize)> = Vec::new(); // a0,a1,b0,b1,matches,quoted
    let (mut ent_all, mut ent_matched, mut matched) = (0usize, 0usize, 0usize);
    // Names and quoted words in the window of the current shingle, counted as it slides.
    let (mut ents, mut quotes) = (0usize, 0usize);
    let count = |t: &Token, f: u8| usize::from(t.flags.has(f));
    for t in &a.tokens[..(a.n.max(1) - 1).min(a.tokens.len())] {
        ents += count(t, TokenFlags::ENTITY);
        quotes += count(t, TokenFlags::QUOTE);
    }
    for (i, h) in a.shingles.iter().enumerate() {
        if let Some(t) = a.tokens.get(i + a.n.max(1) - 1) {
            ents += count(t, TokenFlags::ENTITY);
            quotes += count(t, TokenFlags::QUOTE);
        }
        let (e, q) = (ents > 0, usize::from(quotes > 0));
        if let Some(t) = a.tokens.get(i) {
            ents -= count(t, TokenFlags::ENTITY);
            quotes -= count(t, TokenFlags::QUOTE);
        }
        ent_all += e as usize;
        let Some(&j) = pos_b.get(h) else { continue };
        matched += 1;
        ent_matched += e as usize;
        if q == 0 {
            ov.unquoted_matches += 1;
        }
        if let Some(r) = runs.last_mut() {
            let (ga, gb) = (i.saturating_sub(r.1), j as isize - r.3 as isize);
            if ga <= MERGE_GAP && gb > 0 && (gb as usize) <= MERGE_GAP + ga {
                r.1 = i;
                r.3 = j;
                r.4 += 1;
                r.5 += q;
                continue;
            }
        }
        runs.push((i, i, j, j, 1, q));
    }
    ov.entity_ratio = if ent_all == 0 || matched == 0 {
        1.0
    } else {
        (ent_matched as f64 / matched as f64) / (ent_all as f64 / a.shingles.len() as f64)
    };
    let span = |d: &DocView<'_>, s0: usize, s1: usize| {
        let t0 = &d.tokens[s0.min(d.tokens.len() - 1)];
        let t1 = &d.tokens[(s1 + d.n - 1).min(d.tokens.len() - 1)];
        t0.start as usize..t1.end() as usize
    };
    for (a0, a1, b0, b1, m, q) in runs {
        // A lone matched shingle is a stock phrase, not a passage.
        if m < 2 {
            continue;
        }
        let len_a = a1 - a0 + 1;
        let len_b = b1 - b0 + 1;
        let tokens = (a1 + a.n).min(a.tokens.len()) - a0;
        let quoted = q as f64 / m as f64;
        if quoted < 0.5 {
            ov.longest_unquoted_run = ov.longest_unquoted_run.max(tokens);
        }
        ov.passages.push(Passage {
            a: span(a, a0, a1),
            b: span(b, b0, b1),
            similarity: (m as f64 / len_a.max(len_b) as f64).min(1.0),
            tokens,
            quoted,
        });
    }
    ov
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspun_fingerprint::shingles;

    struct Prepared {
        tokens: Vec<Token>,
        sh: Vec<u64>,
        set: ShingleSet,
    }
    fn prep(text: &str) -> Prepared {
        let tokens = unspun_text::tokenize(text);
        let hs: Vec<u64> = tokens.iter().map(|t| t.hash).collect();
        let sh = shingles(&hs, 5);
        let set = sh.iter().copied().collect();
        Prepared { tokens, sh, set }
    }
    fn view(p: &Prepared) -> DocView<'_> {
        DocView { tokens: &p.tokens, shingles: &p.sh, set: &p.set, n: 5 }
    }

    const ARTICLE: &str = "The Russian cybersecurity firm Kaspersky Lab is considering closing its Washington office due to strained relations with the United States, a report has claimed. The company says it is expanding its North American presence well away from the capital.";

    #[test]
    fn truncated_copy_is_contained() {
        let a = prep(ARTICLE);
        let cut = &ARTICLE[..ARTICLE.find(" a report").unwrap()];
        let b_text = format!("Home | Tech | Markets\n{cut}\nCookie notice: we use cookies.");
        let b = prep(&b_text);
        let ov = compare(&view(&a), &view(&b));
        assert!(ov.b_in_a > 0.6, "{ov:?}");
        assert!(ov.jaccard < ov.containment);
        assert_eq!(ov.passages.len(), 1);
        let p = &ov.passages[0];
        assert_eq!(&ARTICLE[p.a.clone()], &b_text[p.b.clone()]);
        assert!(b_text[p.b.clone()].starts_with("The Russian"));
    }

    #[test]
    fn shared_quote_is_marked_quoted() {
        let q = "\u{201c}Despite geopolitical turbulence we remain committed to our North American customers and partners,\u{201d}";
        let a = prep(&format!("Kaspersky chief executive wrote on Twitter: {q} in a tweet on Tuesday."));
        let b = prep(&format!("{q} Eugene Kaspersky said, as the company plans new offices in three cities."));
        let ov = compare(&view(&a), &view(&b));
        assert!(ov.shared > 5);
        assert_eq!(ov.longest_unquoted_run, 0, "{ov:?}");
        assert!(ov.passages.iter().all(|p| p.quoted > 0.9));
    }

    #[test]
    fn unrelated_texts_share_nothing() {
        let a = prep(ARTICLE);
        let b = prep(
            "Equifax said hackers stole the personal data of 143 million consumers in a breach disclosed on Thursday.",
        );
        let ov = compare(&view(&a), &view(&b));
        assert_eq!(ov.shared, 0);
        assert!(ov.passages.is_empty());
    }

    #[test]
    fn below_the_floor_only_set_figures() {
        let a = prep(ARTICLE);
        let b = prep(&ARTICLE[120..]);
        let full = compare(&view(&a), &view(&b));
        let cut = compare_at_least(&view(&a), &view(&b), full.containment + 0.01);
        assert!(!full.passages.is_empty() && full.unquoted_matches > 0);
        assert!(cut.passages.is_empty() && cut.unquoted_matches == 0);
        assert_eq!((cut.shared, cut.jaccard, cut.containment), (full.shared, full.jaccard, full.containment));
        let same = compare_at_least(&view(&a), &view(&b), full.containment);
        assert_eq!(same.passages, full.passages);
    }

    #[test]
    fn symmetric_scores() {
        let a = prep(ARTICLE);
        let b = prep(&ARTICLE[40..]);
        let ab = compare(&view(&a), &view(&b));
        let ba = compare(&view(&b), &view(&a));
        assert_eq!(ab.shared, ba.shared);
        assert_eq!(ab.jaccard, ba.jaccard);
        assert_eq!(ab.containment, ba.containment);
        assert_eq!(ab.a_in_b, ba.b_in_a);
    }

    proptest::proptest! {
        #[test]
        fn shared_count_is_the_size_of_the_intersection(
            a in proptest::collection::vec(proptest::prop_oneof![0u64..40, proptest::prelude::any::<u64>()], 0..80),
            b in proptest::collection::vec(proptest::prop_oneof![0u64..40, proptest::prelude::any::<u64>()], 0..80),
        ) {
            use std::collections::BTreeSet;
            let (sa, sb): (ShingleSet, ShingleSet) = (a.iter().copied().collect(), b.iter().copied().collect());
            let (ta, tb): (BTreeSet<u64>, BTreeSet<u64>) = (a.iter().copied().collect(), b.iter().copied().collect());
            proptest::prop_assert_eq!(shared_count(&sa, &sb), ta.intersection(&tb).count());
            proptest::prop_assert_eq!(shared_count(&sb, &sa), ta.intersection(&tb).count());
        }
    }
}
