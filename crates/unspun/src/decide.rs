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

/// A shared passage is a copy of an excerpt only when it is a sizeable part of the shorter text (or
/// its sentences cover much of it): two otherwise unrelated articles that each took one paragraph of
/// a common source share a run of 40-80 words and under a fifth of their text (measured on the
/// synthetic scale corpus, where unique documents recombine paragraphs: such pairs reach containment
/// 0.19 at the 99th percentile and coverage 0.31, while real excerpt copies have 0.25 and more).
fn substantial_excerpt(ov: &Overlap, al: &SentenceAlignment) -> bool {
    ov.containment >= EXCERPT_MIN_CONTAINMENT || al.coverage >= REWRITE_MIN_COVERAGE
}

/// Is the pair a near-duplicate (the same text, maybe cut, wrapped in other furniture or lightly
/// edited)? Two ways in: most of the smaller text is shared outside quotations, or the two share a
/// long unquoted passage (copies of excerpts that cover different spans of one article overlap in one
/// long run; independent reports share quotes and at most a stock sentence).
pub fn decide(ov: &Overlap, al: &SentenceAlignment, cross_language: bool) -> Option<Decision> {
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
    } else if ov.containment >= 0.4 && uc >= 0.3 {
        Some("most of the shorter text is shared, outside quotations")
    } else if ov.longest_unquoted_run >= LONG_RUN_TOKENS && substantial_excerpt(ov, al) {
        Some("a long passage is shared word for word, outside quotations")
    } else if al.identical_unquoted >= REWRITE_MIN_SENTENCES && substantial_excerpt(ov, al) {
        Some("several sentences are copied word for word, outside quotations")
    } else if al.identical_unquoted >= 2 && ov.containment >= EXCERPT_MIN_CONTAINMENT && uc >= EXCERPT_MIN_CONTAINMENT {
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
    let structural = al.unquoted >= REWRITE_MIN_SENTENCES
        && al.longest_run >= REWRITE_MIN_SENTENCES
        && al.coverage >= REWRITE_MIN_COVERAGE
        && al.mean_similarity >= REWRITE_MIN_SIMILARITY
        && al.entity_agreement >= REWRITE_MIN_ENTITY_AGREEMENT;
    if !structural {
        return None;
    }
    let relation = if al.mean_similarity >= DUPLICATE_MIN_SIMILARITY { Relation::Duplicate } else { Relation::Rewrite };
    let reason = "the sentences align in order outside quotations: same structure, words changed";
    Some(Decision { relation, score: (al.coverage * al.mean_similarity) as f64, reason })
}

/// Share of the shorter text a copied excerpt must make up (see `substantial_excerpt`).
pub const EXCERPT_MIN_CONTAINMENT: f64 = 0.22;

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
/// Containment at which a pair is a copy whatever else it shares (quotes included).
pub const WHOLE_COPY_CONTAINMENT: f64 = 0.9;
