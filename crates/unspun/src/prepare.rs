use crate::config::Config;
use std::ops::Range;
use unspun_align::{DocView, Sentences};
use unspun_cluster::{parse_date, wire_evidence, DateKey};
use unspun_fingerprint::{entity_shingles, shingles, skeleton_shingles, winnow, LshParams, MinHasher};
use unspun_text::{hash_bytes, tokenize_range, Token};

/// Everything derived from one document that candidate search and verification need. Derived only
/// from the text and the kept spans, so an indexed document re-derives identically later.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Kept article spans, byte ranges into the text as given.
    pub spans: Vec<(u32, u32)>,
    pub tokens: Vec<Token>,
    pub shingles: Vec<u64>,
    /// `shingles` sorted and deduplicated.
    pub sorted: Vec<u64>,
    pub signature: Vec<u32>,
    pub band_keys: Vec<u64>,
    /// Winnowed anchors: exact-word shingles, then rewrite-robust skeleton shingles (salted apart).
    pub anchors: Vec<u64>,
    /// Pairs of consecutive names and numbers, the candidates for translations (weaker evidence, so
    /// counted apart from `anchors`).
    pub entity_anchors: Vec<u64>,
    pub sentences: Sentences,
    /// Names and numbers by sentence, for aligning translations.
    pub entities: Sentences,
    /// ISO 639-1 code (639-3 where there is none) given with the document or detected.
    pub lang: Option<String>,
    pub content_hash: u64,
    pub wire: u8,
    pub date: Option<DateKey>,
}

impl Prepared {
    pub fn view(&self, n: usize) -> DocView<'_> {
        DocView { tokens: &self.tokens, shingles: &self.shingles, sorted: &self.sorted, n }
    }

    /// No words survived cleaning: nothing to compare.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Skeleton n-gram length: long enough to be specific, short enough that a phrase rewrite (`the U.S.
/// government` -> `the government of the U.S.`) leaves most of them intact.
const SKELETON_N: usize = 6;
const SKELETON_WINDOW: usize = 6;
/// Names and numbers a shingle: two in a row ("Jeff Bezos", "Equifax 143") are specific to a story
/// and survive translation; common pairs are cut off by the posting-list cap.
const ENTITY_N: usize = 2;

/// Language of the article text (whatlang), when the detector is confident.
fn detect_lang(text: &str, spans: &[Range<usize>]) -> Option<String> {
    let mut sample = String::new();
    for s in spans {
        if sample.len() > 2000 {
            break;
        }
        sample.push_str(&text[s.clone()]);
        sample.push('\n');
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    let two = match code {
        "eng" => "en",
        "spa" => "es",
        "por" => "pt",
        "fra" => "fr",
        "deu" => "de",
        "ita" => "it",
        "nld" => "nl",
        "swe" => "sv",
        "rus" => "ru",
        "pol" => "pl",
        "tur" => "tr",
        "ara" => "ar",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "ind" => "id",
        "dan" => "da",
        "nob" => "no",
        "fin" => "fi",
        "ukr" => "uk",
        other => other,
    };
    Some(two.to_string())
}

/// Derive a document's signatures from its text and the article spans to keep.
pub fn prepare(
    text: &str,
    spans: &[Range<usize>],
    date: Option<&str>,
    lang: Option<&str>,
    cfg: &Config,
    hasher: &MinHasher,
) -> Prepared {
    let p = &cfg.fingerprint;
    let mut tokens = Vec::with_capacity(text.len() / 6);
    for s in spans {
        tokenize_range(text, s.clone(), &mut tokens);
    }
    let hashes: Vec<u64> = tokens.iter().map(|t| t.hash).collect();
    let sh = shingles(&hashes, p.shingle);
    let mut sorted = sh.clone();
    sorted.sort_unstable();
    sorted.dedup();
    // Every entity pair, not a winnowed sample: across languages the name sequence is noisy
    // (sentence-initial words, number formats), so a long shared run cannot be relied on.
    let mut entity_anchors = entity_shingles(&tokens, ENTITY_N);
    entity_anchors.sort_unstable();
    entity_anchors.dedup();
    let (signature, band_keys, anchors) = if sorted.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let sig = hasher.sign(&sorted);
        let bands = LshParams { bands: p.bands, rows: p.rows }.band_keys(&sig);
        let mut anchors: Vec<u64> = winnow(&sh, p.window).into_iter().map(|(h, _)| h).collect();
        let skel = skeleton_shingles(&tokens, SKELETON_N, 1);
        anchors.extend(winnow(&skel, SKELETON_WINDOW).into_iter().map(|(h, _)| h));

        anchors.sort_unstable();
        anchors.dedup();
        (sig, bands, anchors)
    };
    // The dateline sits at the start of the article, not of the page: look past the furniture.
    let mut head = String::new();
    for s in spans {
        if head.len() >= 600 {
            break;
        }
        head.push_str(&text[s.clone()]);
        head.push('\n');
    }
    let mut sent_spans = Vec::new();
    for s in spans {
        sent_spans.extend(unspun_text::sentences(text, s.clone()));
    }
    let sentences = Sentences::new(&tokens, &sent_spans);
    let entities = Sentences::entities(&tokens, &sent_spans);
    let lang = lang.map(str::to_string).or_else(|| detect_lang(text, spans));
    Prepared {
        sentences,
        entities,
        lang,
        spans: spans.iter().map(|s| (s.start as u32, s.end as u32)).collect(),
        tokens,
        shingles: sh,
        sorted,
        signature,
        band_keys,
        anchors,
        entity_anchors,
        content_hash: hash_bytes(text.as_bytes()),
        wire: wire_evidence(&head),
        date: date.and_then(parse_date),
    }
}
