use crate::words::function_word_classes;
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

/// The quote state after a straight `"` at `at` (in the range `lo..hi`): a mark that starts a word
/// (after a space, an opening bracket or the range's start, before a visible character) opens, one
/// that ends a word (after a visible character, before a space, punctuation or the end) closes, one
/// between two letters or digits is an apostrophe, and any other toggles. Toggling alone let one unbalanced mark (a quotation cut off, `a 5'9" guard`)
/// turn the rest of a paragraph into a quotation, and quoted text does not count as copied.
#[inline]
fn straight_quote(bytes: &[u8], at: usize, lo: usize, hi: usize, inside: bool) -> bool {
    let before = (at > lo).then(|| bytes[at - 1]);
    let after = (at + 1 < hi).then(|| bytes[at + 1]);
    let blank = |b: Option<u8>| b.is_none_or(|b| b.is_ascii_whitespace());
    let closing_punct = |b: Option<u8>| matches!(b, Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']'));
    let opens = (blank(before) || matches!(before, Some(b'(' | b'['))) && !blank(after) && !closing_punct(after);
    let closes = !blank(before) && !matches!(before, Some(b'(' | b'[')) && (blank(after) || closing_punct(after));
    let alnum = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    match (opens, closes) {
        (true, false) => true,
        (false, true) => false,
        // Between two letters it stands for an apostrophe (`Kuwait"s`, in old wire feeds).
        _ if alnum(before) && alnum(after) => inside,
        _ => !inside,
    }
}

const WORD_SEED: u64 = 0x243F_6A88_85A3_08D3;
const WORD_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
const WORD_FIN: u64 = 0xBF58_476D_1CE4_E5B9;

/// 64x64 -> 128-bit multiply, halves folded: every input bit reaches most output bits.
#[inline(always)]
const fn fold_mul(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline(always)]
const fn word_step(h: u64, chunk: u64) -> u64 {
    fold_mul(h ^ chunk, WORD_MUL)
}

#[inline(always)]
const fn word_finish(h: u64, len: usize) -> u64 {
    fold_mul(h ^ len as u64, WORD_FIN)
}

/// Hash of a normalised word: its bytes eight at a time (little-endian, the last chunk zero-padded),
/// then the length. Shaped so that the tokenizer computes it from the very 8-byte loads with which it
/// finds the word's end and folds its case, with no second pass and no branch on the word's length
/// class (which a general-purpose hash of short inputs takes, and mispredicts, for every token).
pub fn hash_word(w: &[u8]) -> u64 {
    hash_word_folding(w, false)
}

/// [`hash_word`] of `w` with its ASCII letters lower-cased first when `fold_ascii`. `const` for the
/// compile-time word tables.
pub(crate) const fn hash_word_folding(w: &[u8], fold_ascii: bool) -> u64 {
    let mut h = WORD_SEED;
    let mut i = 0;
    while i < w.len() {
        let mut x = [0u8; 8];
        let mut k = 0;
        while k < 8 && i + k < w.len() {
            x[k] = if fold_ascii { w[i + k].to_ascii_lowercase() } else { w[i + k] };
            k += 1;
        }
        h = word_step(h, u64::from_le_bytes(x));
        i += 8;
    }
    word_finish(h, w.len())
}

/// An ASCII word starting at `ws`, up to `bound`: its end, its hash (of the lower-cased bytes, as
/// [`hash_word`]), whether its first letter is upper case and whether it holds a digit.
fn scan_ascii_word(bytes: &[u8], ws: usize, bound: usize) -> (usize, u64, bool, bool) {
    let mut j = ws;
    while j < bound && bytes[j] < 0x80 && WORD[bytes[j] as usize] {
        j += 1;
    }
    let w = &bytes[ws..j];
    (j, hash_word_folding(w, true), w[0].is_ascii_uppercase(), w.iter().any(u8::is_ascii_digit))
}

/// Tokenise the whole text. See [`tokenize_range`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    tokenize_range(text, 0..text.len(), &mut out);
    out
}

/// Where the tokenizer puts what it finds: whole tokens, or only their hashes for the stages that
/// need nothing else (a near-duplicate-only scan), which then skip the flags and half the writes.
trait Sink {
    /// A plain ASCII word, hashed, at `start..end`.
    fn ascii(&mut self, hash: u64, start: usize, end: usize, quote: bool, capital: bool, digit: bool);
    /// A word with non-ASCII characters, at `start..end`.
    fn word(&mut self, w: &str, start: usize, end: usize, quote: bool, buf: &mut String);
}

impl Sink for Vec<Token> {
    #[inline(always)]
    fn ascii(&mut self, hash: u64, start: usize, end: usize, quote: bool, capital: bool, digit: bool) {
        self.push(ascii_token(hash, start, end, quote, capital, digit));
    }
    fn word(&mut self, w: &str, start: usize, end: usize, quote: bool, buf: &mut String) {
        self.push(make_token(w, start, end, quote, buf));
    }
}

/// Hashes only.
struct Hashes<'a>(&'a mut Vec<u64>);

impl Sink for Hashes<'_> {
    #[inline(always)]
    fn ascii(&mut self, hash: u64, _: usize, _: usize, _: bool, _: bool, _: bool) {
        self.0.push(hash);
    }
    fn word(&mut self, w: &str, _: usize, _: usize, _: bool, buf: &mut String) {
        self.0.push(normalized_hash(w, buf).0);
    }
}

/// The hashes of the tokens [`tokenize_range`] finds in `text[range]`, appended to `out`, without the
/// tokens' spans and flags.
pub fn token_hashes_range(text: &str, range: std::ops::Range<usize>, out: &mut Vec<u64>) {
    tokenize_into(text, range, &mut Hashes(out));
}

/// Append the tokens of `text[range]` to `out`, with spans into the whole `text`.
///
/// Words are runs of `\w` characters; each is folded with NFKC and lower-cased before hashing, so
/// full-width forms, ligatures and case variants hash alike. Quote state is reset at blank lines so an
/// unbalanced quote mark cannot mask the rest of a page.
///
/// This is the hottest loop of a scan. Plain ASCII runs go 64 bytes at a time ([`Block`]): the
/// bytes are classified at once into bit masks, words are cut, hashed and flagged with bit
/// operations, and quote marks and line breaks update the quote state. Non-ASCII characters, words
/// that cross a block's end and line breaks whose next visible byte the block cannot see stop the
/// block; [`scalar_step`], the reference, takes that one character or word.
pub fn tokenize_range(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Token>) {
    tokenize_into(text, range, out);
}

#[inline(always)]
fn tokenize_into<S: Sink>(text: &str, range: std::ops::Range<usize>, out: &mut S) {
    let end = range.end;
    let mut i = range.start;
    let mut st = ScanState { in_quote: false, prev_newline: false, buf: String::new(), lo: range.start };
    while i < end {
        // After a line break, whether the next one makes a blank line depends on every byte
        // between: the scalar path tracks that until a word comes.
        if !st.prev_newline {
            let (advance, scalar) = fast_block(text.as_bytes(), (i, range.start), end, &mut st.in_quote, out);
            i += advance;
            if !scalar || i >= end {
                continue;
            }
        }
        i = scalar_step(text, i, end, &mut st, out);
    }
}

struct ScanState {
    in_quote: bool,
    prev_newline: bool,
    buf: String,
    /// Start of the range tokenised (what a quote mark at it follows is not known).
    lo: usize,
}

/// One character or word at `i`, the way every byte was once tokenised; returns where it ends.
fn scalar_step<S: Sink>(text: &str, i: usize, end: usize, st: &mut ScanState, out: &mut S) -> usize {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        if WORD[b as usize] {
            let bound = end.min(i + MAX_TOKEN_BYTES);
            let (j, hash, capital, digit) = scan_ascii_word(bytes, i, bound);
            st.prev_newline = false;
            if j < bound && bytes[j] >= 0x80 && starts_word_char(text, j) {
                let we = scan_unicode_word(text, j, end, i + MAX_TOKEN_BYTES);
                out.word(&text[i..we], i, we, st.in_quote, &mut st.buf);
                return we;
            }
            out.ascii(hash, i, j, st.in_quote, capital, digit);
            return j;
        }
        if b == b'\n' {
            if st.prev_newline {
                st.in_quote = false;
            }
            st.prev_newline = true;
        } else if b == b'"' {
            st.in_quote = straight_quote(bytes, i, st.lo, end, st.in_quote);
            st.prev_newline = false;
        } else if !b.is_ascii_whitespace() {
            st.prev_newline = false;
        }
        return i + 1;
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    if is_word_char(c) {
        let we = scan_unicode_word(text, i, end, i + MAX_TOKEN_BYTES);
        out.word(&text[i..we], i, we, st.in_quote, &mut st.buf);
        st.prev_newline = false;
        return we;
    }
    if let Some(q) = quote_effect(c, st.in_quote) {
        st.in_quote = q;
    }
    if !c.is_whitespace() {
        st.prev_newline = false;
    }
    i + c.len_utf8()
}

/// Up to 64 bytes of text, classified: bit `k` of each mask is byte `k`. Bits past the range are
/// zero, in no class.
struct Block {
    m: Masks,
    /// The bytes with ASCII letters lower-cased, with 8 more for 8-byte loads at any offset.
    lower: [u8; 72],
}

impl Block {
    /// The `n` (at most 64) bytes at `i`. Read in place when 64 bytes are there, which saves a copy
    /// for every block but the text's last; bytes past `n` are then masked out of every class.
    #[inline(always)]
    fn new(bytes: &[u8], i: usize, n: usize) -> Block {
        let mut buf = [0u8; 64];
        let raw: &[u8; 64] = match bytes.get(i..i + 64) {
            Some(b) => b.try_into().expect("64 bytes"),
            None => {
                buf[..n].copy_from_slice(&bytes[i..i + n]);
                &buf
            }
        };
        let mut lower = [0u8; 72];
        let valid = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        Block { m: classify64(raw, &mut lower).within(valid), lower }
    }

    #[inline(always)]
    fn lower8(&self, k: usize) -> u64 {
        u64::from_le_bytes(self.lower[k..k + 8].try_into().expect("8 bytes"))
    }
}

/// The class masks of 64 bytes.
struct Masks {
    /// `[0-9A-Za-z_]`.
    word: u64,
    upper: u64,
    digit: u64,
    /// What the word loop stops at: line breaks, `"` and bytes of non-ASCII characters.
    special: u64,
    newline: u64,
    /// ASCII whitespace other than a line break (what may stand between the two breaks of a blank line).
    space: u64,
}

impl Masks {
    /// Only the bytes of `valid`.
    #[inline(always)]
    fn within(self, valid: u64) -> Masks {
        Masks {
            word: self.word & valid,
            upper: self.upper & valid,
            digit: self.digit & valid,
            special: self.special & valid,
            newline: self.newline & valid,
            space: self.space & valid,
        }
    }
}

/// Masks of 64 bytes and their lower-cased copy (SSE2, part of every x86-64).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify64(raw: &[u8; 64], lower: &mut [u8; 72]) -> Masks {
    use std::arch::x86_64::*;
    let mut m = Masks { word: 0, upper: 0, digit: 0, special: 0, newline: 0, space: 0 };
    // SAFETY: SSE2 is enabled on every x86-64 target; loads and stores are unaligned and within
    // the 64-byte input and the 72-byte output.
    unsafe {
        let in_range = |v: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
            )
        };
        let eq = |v: __m128i, b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        for k in 0..4 {
            let v = _mm_loadu_si128(raw.as_ptr().add(16 * k) as *const __m128i);
            // Signed compares: bytes >= 0x80 are negative, so in no ASCII range.
            let up = in_range(v, b'A', b'Z');
            let alpha = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', b'z');
            let dig = in_range(v, b'0', b'9');
            let w = _mm_or_si128(_mm_or_si128(alpha, dig), eq(v, b'_'));
            let nl = eq(v, b'\n');
            let sp = _mm_or_si128(_mm_or_si128(nl, eq(v, b'"')), _mm_cmplt_epi8(v, _mm_setzero_si128()));
            // ' ', \t, \r and form feed: `u8::is_ascii_whitespace` without the line break.
            let ws = _mm_or_si128(_mm_or_si128(eq(v, b' '), eq(v, b'\t')), _mm_or_si128(eq(v, b'\r'), eq(v, 0x0c)));
            let low = _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
            _mm_storeu_si128(lower.as_mut_ptr().add(16 * k) as *mut __m128i, low);
            let sh = 16 * k as u32;
            let bits = |x: __m128i| (_mm_movemask_epi8(x) as u16 as u64) << sh;
            m.word |= bits(w);
            m.upper |= bits(up);
            m.digit |= bits(dig);
            m.special |= bits(sp);
            m.newline |= bits(nl);
            m.space |= bits(ws);
        }
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn classify64(raw: &[u8; 64], lower: &mut [u8; 72]) -> Masks {
    let mut m = Masks { word: 0, upper: 0, digit: 0, special: 0, newline: 0, space: 0 };
    for (k, &b) in raw.iter().enumerate() {
        let bit = 1u64 << k;
        m.word |= bit * u64::from(b.is_ascii_alphanumeric() || b == b'_');
        m.upper |= bit * u64::from(b.is_ascii_uppercase());
        m.digit |= bit * u64::from(b.is_ascii_digit());
        m.special |= bit * u64::from(b == b'\n' || b == b'"' || b >= 0x80);
        m.newline |= bit * u64::from(b == b'\n');
        m.space |= bit * u64::from(b != b'\n' && b.is_ascii_whitespace());
        lower[k] = b.to_ascii_lowercase();
    }
    m
}

/// Tokenise the plain ASCII words of the block at `i` (the previous byte ends no word in progress,
/// and is no line break that could start a blank line), tracking the quote state as [`scalar_step`]
/// does. Returns how far it got and whether [`scalar_step`] must take the character there (a
/// non-ASCII character, a line break whose line the block cannot see the end of, or a word it
/// cannot finish); otherwise the next block starts there (the end of the block, or a word that
/// crosses it).
#[inline(always)]
fn fast_block<S: Sink>(
    bytes: &[u8],
    (i, lo): (usize, usize),
    end: usize,
    in_quote: &mut bool,
    out: &mut S,
) -> (usize, bool) {
    let n = (end - i).min(64);
    let blk = Block::new(bytes, i, n);
    let m = &blk.m;
    let mut p = 0usize;
    while p < n {
        let rest = u64::MAX << p;
        let s = (m.word & rest).trailing_zeros() as usize;
        let t = (m.special & rest).trailing_zeros() as usize;
        if t < s {
            match bytes[i + t] {
                b'"' => {
                    *in_quote = straight_quote(bytes, i + t, lo, end, *in_quote);
                    p = t + 1;
                    continue;
                }
                b'\n' if t + 1 < n => {
                    // Whitespace up to the next visible byte: one more line break on the way makes
                    // a blank line, which ends any open quotation.
                    let gap = m.newline | m.space;
                    let q = (!gap & (u64::MAX << (t + 1))).trailing_zeros() as usize;
                    if q >= n || bytes[i + q] >= 0x80 {
                        // Unseen or non-ASCII (perhaps Unicode whitespace): the reference decides.
                        return (t, true);
                    }
                    if m.newline & (u64::MAX << (t + 1)) & !(u64::MAX << q) != 0 {
                        *in_quote = false;
                    }
                    p = q;
                    continue;
                }
                _ => return (t, true),
            }
        }
        if s >= n {
            return (n, false);
        }
        let e = (!m.word & (u64::MAX << s)).trailing_zeros() as usize;
        if e >= 64 && i + 64 < end {
            // The word goes on past the block: the next block starts with it, unless it fills this
            // one (a word over 64 bytes), which the scalar path takes.
            return (s, s == 0);
        }
        let e = e.min(n);
        if e < n && m.special & (1 << e) != 0 && bytes[i + e] >= 0x80 {
            // A non-ASCII character may continue the word.
            return (s, true);
        }
        let mut h = WORD_SEED;
        let mut k = s;
        while k + 8 < e {
            h = word_step(h, blk.lower8(k));
            k += 8;
        }
        // 1..=8 bytes left: shifts stay below 64.
        h = word_step(h, blk.lower8(k) & (u64::MAX >> (64 - 8 * (e - k))));
        let hash = word_finish(h, e - s);
        let capital = m.upper & (1 << s) != 0;
        let digit = (m.digit >> s) & (u64::MAX >> (64 - (e - s))) != 0;
        out.ascii(hash, i + s, i + e, *in_quote, capital, digit);
        p = e;
    }
    (n, false)
}

/// `\w` for ASCII bytes.
static WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
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

/// An ASCII word, hashed by [`scan_ascii_word`] or [`fast_block`].
#[inline(always)]
fn ascii_token(hash: u64, start: usize, end: usize, quote: bool, capital: bool, digit: bool) -> Token {
    let flags = token_flags(hash, end - start, capital, digit, quote);
    Token { hash, start: start as u32, len: (end - start) as u16, flags }
}

/// A token's flags from its hash, length in characters and what the scan saw. Names are capitalised
/// words of two letters or more that are no function word in any common language. Without
/// short-circuits: whether a word is capitalised is a branch mispredicted too often.
#[inline(always)]
fn token_flags(hash: u64, chars: usize, capital: bool, digit: bool, quote: bool) -> TokenFlags {
    let (stop, function) = function_word_classes(hash);
    let name = capital & (chars >= 2) & !function;
    TokenFlags(
        (TokenFlags::CAPITAL * u8::from(capital))
            | (TokenFlags::DIGIT * u8::from(digit))
            | (TokenFlags::STOP * u8::from(stop))
            | (TokenFlags::ENTITY * u8::from(digit | name))
            | (TokenFlags::QUOTE * u8::from(quote)),
    )
}

/// A token with non-ASCII characters: NFKC, lower case, then hash.
fn make_token(w: &str, start: usize, end: usize, quote: bool, buf: &mut String) -> Token {
    let capital = w.chars().next().is_some_and(char::is_uppercase);
    let (hash, digit) = normalized_hash(w, buf);
    let flags = token_flags(hash, buf.chars().count(), capital, digit, quote);
    Token { hash, start: start as u32, len: (end - start) as u16, flags }
}

/// The hash of `w` in NFKC and lower case (left in `buf`), and whether it holds a numeric character.
fn normalized_hash(w: &str, buf: &mut String) -> (u64, bool) {
    buf.clear();
    let mut digit = false;
    for c in w.nfkc().flat_map(char::to_lowercase) {
        digit |= c.is_numeric();
        buf.push(c);
    }
    (hash_word(buf.as_bytes()), digit)
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
    fn a_straight_quote_opens_or_closes_by_what_it_touches() {
        let quoted = |text: &str| -> Vec<String> {
            tokenize(text)
                .iter()
                .filter(|t| t.flags.has(TokenFlags::QUOTE))
                .map(|t| text[t.span()].to_string())
                .collect()
        };
        // An inch mark ends a word: it cannot open a quotation over the rest of the paragraph.
        assert!(quoted("the 6'5\" guard said the deal is done").is_empty());
        // A quotation left open is closed by the next mark that ends a word, not inverted by it.
        let text = "with the purpose of \"measuring references. The name \"PageRank\" is a trademark of Google";
        assert_eq!(quoted(text), ["measuring", "references", "The", "name", "PageRank"]);
        // A quotation that runs on into the next paragraph reopens there (no blank line between).
        let text = "but said \"keep in mind the revenues.\n    \"They're not taxes,\" Miller said.";
        assert_eq!(quoted(text), ["keep", "in", "mind", "the", "revenues", "They", "re", "not", "taxes"]);
        // Inside a word it is an apostrophe.
        assert!(quoted("Kuwait\"s oil minister said").is_empty());
        // Elsewhere it toggles, as before.
        assert_eq!(quoted("a -\"b\"- c"), ["b"]);
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

    #[test]
    fn classify64_agrees_with_byte_rules() {
        for b in 0..=255u8 {
            for pos in [0, 15, 16, 37, 63] {
                let mut raw = [b'x'; 64];
                raw[pos] = b;
                let mut lower = [0u8; 72];
                let m = classify64(&raw, &mut lower);
                let bit = |m: u64| (m >> pos) & 1 == 1;
                assert_eq!(bit(m.word), b.is_ascii_alphanumeric() || b == b'_', "{b:#x}");
                assert_eq!(bit(m.upper), b.is_ascii_uppercase(), "{b:#x}");
                assert_eq!(bit(m.digit), b.is_ascii_digit(), "{b:#x}");
                assert_eq!(bit(m.special), b == b'\n' || b == b'"' || b >= 0x80, "{b:#x}");
                assert_eq!(bit(m.newline), b == b'\n', "{b:#x}");
                assert_eq!(bit(m.space), b != b'\n' && b.is_ascii_whitespace(), "{b:#x}");
                assert_eq!(lower[pos], b.to_ascii_lowercase(), "{b:#x}");
            }
        }
    }

    #[test]
    fn word_hash_is_the_same_on_every_path() {
        // Short, exactly 8 and 16 bytes, long; mixed case; at the very end of the text (the 8-byte
        // loads run past it); ASCII beside Unicode words.
        let text = "a Ab ABCDEFGH abcdefghIJKLMNOP Internationalization_2017 é Émile naïve x9";
        for t in tokenize(text) {
            let w = &text[t.span()];
            let norm: String = w.nfkc().flat_map(char::to_lowercase).collect();
            assert_eq!(t.hash, hash_word(norm.as_bytes()), "{w}");
        }
        assert_eq!(tokenize("abcdefgh")[0].hash, tokenize("ABCDEFGH")[0].hash);
        assert_ne!(hash_word(b"abcdefgh"), hash_word(b"abcdefgh\0"));
    }

    #[test]
    fn a_range_end_cuts_a_word() {
        let text = "internationalization policy";
        let mut out = Vec::new();
        tokenize_range(text, 0..13, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&text[out[0].span()], "international");
        assert_eq!(out[0].hash, hash_word(b"international"));
    }

    /// The reference: every character through `scalar_step`.
    fn tokenize_scalar(text: &str, range: std::ops::Range<usize>) -> Vec<Token> {
        let mut out = Vec::new();
        let mut st = ScanState { in_quote: false, prev_newline: false, buf: String::new(), lo: range.start };
        let mut i = range.start;
        while i < range.end {
            i = scalar_step(text, i, range.end, &mut st, &mut out);
        }
        out
    }

    #[test]
    fn block_path_matches_the_scalar_path_on_news_text() {
        let long = "x".repeat(70);
        let text = format!(
            "date 2017-09-13 Tech\nThe Russian cybersecurity firm Kaspersky Lab said on Thursday it would \
             close its Washington, D.C. office.\n\n\"We remain committed,\" it said; “quoted” naïve café \
             {long} U.S.-based 22 agencies_2017 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 end"
        );
        for start in [0, 1, 5, 63, 64, 65] {
            for end in [text.len(), text.len() - 1, 64, 128, 129] {
                if start < end && text.is_char_boundary(start) && text.is_char_boundary(end) {
                    let mut got = Vec::new();
                    tokenize_range(&text, start..end, &mut got);
                    assert_eq!(got, tokenize_scalar(&text, start..end), "{start}..{end}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(s in "\\PC{0,80}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn token_hashes_are_the_normalised_words_hashes(s in "[ a-zA-Z0-9_.,éÉß\u{ff21}-\u{ff3a}\n\"]{0,60}") {
            for t in tokenize(&s) {
                let norm: String = s[t.span()].nfkc().flat_map(char::to_lowercase).collect();
                prop_assert_eq!(t.hash, hash_word(norm.as_bytes()));
                prop_assert_eq!(t.flags.has(TokenFlags::DIGIT), norm.chars().any(char::is_numeric));
            }
        }

        #[test]
        fn block_path_matches_the_scalar_path(
            parts in proptest::collection::vec(prop_oneof![
                "[a-zA-Z0-9_]{1,12}", "[ ,.;:!?()-]{1,3}", Just("\n".to_string()), Just("\n\n".to_string()),
                Just("\"".to_string()), Just(" \n \n".to_string()), "[éÉßœ’“”«»]{1,2}", "[a-z]{60,70}",
                Just("\t".to_string()), Just(" \r\n\x0c".to_string()), Just("\n\u{a0}\n".to_string()),
                Just("\n \u{a0}x".to_string()),
            ], 0..60),
            cut in 0usize..8,
            // Ranges that end before the text does: the block path reads 64 bytes in place and must
            // not see past the range.
            end_cut in 0usize..80,
        ) {
            let text: String = parts.concat();
            let mut start = cut.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = text.len() - end_cut.min(text.len() - start);
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let mut got = Vec::new();
            tokenize_range(&text, start..end, &mut got);
            prop_assert_eq!(got, tokenize_scalar(&text, start..end));
        }

        #[test]
        fn hashes_only_are_the_tokens_hashes(s in "[ a-zA-Z0-9_.,éÉß\u{ff21}-\u{ff3a}\n\"“”]{0,90}", cut in 0usize..4) {
            let mut start = cut.min(s.len());
            while !s.is_char_boundary(start) {
                start -= 1;
            }
            let mut toks = Vec::new();
            tokenize_range(&s, start..s.len(), &mut toks);
            let mut hashes = Vec::new();
            token_hashes_range(&s, start..s.len(), &mut hashes);
            prop_assert_eq!(hashes, toks.iter().map(|t| t.hash).collect::<Vec<_>>());
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
