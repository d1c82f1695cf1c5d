//! Plain-text capture cleaner.
//!
//! Web crawls stored as plain text (WET files, search-tool excerpts, `resiliparse` output) keep the
//! page furniture: menus, trending headlines, share buttons, cookie notices, footers. This module
//! separates the article from it, one line at a time, with three kinds of evidence:
//!
//! 1. **The line itself** (`features`, `classify`): length, word count, share of lower-case words,
//!    sentence punctuation, camel-case joins of run-together menu items, furniture vocabulary
//!    (cookie, subscribe, share, ...), copyright notices, comment headers, all-caps labels.
//! 2. **The host** ([`HostLineStats`]): a line that several pages of one site carry is furniture.
//!    This is CCNet's rule, but per host rather than per shard, because a syndicated article
//!    legitimately appears on many *other* sites, and downstream we must still see it there. A
//!    page whose article is itself shared with another page of its host (a reprint at a second
//!    URL) is recognised and keeps its text.
//! 3. **Contiguity**: the article is one dense run of prose. Lines are scored (prose positive,
//!    furniture negative, weighted by length) and the best-scoring contiguous run is kept, like
//!    boilerpipe's densitometry or CCNet's longest-run heuristic. Section headings, footers and
//!    comment headers split the page into regions that compete, with what comes after an article
//!    handicapped. Short lines inside the run (subheads, list items) survive; the headline block
//!    right before it is added back, and the article may continue past a small inline widget.
//!
//! Hard-wrapped text (wire copy, mailing-list archives, plain-text e-mail) breaks every
//! paragraph into lines of about one width, so a line end is mostly not a paragraph end and a
//! wrapped line on its own looks like a headline or a menu item. Such a layout is detected per
//! document (`wrap_layout`: lines crowd below one width, and where one stops mid-sentence the next
//! goes on in lower case), and its paragraphs are re-joined (`WrapLayout::soft_break`: no blank
//! line, no paragraph indentation, no new list item or quote level, and either the next word
//! would not have fitted or the sentence goes on) and judged as units. A kept paragraph is one
//! span over its lines, newlines and indentation included.
//!
//! Everything is linear in the input. Per document the cleaner allocates a few vectors (line
//! records, a key buffer, the verdicts), never per line.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use xxhash_rust::xxh3::xxh3_64;

/// How many pages of each host carry each line (by hash). Built from a whole corpus (or merged from
/// partitions) before cleaning, because "seen on many pages of one site" is the strongest furniture signal.
///
/// The pages being cleaned should be among the pages counted: a line counts as repeated when two
/// pages carry it, the page itself included. Memory is one `u64 -> u32` entry per distinct line of
/// each host; [`HostLineStats::prune`] drops the singletons once the corpus is complete.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostLineStats {
    /// host (lower-case, without `www.`) -> its counts.
    hosts: HashMap<String, HostCounts>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct HostCounts {
    /// Pages of this host that were added.
    pages: u32,
    /// Line hash ([`line_key`]) -> pages carrying that line at least once.
    lines: HashMap<u64, u32>,
}

impl HostLineStats {
    pub fn new() -> Self {
        Self::default()
    }

    /// Count the distinct lines of one page of `host`. Pages without a host are ignored: pooling
    /// host-less pages would make unrelated sites share furniture counts.
    pub fn add_document(&mut self, host: Option<&str>, text: &str) {
        let Some(host) = host.map(host_key).filter(|h| !h.is_empty()) else {
            return;
        };
        let mut buf = Vec::new();
        let mut keys: Vec<u64> = Vec::new();
        for (_, line) in raw_lines(text) {
            if let Some(k) = line_key(line, &mut buf) {
                keys.push(k);
            }
        }
        // A line repeated within one page (menus printed twice) is still one page of evidence.
        keys.sort_unstable();
        keys.dedup();
        // Look up before inserting, so that only a host's first page allocates its name.
        if !self.hosts.contains_key(host.as_ref()) {
            self.hosts.insert(host.clone().into_owned(), HostCounts::default());
        }
        let Some(entry) = self.hosts.get_mut(host.as_ref()) else {
            return;
        };
        entry.pages = entry.pages.saturating_add(1);
        for k in keys {
            let c = entry.lines.entry(k).or_insert(0);
            *c = c.saturating_add(1);
        }
    }

    /// Fold another partition's counts into this one. Counting is additive, so building per
    /// partition and merging gives exactly the counts of building on everything at once.
    pub fn merge(&mut self, other: HostLineStats) {
        for (host, oc) in other.hosts {
            match self.hosts.get_mut(&host) {
                None => {
                    self.hosts.insert(host, oc);
                }
                Some(mine) => {
                    mine.pages = mine.pages.saturating_add(oc.pages);
                    for (k, n) in oc.lines {
                        let c = mine.lines.entry(k).or_insert(0);
                        *c = c.saturating_add(n);
                    }
                }
            }
        }
    }

    /// Drop lines seen on fewer than `min_pages` pages of their host. Only counts of 2 and more
    /// change cleaning, and singletons are most of the memory, so `prune(2)` after the corpus is
    /// complete is free in quality. Merging after pruning under-counts; prune last.
    pub fn prune(&mut self, min_pages: u32) {
        for hc in self.hosts.values_mut() {
            hc.lines.retain(|_, n| *n >= min_pages);
        }
    }

    /// Number of hosts with at least one page.
    pub fn host_count(&self) -> usize {
        self.hosts.len()
    }

    /// Pages added for `host`.
    pub fn pages(&self, host: &str) -> u32 {
        self.hosts.get(host_key(host).as_ref()).map_or(0, |h| h.pages)
    }

    /// Pages of `host` that carry `line` (after the same normalisation cleaning uses).
    pub fn line_pages(&self, host: &str, line: &str) -> u32 {
        let mut buf = Vec::new();
        match (self.hosts.get(host_key(host).as_ref()), line_key(line, &mut buf)) {
            (Some(h), Some(k)) => h.lines.get(&k).copied().unwrap_or(0),
            _ => 0,
        }
    }

    fn host(&self, host: Option<&str>) -> Option<&HostCounts> {
        self.hosts.get(host_key(host?).as_ref())
    }
}

/// One spelling per site: case and a leading `www.` vary between links to the same pages.
fn host_key(host: &str) -> Cow<'_, str> {
    let h = host.trim().trim_end_matches('.');
    let h = match h.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("www.") => &h[4..],
        _ => h,
    };
    if h.chars().any(|c| c.is_uppercase()) {
        Cow::Owned(h.to_lowercase())
    } else {
        Cow::Borrowed(h)
    }
}

/// Lines of `text` with their byte offsets; `\r\n` and lone `\n` both end a line.
fn raw_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0usize;
    text.split('\n').map(move |l| {
        let start = pos;
        pos += l.len() + 1;
        (start, l)
    })
}

/// Hash of a line for repetition counting, `None` for lines with no letters or digits.
fn line_key(line: &str, buf: &mut Vec<u8>) -> Option<u64> {
    let mut k = KeyBuilder::new(buf);
    for c in line.chars() {
        k.push(c);
    }
    k.finish()
}

/// Builds the normalised form of a line that [`line_key`] hashes, one character at a time, so
/// that [`features`] can build it in its own pass over the line.
///
/// CCNet-style normalisation: lower case, punctuation dropped, whitespace collapsed, and every digit
/// run folded to `0`, so "© 2017 Time Inc." and "© 2019 Time Inc." or two time stamps count as the
/// same furniture. Article sentences differ in their words, so folding digits does not merge them.
struct KeyBuilder<'a> {
    buf: &'a mut Vec<u8>,
    space: bool,
    in_digits: bool,
}

impl<'a> KeyBuilder<'a> {
    fn new(buf: &'a mut Vec<u8>) -> Self {
        buf.clear();
        KeyBuilder { buf, space: false, in_digits: false }
    }

    #[inline(always)]
    fn push(&mut self, c: char) {
        if c.is_ascii() {
            let b = c as u8;
            if b.is_ascii_alphanumeric() {
                self.word_char();
                if b.is_ascii_digit() {
                    self.digit();
                } else {
                    self.in_digits = false;
                    self.buf.push(b.to_ascii_lowercase());
                }
            } else if b.is_ascii_whitespace() {
                self.space = true;
                self.in_digits = false;
            }
        } else if c.is_alphanumeric() {
            self.word_char();
            if c.is_numeric() {
                self.digit();
            } else {
                self.in_digits = false;
                let mut tmp = [0u8; 4];
                for l in c.to_lowercase() {
                    self.buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
                }
            }
        } else if c.is_whitespace() {
            self.space = true;
            self.in_digits = false;
        }
        // Punctuation is dropped and does not end a digit run: "9:01" and "10:15" both become "0".
    }

    #[inline]
    fn word_char(&mut self) {
        if self.space && !self.buf.is_empty() {
            self.buf.push(b' ');
        }
        self.space = false;
    }

    #[inline]
    fn digit(&mut self) {
        if !self.in_digits {
            self.buf.push(b'0');
            self.in_digits = true;
        }
    }

    fn finish(self) -> Option<u64> {
        if self.buf.is_empty() {
            None
        } else {
            Some(xxh3_64(self.buf))
        }
    }
}

/// The kept article spans of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Byte ranges into the input text: ascending, non-overlapping, each on char boundaries.
    pub spans: Vec<Range<usize>>,
}

impl Cleaned {
    /// The article text: kept spans joined by blank lines.
    pub fn text(&self, input: &str) -> String {
        let mut out = String::new();
        for s in &self.spans {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&input[s.clone()]);
        }
        out
    }

    /// Total kept bytes.
    pub fn kept_bytes(&self) -> usize {
        self.spans.iter().map(|s| s.len()).sum()
    }
}

// ---------------------------------------------------------------------------------------------
// Line features
// ---------------------------------------------------------------------------------------------

/// What a line looks like on its own. Counts are saturating `u32`; nothing here allocates.
#[derive(Debug, Clone, Copy, Default)]
struct Feat {
    /// Characters (not bytes), after trimming.
    chars: u32,
    /// Whitespace-separated tokens with at least one letter or digit.
    words: u32,
    /// Words whose first letter is lower case / upper case.
    lower_words: u32,
    upper_words: u32,
    letters: u32,
    uppers: u32,
    digits: u32,
    /// Han, kana and Hangul characters: these scripts pack a word into one to three characters.
    cjk: u32,
    /// Sentence ends inside the line: `.!?` (and CJK equivalents) followed by a space.
    sent_marks: u32,
    /// Ends with sentence punctuation (quotes and brackets after it allowed).
    term: bool,
    /// `xxY` joins: run-together menu items ("Site MapPrivacy Policy", "BanksThe Former").
    camel: u32,
    /// Contains ©, ⓒ or "(c)".
    copyright_mark: bool,
    /// Contains a 4-digit number 1900-2099 (a copyright year, a date).
    year: bool,
    /// A year within three tokens after the copyright mark: "© 2017 Time Inc.", "Copyright ©
    /// 2019 ...", unlike a photo credit "© Lucy Nicholson Detainees at ... on May 18, 2018."
    copyright_year: bool,
    /// Furniture vocabulary (see [`vocab`]).
    kw: u32,
    /// Strong furniture phrases: "all rights reserved", "privacy policy", "share this", ...
    kw_strong: u32,
    /// Section headings that close an article: "Related", "Comments", "You may also like", ...
    kw_section: bool,
    /// The first word is a furniture lead-in: "Read more: ...", "Related: ...", "Advertisement".
    kw_lead: bool,
    /// The line contains a URL or bare domain.
    url: bool,
    /// Starts with "by": a byline, not a headline.
    first_by: bool,
    commas: u32,
    /// A clock time (`7:45`) or "ago": time stamps of bylines, comments and news tickers.
    clock: bool,
    /// A count of comments: "10 Comments", "34 responses to ...", "Comments (3)".
    comment_count: bool,
    /// "... | 10 Comments": a count after other words (a heading only if it ends the line).
    comment_count_late: bool,
    /// Social platform names.
    social: u32,
    /// "cookie(s)", and consent vocabulary ("agree", "accept", "browsing"): with both, the line
    /// is a cookie notice.
    cookie: bool,
    consent: u32,
    /// Starts with a list bullet.
    bullet: bool,
    /// Vocabulary id of the last word ("says" ends comment headers).
    last_id: u8,
    /// The first camel join comes after title-case words only (capitalised words, short
    /// lower-case function words): a headline run into its teaser text or into the next menu
    /// item ("... Student-AthleteA 24-year-old woman ..."), not a brand name inside a sentence.
    title_camel: bool,
    /// A colon within the first three words ("Tags:", "Also read:", "Photo:").
    early_colon: bool,
    /// Starts with a link label: "Also read:", "See also:", "Read more:" (colon in the first
    /// three words, label vocabulary before it).
    label: bool,
    /// Starts with a wire dateline ("LONDON, March 31 (Atlas) -", "ST. JOSEPH, Mich. (AP)").
    dateline: bool,
    /// Ends with a full stop after a lower-case letter or digit: a sentence, not a headline like
    /// "... Services In U.S.".
    period_end: bool,
    /// A paragraph re-joined from the lines of a hard-wrapped text (see [`WrapLayout`]), not one
    /// line of a web capture: run-together text nodes do not occur in it.
    rejoined: bool,
}

impl Feat {
    /// Word count with CJK characters counted as half a word each (no spaces to split on).
    fn words_e(&self) -> u32 {
        self.words + self.cjk / 2
    }
    /// Length in "Latin-character equivalents": one CJK character carries about as much as two.
    fn eff_len(&self) -> u32 {
        self.chars + self.cjk
    }
    fn lower_ratio(&self) -> f32 {
        let n = self.lower_words + self.upper_words;
        if n == 0 {
            0.0
        } else {
            self.lower_words as f32 / n as f32
        }
    }
    fn caps_ratio(&self) -> f32 {
        if self.letters == 0 {
            0.0
        } else {
            self.uppers as f32 / self.letters as f32
        }
    }
}

/// Vocabulary classes. Words are matched after lower-casing; one word can be in several classes.
mod vocab {
    pub const FURN: u8 = 1;
    /// Can head a closing section ("Related", "Comments", "Tags").
    pub const SECTION: u8 = 2;
    /// Can open a furniture line ("Advertisement", "Read more: ...").
    pub const LEAD: u8 = 4;
    /// Names a comment section ("3 responses to ...", "Comments (12)").
    pub const COMMENTS: u8 = 8;
    /// Social platform names: furniture on short lines only.
    pub const SOCIAL: u8 = 16;
    /// Words of consent banners.
    pub const CONSENT: u8 = 32;

    /// Word ids for the phrase rules; 0 = no id.
    pub const W_ALL: u8 = 1;
    pub const W_RIGHTS: u8 = 2;
    pub const W_RESERVED: u8 = 3;
    pub const W_PRIVACY: u8 = 4;
    pub const W_POLICY: u8 = 5;
    pub const W_TERMS: u8 = 6;
    pub const W_USE: u8 = 7;
    pub const W_SHARE: u8 = 8;
    pub const W_THIS: u8 = 9;
    pub const W_READ: u8 = 10;
    pub const W_MORE: u8 = 11;
    pub const W_SIGN: u8 = 12;
    pub const W_UP_IN: u8 = 13;
    pub const W_LOG: u8 = 14;
    pub const W_FOLLOW: u8 = 15;
    pub const W_US: u8 = 16;
    pub const W_CLICK: u8 = 17;
    pub const W_HERE: u8 = 18;
    pub const W_ALSO: u8 = 19;
    pub const W_LIKE: u8 = 20;
    pub const W_FROM: u8 = 21;
    pub const W_COOKIE: u8 = 22;
    pub const W_MOST: u8 = 23;
    pub const W_POPULAR: u8 = 24;
    pub const W_NEXT: u8 = 25;
    pub const W_LEAVE: u8 = 26;
    pub const W_REPLY: u8 = 27;
    pub const W_SERVICE: u8 = 28;
    pub const W_SUBSCRIBE: u8 = 29;
    pub const W_TO: u8 = 30;
    pub const W_YOU: u8 = 31;
    pub const W_MAY: u8 = 32;
    pub const W_SKIP: u8 = 33;
    pub const W_CONTENT: u8 = 34;
    pub const W_ABOUT: u8 = 35;
    pub const W_AUTHOR: u8 = 36;
    pub const W_THE: u8 = 37;
    pub const W_POWERED: u8 = 38;
    pub const W_BY: u8 = 39;
    pub const W_DIREITOS: u8 = 40;
    pub const W_RESERVADOS: u8 = 41;
    pub const W_READ_VIEWED: u8 = 42;
    pub const W_SAYS: u8 = 43;
    pub const W_AGO: u8 = 44;
    pub const W_SEE: u8 = 45;
    pub const W_COMMENTS: u8 = 46;

    /// (classes, word id) of a lower-cased word.
    pub fn lookup(w: &str) -> (u8, u8) {
        match w {
            "all" => (0, W_ALL),
            // Words that are also everyday news vocabulary ("rights issue", "share price",
            // "declined to comment", "related to") get an id for the phrase rules, or a
            // heading class, but do not count as furniture words on their own.
            "rights" | "right" => (0, W_RIGHTS),
            "reserved" => (0, W_RESERVED),
            "privacy" => (FURN, W_PRIVACY),
            "policy" => (0, W_POLICY),
            "terms" => (0, W_TERMS),
            "use" | "conditions" => (0, W_USE),
            "share" | "compartilhe" | "compartilhar" | "partilhar" | "condividi" | "compartir" | "partager"
            | "teilen" | "bagikan" => (SECTION | LEAD, W_SHARE),
            "this" | "article" | "story" | "post" => (0, W_THIS),
            "read" | "leia" | "baca" | "lees" | "lire" => (0, W_READ),
            "more" | "mais" | "juga" | "también" | "anche" => (0, W_MORE),
            "sign" => (0, W_SIGN),
            "up" | "in" => (0, W_UP_IN),
            "log" => (0, W_LOG),
            "follow" | "siga" | "segui" | "síguenos" | "suivez" => (0, W_FOLLOW),
            "us" | "nos" => (0, W_US),
            "click" | "tap" => (0, W_CLICK),
            "here" => (0, W_HERE),
            "also" => (0, W_ALSO),
            "like" | "enjoy" => (0, W_LIKE),
            "from" => (0, W_FROM),
            "cookie" | "cookies" => (FURN, W_COOKIE),
            "agree" | "accept" | "consent" | "browsing" | "continuing" | "experience" | "personalise"
            | "personalize" | "analyse" | "analyze" | "opt" | "settings" => (CONSENT, 0),
            "most" => (0, W_MOST),
            "popular" | "recent" | "latest" => (SECTION, W_POPULAR),
            "viewed" | "shared" | "watched" | "commented" => (0, W_READ_VIEWED),
            "next" | "previous" => (SECTION, W_NEXT),
            "leave" => (0, W_LEAVE),
            "reply" | "replies" | "responder" | "rispondi" => (SECTION | COMMENTS, W_REPLY),
            "says" | "said" | "wrote" | "writes" | "disse" | "dice" | "sagt" => (0, W_SAYS),
            "ago" => (0, W_AGO),
            "see" | "veja" | "vea" | "voir" => (0, W_SEE),
            "responses" | "thoughts" => (COMMENTS, W_COMMENTS),
            "service" => (0, W_SERVICE),
            "subscribe" | "unsubscribe" | "assine" | "assinar" | "iscriviti" | "suscríbete" | "suscribirse"
            | "abonnieren" | "abonnez" | "berlangganan" | "newsletter" | "newsletters" => (FURN, W_SUBSCRIBE),
            "to" => (0, W_TO),
            "you" => (0, W_YOU),
            "may" | "might" => (0, W_MAY),
            "skip" => (FURN, W_SKIP),
            "content" | "main" | "navigation" => (0, W_CONTENT),
            "about" => (0, W_ABOUT),
            "author" => (0, W_AUTHOR),
            "the" => (0, W_THE),
            "powered" | "designed" => (0, W_POWERED),
            "by" => (0, W_BY),
            "direitos" | "derechos" | "diritti" | "droits" | "rechte" => (0, W_DIREITOS),
            "reservados" | "riservati" | "réservés" | "vorbehalten" => (0, W_RESERVADOS),
            "comments" | "comment" | "comentários" | "comentarios" | "commenti" | "kommentare" | "komentar" => {
                (SECTION | LEAD | COMMENTS, W_COMMENTS)
            }
            "related" | "relacionadas" | "relacionados" | "correlati" | "tags" | "tagged" | "recommended"
            | "trending" => (SECTION | LEAD, 0),
            "advertisement" | "advertisements" | "advert" | "sponsored" | "publicidade" | "publicidad"
            | "pubblicità" | "anzeige" | "werbung" | "iklan" => (FURN | LEAD, 0),
            "ad" | "ads" | "advertising" | "advertise" | "promoted" => (LEAD, 0),
            "copyright" => (FURN | LEAD, 0),
            // Platform names are furniture in share rows, but news prose names them too.
            "facebook" | "twitter" | "tweet" | "tweets" | "instagram" | "whatsapp" | "pinterest" | "linkedin"
            | "youtube" | "reddit" | "flipboard" | "telegram" | "tumblr" => (SOCIAL, 0),
            "email" | "print" | "login" | "logout" | "signup" | "password" | "menu" | "search" | "sitemap" | "rss"
            | "javascript" | "browser" | "loading" | "preferences" | "akismet" | "homepage" | "inbox"
            | "notifications" | "privacidade" | "privacidad" | "datenschutz" | "impressum" | "sharing"
            | "newsletter's" | "subscribing" => (FURN, 0),
            _ => (0, 0),
        }
    }

    /// Strong furniture phrases, judged on word pairs (previous id, this id).
    pub fn strong_pair(prev: u8, cur: u8) -> bool {
        matches!(
            (prev, cur),
            (W_RIGHTS, W_RESERVED)
                | (W_DIREITOS, W_RESERVADOS)
                | (W_PRIVACY, W_POLICY)
                | (W_COOKIE, W_POLICY)
                | (W_TERMS, W_USE)
                | (W_TERMS, W_SERVICE)
                | (W_SHARE, W_THIS)
                | (W_READ, W_MORE)
                | (W_SIGN, W_UP_IN)
                | (W_LOG, W_UP_IN)
                | (W_FOLLOW, W_US)
                | (W_CLICK, W_HERE)
                | (W_SUBSCRIBE, W_TO)
                | (W_SKIP, W_TO)
                | (W_POWERED, W_BY)
        )
    }

    /// Word pairs that label an inline link when a colon follows: "Also read:", "See also:",
    /// "Read more:", "More from ...:".
    pub fn label_pair(prev: u8, cur: u8) -> bool {
        matches!(
            (prev, cur),
            (W_ALSO, W_READ) | (W_SEE, W_ALSO) | (W_READ, W_MORE) | (W_MORE, W_FROM) | (W_READ, W_NEXT)
        )
    }

    /// Pairs that make a short line a closing section heading: "also like", "more from",
    /// "most popular", "read next", "leave a reply" (with "a" skipped), "about the author".
    pub fn section_pair(prev: u8, cur: u8) -> bool {
        matches!(
            (prev, cur),
            (W_ALSO, W_LIKE)
                | (W_MORE, W_FROM)
                | (W_MOST, W_POPULAR)
                | (W_MOST, W_READ)
                | (W_MOST, W_READ_VIEWED)
                | (W_READ, W_NEXT)
                | (W_LEAVE, W_REPLY)
                | (W_THE, W_AUTHOR)
                | (W_YOU, W_MAY)
                | (W_SHARE, W_THIS)
        )
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x3040..=0x30FF    // kana
        | 0x3400..=0x4DBF    // CJK ext A
        | 0x4E00..=0x9FFF    // CJK unified
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF)
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '…' | '؟' | '।')
}

/// Closing quotes and brackets that may follow the sentence end: `He said "no."` ends a sentence.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '」' | '』' | '）' | '*')
}

/// Word-level state of [`features`]: the lower-cased current word (on the stack) and the ids of
/// the words before it, for the phrase rules.
struct Words {
    buf: [u8; 32],
    len: usize,
    overflow: bool,
    prev_id: u8,
    prev2_id: u8,
    idx: u32,
    /// The previous whitespace-separated token was a number ("10 Comments").
    prev_numeric: bool,
    /// Index of the current whitespace-separated token, and of the last copyright mark's.
    tok_index: u32,
    copyright_tok: Option<u32>,
}

impl Words {
    fn new() -> Self {
        Words {
            buf: [0; 32],
            len: 0,
            overflow: false,
            prev_id: 0,
            prev2_id: 0,
            idx: 0,
            prev_numeric: false,
            tok_index: 0,
            copyright_tok: None,
        }
    }

    #[inline]
    fn push(&mut self, c: char) {
        if self.overflow {
            return;
        }
        if c.is_ascii() {
            if self.len < self.buf.len() {
                self.buf[self.len] = (c as u8).to_ascii_lowercase();
                self.len += 1;
            } else {
                self.overflow = true;
            }
            return;
        }
        let mut tmp = [0u8; 4];
        for l in c.to_lowercase() {
            let s = l.encode_utf8(&mut tmp);
            // Longer words are never vocabulary; stop copying instead of allocating.
            if self.len + s.len() > self.buf.len() {
                self.overflow = true;
                return;
            }
            self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
        }
    }

    /// The current word is complete: look it up and update the phrase state.
    fn finish(&mut self, f: &mut Feat) {
        let word = if self.overflow || self.len == 0 { None } else { std::str::from_utf8(&self.buf[..self.len]).ok() };
        if let Some(w) = word {
            let (cls, id) = vocab::lookup(w);
            if cls & vocab::FURN != 0 {
                f.kw += 1;
            }
            if cls & vocab::SOCIAL != 0 {
                f.social += 1;
            }
            if cls & vocab::CONSENT != 0 {
                f.consent += 1;
            }
            if id == vocab::W_COOKIE {
                f.cookie = true;
            }
            if self.idx == 0 {
                f.kw_lead = cls & vocab::LEAD != 0;
                f.first_by = id == vocab::W_BY;
            }
            if cls & vocab::SECTION != 0 && self.idx <= 1 {
                f.kw_section = true;
            }
            // "12 Comments", "34 responses to ...", "Comments (3)"; a count later in a sentence
            // ("received 12 comments") is not a heading.
            if cls & vocab::COMMENTS != 0 {
                if self.idx == 0 {
                    f.comment_count = true;
                } else if self.prev_numeric {
                    f.comment_count_late = true;
                }
            }
            if w == "copyright" {
                f.copyright_mark = true;
                self.copyright_tok = Some(self.tok_index);
            }
            if id == vocab::W_AGO {
                f.clock = true;
            }
            if id != 0 {
                let (p1, p2) = (self.prev_id, self.prev2_id);
                if vocab::strong_pair(p1, id) || vocab::strong_pair(p2, id) {
                    f.kw_strong += 1;
                }
                if vocab::section_pair(p1, id) || vocab::section_pair(p2, id) {
                    f.kw_section = true;
                }
                if self.idx == 1 && !f.early_colon && vocab::label_pair(p1, id) {
                    f.label = true;
                }
            }
            f.last_id = id;
            self.prev2_id = self.prev_id;
            self.prev_id = id;
            self.idx += 1;
        }
        self.len = 0;
        self.overflow = false;
    }
}

/// All features of one line and its repetition key ([`line_key`], 0 if none), in a single pass
/// over its characters. `key_buf` is scratch reused across lines.
fn features(line: &str, key_buf: &mut Vec<u8>) -> (Feat, u64) {
    let mut key = KeyBuilder::new(key_buf);
    let mut f = Feat::default();
    let mut words = Words::new();
    let mut in_word = false;
    // Current whitespace-separated token: started, had a letter, had a digit.
    let mut in_tok = false;
    let mut tok_letter = false;
    let mut tok_digit = false;
    let mut tok_chars = 0u32;
    let mut tok_lower_initial = false;
    let mut tok_caps = 0u32;
    let mut tok_lowers = 0u32;
    let mut last = ' ';
    // Before the first camel join: lower-case words of four letters or more, capitalised words.
    let mut long_lower = 0u32;
    let mut caps_words = 0u32;
    let mut camel_seen = false;
    // Length of the current run of lower-case letters (camel-join detection).
    let mut lower_run = 0u32;
    // Last significant characters, for the sentence-end tests.
    let mut prev_char = ' ';
    // The character before `prev_char`: "H.K. Porter" and "U.S. Steel" are not sentence ends.
    let mut prev_prev = ' ';
    let mut last_nonclose = ' ';
    let mut before_last_nonclose = ' ';
    // A 4-digit number being read (for the year test).
    let mut digit_run = 0u32;
    let mut digit_val = 0u32;
    // The three characters before this one (clock times like 7:45).
    let (mut p1, mut p2, mut p3) = (' ', ' ', ' ');
    let mut paren = false;

    for c in line.chars() {
        key.push(c);
        f.chars = f.chars.saturating_add(1);
        let ws = c.is_whitespace();
        let alpha = c.is_alphabetic();
        // An apostrophe inside a word keeps it one word ("don't", "newsletter's").
        let apostrophe = (c == '\'' || c == '’') && in_word;
        if in_word && !alpha && !apostrophe {
            in_word = false;
            words.finish(&mut f);
        }
        if ws {
            if in_tok {
                words.prev_numeric = tok_digit && !tok_letter;
                in_tok = false;
                words.tok_index += 1;
                if words.tok_index <= 3 && tok_caps >= 2 && tok_lowers == 0 && last == ',' {
                    f.dateline = true;
                }
                if tok_lower_initial && tok_chars >= 4 && !camel_seen {
                    long_lower += 1;
                }
            }
        } else if !in_tok {
            in_tok = true;
            tok_letter = false;
            tok_digit = false;
            tok_chars = 0;
            tok_lower_initial = false;
            tok_caps = 0;
            tok_lowers = 0;
        }
        if in_tok {
            tok_chars += 1;
        }
        if alpha {
            f.letters = f.letters.saturating_add(1);
            if is_cjk(c) {
                f.cjk = f.cjk.saturating_add(1);
            }
            if !tok_letter && !tok_digit {
                f.words = f.words.saturating_add(1);
                if c.is_uppercase() {
                    f.upper_words = f.upper_words.saturating_add(1);
                    if !camel_seen {
                        caps_words += 1;
                    }
                } else if c.is_lowercase() {
                    f.lower_words = f.lower_words.saturating_add(1);
                    tok_lower_initial = true;
                }
            }
            tok_letter = true;
            if c.is_uppercase() {
                tok_caps += 1;
            } else {
                tok_lowers += 1;
            }
            if c.is_uppercase() {
                f.uppers = f.uppers.saturating_add(1);
                // "MapPrivacy": lower-case letters, then a capital starting a new word.
                if lower_run >= 2 {
                    f.camel = f.camel.saturating_add(1);
                    if !camel_seen {
                        camel_seen = true;
                        f.title_camel = long_lower == 0 && caps_words >= 4;
                    }
                }
                lower_run = 0;
            } else if c.is_lowercase() {
                lower_run += 1;
            } else {
                lower_run = 0;
            }
            in_word = true;
            words.push(c);
        } else {
            lower_run = 0;
            if apostrophe {
                words.push('\'');
            }
            if c.is_numeric() {
                f.digits = f.digits.saturating_add(1);
                if !tok_letter && !tok_digit {
                    f.words = f.words.saturating_add(1);
                }
                tok_digit = true;
            }
        }
        if let Some(d) = c.to_digit(10) {
            digit_run += 1;
            digit_val = digit_val.saturating_mul(10).saturating_add(d);
        } else {
            if digit_run == 4 && (1900..=2099).contains(&digit_val) {
                f.year = true;
                if words.copyright_tok.is_some_and(|m| words.tok_index <= m + 3) {
                    f.copyright_year = true;
                }
            }
            digit_run = 0;
            digit_val = 0;
        }
        if c.is_ascii_digit() && p1.is_ascii_digit() && p2 == ':' && p3.is_ascii_digit() {
            f.clock = true;
        }
        (p3, p2, p1) = (p2, p1, c);
        last = c;
        match c {
            '©' | 'ⓒ' => {
                f.copyright_mark = true;
                words.copyright_tok = Some(words.tok_index);
            }
            '(' => paren = true,
            ',' | '،' | '、' | '，' => f.commas = f.commas.saturating_add(1),
            ':' if f.words <= 3 && !f.early_colon => {
                f.early_colon = true;
                // Only a label if the label words come right before the colon.
                f.label = f.label || (f.kw_lead && f.words <= 2);
            }
            _ => {}
        }
        if ws && is_sentence_end(prev_char) && !(prev_char == '.' && prev_prev.is_uppercase()) {
            f.sent_marks = f.sent_marks.saturating_add(1);
        }
        if !ws && !is_closer(c) {
            before_last_nonclose = last_nonclose;
            last_nonclose = c;
        }
        // A closer after a sentence end ("no.") still counts as that sentence end.
        if !(is_closer(c) && is_sentence_end(prev_char)) {
            prev_prev = prev_char;
            prev_char = c;
        }
    }
    if in_word {
        words.finish(&mut f);
    }
    if digit_run == 4 && (1900..=2099).contains(&digit_val) {
        f.year = true;
        if words.copyright_tok.is_some_and(|m| words.tok_index <= m + 3) {
            f.copyright_year = true;
        }
    }
    // A line ending in an ellipsis is a cut-off teaser or snippet, not a finished sentence.
    let ellipsis = last_nonclose == '…' || line.trim_end_matches(is_closer).ends_with("...");
    f.term = is_sentence_end(last_nonclose) && !ellipsis;
    f.bullet = matches!(line.chars().next(), Some('•' | '·' | '-' | '–' | '—' | '*' | '►' | '▪' | '■' | '◦' | '●'));
    f.period_end = last_nonclose == '.' && (before_last_nonclose.is_lowercase() || before_last_nonclose.is_numeric());
    // "(c) 2019 ..." is a copyright mark; "(C)" alone is often a stock ticker.
    if paren {
        for (i, _) in line.match_indices("(c)").chain(line.match_indices("(C)")) {
            if line[i + 3..].trim_start().starts_with(|c: char| c.is_ascii_digit()) {
                f.copyright_mark = true;
                f.copyright_year |= f.year;
            }
        }
    }
    // Only short lines are judged by being a URL; long lines skip the substring scans.
    f.url = f.words <= 6 && (line.contains("://") || line.contains("www.") || line.contains(".com"));
    (f, key.finish().unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------
// Hard-wrapped layout
// ---------------------------------------------------------------------------------------------

/// What the layout analysis needs of one non-blank input line.
#[derive(Debug, Clone, Copy)]
struct RawLn {
    /// Trimmed byte range in the input.
    start: usize,
    end: usize,
    blank_before: bool,
    /// Columns of leading whitespace (a tab advances to the next multiple of 8).
    indent: u32,
    /// Column after the last character: `indent` plus the characters of the trimmed line.
    col: u32,
    /// Depth of e-mail quoting (`>` marks at the start).
    quote: u8,
    /// Starts with a list marker ("-", "*", "•", "1.", "a)") followed by a space.
    bullet: bool,
    /// Column where the text of a list item starts (its wrapped lines hang there).
    bullet_text: u32,
    /// Characters of the first word (after any quote marks).
    first_word: u32,
    /// The first word starts with a lower-case letter / a digit.
    starts_lower: bool,
    starts_digit: bool,
    /// Ends with sentence punctuation, a colon or a semicolon: the line may end a paragraph.
    ends_sentence: bool,
    /// Ends with a lower-case letter or a comma: the sentence goes on.
    ends_open: bool,
    /// The last word starts in lower case ("of", "said"), unlike a title-case headline's.
    ends_lower_word: bool,
    /// More than one word (after any quote marks).
    multi_word: bool,
}

impl RawLn {
    /// `indent` is the leading whitespace of the line, `body` the trimmed rest (non-empty).
    fn new(start: usize, indent: &str, body: &str, blank_before: bool) -> Self {
        let indent = indent.chars().fold(0u32, |c, ch| if ch == '\t' { (c / 8 + 1) * 8 } else { c + 1 });
        // E-mail quote marks: "> > text".
        let mut quote = 0u8;
        let mut rest = body;
        while let Some(r) = rest.strip_prefix('>') {
            quote = quote.saturating_add(1);
            rest = r.trim_start();
        }
        let chars = u32::try_from(body.chars().count()).unwrap_or(u32::MAX);
        let first_tok = rest.split(char::is_whitespace).next().unwrap_or("");
        let multi_word = first_tok.len() < rest.len();
        let first = rest.chars().next().unwrap_or(' ');
        let last = body.chars().next_back().unwrap_or(' ');
        let last_nonclose = body.chars().rev().find(|&c| !is_closer(c)).unwrap_or(' ');
        let last_word = body.rsplit(char::is_whitespace).next().unwrap_or("");
        let bullet = quote == 0 && multi_word && list_marker(first_tok);
        let bullet_text = if bullet {
            // The column of the second token.
            let after = &body[first_tok.len()..];
            let gap = after.len() - after.trim_start().len();
            indent + (first_tok.chars().count() + gap) as u32
        } else {
            indent
        };
        RawLn {
            start,
            end: start + body.len(),
            blank_before,
            indent,
            col: indent.saturating_add(chars),
            quote,
            bullet,
            bullet_text,
            first_word: first_tok.chars().count() as u32,
            starts_lower: first.is_lowercase(),
            starts_digit: first.is_ascii_digit(),
            ends_sentence: is_sentence_end(last_nonclose) || matches!(last, ':' | ';'),
            ends_open: last.is_lowercase() || last == ',',
            ends_lower_word: last_word.chars().next().is_some_and(char::is_lowercase),
            multi_word,
        }
    }
}

/// A list item marker: a bullet symbol, "1.", "12)", "(a)", "b)".
fn list_marker(tok: &str) -> bool {
    if matches!(tok, "-" | "*" | "+" | "•" | "·" | "–" | "—" | "►" | "▪" | "■" | "◦" | "●") {
        return true;
    }
    let inner = match tok.strip_suffix(')') {
        Some(t) => t.strip_prefix('(').unwrap_or(t),
        None => match tok.strip_suffix('.') {
            Some(t) if t.bytes().all(|c| c.is_ascii_digit()) => t,
            _ => return false,
        },
    };
    let b = inner.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_digit() || b[0].is_ascii_lowercase(),
        2 => b.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The wrap width and paragraph indentation of a hard-wrapped text (mailing lists, wire copy,
/// plain-text e-mail, RFC-style documents), where line ends are mostly not paragraph ends.
#[derive(Debug, Clone, Copy)]
struct WrapLayout {
    /// Column the text was wrapped at.
    width: u32,
    /// The usual indentation of a line: a line indented deeper starts a paragraph (or a table
    /// row), unless it is the hanging continuation of a list item.
    base_indent: u32,
}

impl WrapLayout {
    /// The break between `a` and the next line `b`, in the paragraph that starts with `first`,
    /// is a wrap: nothing in between, `b` is not indented as a new paragraph (deeper than usual,
    /// or than the text of a list item) and starts no new list item, and either the first word
    /// of `b` would not have fitted on `a`, or `a` stops mid-sentence and `b` continues it.
    fn soft_break(&self, first: &RawLn, a: &RawLn, b: &RawLn) -> bool {
        if !self.may_join(first, a, b) {
            return false;
        }
        let no_room = a.col + 1 + b.first_word > self.width;
        let goes_on = !a.ends_sentence && a.multi_word && (b.starts_lower || (b.starts_digit && a.ends_open));
        no_room || goes_on
    }

    /// Nothing in the layout separates `a` and `b`: no blank line, no deeper indentation, no new
    /// list item, the same quoting, and `a` is not longer than the width (a URL or a table row).
    fn may_join(&self, first: &RawLn, a: &RawLn, b: &RawLn) -> bool {
        let cont_indent = if first.bullet { first.bullet_text.max(self.base_indent) } else { self.base_indent };
        // A marker after an unfinished phrase is a number or dash inside the sentence.
        let new_item = b.bullet && (first.bullet || !a.ends_open);
        !b.blank_before
            && b.quote == a.quote
            && b.indent <= cont_indent
            && !new_item
            && a.col <= self.width + tune::WRAP_SLACK
    }
}

/// Detects a hard-wrapped layout. The wrap width is the column most line ends crowd below (few
/// lines pass it). The text is wrapped if, where lines that reach the width stop mid-sentence,
/// the next line mostly continues the sentence, as a fill algorithm leaves them; if most of its
/// text is in such paragraphs; and if that text is punctuated like prose. Web captures put a
/// paragraph on one line, and their menus and headline lists start each item with a capital and
/// have little punctuation. `text` is the document the lines index.
fn wrap_layout(raws: &[RawLn], text: &str) -> Option<WrapLayout> {
    const MAX_COL: usize = 256;
    let mut hist = [0u32; MAX_COL + 1];
    let mut indents = [0u32; 17];
    for r in raws {
        hist[(r.col as usize).min(MAX_COL)] += 1;
        indents[(r.indent as usize).min(16)] += 1;
    }
    // Prefix sums: lines with col <= c.
    let mut cum = [0u32; MAX_COL + 1];
    let mut acc = 0u32;
    for (c, h) in hist.iter().enumerate() {
        acc += h;
        cum[c] = acc;
    }
    let total = acc;
    let mut best: Option<(i64, u32)> = None;
    for w in tune::WRAP_MIN_WIDTH..=tune::WRAP_MAX_WIDTH {
        let lo = w - w / 5;
        let near = cum[w as usize] - cum[lo as usize - 1];
        let over = total - cum[w as usize];
        let score = i64::from(near) - 2 * i64::from(over);
        if best.is_none_or(|b| score > b.0) {
            best = Some((score, w));
        }
    }
    let (_, width) = best?;
    let base_indent = (0..indents.len()).max_by_key(|&i| (indents[i], std::cmp::Reverse(i)))? as u32;
    let layout = WrapLayout { width, base_indent };
    let near = |r: &RawLn| r.col + width / 5 >= width && r.col <= width + tune::WRAP_SLACK;
    // Where a line that reaches the width stops mid-sentence and runs on into the next line, the
    // sentence mostly goes on there: in lower case, with a number after an unfinished phrase, or
    // with a name that would not have fitted after a lower-case word ("of the" / "Senate").
    // A list of headlines goes on with the next capitalised headline, which mostly would have
    // fitted, and does not end in a full stop as a sentence's last words do ("... New York Stock" /
    // "Exchange.") ...
    let goes_on = |a: &RawLn, b: &RawLn| {
        b.starts_lower
            || (b.starts_digit && a.ends_open)
            || ((a.ends_lower_word || b.ends_sentence) && a.col + 1 + b.first_word > width)
    };
    let (mut mid_sentence, mut going_on) = (0usize, 0usize);
    // ... and most of the text is in paragraphs of such lines: lines that reach the width, the
    // last line of each paragraph, and a short first line whose sentence goes on.
    let (mut in_paragraphs, mut all_chars, mut punct) = (0u64, 0u64, 0u64);
    let mut after_near = false;
    for (i, a) in raws.iter().enumerate() {
        let next = raws.get(i + 1).filter(|b| layout.may_join(a, a, b));
        let goes = !a.ends_sentence && next.is_some_and(|b| goes_on(a, b));
        if near(a) && next.is_some() && !a.ends_sentence {
            mid_sentence += 1;
            going_on += usize::from(goes);
        }
        all_chars += u64::from(a.col);
        let in_paragraph = near(a) || (after_near && a.col <= width + tune::WRAP_SLACK) || goes;
        if in_paragraph {
            in_paragraphs += u64::from(a.col);
            punct += text.as_bytes()[a.start..a.end]
                .iter()
                .filter(|&&b| matches!(b, b'.' | b',' | b';' | b':' | b'!' | b'?'))
                .count() as u64;
        }
        after_near = near(a) && next.is_some();
    }
    // Prose is punctuated; a list of headlines cut at one width is not.
    let punctuated = punct * u64::from(tune::WRAP_PUNCT_SPAN) >= in_paragraphs;
    let wrapped = going_on >= 1 && going_on * 3 >= mid_sentence && in_paragraphs * 3 >= all_chars * 2 && punctuated;
    wrapped.then_some(layout)
}

// ---------------------------------------------------------------------------------------------
// Classification and selection
// ---------------------------------------------------------------------------------------------

/// What a line is judged to be before context is taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Reads like article sentences.
    Prose,
    /// Short or unpunctuated, but not known furniture: a headline, subhead, list item, byline.
    Weak,
    /// Known furniture; dropped even inside the article block.
    Furniture,
    /// A heading that opens a side or closing section ("Related", "Comments", "Most read"). The
    /// article does not continue across one, so it splits the page into candidate regions.
    Section,
    /// The page footer or comment thread starts here (copyright notice, "12 responses to",
    /// "Alex on May 2, 2018 at 4:47 pm said:"). Also splits the page, and the headline search
    /// does not cross it.
    Barrier,
}

/// One unit of the document: a non-blank line, or the re-joined lines of one paragraph of a
/// hard-wrapped text.
#[derive(Debug, Clone, Copy)]
struct Ln {
    /// Trimmed byte range in the input (over all its lines for a re-joined paragraph).
    start: usize,
    end: usize,
    /// A blank line (or the start of the text) precedes it.
    blank_before: bool,
    f: Feat,
    /// Pages of this host carrying the line (this page included when the corpus was counted).
    rep: u32,
    /// Repetition key ([`line_key`]), 0 for a line without letters or digits.
    key: u64,
    /// The same line is printed again within two lines.
    twin: bool,
    /// Judged on its own features, without host repetition.
    own: Kind,
    kind: Kind,
    /// Part of a run of three or more short unpunctuated lines: a menu or link list.
    listish: bool,
    /// Splits the page into regions that are scored separately (see [`choose_block`]).
    boundary: bool,
    score: f32,
}

/// Tuning constants. Kept together so their interplay is visible; values were set on the
/// ScrapingHub AEB plain-text captures and checked by eye on news excerpts (see `bench/`).
mod tune {
    /// A line carried by this many pages of its host is furniture.
    pub const REP_MIN: u32 = 2;
    /// Characters of a page's own prose (repeated on no other page of its host) before the block
    /// the reading with host repetition finds, that make it the article's lead.
    pub const OWN_LEAD: u64 = 150;
    /// Fixed cost per furniture line, so that many short menu items add up.
    pub const LINE_COST: f32 = 12.0;
    /// Extra cost of a time-stamp line.
    pub const STAMP_COST: f32 = 60.0;
    /// A region scoring this much (about two sentences of prose) can be the article.
    pub const ARTICLE_MIN: f32 = 250.0;
    /// A region after the first article-sized one must score this many times more to replace
    /// it: what follows an article is mostly comments, teasers and footers.
    pub const LATER_FACTOR: f32 = 3.0;
    /// Non-prose lines an inline widget may take inside an article (see [`super::choose_block`]).
    pub const WIDGET_LINES: usize = 8;
    /// Score per prose character the text after such a widget needs to continue the article:
    /// articles are nearly all prose, teaser lists lose half to their titles and dates.
    pub const WIDGET_DENSITY: f32 = 0.8;
    /// Lines examined above the block when looking for its headline.
    pub const HEAD_LOOKBACK: usize = 7;
    /// Wrap widths considered for hard-wrapped text (columns).
    pub const WRAP_MIN_WIDTH: u32 = 30;
    pub const WRAP_MAX_WIDTH: u32 = 120;
    /// How far a wrapped line may pass the wrap width (a long word) or stop short of it and
    /// still count as filling it.
    pub const WRAP_SLACK: u32 = 8;
    /// Wrapped prose has a punctuation mark (`.,;:!?`) every this many characters or more often:
    /// newswire copy one every 40 to 80, a list of headlines one every few hundred.
    pub const WRAP_PUNCT_SPAN: u32 = 200;
}

fn classify(f: &Feat, rep_counts: bool, rep: u32) -> Kind {
    let w = f.words_e();
    let lr = f.lower_ratio();
    let kd = f.kw as f32 / f.words.max(1) as f32;
    // Scripts without letter case (Arabic, Devanagari, Thai, CJK) give no lower-case signal.
    let caseless = (f.lower_words + f.upper_words) * 2 < f.words || f.cjk * 2 >= f.letters;
    let sentence_case = caseless || lr >= 0.3;
    if f.copyright_mark {
        // A copyright notice (with a year or rights wording) ends the page; a bare "© Reuters"
        // photo credit is furniture but may sit inside the article.
        if w <= 30 && (f.copyright_year || f.kw_strong > 0) {
            return Kind::Barrier;
        }
        if w <= 30 {
            return Kind::Furniture;
        }
    }
    // Comment thread headers: "Gary M on September 17, 2018 at 8:50 pm said:", "joe says:",
    // "34 responses to ...", "Leave a Reply".
    if !f.term && f.last_id == vocab::W_SAYS && (w <= 4 || f.clock || f.year) && w <= 14 {
        return Kind::Barrier;
    }
    if !f.term && ((f.comment_count && w <= 30) || (f.comment_count_late && f.last_id == vocab::W_COMMENTS && w <= 12))
    {
        return Kind::Barrier;
    }
    if rep_counts && rep >= tune::REP_MIN {
        return Kind::Furniture;
    }
    if f.kw_section && w <= 5 && !f.term {
        return Kind::Section;
    }
    if f.kw_strong > 0 && (w <= 12 || f.kw_strong >= 2 || kd >= 0.15) {
        return Kind::Furniture;
    }
    let kw_short = f.kw + f.social;
    if kw_short >= 1 && w <= 3 && !f.term {
        return Kind::Furniture;
    }
    if kw_short >= 1 && w <= 8 && !(f.term && lr >= 0.6) {
        return Kind::Furniture;
    }
    if f.cookie && f.consent >= 1 {
        return Kind::Furniture;
    }
    // Furniture words in a real sentence need to be denser: news prose mentions email and
    // privacy too.
    let sentence = f.term && w >= 8 && lr >= 0.6;
    if (f.kw >= 2 && kd >= if sentence { 0.2 } else { 0.15 }) || (f.kw >= 3 && kd >= 0.1) {
        return Kind::Furniture;
    }
    if f.kw_lead && !(f.term && w >= 8 && sentence_case) {
        return Kind::Furniture;
    }
    if f.camel >= 2 && !(f.term && w >= 12) {
        return Kind::Furniture;
    }
    if f.title_camel && !f.dateline && !f.rejoined {
        return Kind::Furniture;
    }
    if f.label && f.early_colon && !(f.term && w >= 15) {
        return Kind::Furniture;
    }
    if f.url && w <= 4 {
        return Kind::Furniture;
    }
    if f.caps_ratio() > 0.8 && f.letters >= 3 && w <= 4 && !f.term {
        return Kind::Furniture;
    }
    let digit_heavy = f.digits > f.letters;
    // Long unpunctuated lines are prose cut off (excerpts end mid-sentence), unless they are tag
    // clouds and keyword lists: no sentence mark, and either no commas or a comma every few words.
    // A paragraph re-joined from wrapped lines has its sentence ends: one that has none is a run
    // of headlines or list items rather than prose cut off.
    let run_on = w >= 20 && f.sent_marks == 0 && f.commas > 0 && f.commas * 5 < f.words && !f.rejoined;
    let prose =
        w >= 6 && !digit_heavy && sentence_case && (f.term || f.sent_marks >= 1 || run_on || (w >= 20 && caseless));
    if prose {
        Kind::Prose
    } else {
        Kind::Weak
    }
}

fn score(l: &Ln) -> f32 {
    let len = l.f.eff_len() as f32;
    match l.kind {
        Kind::Prose => {
            // Short sentences are also how captions and teasers look; trust long ones more.
            if l.f.words_e() >= 12 {
                len
            } else {
                0.7 * len
            }
        }
        Kind::Weak => {
            if l.listish {
                -(0.8 * len + tune::LINE_COST)
            } else {
                -(0.4 * len + 0.5 * tune::LINE_COST)
            }
        }
        Kind::Furniture | Kind::Section | Kind::Barrier => -(0.8 * len + tune::LINE_COST),
    }
}

/// A line that can be the article's headline: several words, not a byline, date or sentence.
fn headline_like(f: &Feat) -> bool {
    let w = f.words_e();
    (3..=30).contains(&w)
        && (!f.year || f.digits * 4 < f.letters)
        && !f.clock
        && !f.first_by
        && !f.bullet
        && !f.url
        && !f.period_end
        && f.digits * 3 < f.letters
}

/// A short time-stamp line ("2 days ago at 07:52 am", "11/20/2019 01:14 PM", a video length).
/// One sits above an article; a series of them marks comments or a news ticker, so each costs
/// extra, but unlike a section heading it does not split regions: video embeds with their
/// running time sit inside articles.
fn stamp_line(f: &Feat) -> bool {
    f.clock && !f.term && f.words_e() <= 12
}

/// " date 2017-09-13 ..." marks the crawl date in our stored corpus; it is not page text.
/// Returns the byte length of the marker (with following spaces) if `line` starts with one.
fn date_marker_len(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if b.len() < 15 || !b.starts_with(b"date ") {
        return None;
    }
    let d = &b[5..15];
    let ok = d.iter().enumerate().all(|(i, &c)| match i {
        4 | 7 => c == b'-',
        _ => c.is_ascii_digit(),
    });
    if !ok || b.get(15).is_some_and(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    let rest = &line[15..];
    Some(15 + (rest.len() - rest.trim_start().len()))
}

/// Maximum-sum contiguous run of scores in `lines[lo..hi]`: (start, end exclusive, sum).
/// `None` if no run has a positive sum.
fn best_run(lines: &[Ln], lo: usize, hi: usize) -> Option<(usize, usize, f32)> {
    let mut best: Option<(usize, usize, f32)> = None;
    let mut cur = 0.0f32;
    let mut cur_start = lo;
    for (i, l) in lines.iter().enumerate().take(hi).skip(lo) {
        if cur <= 0.0 {
            cur = 0.0;
            cur_start = i;
        }
        cur += l.score;
        if cur > 0.0 && best.is_none_or(|b| cur > b.2) {
            best = Some((cur_start, i + 1, cur));
        }
    }
    best
}

/// The article block, chosen among regions separated by boundary lines (section headings,
/// footers, comment headers), so comment threads and "more stories" lists cannot merge into the
/// article however long they are.
///
/// Regions compete by their best run's score, but once an article-sized region has been seen,
/// a region behind a section heading must be [`tune::LATER_FACTOR`] times stronger (what follows
/// an article is mostly related stories and comments), and nothing behind a footer or comment
/// header competes at all.
fn choose_block(lines: &[Ln]) -> Option<(usize, usize, f32)> {
    let mut best: Option<(usize, usize, f32, f32)> = None;
    let mut seen_article = false;
    let mut discount = false;
    let mut lo = 0;
    while lo < lines.len() {
        let mut hi = lo;
        while hi < lines.len() && !lines[hi].boundary {
            hi += 1;
        }
        if let Some((s, e, sum)) = best_run(lines, lo, hi) {
            let weighted = if discount { sum / tune::LATER_FACTOR } else { sum };
            if best.is_none_or(|b| weighted > b.3) {
                best = Some((s, e, sum, weighted));
            }
            if sum >= tune::ARTICLE_MIN {
                seen_article = true;
            }
        }
        if let Some(b) = lines.get(hi) {
            if seen_article {
                match b.kind {
                    Kind::Barrier => break,
                    Kind::Section => discount = true,
                    _ => {}
                }
            }
        }
        lo = hi + 1;
    }
    let (s, mut e, mut sum, _) = best?;
    // An inline widget ("Share this article", "Related Links") can sit inside an article. If
    // prose resumes right after the block, past a few non-prose lines that include a boundary
    // but no footer, comment header or link list, and goes on as article-sized, article-dense prose (not
    // teasers alternating with their titles and dates), the article continues there.
    loop {
        let mut j = e;
        let mut crossed = false;
        while j < lines.len() && j - e <= tune::WIDGET_LINES && lines[j].kind != Kind::Prose {
            // A footer or comment header ends the article; a link list is a section of its
            // own, not a widget inside the article.
            if lines[j].kind == Kind::Barrier || lines[j].listish {
                return Some((s, e, sum));
            }
            crossed |= lines[j].boundary;
            j += 1;
        }
        if !crossed || j >= lines.len() || lines[j].kind != Kind::Prose {
            break;
        }
        let mut hi = j;
        while hi < lines.len() && !lines[hi].boundary {
            hi += 1;
        }
        match best_run(lines, j, hi) {
            Some((rs, re, rsum))
                if rs == j
                    && rsum >= tune::ARTICLE_MIN
                    && lines[rs..re].iter().filter(|l| l.kind == Kind::Prose && l.f.eff_len() >= 80).count() >= 2
                    && rsum >= tune::WIDGET_DENSITY * prose_len(&lines[rs..re]) =>
            {
                e = re;
                sum += rsum;
            }
            _ => break,
        }
    }
    Some((s, e, sum))
}

/// Length of the prose lines among `lines`, in the units of [`score`].
fn prose_len(lines: &[Ln]) -> f32 {
    lines.iter().filter(|l| l.kind == Kind::Prose).map(|l| l.f.eff_len() as f32).sum()
}

/// Classify every line in context and pick the article block: (start, end, score).
/// `rep_prose`: whether host repetition counts against prose lines too.
fn judge(lines: &mut [Ln], rep_prose: bool) -> Option<(usize, usize, f32)> {
    for l in lines.iter_mut() {
        l.kind = if l.own == Kind::Prose && !rep_prose { l.own } else { classify(&l.f, true, l.rep) };
        if l.twin && matches!(l.kind, Kind::Prose | Kind::Weak) {
            l.kind = Kind::Furniture;
        }
    }
    mark_lists(lines);
    for l in lines.iter_mut() {
        l.score = score(l);
        if l.kind == Kind::Weak && stamp_line(&l.f) {
            l.score -= tune::STAMP_COST;
        }
        l.boundary = matches!(l.kind, Kind::Section | Kind::Barrier);
    }
    choose_block(lines)
}

/// Clean one page given the corpus statistics.
pub fn clean_plain(stats: &HostLineStats, host: Option<&str>, text: &str) -> Cleaned {
    let (lines, keep) = analyse(stats, host, text);
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut prev_kept = false;
    for (l, &k) in lines.iter().zip(&keep) {
        if k {
            match spans.last_mut() {
                Some(last) if prev_kept => last.end = l.end,
                _ => spans.push(l.start..l.end),
            }
        }
        prev_kept = k;
    }
    Cleaned { spans }
}

/// One line per input line with the cleaner's verdict, for tuning and bug reports:
/// `+`/`-` kept or dropped, kind, score, host repetition, flags (`L` list run, `|` region
/// boundary, `b` blank line before, `~` a further line of the same wrapped paragraph), text.
#[doc(hidden)]
pub fn explain_plain(stats: &HostLineStats, host: Option<&str>, text: &str) -> Vec<String> {
    let (lines, keep) = analyse(stats, host, text);
    let mut out = Vec::with_capacity(lines.len());
    for (l, &k) in lines.iter().zip(&keep) {
        let verdict = if k { '+' } else { '-' };
        // A paragraph of a hard-wrapped text is one unit: its further lines are marked `~`.
        for (n, seg) in text[l.start..l.end].split('\n').enumerate() {
            let seg = seg.trim();
            out.push(if n == 0 {
                format!(
                    "{} {:<10} {:>7.1} r{} {}{}{}| {}",
                    verdict,
                    format!("{:?}", l.kind),
                    l.score,
                    l.rep,
                    if l.listish { 'L' } else { ' ' },
                    if l.boundary { '|' } else { ' ' },
                    if l.blank_before { 'b' } else { ' ' },
                    seg
                )
            } else {
                format!("{verdict} {:<10} {:>7} {:>2}   ~| {seg}", "", "", "")
            });
        }
    }
    out
}

fn analyse(stats: &HostLineStats, host: Option<&str>, text: &str) -> (Vec<Ln>, Vec<bool>) {
    let counts = stats.host(host);
    let mut raws: Vec<RawLn> = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut blank_before = true;
    for (off, raw) in raw_lines(text) {
        let trimmed = raw.trim_start();
        let mut start = off + (raw.len() - trimmed.len());
        let mut body = trimmed.trim_end();
        if raws.is_empty() {
            if let Some(n) = date_marker_len(body) {
                start += n;
                body = &body[n..];
            }
        }
        if body.is_empty() {
            blank_before = true;
            continue;
        }
        raws.push(RawLn::new(start, &raw[..raw.len() - trimmed.len()], body, blank_before));
        blank_before = false;
    }
    if raws.is_empty() {
        return (Vec::new(), Vec::new());
    }

    // Hard-wrapped text is judged by its paragraphs: the wrapped lines of one paragraph become one
    // unit (a `Ln` whose range covers them, newlines included). Other text keeps one unit a line.
    let layout = wrap_layout(&raws, text);
    let mut lines: Vec<Ln> = Vec::with_capacity(raws.len());
    let mut key_buf: Vec<u8> = Vec::new();
    let mut joined = String::new();
    let mut i = 0;
    while i < raws.len() {
        let mut j = i + 1;
        if let Some(lay) = &layout {
            while j < raws.len() && lay.soft_break(&raws[i], &raws[j - 1], &raws[j]) {
                j += 1;
            }
        }
        let (first, last) = (&raws[i], &raws[j - 1]);
        let single = j == i + 1;
        let unit: &str = if single {
            &text[first.start..first.end]
        } else {
            joined.clear();
            joined.reserve(last.end - first.start);
            for r in &raws[i..j] {
                if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(&text[r.start..r.end]);
            }
            &joined
        };
        let (mut f, key) = features(unit, &mut key_buf);
        f.rejoined = !single;
        let rep = match counts {
            Some(h) if single && key != 0 => h.lines.get(&key).copied().unwrap_or(0),
            // A paragraph is repeated on the host if each of its lines is (a wrapped footer or
            // signature): host statistics are counted per line.
            Some(h) if !single => raws[i..j]
                .iter()
                .filter_map(|r| line_key(&text[r.start..r.end], &mut key_buf))
                .map(|k| h.lines.get(&k).copied().unwrap_or(0))
                .min()
                .unwrap_or(0),
            _ => 0,
        };
        lines.push(Ln {
            start: first.start,
            end: last.end,
            blank_before: first.blank_before,
            f,
            rep,
            key,
            twin: false,
            own: Kind::Weak,
            kind: Kind::Weak,
            listish: false,
            boundary: false,
            score: 0.0,
        });
        i = j;
    }

    // Teasers and headings printed twice in a row (desktop and mobile variants) are furniture;
    // an article does not repeat a line right after itself.
    for i in 1..lines.len() {
        for back in 1..=2.min(i) {
            let (a, b) = (&lines[i - back], &lines[i]);
            if a.key != 0 && a.key == b.key && b.f.words_e() >= 3 {
                lines[i].twin = true;
                lines[i - back].twin = true;
            }
        }
    }
    for l in &mut lines {
        l.own = classify(&l.f, false, 0);
    }
    // Repetition on the host decides first. But a page whose prose is repeated on its host may
    // be a reprint (the same story at a second URL, a syndicated copy), and then repetition
    // cannot tell its article from furniture. So the article is also looked for with repetition
    // counted against non-prose lines only, and that reading wins if its block opens with shared
    // prose and most of its prose is shared: copies share an article's lead and body, while
    // shared blurbs and teasers are a minority beside a page's own article.
    let strict = judge(&mut lines, true);
    let has_rep_prose = lines.iter().any(|l| l.own == Kind::Prose && l.rep >= tune::REP_MIN);
    let block = if !has_rep_prose {
        strict
    } else {
        let snapshot: Vec<(Kind, bool, bool, f32)> =
            lines.iter().map(|l| (l.kind, l.listish, l.boundary, l.score)).collect();
        let lenient = judge(&mut lines, false);
        let strict_sum = strict.map_or(0.0, |b| b.2);
        let reprint = lenient.is_some_and(|(s, e, sum)| {
            let (mut shared, mut own) = (0u64, 0u64);
            let mut lead_shared = None;
            for l in &lines[s..e] {
                if l.own == Kind::Prose {
                    let n = u64::from(l.f.eff_len());
                    let is_shared = l.rep >= tune::REP_MIN;
                    if is_shared {
                        shared += n;
                    } else {
                        own += n;
                    }
                    if lead_shared.is_none() && n >= 100 {
                        lead_shared = Some(is_shared);
                    }
                }
            }
            // The strict reading may also split the page's own article where paragraphs of it are
            // shared with another page of the host (an update, a story reusing background
            // paragraphs): then it starts after prose found on no other page, the article's own
            // lead. (Own prose after its block is not evidence: teasers of other stories, each
            // with its blurb, follow many articles past shared links.)
            let strict_start = strict.map_or(e, |b| b.0);
            let own_lead: u64 = lines[s..e.min(strict_start).max(s)]
                .iter()
                .filter(|l| l.own == Kind::Prose && l.rep < tune::REP_MIN)
                .map(|l| u64::from(l.f.eff_len()))
                .sum();
            sum > strict_sum && ((lead_shared == Some(true) && shared > own) || own_lead >= tune::OWN_LEAD)
        });
        if reprint {
            lenient
        } else {
            for (l, s) in lines.iter_mut().zip(snapshot) {
                (l.kind, l.listish, l.boundary, l.score) = s;
            }
            strict
        }
    };

    let mut keep = vec![false; lines.len()];
    match block {
        Some((s, e, _)) => {
            for (k, l) in keep[s..e].iter_mut().zip(&lines[s..e]) {
                *k = keep_inside(l);
            }
            drop_widgets(&lines[s..e], &mut keep[s..e]);
            add_headline(&lines, s, &mut keep);
            add_cut_tail(&lines, e, &mut keep);
        }
        None => {
            // No prose at all: keep the longest plausible line rather than nothing, so a short
            // caption-like text still yields something to match on.
            if let Some((i, _)) = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.kind == Kind::Weak && l.f.words_e() >= 5)
                .max_by_key(|(_, l)| l.f.eff_len())
            {
                keep[i] = true;
            }
        }
    }
    (lines, keep)
}

/// A block only contains a boundary line where [`choose_block`] continued the article past an
/// inline widget; the widget is the run of non-prose lines around that boundary, links included.
fn drop_widgets(lines: &[Ln], keep: &mut [bool]) {
    let mut i = 0;
    while i < lines.len() {
        if lines[i].kind == Kind::Prose {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < lines.len() && lines[j].kind != Kind::Prose {
            j += 1;
        }
        if lines[i..j].iter().any(|l| l.boundary) {
            keep[i..j].fill(false);
        }
        i = j;
    }
}

/// Inside the article block, drop only what is clearly furniture or a title-case link list.
fn keep_inside(l: &Ln) -> bool {
    match l.kind {
        Kind::Prose => true,
        Kind::Weak => !(l.listish && l.f.upper_words > l.f.lower_words),
        Kind::Furniture | Kind::Section | Kind::Barrier => false,
    }
}

/// Runs of three or more adjacent short unpunctuated lines are menus, link lists or trending
/// headlines. A headline alone is not in such a run, because a byline or blank line breaks it.
fn mark_lists(lines: &mut [Ln]) {
    let short = |l: &Ln| l.kind != Kind::Prose && !l.f.term && l.f.words_e() <= 15;
    for l in lines.iter_mut() {
        l.listish = false;
    }
    let mut i = 0;
    while i < lines.len() {
        if !short(&lines[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len() && !lines[j].blank_before && short(&lines[j]) {
            j += 1;
        }
        if j - i >= 3 {
            for l in &mut lines[i..j] {
                l.listish = true;
            }
        }
        i = j;
    }
}

/// Keep the headline block (headline, standfirst, byline) right above the article block. Only if
/// a headline-like line is found within a few lines; otherwise the lines above are left out, since
/// excerpts often start mid-article and what precedes is then furniture.
fn add_headline(lines: &[Ln], block_start: usize, keep: &mut [bool]) {
    let mut i = block_start;
    let mut seen = 0;
    let mut skipped = 0;
    while i > 0 && seen < tune::HEAD_LOOKBACK {
        i -= 1;
        seen += 1;
        let l = &lines[i];
        // A headline is often printed twice (page title and heading); its copy nearest the
        // article is still the headline, although elsewhere doubled lines are teasers.
        let twin_headline = l.twin && l.own == Kind::Weak && headline_like(&l.f);
        if twin_headline {
            for (k, m) in keep[i + 1..block_start].iter_mut().zip(&lines[i + 1..block_start]) {
                *k = matches!(m.kind, Kind::Prose | Kind::Weak);
            }
            keep[i] = true;
            return;
        }
        match l.kind {
            Kind::Barrier => return,
            Kind::Furniture | Kind::Section => {
                skipped += 1;
                if skipped > 3 {
                    return;
                }
            }
            Kind::Prose | Kind::Weak => {
                if l.kind == Kind::Weak && headline_like(&l.f) {
                    for (k, m) in keep[i..block_start].iter_mut().zip(&lines[i..block_start]) {
                        *k = matches!(m.kind, Kind::Prose | Kind::Weak);
                    }
                    return;
                }
            }
        }
    }
}

/// Excerpts are cut mid-sentence: a last line that continues the article's prose without its
/// sentence end is still article text.
fn add_cut_tail(lines: &[Ln], block_end: usize, keep: &mut [bool]) {
    if block_end + 1 != lines.len() {
        return;
    }
    let l = &lines[block_end];
    if l.kind == Kind::Weak && !l.listish && l.f.lower_ratio() >= 0.5 {
        keep[block_end] = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(line: &str) -> Feat {
        super::features(line, &mut Vec::new()).0
    }

    fn kind(line: &str) -> Kind {
        classify(&features(line), false, 0)
    }

    /// Cleans `text` alone (no host) and returns the kept lines, trimmed.
    fn kept(text: &str) -> Vec<String> {
        kept_with(&HostLineStats::new(), None, text)
    }

    fn kept_with(stats: &HostLineStats, host: Option<&str>, text: &str) -> Vec<String> {
        let c = clean_plain(stats, host, text);
        check_spans(text, &c);
        c.text(text).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
    }

    fn check_spans(text: &str, c: &Cleaned) {
        let mut prev = 0;
        for s in &c.spans {
            assert!(s.start >= prev, "spans overlap or descend: {:?}", c.spans);
            assert!(s.start < s.end && s.end <= text.len(), "bad span {s:?}");
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            prev = s.end;
        }
    }

    const P1: &str = "The regulator said on Tuesday that those who have already raised money must \
                      provide refunds, though it did not specify how the money would be paid back.";
    const P2: &str = "Digital tokens cannot be used as currency on the market, and banks are forbidden \
                      from offering services to initial coin offerings, the statement said.";
    const P3: &str = "Analysts said the ruling was the strongest regulatory challenge so far to the \
                      burgeoning market for digital token sales, which raised billions this year.";

    // ---- repetition keys and host statistics -----------------------------------------------

    #[test]
    fn line_key_folds_case_digits_space_and_punctuation() {
        let mut b = Vec::new();
        let k = |s: &str, b: &mut Vec<u8>| line_key(s, b);
        assert_eq!(
            k("© 2017 Time Inc. All rights reserved.", &mut b),
            k("©  2019 TIME Inc All rights reserved", &mut b)
        );
        assert_eq!(k("Updated 9:01 AM", &mut b), k("updated 10:15 am", &mut b));
        assert_ne!(k("Shares fell 5 percent", &mut b), k("Shares rose 5 percent", &mut b));
        assert_eq!(k("", &mut b), None);
        assert_eq!(k(" -- | · ", &mut b), None);
    }

    #[test]
    fn host_key_ignores_case_and_www() {
        assert_eq!(host_key("WWW.Example.COM."), "example.com");
        assert_eq!(host_key("news.example.com"), "news.example.com");
        let mut s = HostLineStats::new();
        s.add_document(Some("www.Example.com"), "Subscribe now\n");
        s.add_document(Some("example.com"), "Subscribe now\n");
        assert_eq!(s.pages("EXAMPLE.com"), 2);
        assert_eq!(s.line_pages("example.com", "subscribe NOW"), 2);
    }

    #[test]
    fn a_line_counts_once_per_page_and_hostless_pages_are_not_pooled() {
        let mut s = HostLineStats::new();
        s.add_document(Some("a.com"), "Home\nHome\nNews\nHome");
        assert_eq!(s.line_pages("a.com", "Home"), 1);
        s.add_document(None, "Home");
        assert_eq!(s.host_count(), 1);
    }

    #[test]
    fn merge_adds_counts_and_prune_drops_singletons() {
        let mut a = HostLineStats::new();
        a.add_document(Some("a.com"), "Menu\nStory one.");
        let mut b = HostLineStats::new();
        b.add_document(Some("a.com"), "Menu\nStory two.");
        b.add_document(Some("b.com"), "Menu");
        let mut whole = HostLineStats::new();
        for (h, t) in [("a.com", "Menu\nStory one."), ("a.com", "Menu\nStory two."), ("b.com", "Menu")] {
            whole.add_document(Some(h), t);
        }
        a.merge(b);
        assert_eq!(a, whole);
        assert_eq!(a.line_pages("a.com", "Menu"), 2);
        a.prune(2);
        assert_eq!(a.line_pages("a.com", "Menu"), 2);
        assert_eq!(a.line_pages("a.com", "Story one."), 0);
        assert_eq!(a.line_pages("b.com", "Menu"), 0);
    }

    // ---- features --------------------------------------------------------------------------

    #[test]
    fn camel_joins_of_run_together_menus() {
        assert_eq!(features("Customer ServiceSite MapPrivacy Policy").camel, 2);
        assert_eq!(features("She uploaded it to YouTube yesterday").camel, 1);
        assert!(!features("McDonald's and iPhone").title_camel);
        let teaser = features("Police: 2 In Custody After Death Of Student-AthleteA 24-year-old woman was arrested");
        assert!(teaser.title_camel);
        let prose = features("A BankAmerica spokesman said approval is taking longer than expected.");
        assert!(!prose.title_camel);
    }

    #[test]
    fn sentence_ends_and_abbreviations() {
        assert!(features("He said no.").term);
        assert!(features("He said \"no.\"").term);
        assert!(!features("Services In U.S.").period_end);
        assert!(features("It rose in the U.S. market today.").period_end);
        assert_eq!(features("H.K. Porter to redeem preferred stock").sent_marks, 0);
        assert_eq!(features("It fell. Then it rose! Why? Nobody knows").sent_marks, 3);
    }

    #[test]
    fn dates_clocks_and_datelines() {
        assert!(features("November 19, 2019 at 6:34 am").clock);
        assert!(features("2 days ago").clock);
        assert!(features("© 1987 Atlas").year);
        assert!(!features("Revenue of 2500 units").year);
        assert!(features("LONDON, March 31 (Atlas) - The threatened trade war").dateline);
        assert!(features("ST. JOSEPH, Mich. (AP) — Michigan health authorities").dateline);
        assert!(!features("London is expensive, analysts say").dateline);
    }

    #[test]
    fn copyright_marks_but_not_tickers() {
        assert!(features("© Dado Ruvic/Reuters").copyright_mark);
        assert!(features("(c) 2019 Example Media").copyright_mark);
        assert!(features("Copyright Example Media").copyright_mark);
        assert!(!features("Chrysler Motors Corp (C) of the U.S. will market the cars.").copyright_mark);
    }

    #[test]
    fn vocabulary_and_phrases() {
        let f = features("Share this: · Twitter · Facebook · More");
        assert!(f.kw_strong > 0 && f.kw_section && f.social == 2);
        assert!(features("You may also like").kw_section);
        assert!(features("All Rights Reserved").kw_strong > 0);
        assert!(features("Todos os direitos reservados").kw_strong > 0);
        assert!(features("Also read: Brazilian seamen back at work").label);
        assert!(!features("He also read: the statement").label);
        assert!(features("34 responses to “Anthony Lynn”").comment_count);
        assert!(features("Posted in Open thread | Permalink | 10 Comments").comment_count_late);
        assert!(!features("The post received 10 comments from readers.").comment_count);
        let f = features("Newsletter's");
        assert_eq!(f.kw, 1);
        assert_eq!(features("Supercalifragilisticexpialidociouslylongerthanthirtytwo").kw, 0);
    }

    // ---- line rules ------------------------------------------------------------------------

    #[test]
    fn prose_lines() {
        assert_eq!(kind(P1), Kind::Prose);
        assert_eq!(kind("Cities and states immediately began saying they would bid."), Kind::Prose);
        // An excerpt cut mid-sentence, no sentence end.
        assert_eq!(
            kind("US President Donald Trump has criticized Amazon as doing great damage to tax paying retailers, and towns, cities and states throughout the"),
            Kind::Prose
        );
        // Languages without letter case.
        assert_eq!(kind("그래서 처음 이러한 사진 공개에 대한 대중들의 반응은 엘제이의 행동에 대한 비난으로 이어졌다. 하지만 상황은 달라졌다."), Kind::Prose);
        assert_eq!(
            kind("The company said it was sending email notifications to additional affected user accounts."),
            Kind::Prose
        );
    }

    #[test]
    fn weak_lines_headlines_and_lists() {
        let h = "Russia’s Kaspersky To Dial Down Government Services In U.S.";
        assert_eq!(kind(h), Kind::Weak);
        assert!(headline_like(&features(h)));
        assert!(!headline_like(&features("By Peter Harrington")));
        assert!(!headline_like(&features("Published 31 Mar 1987, 13:14 GMT")));
        assert!(!headline_like(&features("Posted on March 19, 1987 by News Desk")));
        assert!(headline_like(&features("Chirac Says 1988 Budget Deficit Will Be Lower")));
        assert_eq!(kind("Home"), Kind::Weak);
        // Tag clouds are long but not prose.
        assert_eq!(kind("adote um amigo agua alerta ambiente amizade atendimento atirador bem-estar biblioteca caminhada campanha capacitacao cultura esporte"), Kind::Weak);
        assert_eq!(kind("calendario, stock car, brasil, cascavel, corrida, milhao, interlagos, santa cruz, velopark, londrina, curitiba, tarumã, goiania"), Kind::Weak);
    }

    #[test]
    fn furniture_lines() {
        for l in [
            "Customer ServiceSite MapPrivacy PolicyAdvertisingAd ChoicesTerms of UseCareers",
            "Search",
            "SPONSORED",
            "COMPARECARDS",
            "Get Data Sheet, Fortune’s technology newsletter.",
            "Read more: AMEX starts trading American Businessphones",
            "Also read: Election result may delay Japan economic stimulus",
            "RELATED: Rising Taiwan dollar causes foreign reserves loss",
            "Advertisement",
            "Ad",
            "© Dado Ruvic/Reuters",
            "www.autoracing.com.br",
            "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish. Accept Read More",
            "We use cookies to improve your experience on our site and to show you relevant advertising. By continuing to browse, you agree to our use of cookies.",
            "Enter your email address to subscribe to The Paradigm and receive notifications of new posts by email.",
            "Mayor: ‘Despicable’ Move For Health Benefits Won’t StandWarren Mayor Jim Fouts says it was despicable.",
        ] {
            assert_eq!(kind(l), Kind::Furniture, "{l}");
        }
    }

    #[test]
    fn section_and_barrier_lines() {
        for l in [
            "Related",
            "Share on Facebook",
            "Tags: Crude, Ship, France, USA",
            "Share this:",
            "You may also like",
            "Most Popular",
            "Leave a Reply",
        ] {
            assert_eq!(kind(l), Kind::Section, "{l}");
        }
        for l in [
            "© 2017 Time Inc. All rights reserved.",
            "Copyright © 2019 The Paradigm. All Rights Reserved.",
            "Gary M on September 17, 2018 at 8:50 pm said:",
            "joetoronto says:",
            "34 responses to “Anthony Lynn: We needed to win this game”",
            "Posted in Open thread | Permalink | 10 Comments",
            "Comments",
        ] {
            assert_eq!(kind(l), Kind::Barrier, "{l}");
        }
        assert_eq!(kind("Trump says:"), Kind::Barrier);
        assert_eq!(kind("The post received 10 comments from readers within an hour of publication."), Kind::Prose);
    }

    #[test]
    fn news_vocabulary_is_not_furniture() {
        for l in [
            "Shares of Equifax fell more than 5 percent in after-hours trading.",
            "Under the plan, the board declared a dividend of one share purchase right for each common share held.",
            "A spokesman declined to comment on the terms of the deal, which is related to the rights issue.",
            "Facebook said on Twitter that it had removed the accounts after a review.",
        ] {
            assert_eq!(kind(l), Kind::Prose, "{l}");
        }
    }

    #[test]
    fn host_repetition_makes_furniture() {
        assert_eq!(classify(&features(P1), true, 2), Kind::Furniture);
        assert_eq!(classify(&features(P1), true, 1), Kind::Prose);
        assert_eq!(classify(&features(P1), false, 9), Kind::Prose);
    }

    #[test]
    fn date_marker() {
        assert_eq!(date_marker_len("date 2017-09-13 Tech"), Some(16));
        assert_eq!(date_marker_len("date 2017-09-13"), Some(15));
        assert_eq!(date_marker_len("date 2017-9-13 Tech"), None);
        assert_eq!(date_marker_len("date 2017-09-13x"), None);
        assert_eq!(date_marker_len("dated 2017-09-13"), None);
    }

    // ---- whole documents -------------------------------------------------------------------

    #[test]
    fn keeps_article_with_headline_drops_menu_and_footer() {
        let text = format!(
            "Home\nNews\nSports\nBusiness\nWeather\n\nFed Holds Rates Steady As Inflation Cools\n\nBy Jane Doe\n\n{P1}\n\n{P2}\n\n{P3}\n\nShare this:\nTwitter\nFacebook\n© 2019 Example Media. All rights reserved.\nThis disclaimer is long enough to be prose, and it explains that quotes are delayed by fifteen minutes."
        );
        let k = kept(&text);
        assert_eq!(k, ["Fed Holds Rates Steady As Inflation Cools", "By Jane Doe", P1, P2, P3]);
    }

    #[test]
    fn date_marker_line_is_stripped_but_prose_on_it_kept() {
        let text = format!(" date 2017-09-05 {P1}\n\n{P2}\n");
        let c = clean_plain(&HostLineStats::new(), None, &text);
        assert_eq!(c.text(&text).lines().next(), Some(P1));
        let text = format!(" date 2017-09-13 Tech\nMenu\n\n{P1}\n");
        assert_eq!(kept(&text), [P1]);
    }

    #[test]
    fn excerpt_starting_mid_article_and_cut_mid_sentence() {
        let text = format!("{P2}\n\n{P3}\n\nThe firm wants a metropolitan area of more than one million people and");
        let k = kept(&text);
        assert_eq!(k.len(), 3, "{k:?}");
        assert!(k[2].starts_with("The firm wants"));
    }

    #[test]
    fn short_prose_only_text_is_kept_whole() {
        let text = "Bitcoin tumbled the most since July after China's central bank said initial coin offerings were illegal. The regulator said those who have already raised money must provide refunds.";
        assert_eq!(kept(text), [text]);
        let one = "Equifax said it discovered the breach on July 29, and shares fell.";
        assert_eq!(kept(one), [one]);
    }

    #[test]
    fn text_without_prose_keeps_at_most_one_line() {
        let k = kept("Home\nNews\nSports\nBusiness\nContact Us");
        assert!(k.is_empty());
        let k = kept("Home\nThe Weather Forecast For The Long Weekend Ahead\nContact");
        assert_eq!(k, ["The Weather Forecast For The Long Weekend Ahead"]);
    }

    #[test]
    fn comments_after_the_article_are_dropped() {
        let text = format!(
            "{P1}\n{P2}\n\n3 responses to “Fed holds rates”\n\njoe says:\nNovember 19, 2019 at 6:34 am\nI think this is a very long comment that goes on and on about the topic, and it has punctuation too. It is longer than the article itself, which is rather common for comment threads on popular pages.\nann says:\nI agree with the previous comment completely, and I would add that there is much more to say here. In fact I could write a whole article about it, with sentences and commas.\n"
        );
        assert_eq!(kept(&text), [P1, P2]);
    }

    #[test]
    fn related_section_must_be_much_stronger_to_win() {
        let text = format!(
            "{P1}\n{P2}\n\nRelated\n\n{P3}\nAnother related story summary follows here, which is also a sentence of prose.\n"
        );
        assert_eq!(kept(&text), [P1, P2]);
    }

    #[test]
    fn lines_printed_twice_in_a_row_are_furniture_but_one_headline_copy_stays() {
        let teaser = "Banks brace for a slower year\nBanks brace for a slower year\nShort teaser text.";
        let text = format!("{P1}\n{P2}\n{teaser}");
        assert_eq!(kept(&text), [P1, P2]);
        let text = format!("Fed Holds Rates Steady\nFed Holds Rates Steady\n{P1}\n{P2}");
        assert_eq!(kept(&text), ["Fed Holds Rates Steady", P1, P2]);
    }

    #[test]
    fn photo_credit_inside_the_article_does_not_end_it() {
        let credit = "© Lucy Nicholson Detainees at a detention center in San Diego, Calif., on May 18, 2018.";
        assert_eq!(kind(credit), Kind::Furniture);
        let text = format!("{P1}\n{credit}\n{P2}\n{P3}");
        assert_eq!(kept(&text), [P1, P2, P3]);
    }

    #[test]
    fn an_inline_widget_does_not_split_the_article() {
        let text = format!(
            "{P1}\n{P2}\n\nRelated\nBanks brace for a slower year\n\n{P3}\n{P1} Again.\n\nMost Read\nHome\nNews\nSport\nWeather\n"
        );
        let k = kept(&text);
        assert_eq!(k.len(), 4, "{k:?}");
        assert!(!k.iter().any(|l| l.starts_with("Banks") || l == "Related"));
    }

    #[test]
    fn host_repetition_drops_shared_furniture_prose() {
        let blurb = "Our newsroom brings you the stories that matter, every single day, with analysis and context you will not find elsewhere.";
        let pages = [
            format!("{P1}\n{P2}\n{blurb}"),
            format!(
                "{P3}\nThe second page has its own article text, which is long enough to count as prose here.\n{blurb}"
            ),
        ];
        let mut stats = HostLineStats::new();
        for p in &pages {
            stats.add_document(Some("news.example"), p);
        }
        assert_eq!(kept_with(&stats, Some("news.example"), &pages[0]), [P1, P2]);
        // Without the host, the blurb is prose like any other.
        assert_eq!(kept_with(&stats, None, &pages[0]).len(), 3);
    }

    #[test]
    fn reprints_on_one_host_keep_their_shared_article() {
        // The same story at two URLs of one site: every article line is on both pages.
        let a = format!("Menu\nSearch\n{P1}\n{P2}\n{P3}\n");
        let b = format!("Menu\nSearch\nFed holds rates\n{P1}\n{P2}\n{P3}\nSign up for our newsletter\n");
        let mut stats = HostLineStats::new();
        stats.add_document(Some("news.example"), &a);
        stats.add_document(Some("news.example"), &b);
        assert_eq!(kept_with(&stats, Some("news.example"), &a), [P1, P2, P3]);
        let kb = kept_with(&stats, Some("news.example"), &b);
        assert!(kb.iter().any(|l| l == P1) && kb.iter().any(|l| l == P3), "{kb:?}");
    }

    #[test]
    fn an_article_sharing_middle_paragraphs_with_another_page_keeps_its_own_lead() {
        // Two stories of one host reuse the same background paragraphs (P2, P3); each has its own
        // lead and ending. Repetition alone would start the first page's article after them, at
        // its ending (the longest paragraph of its own).
        let lead = "The city council voted on Monday to close the old harbour bridge to lorries from next month, after engineers found cracks in two of its concrete supports.";
        let end = "A spokesman for the hauliers' association said its members would need more time to plan the longer routes around the estuary, which add an hour to each trip.";
        let other_lead = "Ferry operators said on Tuesday they would add two crossings a day while the harbour bridge is closed to lorries for repairs.";
        let a = format!("Menu\nSearch\n{lead}\n\n{P2}\n\n{P3}\n\n{end}\nSign up for our newsletter\n");
        let b = format!("Menu\nSearch\n{other_lead}\n\n{P2}\n\n{P3}\nSign up for our newsletter\n");
        let mut stats = HostLineStats::new();
        stats.add_document(Some("news.example"), &a);
        stats.add_document(Some("news.example"), &b);
        assert_eq!(kept_with(&stats, Some("news.example"), &a), [lead, P2, P3, end]);
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let huge = "word ".repeat(200_000);
        let mixed = format!("{P1}\r\n\r\n{P2}\r\n");
        let inputs = [
            "",
            "\n\n\n",
            "\r\n\r\n",
            "\r",
            "\0\0\0",
            "a\0b\nc\0",
            huge.as_str(),
            mixed.as_str(),
            "date 2017-09-13",
            " date 2017-09-13 ",
            "©",
            "\u{feff}",
            "é\u{301}\n\u{200b}",
        ];
        let mut stats = HostLineStats::new();
        for t in inputs {
            stats.add_document(Some("x.com"), t);
        }
        for t in inputs {
            for host in [None, Some("x.com"), Some("")] {
                let c = clean_plain(&stats, host, t);
                check_spans(t, &c);
                let _ = c.text(t);
            }
        }
        let c = clean_plain(&stats, None, &mixed);
        assert_eq!(c.text(&mixed).replace('\r', ""), format!("{P1}\n\n{P2}"));
        assert!(clean_plain(&stats, None, "").spans.is_empty());
        assert!(clean_plain(&stats, None, "\n\n\n").spans.is_empty());
    }

    // ---- hard-wrapped text ------------------------------------------------------------------

    /// Greedy fill of `para` at `width` columns, the first line indented by `first_indent`.
    fn wrap(para: &str, width: usize, first_indent: usize) -> String {
        let mut out = " ".repeat(first_indent);
        let mut col = first_indent;
        for (i, w) in para.split_whitespace().enumerate() {
            let n = w.chars().count();
            if i > 0 && col + 1 + n > width {
                out.push('\n');
                col = 0;
            } else if i > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(w);
            col += n;
        }
        out
    }

    const WIRE: [&str; 5] = [
        "The Bahia cocoa zone had showers throughout the week, easing the drought that began in early January \
         and improving prospects for the coming harvest, although normal humidity has not been restored, a \
         trade house said in its weekly review.",
        "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos, making a cumulative total for \
         the season of 5.93 mln against 5.81 at the same stage last year.",
        "Exporters said there is still some doubt as to how much old crop cocoa is available as harvesting has \
         practically come to an end, and shippers were reluctant to offer nearby shipment.",
        "Sales of butter were light, with March/April sold at 4,340, 4,345 and 4,350 dlrs per tonne to ports to \
         be named.",
        "Final figures for the period to February 28 are expected to be published after carnival, which ends \
         midday on February 27.",
    ];

    /// The wire story of [`WIRE`] wrapped at `width`, paragraphs marked by an indented first line
    /// (no blank lines), as wire services and typewritten copy lay them out.
    fn wire_story(width: usize) -> String {
        WIRE.iter().enumerate().map(|(i, p)| wrap(p, width, if i == 0 { 0 } else { 4 })).collect::<Vec<_>>().join("\n")
    }

    fn visible(s: &str) -> usize {
        s.chars().filter(|c| !c.is_whitespace()).count()
    }

    #[test]
    fn wrap_helper_wraps() {
        let w = wrap(WIRE[0], 40, 4);
        assert!(w.starts_with("    The Bahia"));
        assert!(w.lines().all(|l| l.chars().count() <= 40), "{w}");
        assert_eq!(w.split_whitespace().collect::<Vec<_>>(), WIRE[0].split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn hard_wrapped_wire_story_is_kept_whole() {
        for width in [40, 50, 65, 72, 80] {
            let text = wire_story(width);
            let c = clean_plain(&HostLineStats::new(), None, &text);
            check_spans(&text, &c);
            // One span from the first to the last character: wrapped lines, their newlines and the
            // paragraph indentation included.
            assert_eq!(
                c.spans.first().cloned().filter(|_| c.spans.len() == 1),
                Some(0..text.trim_end().len()),
                "width {width}:\n{}",
                explain_plain(&HostLineStats::new(), None, &text).join("\n")
            );
        }
        // Paragraphs separated by blank lines, as in e-mail.
        let text = WIRE.iter().map(|p| wrap(p, 72, 0)).collect::<Vec<_>>().join("\n\n");
        let c = clean_plain(&HostLineStats::new(), None, &text);
        assert_eq!(visible(&c.text(&text)), visible(&text));
        assert_eq!(c.spans.len(), 1);
    }

    #[test]
    fn wrapped_paragraphs_are_judged_as_units() {
        let text = wire_story(65);
        let lines: Vec<String> = explain_plain(&HostLineStats::new(), None, &text);
        // Each paragraph is one unit: its first line is judged, the others follow it (`~`).
        let heads: Vec<&String> = lines.iter().filter(|l| !l.contains("~|")).collect();
        assert_eq!(heads.len(), WIRE.len(), "{lines:#?}");
        assert!(heads.iter().all(|l| l.starts_with("+ Prose")), "{lines:#?}");
    }

    #[test]
    fn wrapped_story_below_a_menu_loses_the_menu() {
        let story = wire_story(65);
        let text = format!(
            "Home\nNews\nMarkets\nCommodities\nWeather\nContact Us\n\nCocoa Rains Ease Bahia Drought\n\n{story}\n\n\
             Share this:\nTwitter\nFacebook\n© 1987 Example Wire. All rights reserved.\n"
        );
        let c = clean_plain(&HostLineStats::new(), None, &text);
        let out = c.text(&text);
        for menu in ["Home", "News", "Markets", "Contact Us", "Share this:", "Twitter", "All rights reserved"] {
            assert!(!out.lines().any(|l| l.trim() == menu || l.contains("rights reserved")), "{menu} kept:\n{out}");
        }
        assert!(out.starts_with("Cocoa Rains Ease Bahia Drought"), "{out}");
        let start = text.find("The Bahia").unwrap();
        // The story is kept whole, in one span with the headline.
        assert!(c.spans.iter().any(|s| s.start < start && s.end == start + story.len()), "{:?}\n{out}", c.spans);
    }

    #[test]
    fn wrapped_footer_repeated_on_the_host_is_dropped() {
        let footer = wrap(
            "You received this message because you are subscribed to the Example Traders group. To unsubscribe \
             from this group and stop receiving messages from it, send an e-mail to the list owner.",
            72,
            0,
        );
        let a =
            format!("{}\n\n--\n{footer}\n", WIRE[..3].iter().map(|p| wrap(p, 72, 0)).collect::<Vec<_>>().join("\n\n"));
        let b =
            format!("{}\n\n--\n{footer}\n", WIRE[3..].iter().map(|p| wrap(p, 72, 0)).collect::<Vec<_>>().join("\n\n"));
        let mut stats = HostLineStats::new();
        stats.add_document(Some("lists.example.org"), &a);
        stats.add_document(Some("lists.example.org"), &b);
        for (page, paras) in [(&a, &WIRE[..3]), (&b, &WIRE[3..])] {
            let out = clean_plain(&stats, Some("lists.example.org"), page).text(page);
            assert!(!out.contains("subscribed"), "{out}");
            let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
            for p in paras {
                assert!(words.contains(&p.split_whitespace().collect::<Vec<_>>().join(" ")), "lost {p:?}:\n{out}");
            }
        }
    }

    #[test]
    fn list_items_and_quotes_break_wrapped_paragraphs() {
        let mut raws = Vec::new();
        let text = "The board approved the following changes to the plan on\nMonday:\n- a cut in the dividend to\n  ten cents a share\n- a new chairman\n> quoted text that goes on and on\n> and on";
        let mut bb = true;
        for (off, raw) in raw_lines(text) {
            let body = raw.trim();
            let ind = &raw[..raw.len() - raw.trim_start().len()];
            raws.push(RawLn::new(off + ind.len(), ind, body, bb));
            bb = false;
        }
        let lay = WrapLayout { width: 60, base_indent: 0 };
        assert!(lay.soft_break(&raws[0], &raws[0], &raws[1]), "no room for \"Monday:\"");
        assert!(!lay.soft_break(&raws[0], &raws[1], &raws[2]), "a list item starts");
        assert!(raws[2].bullet && raws[2].bullet_text == 2);
        assert!(lay.soft_break(&raws[2], &raws[2], &raws[3]), "hanging continuation of the item");
        assert!(!lay.soft_break(&raws[2], &raws[3], &raws[4]), "the next item");
        assert!(!lay.soft_break(&raws[4], &raws[4], &raws[5]), "quoting starts");
        assert!(lay.soft_break(&raws[5], &raws[5], &raws[6]), "quoted text wraps too");
        assert!(
            list_marker("1.") && list_marker("(a)") && list_marker("b)") && !list_marker("1987.") && !list_marker("A.")
        );
    }

    #[test]
    fn web_layouts_are_not_hard_wrapped() {
        let layout = |text: &str| {
            let mut raws = Vec::new();
            for (off, raw) in raw_lines(text) {
                let body = raw.trim();
                if !body.is_empty() {
                    let indent = &raw[..raw.len() - raw.trim_start().len()];
                    raws.push(RawLn::new(off + indent.len(), indent, body, false));
                }
            }
            wrap_layout(&raws, text)
        };
        // One paragraph a line, with menus and headlines.
        let page = format!(
            "Home\nNews\nSport\nFed Holds Rates Steady As Inflation Cools\nBy Jane Doe\n{P1}\n{P2}\n{P3}\nShare this:"
        );
        assert!(layout(&page).is_none());
        // Teaser headlines cut at a fixed length, some followed by the rest of their title.
        let teasers = "Texas offers programs to traumatic brain injury victims and\nMan beaten to death at Northwest Side parking lot identified\nChristmas season preparations underway in San Antonio today\nWorld shares retreat on jitters over US bill on Hong Kong\nSears store at South Park Mall to close by February 2020\nSerape vests and jackets are a thing and you can get them in San\nRestaurant, store that was part of San Marcos outlet shopping\ncenter closes\nFamilies of inmates who died, hurt at jail seek answers now\nHome\nNews\nSports\nWeather\nContact us";
        assert!(layout(teasers).is_none());
        assert!(kept(teasers).len() <= 1, "{:?}", kept(teasers));
        assert!(layout(&wire_story(65)).is_some_and(|l| l.width == 65 || l.width + tune::WRAP_SLACK >= 65));
    }

    #[test]
    fn stats_round_trip_through_serde() {
        let mut s = HostLineStats::new();
        s.add_document(Some("a.com"), "Menu\nStory.");
        let json = serde_json::to_string(&s).unwrap();
        let back: HostLineStats = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
