//! A text that credits another by its headline, as aggregators credit the story they rewrote: a line
//! such as `Volkswagen blasted for shielding emissions documents from U.S. probe [Reuters]` under a
//! rewritten account of the Reuters story headlined `VW blasted for shielding emissions documents
//! from U.S. probe`. Independent reports of one event do not carry each other's headlines; pages do
//! carry other stories' headlines as furniture (trending lists, video titles), but without a credit
//! after them, which is why one is asked for.
use std::ops::Range;

/// One text credits another: the crediting line in the first and the headline in the second, as
/// byte ranges into each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub line: Range<usize>,
    pub headline: Range<usize>,
}

/// Words a headline has: fewer is a label, more a sentence.
const HEADLINE_WORDS: std::ops::RangeInclusive<usize> = 5..=20;
/// Words a credit names at most (`[Reuters]`, `| The Wall Street Journal`).
const CREDIT_WORDS: usize = 4;
/// Share of the headline's distinct words the crediting line holds, and of the line's the headline
/// holds: a credit may shorten a name (`VW` for `Volkswagen`) but not tell another story.
const MIN_HEADLINE_SHARE: f64 = 0.8;
const MIN_LINE_SHARE: f64 = 0.7;

/// Whether `citing` credits `cited` by its headline: a line of `citing` (not its first, which is its
/// own headline) that repeats `cited`'s headline (its first line, less a trailing ` | Site`) and ends
/// in a credit (`[Name]`, `(Name)`, `| Name` or `via Name`).
pub fn credited_headline(citing: &str, cited: &str) -> Option<Credit> {
    let headline = headline(cited)?;
    let head_words = distinct_words(&cited[headline.clone()]);
    if !HEADLINE_WORDS.contains(&head_words.len()) {
        return None;
    }
    for line in lines(citing).skip(1) {
        let text = &citing[line.clone()];
        let Some(body) = without_credit(text) else { continue };
        let words = distinct_words(body);
        if words.len() < *HEADLINE_WORDS.start() || words.len() > head_words.len() + CREDIT_WORDS {
            continue;
        }
        let shared = words.iter().filter(|w| head_words.contains(w)).count() as f64;
        if shared >= MIN_HEADLINE_SHARE * head_words.len() as f64 && shared >= MIN_LINE_SHARE * words.len() as f64 {
            return Some(Credit { line, headline });
        }
    }
    None
}

/// The byte ranges of the non-blank lines of `text`, trimmed.
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    text.split_inclusive('\n').filter_map(move |raw| {
        let start = at;
        at += raw.len();
        let lead = raw.len() - raw.trim_start().len();
        let kept = raw.trim();
        (!kept.is_empty()).then(|| start + lead..start + lead + kept.len())
    })
}

/// A text's headline: its first line, less a trailing ` | Site` or ` - Site` (a site's name after its
/// headline), if it reads as one (no sentence's full stop at its end).
fn headline(text: &str) -> Option<Range<usize>> {
    let first = lines(text).next()?;
    let line = &text[first.clone()];
    let mut end = line.len();
    for sep in [" | ", " - ", " \u{2013} ", " \u{2014} "] {
        if let Some(i) = line.rfind(sep) {
            let site = &line[i + sep.len()..];
            if (1..=CREDIT_WORDS).contains(&site.split_whitespace().count()) && starts_upper(site) {
                end = end.min(i);
            }
        }
    }
    let kept = line[..end].trim_end();
    // A sentence with a note after it ("... currency stability. (NRKI 4418)") is not a headline either.
    let body = without_credit(kept).unwrap_or(kept).trim_end();
    // "U.S." and its like end headlines too; a longer word before the stop ends a sentence.
    let sentence = body.ends_with('.')
        && body[..body.len() - 1].rsplit(|c: char| !c.is_alphanumeric()).next().is_some_and(|w| w.len() > 1);
    (!sentence).then(|| first.start..first.start + kept.len())
}

/// The line without its trailing credit, or `None` when it ends in none.
fn without_credit(line: &str) -> Option<&str> {
    // A name: capitalised, a few words, none of them a number (a code such as `(NRKI 4418)` is not
    // a credit).
    let name_ok = |name: &str| {
        let name = name.trim();
        (1..=CREDIT_WORDS).contains(&name.split_whitespace().count())
            && starts_upper(name)
            && !name.split_whitespace().any(|w| w.chars().all(|c| c.is_ascii_digit()))
    };
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(inner) = line.strip_suffix(close) {
            let i = inner.rfind(open)?;
            return name_ok(&inner[i + 1..]).then(|| &line[..i]);
        }
    }
    // Every line of the citing text of every undecided pair comes here, in both directions: `str::rfind`
    // built a two-way searcher per line and separator (2.3% of a d100k scan's samples), so the
    // separators are looked for with reverse finders built once.
    for (sep, finder) in credit_separators() {
        if let Some(i) = finder.rfind(line.as_bytes()) {
            if name_ok(&line[i + sep.len()..]) {
                return Some(&line[..i]);
            }
        }
    }
    None
}

/// The separators a credit follows (` | Name`, ` via Name`), each with its reverse finder.
fn credit_separators() -> &'static [(&'static str, memchr::memmem::FinderRev<'static>); 3] {
    static FINDERS: std::sync::OnceLock<[(&str, memchr::memmem::FinderRev<'static>); 3]> = std::sync::OnceLock::new();
    FINDERS.get_or_init(|| [" | ", " via ", " Via "].map(|sep| (sep, memchr::memmem::FinderRev::new(sep))))
}

fn starts_upper(s: &str) -> bool {
    s.trim_start().chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// The distinct lower-case words of a text, in first-seen order.
fn distinct_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let w = w.to_lowercase();
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "VW blasted for shielding emissions documents from U.S. probe | Reuters\n\n\
        Connecticut Attorney General George Jepsen blasted Volkswagen AG on Friday.\n";

    #[test]
    fn a_rewrite_that_credits_the_headline_is_found_with_both_ranges() {
        let citing = "States Say Volkswagen Won't Turn Over Documents\n\nA group of state attorneys general \
            called out Volkswagen on Friday.\n\nVolkswagen blasted for shielding emissions documents from U.S. \
            probe [Reuters]\n\nWant more consumer news?\n";
        let c = credited_headline(citing, SOURCE).expect("a credit");
        assert_eq!(
            &citing[c.line.clone()],
            "Volkswagen blasted for shielding emissions documents from U.S. probe [Reuters]"
        );
        assert_eq!(&SOURCE[c.headline.clone()], "VW blasted for shielding emissions documents from U.S. probe");
        // Not the other way round: the source carries no line crediting the rewrite.
        assert!(credited_headline(SOURCE, citing).is_none());
    }

    #[test]
    fn credits_take_several_forms_and_a_bare_headline_is_not_one() {
        let body = "Volkswagen blasted for shielding emissions documents from U.S. probe";
        for credit in [" [Reuters]", " (Reuters)", " | Reuters", " via Reuters", " [The Wall Street Journal]"] {
            let citing = format!("Our own headline here today\n{body}{credit}\n");
            assert!(credited_headline(&citing, SOURCE).is_some(), "{credit}");
        }
        // A headline in a list of other stories (a trending list, a video title) is furniture.
        for furniture in ["", " 00:27", " [watch the video now please]", " (see more of our coverage here)"] {
            let citing = format!("Our own headline here today\n{body}{furniture}\n");
            assert!(credited_headline(&citing, SOURCE).is_none(), "{furniture:?}");
        }
        // The citing text's own first line is its headline, not a credit.
        assert!(credited_headline(&format!("{body} [Reuters]\nMore text.\n"), SOURCE).is_none());
    }

    #[test]
    fn another_story_or_a_sentence_is_not_a_headline_credited() {
        // Half the words: another story of the same outlet.
        let citing = "Own headline of this page\nVolkswagen recalls diesel cars from U.S. dealers [Reuters]\n";
        assert!(credited_headline(citing, SOURCE).is_none());
        // A text whose first line is a sentence has no headline to credit.
        let sentence = "Jepsen blasted Volkswagen for shielding emissions documents from the probe.\nMore.\n";
        let citing = "Own headline of this page\nJepsen blasted Volkswagen for shielding emissions documents from the probe (Reuters)\n";
        assert!(credited_headline(citing, sentence).is_none());
        // A sentence with a code after it, repeated with another code: a shared paragraph.
        let source = "Japanese Finance Minister Kiichi Miyazawa said he and Baker agreed on currency stability. (NRKI 4418)\nMore.\n";
        let citing = "Own headline of this page\nJapanese Finance Minister Kiichi Miyazawa said he and Baker agreed on currency stability. (NRKI 9226)\n";
        assert!(credited_headline(citing, source).is_none());
        let without_period = source.replace(". (NRKI", " (NRKI");
        assert!(credited_headline(citing, &without_period).is_none(), "a code is not a credit");
        // Too short to be a headline.
        assert!(credited_headline("Own headline\nVW probe news [Reuters]\n", "VW probe news\nText.\n").is_none());
    }

    #[test]
    fn ranges_are_byte_offsets_in_texts_with_multibyte_characters() {
        let source = "  Équipe d’enquête: VW blâmé pour des documents cachés — Reuters\nTexte.\n";
        let citing = "Titre à nous\n\u{a0}Équipe d’enquête: VW blâmé pour des documents cachés [Reuters]\n";
        let c = credited_headline(citing, source).expect("a credit");
        assert_eq!(&source[c.headline], "Équipe d’enquête: VW blâmé pour des documents cachés");
        assert!(citing[c.line].starts_with("Équipe"));
    }
}
