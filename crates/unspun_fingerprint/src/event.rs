//! Event terms: what two reports of one event share when they share no text.
//!
//! Independent coverage of one event names the same actors, places and figures and uses the same key
//! phrases ("licence", "fit and proper"), each outlet in its own sentences. A document's event terms
//! are its names and numbers (which also survive translation), its content-word stems and its pairs
//! of consecutive content words, each with a weight; corpus statistics (IDF) are applied later, by
//! whoever holds the corpus, so the terms of a document depend on that document alone.

use unspun_text::fold::{fold_into, month_of};
use unspun_text::{Token, TokenFlags};

/// Kind of a term; the weight says how much it tells about the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// A capitalised word or a number: the actors, places and figures of the event.
    Entity,
    /// The stem of a content word.
    Word,
    /// Two consecutive content words ("chief executive", "fit proper"): the event's key phrases,
    /// far rarer across events than either word alone.
    Pair,
}

impl TermKind {
    pub fn weight(self) -> f32 {
        match self {
            TermKind::Entity => 2.0,
            TermKind::Word | TermKind::Pair => 1.0,
        }
    }
}

/// The top bit of a [`Term`] marks a word pair. Pairs are nearly all rare, so their document
/// frequency is not counted (a table of them would grow by a few hundred rows a document): they
/// weigh as terms seen once.
pub const PAIR_BIT: Term = 1 << 31;

pub fn is_pair(t: Term) -> bool {
    t & PAIR_BIT != 0
}

/// Characters of a content word kept as its stem: crude, language-blind and cheap; it folds most
/// inflections ("licence", "licences", "licensed" share `licens`/`licenc` only partly, which is fine:
/// the pair terms carry the phrase).
const STEM_CHARS: usize = 6;
const MIN_WORD_CHARS: usize = 3;
const NUMBER_SALT: u64 = 0x4576_656e_744e_756d;
const PAIR_SALT: u64 = 0x4576_656e_7450_6169;
/// News puts the event in the headline and the lead; background paragraphs further down recap
/// earlier events (a follow-up retells the story it follows), so the first words weigh more. Twice
/// rather than 1.5 times: story B3 F1 on newsreuse-dev 0.874 -> 0.892 and on WikiRef220's events
/// 0.794 -> 0.809 at the same threshold and precision.
const LEAD_TOKENS: usize = 100;
const LEAD_WEIGHT: f32 = 2.0;
/// Figures ("143 million", "$1.1 billion", "238 proposals") are the most event-specific names of
/// all: on top of the name weight.
const NUMBER_WEIGHT: f32 = 2.0;

/// An event term: 32 bits are plenty, a collision only blurs one document's weight a little, and
/// the index keeps a few hundred of them a document.
pub type Term = u32;

/// Weights are kept in sixteenths so that what the index stores (one byte) and what a scan computes
/// are the same numbers.
pub fn quantize_weight(w: f32) -> u8 {
    (w * 16.0).round().clamp(1.0, 255.0) as u8
}

pub fn dequantize_weight(q: u8) -> f32 {
    q as f32 / 16.0
}

/// Most terms kept a document, heaviest first: a long page's tail of once-used words adds cost and
/// little evidence.
pub const MAX_EVENT_TERMS: usize = 384;

/// A document's event terms, and which of them are names or numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventTerms {
    /// (term, weight), sorted by term, each term once.
    pub terms: Vec<(Term, f32)>,
    /// The terms (sorted) seen as a name, a number or a month somewhere in the document: what two
    /// reports in two languages can share, so what a comparison across languages looks at.
    pub names: Vec<Term>,
}

impl EventTerms {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

const MONTH_SALT: u64 = 0x4576_656e_744d_6f6e;

/// The event terms of the tokens of one document (from `text`), each term once, with its weight:
/// `kind weight * position weight * (1 + ln tf)` (the largest kind and position weight of the
/// term's occurrences), quantized.
pub fn event_terms(text: &str, tokens: &[Token]) -> EventTerms {
    let mut raw: Vec<(u64, f32, u8)> = Vec::with_capacity(tokens.len() * 2);
    const NAME: u8 = 1;
    const PAIR: u8 = 2;
    let mut prev_stem: Option<u64> = None;
    let mut buf = String::new();
    for (pos, t) in tokens.iter().enumerate() {
        let boost = if pos < LEAD_TOKENS { LEAD_WEIGHT } else { 1.0 };
        // Function words of any common language: in a Spanish text "las", "para", "sobre" are no
        // evidence, and as terms of few documents they would weigh as rare ones.
        if t.flags.has(TokenFlags::STOP) || unspun_text::words::is_function_word_any(t.hash) {
            continue;
        }
        let word = &text[t.start as usize..t.end() as usize];
        let is_number = t.flags.has(TokenFlags::DIGIT);
        let capitalised = t.flags.has(TokenFlags::CAPITAL);
        let is_name = t.flags.has(TokenFlags::ENTITY) && !is_number;
        if !is_number && word.chars().count() < MIN_WORD_CHARS {
            continue;
        }
        // Possessives and apostrophes fold away; lower case so a name at the start of a headline in
        // capitals matches the same name in a sentence.
        fold_into(word, is_number, &mut buf);
        let month = if is_number { None } else { month_of(&buf, capitalised) };
        // Names are stemmed like words: a capitalised word may only open a sentence ("Regulators
        // refused"), and the same stem in lower case elsewhere must meet it.
        let stem_end = buf.char_indices().nth(STEM_CHARS).map_or(buf.len(), |(i, _)| i);
        let stem = match month {
            Some(m) => crate::mix(MONTH_SALT ^ u64::from(m)),
            None => unspun_text::hash_bytes(&buf.as_bytes()[..if is_number { buf.len() } else { stem_end }]),
        };
        let named = is_name || is_number || month.is_some();
        let kind = if named { TermKind::Entity } else { TermKind::Word };
        let nb = if is_number { NUMBER_WEIGHT } else { 1.0 };
        raw.push((if is_number { stem ^ NUMBER_SALT } else { stem }, kind.weight() * boost * nb, u8::from(named)));
        if let Some(p) = prev_stem {
            raw.push((crate::mix(p.rotate_left(17) ^ stem) ^ PAIR_SALT, TermKind::Pair.weight() * boost, PAIR));
        }
        prev_stem = Some(stem);
    }
    raw.sort_unstable_by_key(|r| r.0);
    let mut out: Vec<(Term, f32, bool)> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let mut j = i;
        while j < raw.len() && raw[j].0 == raw[i].0 {
            j += 1;
        }
        let tf = (j - i) as f32;
        // A stem seen capitalised anywhere counts as a name.
        let w = raw[i..j].iter().map(|r| r.1).fold(0.0, f32::max);
        let named = raw[i..j].iter().any(|r| r.2 & NAME != 0);
        let (h, pair) = (raw[i].0, raw[i].2 & PAIR != 0);
        let t = ((h ^ (h >> 32)) as Term & !PAIR_BIT) | if pair { PAIR_BIT } else { 0 };
        out.push((t, dequantize_weight(quantize_weight(w * (1.0 + tf.ln()))), named));
        i = j;
    }
    if out.len() > MAX_EVENT_TERMS {
        let pairs: Vec<(Term, f32)> = out.iter().map(|x| (x.0, x.1)).collect();
        let keep = heaviest(&pairs, MAX_EVENT_TERMS);
        out.retain(|t| keep.binary_search(&t.0).is_ok());
    }
    out.sort_unstable_by_key(|t| t.0);
    // Two 64-bit terms folded to one 32-bit term: keep the heavier.
    out.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 = a.1.max(b.1);
            a.2 |= b.2;
            true
        } else {
            false
        }
    });
    EventTerms {
        names: out.iter().filter(|x| x.2).map(|x| x.0).collect(),
        terms: out.into_iter().map(|x| (x.0, x.1)).collect(),
    }
}

/// The `k` heaviest terms, ties by term, sorted by term.
fn heaviest(terms: &[(Term, f32)], k: usize) -> Vec<Term> {
    let mut by_weight: Vec<&(Term, f32)> = terms.iter().collect();
    by_weight.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<Term> = by_weight.into_iter().take(k).map(|t| t.0).collect();
    out.sort_unstable();
    out
}

/// The `k` terms a document is found by: heaviest first (names and repeated words), ties by term
/// so the choice depends on the document alone, never on the corpus or the order of a scan.
pub fn posting_terms(terms: &[(Term, f32)], k: usize) -> Vec<Term> {
    heaviest(terms, k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspun_text::tokenize;

    fn terms(s: &str) -> Vec<(Term, f32)> {
        event_terms(s, &tokenize(s)).terms
    }

    fn shared(a: &[(Term, f32)], b: &[(Term, f32)]) -> usize {
        a.iter().filter(|x| b.binary_search_by_key(&x.0, |y| y.0).is_ok()).count()
    }

    #[test]
    fn names_and_numbers_weigh_more_than_words() {
        let t = terms("Regulators in London refused the licence of Uber on Friday, affecting 40,000 drivers.");
        let weights: std::collections::BTreeSet<u32> = t.iter().map(|x| (x.1 * 10.0) as u32).collect();
        // All in the lead (x2): the figure 2 x 2, names 2, words and pairs 1.
        assert_eq!(weights.into_iter().collect::<Vec<_>>(), vec![20, 40, 80]);
        // Each term once, sorted.
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        // Word pairs are marked: "Regulators London", "London refused", ...
        assert!(t.iter().filter(|x| is_pair(x.0)).count() >= 5);
        assert!(t.iter().any(|x| !is_pair(x.0)));
    }

    #[test]
    fn two_reports_of_one_event_share_more_than_reports_of_two_events() {
        let a = terms(
            "London's transport regulator refused to renew Uber's licence, saying the firm was not fit and proper.",
        );
        let b = terms("Uber will lose its licence to operate in London after the transport regulator found it not fit and proper.");
        let c = terms("Apple unveiled a new iPhone with a larger screen at its headquarters in Cupertino on Tuesday.");
        assert!(shared(&a, &b) >= 6, "{}", shared(&a, &b));
        assert!(shared(&a, &c) <= 1, "{}", shared(&a, &c));
    }

    fn names(s: &str) -> Vec<Term> {
        event_terms(s, &tokenize(s)).names
    }

    #[test]
    fn months_accents_and_foreign_function_words_meet_across_languages() {
        // The same month in three languages (lower case where the language writes it so) is one
        // term, and a name term.
        let en = names("Equifax said on Sept. 7 that hackers took data");
        let es = names("Equifax informó el 7 de septiembre que piratas robaron datos");
        let pt = names("A Equifax disse em 7 de setembro que hackers roubaram dados");
        let shared = |a: &[Term], b: &[Term]| a.iter().filter(|t| b.contains(t)).count();
        // Equifax, 7 and the month.
        assert_eq!(shared(&en, &es), 3, "{en:?} {es:?}");
        assert_eq!(shared(&es, &pt), 3);
        // An English month is a month only capitalised: "march" is a word too.
        assert!(names("protesters march on the capital").is_empty());
        assert_eq!(
            names("in March"),
            names("el 3 de marzo").into_iter().filter(|t| names("3").binary_search(t).is_err()).collect::<Vec<_>>()
        );
        // Accents fold: "Méndez" is "Mendez", "información" meets "informacion".
        assert_eq!(terms("Méndez información"), terms("Mendez informacion"));
        // Function words of other languages are no terms, capitalised or not.
        assert!(terms("Las para sobre los pela dans").is_empty());
    }

    #[test]
    fn names_are_the_capitalised_words_and_numbers() {
        let text = "Uber lost its licence in London";
        let e = event_terms(text, &tokenize(text));
        // Uber and London (the stems "lost", "licenc" and the pairs are not names).
        assert_eq!(e.names.len(), 2);
        assert!(e.names.iter().all(|n| e.terms.binary_search_by_key(n, |t| t.0).is_ok()));
        assert!(e.names.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stems_fold_inflections_and_case() {
        let a = terms("Regulators REFUSED licences");
        let b = terms("the regulator refuses a licence");
        assert!(shared(&a, &b) >= 2, "{}", shared(&a, &b));
    }

    #[test]
    fn posting_terms_do_not_depend_on_input_order_of_equal_weights() {
        let t = terms("Equifax Equifax breach hackers Atlanta 143 million consumers Social Security numbers");
        let p = posting_terms(&t, 4);
        assert_eq!(p.len(), 4);
        let mut rev = t.clone();
        rev.reverse();
        assert_eq!(posting_terms(&rev, 4), p);
        // The repeated name is among them.
        let eq = terms("Equifax Equifax");
        assert!(p.contains(&eq.iter().find(|x| x.1 > 2.0).unwrap().0));
    }
}
