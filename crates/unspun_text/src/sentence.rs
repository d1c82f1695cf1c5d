use crate::words::is_abbreviation;
use std::ops::Range;

/// Split `text[range]` into sentences: byte spans into `text`, trimmed of surrounding white space.
///
/// A line break always ends a sentence (plain captures put paragraphs, headlines and captions on lines
/// of their own). Inside a line, `.`, `!` or `?` (with any closing quotes or brackets) followed by white
/// space and an upper-case letter, digit or opening quote ends one, unless the word before the period is
/// a known abbreviation or a single letter (`U.S.`, `Mr.`, `Inc.`).
pub fn sentences(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    let s = &text[range.clone()];
    let chars: Vec<(usize, char)> = s.char_indices().map(|(i, c)| (i + range.start, c)).collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '\n' {
            push_trimmed(text, start..pos, &mut out);
            start = pos + 1;
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}' | '\u{bb}') {
                j += 1;
            }
            let end = chars.get(j).map_or(range.end, |x| x.0);
            let mut k = j;
            let mut saw_space = false;
            while k < chars.len() && chars[k].1.is_whitespace() && chars[k].1 != '\n' {
                saw_space = true;
                k += 1;
            }
            let next_starts = chars.get(k).is_some_and(|&(_, n)| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '\u{201c}' | '\u{ab}' | '(')
            });
            if saw_space && next_starts && !(c == '.' && before_is_abbreviation(text, start, pos)) {
                push_trimmed(text, start..end, &mut out);
                start = end;
                i = k;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, start..range.end, &mut out);
    out
}

fn before_is_abbreviation(text: &str, line_start: usize, dot: usize) -> bool {
    let before = &text[line_start..dot];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    // Single letters and dotted initialisms ("U.S", "D.C") are abbreviations.
    let single = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    single || lower.contains('.') || is_abbreviation(&lower)
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t, 0..t.len()).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn splits_on_terminal_punctuation_and_lines() {
        assert_eq!(
            split("Kaspersky Lab is closing its D.C. office. The U.S. Senate voted.\nHeadline here"),
            vec!["Kaspersky Lab is closing its D.C. office.", "The U.S. Senate voted.", "Headline here"]
        );
    }

    #[test]
    fn keeps_quotes_with_their_sentence() {
        assert_eq!(
            split("\"We stay,\" he said. \"Really.\" Then"),
            vec!["\"We stay,\" he said.", "\"Really.\"", "Then"]
        );
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(split("Mr. Smith of Acme Inc. Said no."), vec!["Mr. Smith of Acme Inc. Said no."]);
    }

    proptest! {
        #[test]
        fn spans_are_ordered_and_inside(s in "\\PC{0,200}") {
            let mut last = 0;
            for r in sentences(&s, 0..s.len()) {
                prop_assert!(r.start >= last && r.start < r.end && r.end <= s.len());
                prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                last = r.end;
            }
        }
    }
}
