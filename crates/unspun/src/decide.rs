//! From a verified overlap to a relation.
use serde::{Deserialize, Serialize};
use unspun_align::{Overlap, SentenceAlignment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Duplicate,
    Rewrite,
    Translation,
    SameStory,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Duplicate => "duplicate",
            Relation::Rewrite => "rewrite",
            Relation::Translation => "translation",
            Relation::SameStory => "same_story",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub relation: Relation,
    pub score: f64,
    /// Which rule decided, in words (shown by `unspun explain`).
    pub reason: &'static str,
}

/// Shared text outside quotations, over the smaller document: what a copy has and an independent
/// report quoting the same people does not.
pub fn unquoted_containment(ov: &Overlap) -> f64 {
    let m = ov.len_a.min(ov.len_b);
    if m == 0 {
        return 0.0;
    }
    (ov.unquoted_matches as f64 / m as f64).min(1.0)
}

/// The shared text avoids the names and numbers: a template filled in with other ones.
pub fn is_template(ov: &Overlap) -> bool {
    ov.shared >= TEMPLATE_MIN_SHARED && ov.entity_ratio < TEMPLATE_MAX_ENTITY_RATIO
}

/// Where the shared passages lie in one text: the start and end of their hull, as fractions of the
/// article (the kept spans end to end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub start: f64,
    pub end: f64,
}

/// The extents of the shared passages in both texts, given each text's kept spans (`None` without
/// passages).
pub fn extents(ov: &Overlap, spans_a: &[(u32, u32)], spans_b: &[(u32, u32)]) -> Option<(Extent, Extent)> {
    let first = ov.passages.first()?;
    let (mut a, mut b) = (first.a.clone(), first.b.clone());
    for p in &ov.passages {
        a = a.start.min(p.a.start)..a.end.max(p.a.end);
        b = b.start.min(p.b.start)..b.end.max(p.b.end);
    }
    Some((extent(spans_a, a), extent(spans_b, b)))
}

fn extent(spans: &[(u32, u32)], r: std::ops::Range<usize>) -> Extent {
    let total: usize = spans.iter().map(|&(s, e)| (e - s) as usize).sum();
    if total == 0 {
        return Extent { start: 0.0, end: 1.0 };
    }
    // Bytes of the article before `x`.
    let at = |x: usize| -> usize { spans.iter().map(|&(s, e)| x.clamp(s as usize, e as usize) - s as usize).sum() };
    Extent { start: at(r.start) as f64 / total as f64, end: at(r.end) as f64 / total as f64 }
}

/// The shared passages lie as two excerpts of one article lie: their hull spans most of one text
/// (one excerpt inside the other, edits and all), or it runs from the end of one text into the start
/// of the other (two windows over the article that overlap), or it starts both texts (two versions
/// cut or edited after the lead, which every copy keeps). A paragraph two unrelated pages each
/// took from a common source sits anywhere in both: at a million documents of the scale corpus,
/// 53k such pairs shared a passage of a fifth to two fifths of their text. The edges are tight
/// because such a paragraph often lies near an end of each of two texts of five to ten paragraphs
/// (with 0.2 of slack, 1,019 unrelated pairs passed as windows in a 25k-document replay of the 1M
/// scale corpus's false links).
fn excerpt_shape(shape: Option<(Extent, Extent)>) -> bool {
    let Some((a, b)) = shape else { return false };
    let covers = |x: Extent| x.end - x.start >= EXCERPT_MIN_SPAN;
    let at_start = |x: Extent| x.start <= EXCERPT_EDGE;
    let at_end = |x: Extent| x.end >= 1.0 - EXCERPT_EDGE;
    covers(a) || covers(b) || (at_end(a) && at_start(b)) || (at_start(a) && (at_end(b) || at_start(b)))
}

/// A shared passage is a copy of an excerpt only when it is a sizeable part of the shorter text and
/// lies as an excerpt does (see [`excerpt_shape`]), or when its sentences cover much of the shorter
/// text: two otherwise unrelated articles that each took one paragraph of a common source share a run
/// of 40-80 words (measured on the synthetic scale corpus, where unique documents recombine
/// paragraphs: at 10k such pairs reach containment 0.19 at the 99th percentile and coverage 0.31,
/// while real excerpt copies have 0.20 and more).
fn substantial_excerpt(ov: &Overlap, al: &SentenceAlignment, shape: Option<(Extent, Extent)>) -> bool {
    (ov.containment >= EXCERPT_MIN_CONTAINMENT && excerpt_shape(shape)) || al.coverage >= CLEAR_COVERAGE
}

/// Is the pair a near-duplicate (the same text, maybe cut, wrapped in other furniture or lightly
/// edited)? Two ways in: most of the smaller text is shared outside quotations, or the two share a
/// long unquoted passage (copies of excerpts that cover different spans of one article overlap in one
/// long run; independent reports share quotes and at most a stock sentence).
///
/// `shape`: where the shared passages lie in the two texts ([`extents`]).
pub fn decide(
    ov: &Overlap,
    al: &SentenceAlignment,
    cross_language: bool,
    shape: Option<(Extent, Extent)>,
) -> Option<Decision> {
    if cross_language {
        // `al` aligned names and numbers sentence by sentence: a translation keeps them, in order.
        let kept = al.chain.len() >= TRANSLATION_MIN_SENTENCES
            && al.longest_run >= TRANSLATION_MIN_SENTENCES
            && al.coverage >= TRANSLATION_MIN_COVERAGE
            && al.mean_similarity >= TRANSLATION_MIN_SIMILARITY;
        let score = (al.mean_similarity * al.mean_similarity * al.coverage) as f64;
        let reason = "other languages; names and numbers align sentence by sentence, in order";
        return kept.then_some(Decision { relation: Relation::Translation, score, reason });
    }
    // Same wording, other names and numbers: a template ("X Corp qtly div 25 cts vs 25 cts prior")
    // filled in for another company or day, not a copy.
    if is_template(ov) {
        return None;
    }
    let uc = unquoted_containment(ov);
    // Three sentences of news prose copied word for word outside quotations is copying, however little
    // of the two excerpts overlaps otherwise (copies of one article that cover different spans).
    let reason = if ov.containment >= WHOLE_COPY_CONTAINMENT {
        Some("one text is (nearly) all inside the other")
    } else if ov.containment >= 0.4
        && uc >= 0.3
        && (ov.containment >= MOST_CONTAINMENT || al.coverage >= CLEAR_COVERAGE || excerpt_shape(shape))
    {
        // Below `MOST_CONTAINMENT` the rest of the shorter text counts: a copy has little besides
        // what it shares, or shares it where an excerpt would; a short page that took one
        // paragraph of a common source has other paragraphs around it.
        Some("most of the shorter text is shared, outside quotations")
    } else if ov.longest_unquoted_run >= LONG_RUN_TOKENS && substantial_excerpt(ov, al, shape) {
        Some("a long passage is shared word for word, outside quotations")
    } else if al.identical_unquoted >= REWRITE_MIN_SENTENCES && substantial_excerpt(ov, al, shape) {
        Some("several sentences are copied word for word, outside quotations")
    } else if al.identical_unquoted >= 2
        && ov.containment >= EXCERPT_MIN_CONTAINMENT
        && uc >= EXCERPT_MIN_CONTAINMENT
        && excerpt_shape(shape)
    {
        // Two excerpts of one article that overlap by two or three sentences: the copied sentences are
        // fewer than the rule above asks, but they are over a fifth of the shorter text outside
        // quotations, above what unrelated pages that lifted one paragraph of a common source share
        // (see `substantial_excerpt`), and no independent pair of newsreuse-dev reaches both.
        Some("two sentences copied word for word make a sizeable part of the shorter text")
    } else {
        None
    };
    if let Some(reason) = reason {
        // Shared passages found it, but if the aligned sentences differ in their words the copy was
        // rewritten around what it kept (a light spin keeps many 5-grams intact).
        let reworded = ov.containment < 0.7 && !al.chain.is_empty() && al.mean_similarity < DUPLICATE_MIN_SIMILARITY;
        let relation = if reworded { Relation::Rewrite } else { Relation::Duplicate };
        let reason = if reworded { "shares passages, but the aligned sentences were reworded" } else { reason };
        return Some(Decision { relation, score: ov.containment.max(ov.jaccard), reason });
    }
    // A derived text keeps the source's structure: several sentences outside quotations, aligned in
    // order, covering half the shorter text, with the words that were not replaced still in their
    // order. Independent reports of one event share names and facts but reach a lower ordered
    // similarity (measured on newsreuse-dev: 0.54-0.65 for the hardest independent pairs).
    // Aligned sentences that cover only part of the shorter text must lie as an excerpt does: two
    // pages that each reworded one paragraph of a common source align it just as well.
    let structural = al.unquoted >= REWRITE_MIN_SENTENCES
        && al.longest_run >= REWRITE_MIN_SENTENCES
        && (al.coverage >= CLEAR_COVERAGE || (al.coverage >= REWRITE_MIN_COVERAGE && excerpt_shape(shape)))
        && al.mean_similarity >= REWRITE_MIN_SIMILARITY
        && al.entity_agreement >= REWRITE_MIN_ENTITY_AGREEMENT;
    if !structural {
        return None;
    }
    let relation = if al.mean_similarity >= DUPLICATE_MIN_SIMILARITY { Relation::Duplicate } else { Relation::Rewrite };
    let reason = "the sentences align in order outside quotations: same structure, words changed";
    Some(Decision { relation, score: (al.coverage * al.mean_similarity) as f64, reason })
}

/// A copy found by its shared passages whose aligned sentences had content words swapped for others
/// all through (`swaps`, [`unspun_align::Swaps::rate`]) is a spin light enough to
/// keep many 5-grams, not a syndicated copy. A text nearly all inside the other cannot have been
/// spun much: it stays a duplicate.
pub fn spun_copy(d: Decision, ov: &Overlap, swaps: f32) -> Decision {
    if !may_be_spun(&d, ov) || swaps < SPIN_MIN_SWAPS {
        return d;
    }
    Decision {
        relation: Relation::Rewrite,
        score: d.score,
        reason: "shares passages, but content words were swapped for others all through: a spin",
    }
}

/// Whether [`spun_copy`] could change `d`: what the swaps are measured for.
pub fn may_be_spun(d: &Decision, ov: &Overlap) -> bool {
    d.relation == Relation::Duplicate && ov.containment < WHOLE_COPY_CONTAINMENT
}

/// The crediting line and the headline (byte ranges into the first and the second text), and which
/// end is the source.
pub(crate) type Credit = ((std::ops::Range<usize>, std::ops::Range<usize>), crate::report::End);

/// [`decide`] on a pair's figures; then, for a pair it leaves undecided that is in one language and
/// shares at least `shares_text` 5-grams, whether one text credits the other by its headline
/// ([`credited_rewrite`]), with the credit.
pub(crate) fn decide_texts(
    ov: &Overlap,
    al: &SentenceAlignment,
    cross_language: bool,
    shape: Option<(Extent, Extent)>,
    (ta, tb): (&str, &str),
    shares_text: usize,
) -> (Option<Decision>, Option<Credit>) {
    let d = decide(ov, al, cross_language, shape);
    if d.is_some() || cross_language || ov.shared < shares_text {
        return (d, None);
    }
    match credit_between(ta, tb) {
        Some(c) => (Some(credited_rewrite(ov, al)), Some(c)),
        None => (None, None),
    }
}

/// Whether one text of a pair credits the other by its headline (see
/// [`unspun_align::credited_headline`]): the crediting line and the headline as byte ranges into the
/// first and the second text, and which end is the source.
fn credit_between(ta: &str, tb: &str) -> Option<Credit> {
    if let Some(c) = unspun_align::credited_headline(ta, tb) {
        return Some(((c.line, c.headline), crate::report::End::Second));
    }
    unspun_align::credited_headline(tb, ta).map(|c| ((c.headline, c.line), crate::report::End::First))
}

/// A pair that shares passages (at least `StoryParams::shared_shingles` 5-grams: a quote, a wire
/// sentence) and where one text credits the other by its headline: an aggregator's rewrite of the
/// story it names. On newsreuse-dev, one paraphrase that shares only quotes with its source (its own
/// words elsewhere) credits it so, and no other pair of any kind does.
fn credited_rewrite(ov: &Overlap, al: &SentenceAlignment) -> Decision {
    Decision {
        relation: Relation::Rewrite,
        score: ov.containment.max((al.coverage * al.mean_similarity) as f64),
        reason: "credits the other by its headline, and shares passages with it",
    }
}

/// Share of the shorter text in aligned sentences that makes a derived text whatever the shape of the
/// shared passages: on the 1M-document scale corpus, copies reach 0.89 at the 5th percentile and
/// unrelated pages sharing one paragraph 0.59 at the 90th.
pub const CLEAR_COVERAGE: f32 = 0.7;
/// Containment from which most of the shorter text is shared whatever the rest of it holds.
pub const MOST_CONTAINMENT: f64 = 0.6;
/// Share of the shorter text a copied excerpt must make up (see `substantial_excerpt`).
pub const EXCERPT_MIN_CONTAINMENT: f64 = 0.22;
/// Share of a text the hull of the shared passages spans when one excerpt holds the other (see
/// `excerpt_shape`; newsreuse-dev's partial copies span 0.80-1.0 of one side).
pub const EXCERPT_MIN_SPAN: f64 = 0.75;
/// How near the start or end of a text the shared passages of two overlapping windows reach.
/// newsreuse-dev's overlapping windows reach within 0.031 of the edges.
pub const EXCERPT_EDGE: f64 = 0.05;

/// Tokens of unquoted shared text that make a copy on their own (about two sentences of news prose).
pub const LONG_RUN_TOKENS: usize = 40;

/// Aligned unquoted sentences (and the run of them in order) that make a rewrite.
pub const REWRITE_MIN_SENTENCES: usize = 3;
/// Share of the shorter text in aligned sentences.
pub const REWRITE_MIN_COVERAGE: f32 = 0.5;
/// Mean order-aware similarity of the aligned sentences.
pub const REWRITE_MIN_SIMILARITY: f32 = 0.6;
/// Aligned sentences this similar on average are the same text (edited lightly), not a rewrite.
pub const DUPLICATE_MIN_SIMILARITY: f32 = 0.85;
/// Translation: sentences whose names and numbers align in order, and how much of the shorter text.
/// Independent reports of one event in two languages share names and numbers too (measured on
/// newsreuse-dev: coverage up to 0.58 and similarity up to 0.78 for such pairs), so a translation must
/// align most of the shorter text.
/// A candidate must also be each side's best translation match (see `Engine::scan`): a same-topic page
/// in the other language can align its names just as well, but rarely better than the real source.
pub const TRANSLATION_MIN_SENTENCES: usize = 4;
pub const TRANSLATION_MIN_COVERAGE: f32 = 0.5;
pub const TRANSLATION_MIN_SIMILARITY: f32 = 0.65;
/// Below this, the shared shingles hold names and numbers less than a third as often as the text does.
pub const TEMPLATE_MAX_ENTITY_RATIO: f64 = 0.3;
const TEMPLATE_MIN_SHARED: usize = 5;
/// A rewrite keeps the names and numbers of the sentences it rewords.
pub const REWRITE_MIN_ENTITY_AGREEMENT: f32 = 0.6;
/// Distinct in-place swaps of content words, over the content words of the aligned sentences, from
/// which a copy is a spin. On spun-synth-dev every syndicated copy measures below 0.03 (the 95th
/// percentile is 0.015: an edit or a house-style word), 136 of the 142 light rewrites (10-20% of
/// the words swapped) and every spin reach it; on newsreuse-dev no syndicated copy does, and of the
/// reworded copies only one that the rules above took for a duplicate (a trade site's rewording of
/// a Guardian story, labelled paraphrase).
pub const SPIN_MIN_SWAPS: f32 = 0.03;
/// Containment at which a pair is a copy whatever else it shares (quotes included).
pub const WHOLE_COPY_CONTAINMENT: f64 = 0.9;

#[cfg(test)]
mod tests {
    use super::*;
    use unspun_align::Passage;

    fn passage(a: std::ops::Range<usize>, b: std::ops::Range<usize>) -> Passage {
        Passage { a, b, similarity: 1.0, tokens: 50, quoted: 0.0 }
    }

    #[test]
    fn extents_are_fractions_of_the_kept_spans() {
        let ov =
            Overlap { passages: vec![passage(150..200, 0..100), passage(300..350, 100..150)], ..Default::default() };
        // A keeps 100..200 and 300..400 (200 bytes), B all of 0..200.
        let (a, b) = extents(&ov, &[(100, 200), (300, 400)], &[(0, 200)]).unwrap();
        assert_eq!(a, Extent { start: 0.25, end: 0.75 });
        assert_eq!(b, Extent { start: 0.0, end: 0.75 });
        assert!(extents(&Overlap::default(), &[(0, 10)], &[(0, 10)]).is_none());
    }

    #[test]
    fn excerpts_lie_inside_or_across_the_ends_and_reused_paragraphs_do_not() {
        let e = |start, end| Extent { start, end };
        // One inside the other: the hull spans most of one text.
        assert!(excerpt_shape(Some((e(0.05, 0.95), e(0.4, 0.7)))));
        // Two windows over one article: the end of one, the start of the other.
        assert!(excerpt_shape(Some((e(0.7, 1.0), e(0.0, 0.3)))));
        assert!(excerpt_shape(Some((e(0.02, 0.3), e(0.75, 0.98)))));
        // A paragraph in the middle of both, or at the start of both.
        // Two versions from the lead on.
        assert!(excerpt_shape(Some((e(0.0, 0.3), e(0.05, 0.4)))));
        // A paragraph in the middle of both, or at the end of both.
        assert!(!excerpt_shape(Some((e(0.4, 0.6), e(0.3, 0.55)))));
        assert!(!excerpt_shape(Some((e(0.7, 1.0), e(0.75, 0.95)))));
        // Near an end of each, as a paragraph of a common source often is: not far enough.
        assert!(!excerpt_shape(Some((e(0.62, 0.94), e(0.18, 0.31)))));
        assert!(!excerpt_shape(Some((e(0.37, 1.0), e(0.3, 0.5)))));
        assert!(!excerpt_shape(None));
    }

    #[test]
    fn aligned_sentences_over_part_of_the_text_need_an_excerpt_shape() {
        let ov =
            Overlap { shared: 20, len_a: 200, len_b: 300, containment: 0.1, entity_ratio: 1.0, ..Default::default() };
        let al = |coverage| SentenceAlignment {
            unquoted: 4,
            longest_run: 4,
            coverage,
            mean_similarity: 0.7,
            entity_agreement: 1.0,
            ..Default::default()
        };
        let middle = (Extent { start: 0.37, end: 1.0 }, Extent { start: 0.3, end: 0.5 });
        let inside = (Extent { start: 0.02, end: 0.97 }, Extent { start: 0.3, end: 0.5 });
        // One paragraph of seven reworded in both: not a rewrite of one by the other.
        assert!(decide(&ov, &al(0.6), false, Some(middle)).is_none());
        let d = decide(&ov, &al(0.6), false, Some(inside)).expect("an excerpt rewritten");
        assert_eq!(d.relation, Relation::Rewrite);
        // Most of the shorter text aligned: a rewrite wherever the shingles matched.
        assert!(decide(&ov, &al(0.9), false, Some(middle)).is_some());
    }

    #[test]
    fn a_long_shared_passage_needs_an_excerpt_shape() {
        let ov = Overlap {
            shared: 60,
            len_a: 200,
            len_b: 220,
            containment: 0.3,
            jaccard: 0.15,
            unquoted_matches: 60,
            longest_unquoted_run: 60,
            entity_ratio: 1.0,
            ..Default::default()
        };
        let al = SentenceAlignment::default();
        let middle = (Extent { start: 0.4, end: 0.7 }, Extent { start: 0.3, end: 0.6 });
        let windows = (Extent { start: 0.7, end: 1.0 }, Extent { start: 0.0, end: 0.3 });
        assert!(decide(&ov, &al, false, Some(middle)).is_none());
        let d = decide(&ov, &al, false, Some(windows)).expect("an excerpt copy");
        assert_eq!(d.relation, Relation::Duplicate);
    }

    #[test]
    fn a_copy_with_words_swapped_all_through_is_a_spin_unless_nearly_whole() {
        let dup = Decision { relation: Relation::Duplicate, score: 0.7, reason: "r" };
        let ov = |containment| Overlap { containment, ..Default::default() };
        assert_eq!(spun_copy(dup, &ov(0.72), 0.08).relation, Relation::Rewrite);
        assert_eq!(spun_copy(dup, &ov(0.72), 0.08).score, 0.7);
        assert_eq!(spun_copy(dup, &ov(0.72), 0.01), dup, "an edit here and there");
        assert_eq!(spun_copy(dup, &ov(0.95), 0.08), dup, "nearly all inside the other");
        let tr = Decision { relation: Relation::Translation, ..dup };
        assert_eq!(spun_copy(tr, &ov(0.5), 0.5), tr);
        assert!(may_be_spun(&dup, &ov(0.72)) && !may_be_spun(&dup, &ov(0.95)) && !may_be_spun(&tr, &ov(0.5)));
    }
}
