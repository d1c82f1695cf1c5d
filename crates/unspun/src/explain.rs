//! Why two documents are (or are not) related: the figures, the rule that decided, and the aligned
//! sentences, for `unspun explain`.
use crate::decide::{unquoted_containment, Decision};
use crate::engine::{Engine, EngineError};
use crate::prepare::{Prepared, Shingled};
use crate::report::End;
use std::ops::Range;
use unspun_align::{Overlap, SentenceAlignment};

/// One document as the explanation shows it.
pub struct ExplainedDoc {
    pub id: String,
    pub url: Option<String>,
    pub text: String,
    pub lang: Option<String>,
    pub date: Option<String>,
    pub prepared: Prepared,
    /// Its tokens and shingles.
    pub shingled: Shingled,
}

/// One aligned sentence pair: byte ranges into each text and the words only one side has.
pub struct AlignedSentences {
    pub a: Range<usize>,
    pub b: Range<usize>,
    pub similarity: f32,
    pub quoted: bool,
    /// Outside the chain of sentences in order: a passage the copy moved (evidence, not structure).
    pub moved: bool,
    /// Byte ranges of `a`'s words that `b`'s sentence lacks.
    pub a_only: Vec<Range<usize>>,
    pub b_only: Vec<Range<usize>>,
}

pub struct Explanation {
    pub a: ExplainedDoc,
    pub b: ExplainedDoc,
    pub cross_language: bool,
    pub overlap: Overlap,
    pub unquoted_containment: f64,
    pub alignment: SentenceAlignment,
    pub decision: Option<Decision>,
    pub sentences: Vec<AlignedSentences>,
    /// Content words swapped for others in place, at their first occurrences in A and B, where they
    /// were measured: for a copy found by its passages (see `SentenceAlignment::swaps`).
    pub swaps: Option<unspun_align::Swaps>,
    /// For a copy: which of the two is the source (`false` for A, `true` for B) and the rule that
    /// says so, as the report chooses a family's original (`unspun_cluster::pick_original`).
    pub source: Option<(bool, unspun_cluster::OriginRule)>,
}

impl Engine {
    /// Explain the relation of two indexed documents.
    pub fn explain(&self, id_a: &str, id_b: &str) -> Result<Explanation, EngineError> {
        let a = self.load_indexed(id_a)?;
        let b = self.load_indexed(id_b)?;
        let (pa, pb) = (&a.prepared, &b.prepared);
        let (ka, kb) = (&a.shingled, &b.shingled);
        let overlap = unspun_align::compare(&pa.view(ka), &pb.view(kb));
        let cross_language = matches!((&pa.lang, &pb.lang), (Some(x), Some(y)) if x != y);
        let across = cross_language.then(|| (pa.across(&a.text, ka), pb.across(&b.text, kb)));
        let (sa, sb) = across.as_ref().map_or((pa.sentences(), pb.sentences()), |(x, y)| (x, y));
        let mut alignment = unspun_align::align_sentences(sa, sb);
        let shape = crate::decide::extents(&overlap, &pa.spans, &pb.spans);
        let shares_text = self.config().story.shared_shingles as usize;
        let (mut decision, credit) =
            crate::decide::decide_texts(&overlap, &alignment, cross_language, shape, (&a.text, &b.text), shares_text);
        let mut swaps = None;
        if let Some(d) = decision.filter(|_| !cross_language && self.config().signals.alignment) {
            let (d, s) = crate::engine::spin_check(d, &overlap, &mut alignment, (pa, ka, &a.text), (pb, kb, &b.text));
            (decision, swaps) = (Some(d), s);
        }
        let mut pairs: Vec<(&unspun_align::SentencePair, bool)> =
            alignment.chain.iter().map(|p| (p, false)).chain(alignment.moved.iter().map(|p| (p, true))).collect();
        pairs.sort_by_key(|(p, _)| (p.a, p.b));
        let sentences = pairs
            .into_iter()
            .map(|(p, moved)| {
                let ra = sa.ranges[p.a as usize].clone();
                let rb = sb.ranges[p.b as usize].clone();
                let ta = &ka.tokens[ra.start as usize..ra.end as usize];
                let tb = &kb.tokens[rb.start as usize..rb.end as usize];
                let only = |x: &[unspun_text::Token], y: &[unspun_text::Token]| {
                    let ys: std::collections::HashSet<u64> = y.iter().map(|t| t.hash).collect();
                    x.iter().filter(|t| !ys.contains(&t.hash)).map(|t| t.start as usize..t.end() as usize).collect()
                };
                AlignedSentences {
                    a: ta[0].start as usize..ta[ta.len() - 1].end() as usize,
                    b: tb[0].start as usize..tb[tb.len() - 1].end() as usize,
                    similarity: p.similarity,
                    quoted: p.quoted,
                    moved,
                    a_only: only(ta, tb),
                    b_only: only(tb, ta),
                }
            })
            .collect();
        let unquoted_containment = unquoted_containment(&overlap);
        let source = decision.filter(|d| d.relation != crate::decide::Relation::SameStory).map(|_| {
            let credited = credit.map(|(_, end)| end);
            let ev =
                [origin_evidence(&a, credited == Some(End::First)), origin_evidence(&b, credited == Some(End::Second))];
            let best = unspun_cluster::pick_original(&ev);
            (best == 1, unspun_cluster::original_rule(&ev, best).unwrap_or(unspun_cluster::OriginRule::Id))
        });
        Ok(Explanation {
            a,
            b,
            cross_language,
            overlap,
            unquoted_containment,
            alignment,
            decision,
            sentences,
            swaps,
            source,
        })
    }

    fn load_indexed(&self, id: &str) -> Result<ExplainedDoc, EngineError> {
        let index = self.index().ok_or(EngineError::NoIndex)?;
        let (_, rec) = index.doc_by_id(id)?.ok_or_else(|| EngineError::UnknownId(id.to_string()))?;
        let text = rec.text().ok_or_else(|| EngineError::UnknownId(format!("{id} (stored text unreadable)")))?;
        let (prepared, shingled) = self.prepare_stored(&rec, &text);
        Ok(ExplainedDoc {
            id: rec.id.clone(),
            url: rec.url.clone(),
            lang: prepared.lang.clone(),
            date: rec.date.clone(),
            text,
            prepared,
            shingled,
        })
    }
}

/// What the report weighs of a document to choose an original (see `NodeInfo`).
fn origin_evidence(d: &ExplainedDoc, credited: bool) -> unspun_cluster::OriginEvidence<'_> {
    let p = &d.prepared;
    let spans: Vec<Range<usize>> = p.span_ranges().collect();
    unspun_cluster::OriginEvidence {
        id: &d.id,
        date: p.date,
        credited,
        house: crate::prepare::house_of(&d.text, &spans, p.lang.as_deref(), p.wire, d.url.as_deref()),
        wire: p.wire,
        first_version: p.first_version,
        length: d.shingled.tokens.len(),
    }
}
