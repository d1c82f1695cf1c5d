//! Sentence-level alignment: the evidence that one text was derived from another even when its words
//! were changed. A spin swaps synonyms but keeps names, numbers, function words and the order of the
//! sentences; an independent report of the same event shares names and quotes but not that structure.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use unspun_text::{Token, TokenFlags};

/// A document as sentences: each a range of token indices, with the sentence's distinct weighted words.
#[derive(Debug, Clone, Default)]
pub struct Sentences {
    /// Token index ranges, in text order.
    pub ranges: Vec<Range<u32>>,
    /// Per sentence: sorted distinct token hashes with their weights.
    words: Vec<Vec<(u64, f32)>>,
    /// Per sentence: the token hashes and weights in text order, for the order-aware similarity.
    seqs: Vec<Vec<(u64, f32)>>,
    totals: Vec<f32>,
    seq_totals: Vec<f32>,
    quoted: Vec<bool>,
    /// Distinct stopwords per sentence (bounds their share of a similarity).
    stops: Vec<u32>,
    /// Sentences with fewer distinct words than this are not aligned.
    min_words: usize,
    /// Built by [`Sentences::across`]: terms that survive translation instead of words.
    across: bool,
}

/// Function words say little on their own; names and numbers are what a rewrite keeps.
const STOP_WEIGHT: f32 = 0.25;
const ENTITY_WEIGHT: f32 = 1.5;

fn weight(t: &Token) -> f32 {
    if t.flags.has(TokenFlags::STOP) {
        STOP_WEIGHT
    } else if t.flags.has(TokenFlags::DIGIT) || t.flags.has(TokenFlags::CAPITAL) {
        ENTITY_WEIGHT
    } else {
        1.0
    }
}

impl Sentences {
    /// Group `tokens` into sentences given the sentences' byte spans (from `unspun_text::sentences`).
    pub fn new(tokens: &[Token], spans: &[Range<usize>]) -> Self {
        Self::build(tokens, spans, MIN_WORDS)
    }

    /// The sentences of `of` (built by [`Sentences::new`] from `text` and `tokens`) as the terms
    /// that survive translation, for aligning a text with its translation: names (case and accents
    /// folded), numbers, and the months and weekdays of the common languages of news, each as one
    /// term ("29 de julio", "July 29"). A translation keeps them sentence by sentence, in order.
    pub fn across(text: &str, tokens: &[Token], of: &Sentences) -> Self {
        let mut s = Sentences { min_words: MIN_TERMS_ACROSS, across: true, ..Default::default() };
        let mut buf = String::new();
        for r in &of.ranges {
            let seq: Vec<(u64, f32)> = tokens[r.start as usize..r.end as usize]
                .iter()
                .filter_map(|t| term_across(text, t, &mut buf).map(|h| (h, 1.0)))
                .collect();
            s.push_terms(tokens, r.start as usize..r.end as usize, seq);
        }
        s
    }

    fn build(tokens: &[Token], spans: &[Range<usize>], min_words: usize) -> Self {
        let mut s = Sentences { min_words, ..Default::default() };
        let mut t = 0usize;
        for span in spans {
            while t < tokens.len() && (tokens[t].start as usize) < span.start {
                t += 1;
            }
            let start = t;
            while t < tokens.len() && (tokens[t].end() as usize) <= span.end {
                t += 1;
            }
            if t > start {
                s.push(tokens, start..t);
            }
        }
        s
    }

    fn push(&mut self, tokens: &[Token], r: Range<usize>) {
        let seq: Vec<(u64, f32)> = tokens[r.clone()].iter().map(|t| (t.hash, weight(t))).collect();
        self.push_terms(tokens, r, seq);
    }

    /// Add the sentence of `tokens[r]` as the terms `seq`, in text order.
    fn push_terms(&mut self, tokens: &[Token], r: Range<usize>, seq: Vec<(u64, f32)>) {
        let toks = &tokens[r.clone()];
        self.seq_totals.push(seq.iter().map(|x| x.1).sum());
        let mut w = seq.clone();
        self.seqs.push(seq);
        w.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        w.dedup_by_key(|x| x.0);
        let total = w.iter().map(|x| x.1).sum();
        self.stops.push(w.iter().filter(|x| x.1 <= STOP_WEIGHT).count() as u32);
        let quoted = toks.iter().filter(|t| t.flags.has(TokenFlags::QUOTE)).count() * 2 > toks.len();
        self.ranges.push(r.start as u32..r.end as u32);
        self.words.push(w);
        self.totals.push(total);
        self.quoted.push(quoted);
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

/// Weighted overlap of two sentences over the smaller one (so a sentence split in two still matches).
fn similarity(a: &Sentences, i: usize, b: &Sentences, j: usize) -> f32 {
    let (wa, wb) = (&a.words[i], &b.words[j]);
    if wa.len() < a.min_words || wb.len() < b.min_words {
        return 0.0;
    }
    let (mut x, mut y, mut common) = (0, 0, 0.0f32);
    while x < wa.len() && y < wb.len() {
        match wa[x].0.cmp(&wb[y].0) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                common += wa[x].1.min(wb[y].1);
                x += 1;
                y += 1;
            }
        }
    }
    common / a.totals[i].min(b.totals[j]).max(1.0)
}

/// (shared, fewer-side) counts of the names and numbers of two sentences.
fn entity_overlap(a: &Sentences, i: usize, b: &Sentences, j: usize) -> (f32, f32) {
    let ent = |w: &[(u64, f32)]| -> Vec<u64> { w.iter().filter(|x| x.1 >= ENTITY_WEIGHT).map(|x| x.0).collect() };
    let (ea, eb) = (ent(&a.words[i]), ent(&b.words[j]));
    if a.across {
        // Across languages every term is a name, a number or a date.
        let common = a.words[i].iter().filter(|x| b.words[j].binary_search_by_key(&x.0, |y| y.0).is_ok()).count();
        return (common as f32, a.words[i].len().min(b.words[j].len()) as f32);
    }
    let common = ea.iter().filter(|h| eb.binary_search(h).is_ok()).count();
    (common as f32, ea.len().min(eb.len()) as f32)
}

/// Order-aware similarity: the weighted longest common subsequence of the two sentences' words over
/// the smaller sentence's weight. A spin keeps the order of what it does not replace; an independent
/// sentence about the same facts uses the same names in another order and with other function words.
fn ordered_similarity(a: &Sentences, i: usize, b: &Sentences, j: usize) -> f32 {
    let (sa, sb) = (&a.seqs[i], &b.seqs[j]);
    let mut prev = vec![0f32; sb.len() + 1];
    let mut cur = vec![0f32; sb.len() + 1];
    for x in sa {
        for (k, y) in sb.iter().enumerate() {
            cur[k + 1] = if x.0 == y.0 { prev[k] + x.1.min(y.1) } else { prev[k + 1].max(cur[k]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[sb.len()] / a.seq_totals[i].min(b.seq_totals[j]).max(1.0)
}

/// Sentences shorter than this (distinct words) are headlines fragments or captions: not aligned.
const MIN_WORDS: usize = 5;
/// Sentences with fewer terms than this (see [`Sentences::across`]) carry no cross-language evidence.
const MIN_TERMS_ACROSS: usize = 2;

/// A token as a term that survives translation (see [`Sentences::across`]).
fn term_across(text: &str, t: &Token, buf: &mut String) -> Option<u64> {
    use unspun_text::fold;
    // A salt per kind keeps a month and a weekday apart from each other and from the names.
    const MONTH: u64 = 0x6d6f_6e74_6800_0000;
    const WEEKDAY: u64 = 0x7765_656b_6461_7900;
    if t.flags.has(TokenFlags::DIGIT) {
        return Some(t.hash);
    }
    if t.flags.has(TokenFlags::STOP) || unspun_text::words::is_function_word_any(t.hash) {
        return None;
    }
    fold::fold_into(&text[t.span()], false, buf);
    if let Some(m) = fold::month_of(buf, t.flags.has(TokenFlags::CAPITAL)) {
        return Some(MONTH | u64::from(m));
    }
    if let Some(d) = fold::weekday_of(buf) {
        return Some(WEEKDAY | u64::from(d));
    }
    // Folded, so that "Canadá" meets "Canada" and "México" "Mexico".
    t.flags.has(TokenFlags::ENTITY).then(|| unspun_text::hash_bytes(buf.as_bytes()))
}

/// The pieces of a split sentence together hold at most this many times its tokens: a rewrite that
/// splits a sentence adds a subject or a verb to the second half ("..., and said X" -> "... . It said
/// X"), and condensing rewrites merge two sentences into one that is shorter than both together.
const SPLIT_MAX_GROWTH: f32 = 1.5;

/// Pairs of sentences below this similarity are not considered aligned.
pub const ALIGN_THRESHOLD: f32 = 0.45;

/// One aligned sentence pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SentencePair {
    pub a: u32,
    pub b: u32,
    pub similarity: f32,
    /// Mostly inside quotation marks on either side.
    pub quoted: bool,
}

/// The best monotone chain of aligned sentences and what it says about the pair.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SentenceAlignment {
    pub chain: Vec<SentencePair>,
    /// Aligned sentence pairs outside quotations.
    pub unquoted: usize,
    /// Longest run of chain pairs that follow each other with at most one sentence skipped on
    /// either side: the "same structure" signal.
    pub longest_run: usize,
    /// Share of the smaller document's tokens that lie in aligned sentences.
    pub coverage: f32,
    pub mean_similarity: f32,
    /// All sentence pairs above the threshold, in or out of the chain.
    pub matches: usize,
    /// Chain pairs outside quotations that are the same sentence, give or take a word.
    pub identical_unquoted: usize,
    /// Names and numbers the aligned sentences share, over those of the side with fewer: a rewrite
    /// keeps them (about 1), a template or a results table filled in for another company does not.
    pub entity_agreement: f32,
    /// Sentence pairs outside the chain that are each other's best match, at least
    /// `MOVED_MIN_SIMILARITY` alike: paragraphs a copy moved. Evidence only: the structure a
    /// derived text keeps is the chain.
    #[serde(default)]
    pub moved: Vec<SentencePair>,
}

/// Similarity from which a pair of sentences outside the chain, each the other's best match, is a
/// moved passage.
pub const MOVED_MIN_SIMILARITY: f32 = 0.6;

/// Aligned sentences at least this similar are one sentence copied (maybe with a word edited).
pub const IDENTICAL_SIMILARITY: f32 = 0.9;

/// Align two documents sentence by sentence: the heaviest chain of sentence pairs that is monotone in
/// both texts, allowing drops and insertions on either side, and splits and merges (one sentence may
/// pair with consecutive sentences of the other).
pub fn align_sentences(a: &Sentences, b: &Sentences) -> SentenceAlignment {
    let mut cand: Vec<SentencePair> = Vec::new();
    // Only sentence pairs that share enough content words can reach the threshold: find them through
    // an inverted list of `b`'s content words instead of comparing every pair.
    let mut post: HashMap<u64, Vec<u32>> = HashMap::new();
    for (j, w) in b.words.iter().enumerate() {
        for &(h, wt) in w {
            if wt > STOP_WEIGHT {
                post.entry(h).or_default().push(j as u32);
            }
        }
    }
    let mut acc = vec![0f32; b.len()];
    let mut touched: Vec<u32> = Vec::new();
    for i in 0..a.len() {
        for &(h, wt) in &a.words[i] {
            if wt <= STOP_WEIGHT {
                continue;
            }
            if let Some(js) = post.get(&h) {
                for &j in js {
                    if acc[j as usize] == 0.0 {
                        touched.push(j);
                    }
                    acc[j as usize] += wt;
                }
            }
        }
        let mut js: Vec<u32> = std::mem::take(&mut touched);
        js.sort_unstable();
        for j in js {
            let j = j as usize;
            let content = std::mem::take(&mut acc[j]);
            // Stopwords add at most their weight on the side with fewer of them.
            let bound = content + STOP_WEIGHT * a.stops[i].min(b.stops[j]) as f32;
            if bound < ALIGN_THRESHOLD * a.totals[i].min(b.totals[j]) || similarity(a, i, b, j) < ALIGN_THRESHOLD {
                continue;
            }
            let s = ordered_similarity(a, i, b, j);
            if s >= ALIGN_THRESHOLD {
                cand.push(SentencePair { a: i as u32, b: j as u32, similarity: s, quoted: a.quoted[i] || b.quoted[j] });
            }
        }
    }
    let mut out = SentenceAlignment { matches: cand.len(), ..Default::default() };
    if cand.is_empty() {
        return out;
    }
    // Weighted longest chain: O(k^2) over the matches, which are few for any real pair.
    cand.truncate(4000);
    let k = cand.len();
    let mut best = vec![0f32; k];
    let mut prev = vec![usize::MAX; k];
    let len_of = |s: &Sentences, i: u32| s.ranges[i as usize].len();
    for x in 0..k {
        best[x] = cand[x].similarity;
        for y in 0..x {
            let (p, q) = (&cand[y], &cand[x]);
            let ordered = p.a <= q.a && p.b <= q.b && (p.a < q.a || p.b < q.b);
            // A split or merge may reuse a sentence only with an adjacent one on the other side, and
            // only when the two pieces fit in it: the similarity is taken over the smaller sentence, so
            // a short fragment (a cut-off line, a caption) matches every long sentence that mentions its
            // names, and without this bound it chained to a run of them and faked a shared structure.
            // Across languages sentence lengths differ and translators merge freely; a translation is
            // held to being each side's best match instead (see `Engine::scan`).
            let fits = |whole: usize, x: usize, y: usize| a.across || (x + y) as f32 <= SPLIT_MAX_GROWTH * whole as f32;
            let reuse_ok = (p.a < q.a && p.b < q.b)
                || (p.a == q.a && q.b == p.b + 1 && fits(len_of(a, p.a), len_of(b, p.b), len_of(b, q.b)))
                || (p.b == q.b && q.a == p.a + 1 && fits(len_of(b, p.b), len_of(a, p.a), len_of(a, q.a)));
            if ordered && reuse_ok && best[y] + q.similarity > best[x] {
                best[x] = best[y] + q.similarity;
                prev[x] = y;
            }
        }
    }
    let mut end = (0..k).max_by(|&x, &y| best[x].total_cmp(&best[y])).unwrap();
    let mut chain = Vec::new();
    loop {
        chain.push(cand[end]);
        if prev[end] == usize::MAX {
            break;
        }
        end = prev[end];
    }
    chain.reverse();
    let (mut common, mut least) = (0f32, 0f32);
    for p in &chain {
        let (c, m) = entity_overlap(a, p.a as usize, b, p.b as usize);
        common += c;
        least += m;
    }
    out.entity_agreement = if least > 0.0 { common / least } else { 1.0 };
    out.unquoted = chain.iter().filter(|p| !p.quoted).count();
    out.identical_unquoted = chain.iter().filter(|p| !p.quoted && p.similarity >= IDENTICAL_SIMILARITY).count();
    out.mean_similarity = chain.iter().map(|p| p.similarity).sum::<f32>() / chain.len() as f32;
    let mut run = 1;
    out.longest_run = 1;
    for w in chain.windows(2) {
        let (da, db) = (w[1].a as i64 - w[0].a as i64, w[1].b as i64 - w[0].b as i64);
        if da <= 2 && db <= 2 {
            run += 1;
        } else {
            run = 1;
        }
        out.longest_run = out.longest_run.max(run);
    }
    let tok_len = |s: &Sentences, i: u32| {
        let r = &s.ranges[i as usize];
        (r.end - r.start) as usize
    };
    let total = |s: &Sentences| s.ranges.iter().map(|r| (r.end - r.start) as usize).sum::<usize>().max(1);
    let mut ia: Vec<u32> = chain.iter().map(|p| p.a).collect();
    ia.dedup();
    let mut ib: Vec<u32> = chain.iter().map(|p| p.b).collect();
    ib.sort_unstable();
    ib.dedup();
    let cov_a = ia.iter().map(|&i| tok_len(a, i)).sum::<usize>() as f32 / total(a) as f32;
    let cov_b = ib.iter().map(|&j| tok_len(b, j)).sum::<usize>() as f32 / total(b) as f32;
    out.coverage = if total(a) <= total(b) { cov_a } else { cov_b };
    out.moved = moved_pairs(&cand, &chain);
    out.chain = chain;
    out
}

/// The pairs of `cand` outside `chain` where each sentence is the other's best match (so each is in
/// at most one) and they are at least `MOVED_MIN_SIMILARITY` alike, in the order of `a`.
fn moved_pairs(cand: &[SentencePair], chain: &[SentencePair]) -> Vec<SentencePair> {
    if cand.len() <= chain.len() || !cand.iter().any(|p| p.similarity >= MOVED_MIN_SIMILARITY) {
        // Every match is in the chain, or none is alike enough: the common case, without maps.
        return Vec::new();
    }
    let mut best_a: HashMap<u32, (f32, u32)> = HashMap::new();
    let mut best_b: HashMap<u32, (f32, u32)> = HashMap::new();
    for p in cand {
        let ea = best_a.entry(p.a).or_insert((p.similarity, p.b));
        if p.similarity > ea.0 {
            *ea = (p.similarity, p.b);
        }
        let eb = best_b.entry(p.b).or_insert((p.similarity, p.a));
        if p.similarity > eb.0 {
            *eb = (p.similarity, p.a);
        }
    }
    let used_a: HashSet<u32> = chain.iter().map(|p| p.a).collect();
    let used_b: HashSet<u32> = chain.iter().map(|p| p.b).collect();
    let mut moved: Vec<SentencePair> = cand
        .iter()
        .filter(|p| {
            p.similarity >= MOVED_MIN_SIMILARITY
                && !used_a.contains(&p.a)
                && !used_b.contains(&p.b)
                && best_a[&p.a].1 == p.b
                && best_b[&p.b].1 == p.a
        })
        .copied()
        .collect();
    moved.sort_by_key(|p| p.a);
    moved
}

impl SentenceAlignment {
    /// The chain and the moved pairs as passages: runs of adjacent aligned sentences merged, as byte
    /// ranges into each text (through the documents' tokens) with their mean similarity.
    pub fn passages(
        &self,
        a: &Sentences,
        ta: &[Token],
        b: &Sentences,
        tb: &[Token],
    ) -> Vec<(Range<usize>, Range<usize>, f32)> {
        let span = |s: &Sentences, t: &[Token], i: u32| {
            let r = &s.ranges[i as usize];
            t[r.start as usize].start as usize..t[r.end as usize - 1].end() as usize
        };
        // (a range, b range, summed similarity, last a, last b, pairs merged)
        type Open = (Range<usize>, Range<usize>, f32, u32, u32, usize);
        let mut out: Vec<Open> = Vec::new();
        let mut pairs: Vec<&SentencePair> = self.chain.iter().chain(&self.moved).collect();
        pairs.sort_by_key(|p| (p.a, p.b));
        for p in pairs {
            let (ra, rb) = (span(a, ta, p.a), span(b, tb, p.b));
            if let Some(last) = out.last_mut() {
                // Adjacent on both sides and in order: one passage (moved pairs may go back in `b`).
                if p.a <= last.3 + 1 && p.b <= last.4 + 1 && p.a >= last.3 && p.b >= last.4 {
                    last.0.end = last.0.end.max(ra.end);
                    last.1.end = last.1.end.max(rb.end);
                    last.2 += p.similarity;
                    last.3 = p.a;
                    last.4 = p.b;
                    last.5 += 1;
                    continue;
                }
            }
            out.push((ra, rb, p.similarity, p.a, p.b, 1));
        }
        out.into_iter().map(|(ra, rb, s, _, _, n)| (ra, rb, s / n as f32)).collect()
    }
}

/// A word a spinner swaps for a synonym: not a function word, a name or a number.
fn is_content(t: &Token) -> bool {
    !t.flags.has(TokenFlags::STOP) && !t.flags.has(TokenFlags::DIGIT) && !t.flags.has(TokenFlags::CAPITAL) && t.len > 1
}

/// Two spellings of one word rather than two words: the same first four letters ("colour",
/// "color"; "subsidiary", "subsidiaries"), or the shorter an abbreviation of the longer, its letters
/// in order from the same first one ("mln", "million"; "pct", "percent"). House style makes these.
fn variants(x: &str, y: &str) -> bool {
    if x.chars().take(4).eq(y.chars().take(4)) {
        return true;
    }
    let (short, long) = if x.chars().count() <= y.chars().count() { (x, y) } else { (y, x) };
    let mut rest = long.chars();
    short.chars().next() == long.chars().next() && short.chars().all(|c| rest.any(|d| d == c))
}

/// Sentences longer than this (tokens) are not diffed word by word: the table would be large, and
/// news sentences are far shorter.
const MAX_SWAP_TOKENS: usize = 160;

/// Positions of the words of `x` and `y` that a longest common subsequence of their hashes pairs,
/// into `out`; `table` is scratch space. The common start and end are paired first and the table
/// built for what lies between only: aligned sentences of a copy differ in a word or two, if at all.
fn common_words(x: &[Token], y: &[Token], table: &mut Vec<u16>, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let head = x.iter().zip(y).take_while(|(a, b)| a.hash == b.hash).count();
    let tail = x[head..].iter().rev().zip(y[head..].iter().rev()).take_while(|(a, b)| a.hash == b.hash).count();
    out.extend((0..head).map(|i| (i, i)));
    let (x_mid, y_mid) = (&x[head..x.len() - tail], &y[head..y.len() - tail]);
    if !x_mid.is_empty() && !y_mid.is_empty() {
        let w = y_mid.len() + 1;
        table.clear();
        table.resize((x_mid.len() + 1) * w, 0);
        let t = &mut *table;
        for i in (0..x_mid.len()).rev() {
            for j in (0..y_mid.len()).rev() {
                t[i * w + j] = if x_mid[i].hash == y_mid[j].hash {
                    t[(i + 1) * w + j + 1] + 1
                } else {
                    t[(i + 1) * w + j].max(t[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < x_mid.len() && j < y_mid.len() {
            if x_mid[i].hash == y_mid[j].hash {
                out.push((head + i, head + j));
                i += 1;
                j += 1;
            } else if t[(i + 1) * w + j] >= t[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    out.extend((0..tail).map(|k| (x.len() - tail + k, y.len() - tail + k)));
}

/// A word swapped for another in place: its byte spans in the first and the second text.
pub type Swap = (Range<usize>, Range<usize>);

/// One side of an alignment as text: its sentences, the tokens their ranges point into, the text.
#[derive(Clone, Copy)]
pub struct AlignedText<'a> {
    pub sentences: &'a Sentences,
    pub tokens: &'a [Token],
    pub text: &'a str,
}

/// The words swapped in place along an alignment ([`SentenceAlignment::swaps`]).
#[derive(Debug, Clone, Default)]
pub struct Swaps {
    /// Distinct swaps, in text order, each at its first occurrence (what a spinner changed:
    /// "said" for "claimed").
    pub words: Vec<Swap>,
    /// The content words they were counted over.
    pub content_words: usize,
}

impl Swaps {
    /// Distinct swaps over content words.
    pub fn rate(&self) -> f32 {
        self.words.len() as f32 / self.content_words.max(1) as f32
    }
}

impl SentenceAlignment {
    /// The words swapped for others in place, as a spinner does: distinct (word, replacement) pairs
    /// of content words ([`is_content`]) that stand where the other sentence has a different word
    /// between the same neighbours, counted over the content words of the shorter sentence of each
    /// aligned pair outside quotations (pairs with fewer than four are passed over). A syndicated
    /// copy edits a word here and there, and house style replaces one word everywhere (counted once);
    /// a spin swaps a tenth to a half of them all through the text ([`Swaps::rate`]). Spellings of
    /// one word ([`variants`]) and words that moved within the sentence are not swaps.
    pub fn swaps(&self, a: AlignedText<'_>, b: AlignedText<'_>) -> Swaps {
        let (
            AlignedText { sentences: a, tokens: ta, text: text_a },
            AlignedText { sentences: b, tokens: tb, text: text_b },
        ) = (a, b);
        let mut seen: HashSet<(u64, u64)> = HashSet::new();
        let mut swaps = Vec::new();
        let mut content = 0usize;
        let (mut table, mut common) = (Vec::new(), Vec::new());
        for p in self.chain.iter().filter(|p| !p.quoted) {
            let (ra, rb) = (&a.ranges[p.a as usize], &b.ranges[p.b as usize]);
            let (xa, xb) = (&ta[ra.start as usize..ra.end as usize], &tb[rb.start as usize..rb.end as usize]);
            if xa.len() > MAX_SWAP_TOKENS || xb.len() > MAX_SWAP_TOKENS {
                continue;
            }
            let n = (if xa.len() <= xb.len() { xa } else { xb }).iter().filter(|t| is_content(t)).count();
            if n < 4 {
                continue;
            }
            content += n;
            common_words(xa, xb, &mut table, &mut common);
            let has = |x: &[Token], h: u64| x.iter().any(|t| t.hash == h);
            // Each gap between common words (and before the first, after the last) with as many
            // words on both sides: the words in it were replaced one for one.
            let ends = std::iter::once((usize::MAX, usize::MAX))
                .chain(common.iter().copied())
                .zip(common.iter().copied().chain(std::iter::once((xa.len(), xb.len()))));
            for ((i0, j0), (i1, j1)) in ends {
                let (i0, j0) = (i0.wrapping_add(1), j0.wrapping_add(1));
                let k = i1 - i0;
                if k == 0 || k > 3 || j1 - j0 != k {
                    continue;
                }
                for (u, v) in xa[i0..i1].iter().zip(&xb[j0..j1]) {
                    if !is_content(u) || !is_content(v) || has(xb, u.hash) || has(xa, v.hash) {
                        continue;
                    }
                    let (wu, wv) = (text_a[u.span()].to_lowercase(), text_b[v.span()].to_lowercase());
                    if !variants(&wu, &wv) && seen.insert((u.hash, v.hash)) {
                        swaps.push((u.span(), v.span()));
                    }
                }
            }
        }
        Swaps { words: swaps, content_words: content }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Sentences {
        let tokens = unspun_text::tokenize(text);
        Sentences::new(&tokens, &unspun_text::sentences(text, 0..text.len()))
    }

    const SOURCE: &str = "Moscow-based cyber security firm Kaspersky Lab said this week it is considering changes to its unit that sells products to the U.S. government. The U.S. Senate this week is voting on a defense spending bill that includes language that would bar Kaspersky Lab products from being used by U.S. government agencies. Kaspersky has repeatedly denied that it has ties to any government and said it would not help any government with cyber espionage. Best Buy Co, the top U.S. electronics retailer, last week said it was pulling Kaspersky Lab cyber security products from its shelves and website.";
    const SPUN: &str = "Moscow-located cyber security company Kaspersky Lab claimed this week that it is thinking making alterations to its arm that trades goods to the U.S. government. The U.S. Senate this week is voting on a defense rule investing bill that composes language that might bar Kaspersky Lab goods from being utilized by U.S. government agencies. Kaspersky has frequently denied that it has relations to any government and claimed it might not assist any government with cyber spying. Best Buy Co, the top electronics retailer in the U.S., last week claimed that it was pulling cyber security products of Kaspersky Lab from its website and shelves.";
    const INDEPENDENT: &str = "Kaspersky Lab may close its Washington office, according to a report in The Bell. Government agencies are among the biggest buyers of security tools. The retailer Best Buy stopped selling Kaspersky antivirus software last week. The company plans new offices in Chicago, Toronto and Los Angeles.";

    fn across(text: &str) -> Sentences {
        let tokens = unspun_text::tokenize(text);
        Sentences::across(text, &tokens, &Sentences::new(&tokens, &unspun_text::sentences(text, 0..text.len())))
    }

    #[test]
    fn a_translation_aligns_by_names_numbers_and_dates() {
        let en = "Equifax discovered the hack on July 29 and waited until Thursday to tell Canada. \
                  The company hired Mandiant, a security firm, which found 209,000 card numbers stolen.";
        let es = "Equifax descubrió el hackeo el 29 de julio y esperó hasta el jueves para avisar a Canadá. \
                  La compañía contrató a Mandiant, una firma de seguridad, que halló 209.000 números de tarjetas robados.";
        let al = align_sentences(&across(es), &across(en));
        assert_eq!(al.chain.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(), vec![(0, 0), (1, 1)], "{al:?}");
        // The month, the weekday and the accented name each count: four of the five terms of the
        // first sentence meet in order ("29 de julio" and "July 29" put the two the other way).
        assert_eq!(al.chain[0].similarity, 0.8);
        // Word for word, the two share only the names and numbers, and they are split among more words.
        let words = align_sentences(&sents(es), &sents(en));
        assert!(words.chain.len() < 2 || words.mean_similarity < al.mean_similarity, "{words:?}");
    }

    #[test]
    fn a_spin_aligns_sentence_by_sentence() {
        let al = align_sentences(&sents(SOURCE), &sents(SPUN));
        assert_eq!(al.chain.len(), 4, "{al:?}");
        assert_eq!(al.longest_run, 4);
        assert!(al.coverage > 0.9);
    }

    #[test]
    fn passages_cover_the_aligned_sentences_in_both_texts() {
        let (ta, tb) = (unspun_text::tokenize(SOURCE), unspun_text::tokenize(SPUN));
        let (sa, sb) = (sents(SOURCE), sents(SPUN));
        let al = align_sentences(&sa, &sb);
        let ps = al.passages(&sa, &ta, &sb, &tb);
        assert_eq!(ps.len(), 1, "four adjacent sentences make one passage");
        assert!(SOURCE[ps[0].0.clone()].starts_with("Moscow-based") && SOURCE[ps[0].0.clone()].ends_with("website"));
        assert!(SPUN[ps[0].1.clone()].starts_with("Moscow-located") && SPUN[ps[0].1.clone()].ends_with("shelves"));
    }

    #[test]
    fn a_moved_sentence_is_evidence_outside_the_chain() {
        // The spin with its last sentence moved to the front.
        let cut = SPUN.find("Best Buy").unwrap();
        let moved = format!("{} {}", &SPUN[cut..], SPUN[..cut].trim_end());
        let (ta, tb) = (unspun_text::tokenize(SOURCE), unspun_text::tokenize(&moved));
        let (sa, sb) = (sents(SOURCE), sents(&moved));
        let al = align_sentences(&sa, &sb);
        assert_eq!(al.chain.len(), 3, "{al:?}");
        assert_eq!(al.moved.len(), 1, "{al:?}");
        assert_eq!((al.moved[0].a, al.moved[0].b), (3, 0));
        let ps = al.passages(&sa, &ta, &sb, &tb);
        assert_eq!(ps.len(), 2, "the run in order and the moved sentence: {ps:?}");
        assert!(SOURCE[ps[1].0.clone()].starts_with("Best Buy") && moved[ps[1].1.clone()].starts_with("Best Buy"));
        // In order, nothing is moved; unrelated text has nothing to move.
        assert!(align_sentences(&sents(SOURCE), &sents(SPUN)).moved.is_empty());
        assert!(align_sentences(&sents(SOURCE), &sents(INDEPENDENT)).moved.is_empty());
    }

    #[test]
    fn independent_coverage_does_not() {
        let al = align_sentences(&sents(SOURCE), &sents(INDEPENDENT));
        assert!(al.chain.len() <= 1, "{al:?}");
    }

    #[test]
    fn a_fragment_does_not_merge_with_a_run_of_long_sentences() {
        // A cut-off line that names what every sentence of the other text names: it may align with one
        // of them, not stand for all of them.
        let long = "Western Digital filed a request for arbitration with the international court in May to block the sale of the memory unit. Western Digital said the legal process is likely to take more than two years before the court rules on the sale. Western Digital believes a temporary order preventing the sale of the unit could be issued early next year.";
        let fragment = "Shares rose. Western Digital position in the sale of the unit was not clear.";
        let al = align_sentences(&sents(long), &sents(fragment));
        assert!(al.chain.len() <= 1, "{al:?}");
    }

    #[test]
    fn a_split_sentence_aligns_to_both_halves() {
        let merged = "Kaspersky has repeatedly denied that it has ties to any government and said it would not help any government with cyber espionage.";
        let split = "Kaspersky has repeatedly denied that it has ties to any government. It said it would not help any government with cyber espionage.";
        let al = align_sentences(&sents(merged), &sents(split));
        assert_eq!(al.chain.len(), 2, "{al:?}");
    }

    /// The swaps of `y` against `x`, as the words on each side.
    fn swapped<'a>(x: &'a str, y: &'a str) -> (f32, Vec<(&'a str, &'a str)>) {
        let (tx, ty) = (unspun_text::tokenize(x), unspun_text::tokenize(y));
        let (sx, sy) = (sents(x), sents(y));
        let side = |sentences, tokens, text| AlignedText { sentences, tokens, text };
        let s = align_sentences(&sx, &sy).swaps(side(&sx, &tx, x), side(&sy, &ty, y));
        (s.rate(), s.words.into_iter().map(|(a, b)| (&x[a], &y[b])).collect())
    }

    fn swaps(x: &str, y: &str) -> f32 {
        swapped(x, y).0
    }

    #[test]
    fn a_spin_swaps_words_in_place_and_a_copy_does_not() {
        assert!(swaps(SOURCE, SPUN) >= 0.1, "{}", swaps(SOURCE, SPUN));
        let words = swapped(SOURCE, SPUN).1;
        assert!(words.contains(&("said", "claimed")) && words.contains(&("espionage", "spying")), "{words:?}");
        assert_eq!(swaps(SOURCE, SOURCE), 0.0);
        // House style and spelling are not swaps; nor is a clause moved within its sentence.
        let edited = SOURCE
            .replace("changes to its unit", "changes to its units")
            .replace("top U.S. electronics retailer, last week", "top U.S. electronics retailer, last wk");
        assert_eq!(swaps(SOURCE, &edited), 0.0);
        let moved = SOURCE.replace(
            "Best Buy Co, the top U.S. electronics retailer, last week said",
            "Last week Best Buy Co, the top U.S. electronics retailer, said",
        );
        assert_eq!(swaps(SOURCE, &moved), 0.0);
    }

    #[test]
    fn one_word_replaced_everywhere_counts_once() {
        let a = "The board said profits rose sharply in the quarter after strong sales abroad. \
                 The board said costs rose sharply as well, despite cuts announced in spring.";
        let b = a.replace("rose", "climbed");
        let once = swaps(a, &b);
        let c = b.replace("sharply", "steeply");
        assert!(once > 0.0 && swaps(a, &c) > 1.9 * once, "{once} {}", swaps(a, &c));
    }

    proptest::proptest! {
        #[test]
        fn common_words_are_a_longest_common_subsequence(
            x in proptest::collection::vec(0u64..6, 0..24),
            y in proptest::collection::vec(0u64..6, 0..24),
        ) {
            let tok = |h: &u64| Token { hash: *h, start: 0, len: 1, flags: TokenFlags(0) };
            let (tx, ty): (Vec<Token>, Vec<Token>) = (x.iter().map(tok).collect(), y.iter().map(tok).collect());
            let mut out = Vec::new();
            common_words(&tx, &ty, &mut Vec::new(), &mut out);
            // Pairs of equal words, increasing on both sides, as many as the plain table's length.
            proptest::prop_assert!(out.iter().all(|&(i, j)| x[i] == y[j]));
            proptest::prop_assert!(out.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
            let mut t = vec![vec![0usize; y.len() + 1]; x.len() + 1];
            for i in 0..x.len() {
                for j in 0..y.len() {
                    t[i + 1][j + 1] = if x[i] == y[j] { t[i][j] + 1 } else { t[i][j + 1].max(t[i + 1][j]) };
                }
            }
            proptest::prop_assert_eq!(out.len(), t[x.len()][y.len()]);
        }
    }

    #[test]
    fn variants_are_spellings_and_abbreviations() {
        assert!(variants("colour", "color"));
        assert!(variants("mln", "million"));
        assert!(variants("pct", "percent"));
        assert!(!variants("said", "claimed"));
        assert!(!variants("allegations", "blames"));
    }
}
