use crate::hash_bytes;
use crate::words::{is_stopword, is_stopword_hash};
use unicode_normalization::UnicodeNormalization;

/// Per-token features that later stages (rewrite signatures, quote masking) need without re-reading text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenFlags(pub u8);

impl TokenFlags {
    /// First character is upper case in the input (names survive spinning and translation).
    pub const CAPITAL: u8 = 1;
    /// Contains a digit.
    pub const DIGIT: u8 = 2;
    /// A function word of the stopword list (the skeleton a spinner leaves alone).
    pub const STOP: u8 = 4;
    /// Inside a quotation: shared quotes are evidence of the same story, not of copying.
    pub const QUOTE: u8 = 8;

    /// A name or a number: what survives translation.
    pub const ENTITY: u8 = 16;

    #[inline]
    pub fn has(self, f: u8) -> bool {
        self.0 & f != 0
    }
}

/// A normalised word with its byte span in the input text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Hash of the normalised form (NFKC, lower case).
    pub hash: u64,
    pub start: u32,
    /// Length in bytes: 16 bits keep a token at 16 bytes (a scan holds tens of millions); longer
    /// runs of word characters are cut into several tokens (see `MAX_TOKEN_BYTES`).
    pub len: u16,
    pub flags: TokenFlags,
}

impl Token {
    /// End of the span in the input, exclusive.
    #[inline]
    pub fn end(&self) -> u32 {
        self.start + self.len as u32
    }

    /// The byte span in the input.
    #[inline]
    pub fn span(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end() as usize
    }
}

/// Longest token: words beyond it (encoded blobs, not language) are split at character boundaries.
pub const MAX_TOKEN_BYTES: usize = u16::MAX as usize;

#[inline]
fn is_word_char(c: char) -> bool {
    // Python's `\w`, which the scorers and the anchors use, plus combining marks so that a decomposed
    // accent does not split a word.
    c.is_alphanumeric() || c == '_' || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Quote state changes a character causes: `Some(true)` opens, `Some(false)` closes, toggles for `"`.
#[inline]
fn quote_effect(c: char, inside: bool) -> Option<bool> {
    match c {
        '"' | '\u{201f}' => Some(!inside),
        '\u{201c}' | '\u{ab}' | '\u{201e}' => Some(true),
        '\u{201d}' | '\u{bb}' => Some(false),
        _ => None,
    }
}

/// Tokenise the whole text. See [`tokenize_range`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    tokenize_range(text, 0..text.len(), &mut out);
    out
}

/// Append the tokens of `text[range]` to `out`, with spans into the whole `text`.
///
/// Words are runs of `\w` characters; each is folded with NFKC and lower-cased before hashing, so
/// full-width forms, ligatures and case variants hash alike. Quote state is reset at blank lines so an
/// unbalanced quote mark cannot mask the rest of a page.
///
/// This is the hottest loop of a scan, so ASCII bytes (most of most news) take a table-driven path
/// and only words with non-ASCII characters go through Unicode normalisation.
pub fn tokenize_range(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let end = range.end;
    let mut i = range.start;
    let mut in_quote = false;
    let mut prev_newline = false;
    let mut buf = String::new();
    while i < end {
        let b = bytes[i];
        if b < 0x80 {
            let class = CLASS[b as usize];
            if class & C_WORD != 0 {
                // Scan the word: stays on the fast path while it is ASCII, gathering what the token's
                // flags need on the way.
                let ws = i;
                let lim = end.min(ws + MAX_TOKEN_BYTES);
                let mut seen = class;
                let mut j = i + 1;
                while j < lim {
                    let c = CLASS[bytes[j] as usize];
                    if c & C_WORD == 0 {
                        break;
                    }
                    seen |= c;
                    j += 1;
                }
                if j < lim && bytes[j] >= 0x80 && starts_word_char(text, j) {
                    let we = scan_unicode_word(text, j, end, ws + MAX_TOKEN_BYTES);
                    out.push(make_token(&text[ws..we], ws, we, in_quote, &mut buf));
                    i = we;
                } else {
                    out.push(ascii_token(&bytes[ws..j], ws, j, in_quote, class, seen));
                    i = j;
                }
                prev_newline = false;
                continue;
            }
            if b == b'\n' {
                if prev_newline {
                    in_quote = false;
                }
                prev_newline = true;
            } else if b == b'"' {
                in_quote = !in_quote;
                prev_newline = false;
            } else if !b.is_ascii_whitespace() {
                prev_newline = false;
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_word_char(c) {
            let we = scan_unicode_word(text, i, end, i + MAX_TOKEN_BYTES);
            out.push(make_token(&text[i..we], i, we, in_quote, &mut buf));
            i = we;
            prev_newline = false;
            continue;
        }
        if let Some(q) = quote_effect(c, in_quote) {
            in_quote = q;
        }
        if !c.is_whitespace() {
            prev_newline = false;
        }
        i += c.len_utf8();
    }
}

const C_WORD: u8 = 1;
const C_UPPER: u8 = 2;
const C_DIGIT: u8 = 4;

/// Byte classes: `\w` for ASCII bytes (no class for the bytes of multi-byte characters, which take
/// the Unicode path), upper case, digit.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[i] = C_WORD;
        }
        if c.is_ascii_uppercase() {
            t[i] |= C_UPPER;
        }
        if c.is_ascii_digit() {
            t[i] |= C_DIGIT;
        }
        i += 1;
    }
    t
};

fn starts_word_char(text: &str, i: usize) -> bool {
    text[i..].chars().next().is_some_and(is_word_char)
}

/// End of the word that continues at `i` (any mix of ASCII and Unicode word characters), at most
/// `limit`: a longer word goes on in the next token.
fn scan_unicode_word(text: &str, i: usize, end: usize, limit: usize) -> usize {
    let mut j = i;
    for c in text[i..end].chars() {
        if !is_word_char(c) || j + c.len_utf8() > limit {
            break;
        }
        j += c.len_utf8();
    }
    j
}

/// An ASCII word; `first` is the class of its first byte and `seen` the union of its bytes' classes.
#[inline]
fn ascii_token(w: &[u8], start: usize, end: usize, quote: bool, first: u8, seen: u8) -> Token {
    let mut flags = 0u8;
    if first & C_UPPER != 0 {
        flags |= TokenFlags::CAPITAL;
    }
    if seen & C_DIGIT != 0 {
        flags |= TokenFlags::DIGIT;
    }
    // Most words are lower case already and hash as they stand.
    let hash = if seen & C_UPPER == 0 {
        hash_bytes(w)
    } else if w.len() <= 48 {
        let mut lower = [0u8; 48];
        for (d, &s) in lower.iter_mut().zip(w) {
            *d = s.to_ascii_lowercase();
        }
        hash_bytes(&lower[..w.len()])
    } else {
        hash_bytes(&w.to_ascii_lowercase())
    };
    if is_stopword_hash(hash) {
        flags |= TokenFlags::STOP;
    }
    flags |= entity_flag(flags, hash, w.len());
    if quote {
        flags |= TokenFlags::QUOTE;
    }
    Token { hash, start: start as u32, len: (end - start) as u16, flags: TokenFlags(flags) }
}

/// Names (capitalised words of two letters or more that are no function word in any common language)
/// and numbers.
#[inline]
fn entity_flag(flags: u8, hash: u64, len: usize) -> u8 {
    let f = TokenFlags(flags);
    let name = f.has(TokenFlags::CAPITAL) && len >= 2 && !crate::words::is_function_word_any(hash);
    if f.has(TokenFlags::DIGIT) || name {
        TokenFlags::ENTITY
    } else {
        0
    }
}

/// A token with non-ASCII characters: NFKC, lower case, then hash.
fn make_token(w: &str, start: usize, end: usize, quote: bool, buf: &mut String) -> Token {
    buf.clear();
    let mut flags = 0u8;
    if w.chars().next().is_some_and(char::is_uppercase) {
        flags |= TokenFlags::CAPITAL;
    }
    for c in w.nfkc().flat_map(char::to_lowercase) {
        if c.is_numeric() {
            flags |= TokenFlags::DIGIT;
        }
        buf.push(c);
    }
    if is_stopword(buf) {
        flags |= TokenFlags::STOP;
    }
    flags |= entity_flag(flags, hash_bytes(buf.as_bytes()), buf.chars().count());
    if quote {
        flags |= TokenFlags::QUOTE;
    }
    Token { hash: hash_bytes(buf.as_bytes()), start: start as u32, len: (end - start) as u16, flags: TokenFlags(flags) }
}

/// The canonical form of a text: its normalised words joined by single spaces. Two texts that differ
/// only in case, Unicode compatibility forms, punctuation or spacing have the same canonical form.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = String::new();
    for t in tokenize(text) {
        buf.clear();
        let w = &text[t.start as usize..t.end() as usize];
        buf.extend(w.nfkc().flat_map(char::to_lowercase));
        // NFKC can produce non-word chars (e.g. a ligature or superscript expanding); split on them the
        // same way tokenisation does so that normalisation is idempotent.
        for part in buf.split(|c: char| !is_word_char(c)).filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| &text[t.start as usize..t.end() as usize]).collect()
    }

    #[test]
    fn splits_like_python_w() {
        assert_eq!(words("Kaspersky's D.C. office, 2017!"), vec!["Kaspersky", "s", "D", "C", "office", "2017"]);
    }

    #[test]
    fn case_and_width_fold_to_same_hash() {
        let a = tokenize("Reuters");
        let b = tokenize("REUTERS");
        let c = tokenize("Ｒｅｕｔｅｒｓ");
        assert_eq!(a[0].hash, b[0].hash);
        assert_eq!(a[0].hash, c[0].hash);
        assert!(a[0].flags.has(TokenFlags::CAPITAL));
    }

    #[test]
    fn curly_and_straight_quotes_mark_the_same_tokens() {
        let t = tokenize("he said \u{201c}we stay committed\u{201d} today");
        let q: Vec<bool> = t.iter().map(|t| t.flags.has(TokenFlags::QUOTE)).collect();
        assert_eq!(q, vec![false, false, true, true, true, false]);
        let t = tokenize("he said \"we stay committed\" today");
        let q2: Vec<bool> = t.iter().map(|t| t.flags.has(TokenFlags::QUOTE)).collect();
        assert_eq!(q, q2);
    }

    #[test]
    fn blank_line_resets_unbalanced_quote() {
        let t = tokenize("a \"b c\n\nd e");
        assert!(!t[3].flags.has(TokenFlags::QUOTE));
        assert!(t[1].flags.has(TokenFlags::QUOTE));
    }

    #[test]
    fn words_longer_than_a_token_are_split_not_truncated() {
        // An encoded blob of word characters, ASCII and then with a multi-byte letter at the cut.
        for blob in
            ["a".repeat(MAX_TOKEN_BYTES * 2 + 7), format!("{}é{}", "b".repeat(MAX_TOKEN_BYTES - 1), "c".repeat(10))]
        {
            let text = format!("x {blob} y");
            let toks = tokenize(&text);
            let inner = &toks[1..toks.len() - 1];
            assert!(inner.len() >= 2, "{}", inner.len());
            assert_eq!(inner[0].start as usize, 2);
            assert_eq!(inner.last().unwrap().end() as usize, 2 + blob.len());
            for w in inner.windows(2) {
                assert_eq!(w[0].end(), w[1].start, "pieces are contiguous");
            }
            for t in inner {
                assert!(t.len as usize <= MAX_TOKEN_BYTES && text.is_char_boundary(t.end() as usize));
            }
            assert_eq!(&text[toks.last().unwrap().span()], "y");
        }
    }

    #[test]
    fn flags_digits_and_stopwords() {
        let t = tokenize("the 22 agencies");
        assert!(t[0].flags.has(TokenFlags::STOP));
        assert!(t[1].flags.has(TokenFlags::DIGIT));
        assert!(!t[2].flags.has(TokenFlags::STOP));
    }

    #[test]
    fn normalize_folds_typography() {
        assert_eq!(normalize("The  “U.S.”—Government’s\u{a0}plan"), normalize("the \"u.s.\"-government's plan"));
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(s in "\\PC{0,80}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn token_spans_are_inside_and_ordered(s in "\\PC{0,120}") {
            let toks = tokenize(&s);
            let mut last = 0u32;
            for t in &toks {
                prop_assert!(t.start >= last && t.start < t.end() && (t.end() as usize) <= s.len());
                prop_assert!(s.is_char_boundary(t.start as usize) && s.is_char_boundary(t.end() as usize));
                last = t.end();
            }
        }
    }
}
