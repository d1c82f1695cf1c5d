//! Word lists. Kept small and sorted so lookups are a binary search without allocation.

/// English function words: the "skeleton" of a text that spinners and paraphrasers leave in place
/// (Stamatatos 2011), and words too common to be evidence on their own.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "s",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Is `w` (already lower-cased) an English function word?
pub fn is_stopword(w: &str) -> bool {
    is_stopword_hash(crate::hash_word(w.as_bytes()))
}

/// Function words, looked up by hash: the tokenizer has the hash already, and a few compares are
/// far cheaper than comparing strings for every token.
///
/// One open-addressing table for both lists, built at compile time: a slot holds the low 32 bits of
/// a word's hash with its two low bits replaced by its classes ([`STOP`], [`FUNCTION_ANY`]); the top
/// bits chose the slot. Linear probing without wrap-around keeps every word within `PROBES` slots of
/// its home, so a lookup is a fixed number of compares with no branch on the data (whether a token
/// is a function word is a coin toss the branch predictor lost on most tokens).
///
/// 4,096 slots for ~350 words: sparse enough that every word sits within two slots of its home (the
/// build fails otherwise), and 16 KB. With 12 bits of home and 30 compared, another word passes for
/// a function word about once in 10^9 tokens, which a feature of the text can afford.
const TABLE_BITS: u32 = 12;
const PROBES: usize = 2;
const SLOTS: usize = (1 << TABLE_BITS) + PROBES;
const STOP: u32 = 1;
const FUNCTION_ANY: u32 = 2;

const fn home(h: u64) -> usize {
    (h >> (64 - TABLE_BITS)) as usize
}

const fn insert(mut slots: [u32; SLOTS], words: &[&str], class: u32) -> [u32; SLOTS] {
    let mut w = 0;
    while w < words.len() {
        let h = crate::token::hash_word_folding(words[w].as_bytes(), false);
        let key = h as u32 & !3;
        let home = home(h);
        let mut i = home;
        while slots[i] != 0 && slots[i] & !3 != key {
            i += 1;
        }
        assert!(i - home < PROBES, "word table too full");
        slots[i] |= key | class;
        w += 1;
    }
    slots
}

static WORD_CLASSES: [u32; SLOTS] =
    insert(insert([0; SLOTS], STOPWORDS, STOP | FUNCTION_ANY), FUNCTION_WORDS_MULTI, FUNCTION_ANY);

/// The classes of the word with hash `h` (of its lower-cased form): [`STOP`] and [`FUNCTION_ANY`] bits.
#[inline(always)]
fn word_classes(h: u64) -> u32 {
    let key = h as u32 & !3;
    let i = home(h);
    let s: &[u32; PROBES] = WORD_CLASSES[i..i + PROBES].try_into().expect("PROBES slots");
    let mut classes = 0;
    for &slot in s {
        classes |= (slot & 3) * u32::from(slot & !3 == key);
    }
    classes
}

/// Is the word with this hash (of its lower-cased form) a stopword?
#[inline(always)]
pub fn is_stopword_hash(h: u64) -> bool {
    word_classes(h) & STOP != 0
}

/// (English stopword, function word in any of the common languages) for the word with this hash.
#[inline(always)]
pub fn function_word_classes(h: u64) -> (bool, bool) {
    let c = word_classes(h);
    (c & STOP != 0, c & FUNCTION_ANY != 0)
}

/// Function words of the languages news crawls carry most (en, es, pt, fr, de, it, nl, sv), for
/// signals that must work across languages: a capitalised "El" or "Die" is not a name.
const FUNCTION_WORDS_MULTI: &[&str] = &[
    "al", "alla", "als", "am", "an", "ao", "aos", "as", "au", "aux", "bei", "ce", "ces", "che", "com", "como", "con",
    "cette", "da", "dal", "dans", "das", "dat", "de", "degli", "dei", "del", "della", "dem", "den", "der", "des",
    "det", "die", "dos", "du", "een", "ein", "eine", "einer", "el", "ella", "en", "ende", "er", "es", "est", "et",
    "ett", "fue", "för", "gli", "ha", "har", "het", "hij", "il", "im", "ist", "je", "la", "las", "le", "les", "lo",
    "los", "mais", "med", "mit", "na", "nas", "nel", "nella", "no", "nos", "o", "och", "om", "op", "os", "ou", "par",
    "para", "pas", "pela", "pelo", "per", "pero", "por", "pour", "qu", "que", "qui", "se", "sein", "ses", "sie", "sin",
    "sobre", "son", "su", "sua", "sur", "sus", "também", "te", "un", "una", "und", "une", "uno", "van", "von", "y",
    "zu", "à", "é", "über",
];

/// Is the word with this hash (of its lower-cased form) a function word in any of the languages above?
/// Asked for every capitalised word.
#[inline]
pub fn is_function_word_any(h: u64) -> bool {
    word_classes(h) & FUNCTION_ANY != 0
}

/// Abbreviations after which a period does not end a sentence (lower case, without the period).
const ABBREVIATIONS: &[&str] = &[
    "apr", "aug", "co", "corp", "dec", "dr", "e.g", "etc", "feb", "gen", "gov", "i.e", "inc", "jan", "jr", "jul",
    "jun", "ltd", "mar", "mr", "mrs", "ms", "no", "nov", "oct", "prof", "rep", "rev", "sen", "sep", "sept", "sr", "st",
    "vs",
];

pub fn is_abbreviation(w: &str) -> bool {
    ABBREVIATIONS.binary_search(&w).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_stopword_is_found_by_hash() {
        for w in STOPWORDS {
            assert!(is_stopword(w), "{w}");
        }
        for w in ["kaspersky", "said", "office", "", "thee"] {
            assert!(!is_stopword(w), "{w}");
        }
    }

    #[test]
    fn multilingual_function_words() {
        let h = |w: &str| crate::hash_word(w.as_bytes());
        for w in ["el", "die", "the", "também", "och"] {
            assert!(is_function_word_any(h(w)), "{w}");
        }
        assert!(!is_function_word_any(h("equifax")));
    }

    #[test]
    fn every_listed_word_is_found_and_other_words_are_not() {
        let h = |w: &str| crate::hash_word(w.as_bytes());
        for w in FUNCTION_WORDS_MULTI.iter().chain(STOPWORDS) {
            assert!(is_function_word_any(h(w)), "{w}");
        }
        // The table compares 30 bits of hash past its home slot: no false hit among 100k other words.
        let listed: std::collections::HashSet<&str> = FUNCTION_WORDS_MULTI.iter().chain(STOPWORDS).copied().collect();
        let hits = (0..100_000)
            .map(|i| format!("w{i}"))
            .filter(|w| !listed.contains(w.as_str()) && word_classes(h(w)) != 0)
            .count();
        assert_eq!(hits, 0);
    }

    #[test]
    fn lookups() {
        assert!(is_stopword("the"));
        assert!(!is_stopword("kaspersky"));
        assert!(is_abbreviation("inc"));
    }
}
