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
    is_stopword_hash(crate::hash_bytes(w.as_bytes()))
}

/// Open-addressing set of word hashes: the tokenizer has the hash already, and one probe or two is
/// far cheaper than comparing strings (or hashing the hash again) for every token.
struct WordTable<const BITS: u32> {
    slots: [u64; 1024],
}

impl<const BITS: u32> WordTable<BITS> {
    const MASK: usize = (1 << BITS) - 1;

    fn new<'a>(words: impl Iterator<Item = &'a &'a str>) -> Self {
        assert!(BITS <= 10, "the slot array holds 2^10");
        let mut slots = [0u64; 1024];
        for w in words {
            // The low bit is forced on so that 0 can mark an empty slot.
            let h = crate::hash_bytes(w.as_bytes()) | 1;
            let mut i = (h >> (64 - BITS)) as usize;
            while slots[i] != 0 && slots[i] != h {
                i = (i + 1) & Self::MASK;
            }
            slots[i] = h;
        }
        WordTable { slots }
    }

    #[inline]
    fn contains(&self, h: u64) -> bool {
        let h = h | 1;
        let mut i = (h >> (64 - BITS)) as usize;
        loop {
            match self.slots[i] {
                0 => return false,
                x if x == h => return true,
                _ => i = (i + 1) & Self::MASK,
            }
        }
    }
}

/// Is the word with this hash (of its lower-cased form) a stopword?
#[inline]
pub fn is_stopword_hash(h: u64) -> bool {
    // 2^9 slots for 135 words: probes stay short.
    static TABLE: std::sync::OnceLock<WordTable<9>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| WordTable::new(STOPWORDS.iter())).contains(h)
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
    // 2^10 slots for about 250 words.
    static TABLE: std::sync::OnceLock<WordTable<10>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| WordTable::new(FUNCTION_WORDS_MULTI.iter().chain(STOPWORDS))).contains(h)
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
        let h = |w: &str| crate::hash_bytes(w.as_bytes());
        for w in ["el", "die", "the", "também", "och"] {
            assert!(is_function_word_any(h(w)), "{w}");
        }
        assert!(!is_function_word_any(h("equifax")));
    }

    #[test]
    fn lookups() {
        assert!(is_stopword("the"));
        assert!(!is_stopword("kaspersky"));
        assert!(is_abbreviation("inc"));
    }
}
