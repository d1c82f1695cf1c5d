use crate::config::Config;
use std::ops::Range;
use unspun_align::{DocView, Sentences, ShingleSet};
use unspun_cluster::{house_credit, parse_date, wire_evidence_in, DateKey};
use unspun_fingerprint::{entity_shingles, shingles_into, skeleton_shingles, winnow_hashes, LshParams, MinHasher};
use unspun_text::{hash_bytes, token_hashes_range, tokenize_range, Token};

/// Everything derived from one document that candidate search and verification need. Derived only
/// from the text and the kept spans, so an indexed document re-derives identically later.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Kept article spans, byte ranges into the text as given.
    pub spans: Vec<(u32, u32)>,
    /// Number of tokens. The tokens and word shingles themselves are not kept: verification builds
    /// them again for the documents of candidate pairs only ([`Shingled`]). A batch holding every
    /// document's tokens touched three times the memory of its text, and fresh pages cost about as
    /// much as tokenising them again for the quarter of documents that meet a candidate.
    pub n_tokens: u32,
    pub band_keys: Vec<u64>,
    /// Winnowed anchors: exact-word shingles, then rewrite-robust skeleton shingles (salted apart).
    pub anchors: Vec<u64>,
    /// Pairs of consecutive names and numbers, the candidates for translations (weaker evidence, so
    /// counted apart from `anchors`).
    pub entity_anchors: Vec<u64>,
    /// The sentences; `None` when alignment is off. Boxed: a near-duplicate-only scan holds a batch
    /// of documents without them, and an empty `Sentences` would double the size of each. The terms
    /// that align a translation ([`Sentences::across`]) are derived at verification, for the few
    /// pairs in two languages.
    align: Option<Box<Sentences>>,
    /// ISO 639-1 code (639-3 where there is none) given with the document or detected.
    pub lang: Option<String>,
    pub content_hash: u64,
    /// Wire credit, 0-3 (see `unspun_cluster::wire_evidence_in`).
    pub wire: u8,
    /// The article says it is a breaking story's first version (`unspun_cluster::first_version`).
    pub first_version: bool,
    pub date: Option<DateKey>,
    /// Event terms with their weights before corpus statistics (story grouping).
    pub event: unspun_fingerprint::EventTerms,
}

impl Prepared {
    /// What the aligner compares: the tokens and shingles of [`Shingled::of`] this document.
    pub fn view<'a>(&'a self, sh: &'a Shingled) -> DocView<'a> {
        DocView { tokens: &sh.tokens, shingles: &sh.shingles, set: &sh.set, n: sh.n }
    }

    /// The sentences (empty when alignment is off).
    pub fn sentences(&self) -> &Sentences {
        self.align.as_deref().unwrap_or_else(|| empty_sentences())
    }

    /// The sentences as the terms that align a translation ([`Sentences::across`]), from this
    /// document's `text` and its tokens in `sh` (the tokens the sentences index).
    pub fn across(&self, text: &str, sh: &Shingled) -> Sentences {
        Sentences::across(text, &sh.tokens, self.sentences())
    }

    /// The kept spans as ranges.
    pub fn span_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.spans.iter().map(|&(a, b)| a as usize..b as usize)
    }

    /// No words survived cleaning: nothing to compare.
    pub fn is_empty(&self) -> bool {
        self.n_tokens == 0
    }
}

fn empty_sentences() -> &'static Sentences {
    static EMPTY: std::sync::OnceLock<Sentences> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Sentences::default)
}

/// A document's tokens (those of [`prepare`]: the same text and spans tokenise the same), its word
/// shingles in text order (`shingles[i]` covers `tokens[i..i + n]`) and as a set.
#[derive(Debug, Clone, Default)]
pub struct Shingled {
    pub tokens: Vec<Token>,
    pub shingles: Vec<u64>,
    pub set: ShingleSet,
    pub n: usize,
}

impl Shingled {
    /// Tokens and `n`-word shingles of `text` within the kept spans of `prep`.
    pub fn of(text: &str, prep: &Prepared, n: usize) -> Shingled {
        let mut tokens = Vec::with_capacity(prep.n_tokens as usize);
        for s in prep.span_ranges() {
            tokenize_range(text, s, &mut tokens);
        }
        Shingled::from_tokens(tokens, n)
    }

    /// The `n`-word shingles of these tokens, kept with them.
    pub fn from_tokens(tokens: Vec<Token>, n: usize) -> Shingled {
        let mut shingles = Vec::new();
        token_shingles(&tokens, n, &mut Vec::new(), &mut shingles);
        let set = shingles.iter().copied().collect();
        Shingled { tokens, shingles, set, n }
    }
}

/// Word `n`-gram shingles of `tokens` into `out`, through `hashes` (both buffers cleared first, so a
/// caller can reuse them across documents).
fn token_shingles(tokens: &[Token], n: usize, hashes: &mut Vec<u64>, out: &mut Vec<u64>) {
    hashes.clear();
    hashes.extend(tokens.iter().map(|t| t.hash));
    shingles_into(hashes, n, out);
}

/// Skeleton n-gram length: long enough to be specific, short enough that a phrase rewrite (`the U.S.
/// government` -> `the government of the U.S.`) leaves most of them intact.
const SKELETON_N: usize = 6;
const SKELETON_WINDOW: usize = 6;
/// Names and numbers a shingle: two in a row ("Jeff Bezos", "Equifax 143") are specific to a story
/// and survive translation; common pairs are cut off by the posting-list cap.
const ENTITY_N: usize = 2;

const LANG_SAMPLE_BYTES: usize = 400;

/// Wire credit of a document: the dateline sits at the start of the article, not of the page, so
/// look past the furniture. The language tells an agency's own wire from its translation services.
pub(crate) fn wire_of(text: &str, spans: &[Range<usize>], lang: Option<&str>) -> u8 {
    wire_evidence_in(&article_head(text, spans), lang)
}

/// Whether the document was published by the agency its dateline credits (see
/// `unspun_cluster::house_credit`): asked only of documents with a dateline credit (`wire` >= 2).
pub(crate) fn house_of(text: &str, spans: &[Range<usize>], lang: Option<&str>, wire: u8, url: Option<&str>) -> bool {
    if wire < 2 {
        return false;
    }
    url.and_then(unspun_io::host_of).is_some_and(|host| house_credit(&article_head(text, spans), text, lang, host))
}

/// The article's first 600 bytes or so, across its kept spans (where a dateline is).
fn article_head<'a>(text: &'a str, spans: &[Range<usize>]) -> std::borrow::Cow<'a, str> {
    if let [only] = spans {
        // The whole head is one span (a raw or clean text): no copy.
        return std::borrow::Cow::Borrowed(&text[only.clone()]);
    }
    let mut head = String::new();
    for s in spans {
        if head.len() >= 600 {
            break;
        }
        head.push_str(&text[s.clone()]);
        head.push('\n');
    }
    std::borrow::Cow::Owned(head)
}

/// Whether the article (its kept spans) says it is a breaking story's first version: the marker
/// sits at the article's start or end, so only those spans are read.
pub(crate) fn first_version_of(text: &str, spans: &[Range<usize>]) -> bool {
    match spans {
        [] => false,
        [only] => unspun_cluster::first_version(&text[only.clone()]),
        [first, .., last] => {
            unspun_cluster::first_version(&text[first.clone()]) || unspun_cluster::first_version(&text[last.clone()])
        }
    }
}

/// Language of the article text (whatlang), when the detector is confident.
///
/// English, most of most crawls, is recognised first by its function words (a quarter of running
/// text or more; other languages reach a few percent through shared short words like "a" or "no"),
/// which costs nothing; trigram detection, a fixed cost per call that dominated scans, runs only for
/// the rest.
fn detect_lang(text: &str, spans: &[Range<usize>], tokens: &[unspun_text::Token]) -> Option<String> {
    if tokens.len() >= 20 {
        let stops = tokens.iter().filter(|t| t.flags.has(unspun_text::TokenFlags::STOP)).count();
        if stops * 4 >= tokens.len() {
            return Some("en".to_string());
        }
    }
    let mut sample = String::new();
    for s in spans {
        // Trigram scoring against every language profile costs time linear in the sample; a few
        // hundred characters of article text identify the language as reliably as the whole page.
        if sample.len() > LANG_SAMPLE_BYTES {
            break;
        }
        let take = s.start + (s.end - s.start).min(LANG_SAMPLE_BYTES + 64);
        let mut end = take;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        sample.push_str(&text[s.start..end]);
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

/// Buffers reused across the documents a thread prepares.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Token>,
    hashes: Vec<u64>,
    shingles: Vec<u64>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
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
    prepare_with(text, spans, date, lang, cfg, hasher, true).0
}

/// As [`prepare`], for an indexed document derived again for verification: the band keys, anchors and
/// event terms (what candidate search and stories need) are left empty, and the tokens and shingles
/// that verification needs come with it, from the one tokenisation.
pub(crate) fn prepare_for_verification(
    text: &str,
    spans: &[Range<usize>],
    date: Option<&str>,
    lang: Option<&str>,
    cfg: &Config,
    hasher: &MinHasher,
) -> (Prepared, Shingled) {
    let (prep, tokens) = prepare_with(text, spans, date, lang, cfg, hasher, false);
    (prep, Shingled::from_tokens(tokens, cfg.fingerprint.shingle))
}

/// With `index_keys`, [`prepare`] (and no tokens back); without, [`prepare_for_verification`]'s
/// document and its tokens.
fn prepare_with(
    text: &str,
    spans: &[Range<usize>],
    date: Option<&str>,
    lang: Option<&str>,
    cfg: &Config,
    hasher: &MinHasher,
    index_keys: bool,
) -> (Prepared, Vec<Token>) {
    let p = &cfg.fingerprint;
    // Tokens live in a per-thread buffer for the time of this call (see `Prepared::n_tokens`).
    let mut scratch = SCRATCH.with(|cell| cell.take());
    let Scratch { tokens, hashes, shingles: sh } = &mut scratch;
    tokens.clear();
    hashes.clear();
    // Only the words' hashes, when no enabled signal looks at a token's span or flags (a
    // near-duplicate-only scan): the tokenizer then skips the flags and writes half as much.
    let sig = &cfg.signals;
    let hashes_only = index_keys && !(sig.entities || sig.skeleton || sig.alignment || sig.stories);
    for s in spans {
        if hashes_only {
            token_hashes_range(text, s.clone(), hashes);
        } else {
            tokenize_range(text, s.clone(), tokens);
        }
    }
    let tokens: &[Token] = tokens;
    // Every entity pair, not a winnowed sample: across languages the name sequence is noisy
    // (sentence-initial words, number formats), so a long shared run cannot be relied on.
    let mut entity_anchors =
        if cfg.signals.entities && index_keys { entity_shingles(tokens, ENTITY_N) } else { Vec::new() };
    entity_anchors.sort_unstable();
    entity_anchors.dedup();
    // Shingles serve only the index keys here (verification builds its own, see `Shingled`): an
    // indexed document re-derived for verification skips them.
    if hashes_only {
        shingles_into(hashes, p.shingle, sh);
    } else if index_keys {
        token_shingles(tokens, p.shingle, hashes, sh);
    }
    let (band_keys, anchors) = if !index_keys || sh.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        // Minima over the shingles as they come: repeats do not change a minimum, so no sort.
        let sig = hasher.sign(sh);
        let bands = LshParams { bands: p.bands, rows: p.rows }.band_keys(&sig);
        let mut anchors: Vec<u64> = Vec::new();
        winnow_hashes(sh, p.window, &mut anchors);
        if cfg.signals.skeleton {
            let skel = skeleton_shingles(tokens, SKELETON_N, 1);
            winnow_hashes(&skel, SKELETON_WINDOW, &mut anchors);
        }

        anchors.sort_unstable();
        anchors.dedup();
        (bands, anchors)
    };
    // Sentences and the language serve only the alignment: a near-duplicate-only run skips them.
    let (align, lang) = if cfg.signals.alignment {
        let mut sent_spans = Vec::new();
        for s in spans {
            sent_spans.extend(unspun_text::sentences(text, s.clone()));
        }
        let lang = lang.map(str::to_string).or_else(|| detect_lang(text, spans, tokens));
        (Some(Box::new(Sentences::new(tokens, &sent_spans))), lang)
    } else {
        (None, lang.map(str::to_string))
    };
    // Event terms serve the story stage of new documents; an indexed document re-derived for
    // verification (no index keys) has its vector stored already.
    let event = if cfg.signals.stories && index_keys {
        unspun_fingerprint::event_terms(text, tokens)
    } else {
        Default::default()
    };
    let wire = wire_of(text, spans, lang.as_deref());
    let n_tokens = if hashes_only { hashes.len() } else { tokens.len() } as u32;
    let kept = if index_keys { Vec::new() } else { tokens.to_vec() };
    SCRATCH.with(|cell| cell.set(scratch));
    let prep = Prepared {
        event,
        align,
        lang,
        spans: spans.iter().map(|s| (s.start as u32, s.end as u32)).collect(),
        n_tokens,
        band_keys,
        anchors,
        entity_anchors,
        content_hash: hash_bytes(text.as_bytes()),
        wire,
        first_version: first_version_of(text, spans),
        date: date.and_then(parse_date),
    };
    (prep, kept)
}
