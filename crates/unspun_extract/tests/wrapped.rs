//! Hard-wrapped plain text (wire copy, mailing lists, plain-text e-mail): whatever the wrap width
//! and the way paragraphs are marked, the article is kept whole, as byte spans into the input,
//! and furniture around it still goes.
use proptest::prelude::*;
use unspun_extract::{clean_plain, HostLineStats};

const SENTENCES: [&str; 10] = [
    "The central bank left its key interest rate unchanged on Tuesday, citing slower inflation.",
    "Analysts had expected the decision, although two of the nine board members voted for a cut.",
    "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos, against 120,400 a year ago.",
    "The company said it would close two plants in Ohio and cut about 1,200 jobs by the end of the year.",
    "Shares of the firm fell 3.5 pct to 41.25 dlrs in early trading on the New York Stock Exchange.",
    "A spokesman declined to comment on the terms of the agreement, which still needs regulatory approval.",
    "Exporters said there is still some doubt as to how much old crop cocoa remains with farmers.",
    "The ministry said the new quota would take effect on April 1 and run for six months.",
    "Officials said talks would resume next week in Geneva, where both sides have offices.",
    "He said the government was committed to reducing the budget deficit to 3 pct of output by 1990.",
];

/// Greedy fill at `width` columns; the first line is indented by `indent`.
fn wrap(para: &str, width: usize, indent: usize) -> String {
    let mut out = " ".repeat(indent);
    let mut col = indent;
    let mut first = true;
    for w in para.split_whitespace() {
        let n = w.chars().count();
        if !first && col + 1 + n > width {
            out.push('\n');
            col = 0;
        } else if !first {
            out.push(' ');
            col += 1;
        }
        out.push_str(w);
        col += n;
        first = false;
    }
    out
}

fn visible(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Two to five paragraphs of two or three different sentences (an article does not repeat itself;
/// a paragraph printed twice in a row is dropped as furniture).
fn story() -> impl Strategy<Value = Vec<String>> {
    (Just(SENTENCES.to_vec()).prop_shuffle(), prop::collection::vec(2usize..4, 2..6)).prop_map(|(order, sizes)| {
        let mut it = order.into_iter();
        sizes.into_iter().map(|n| it.by_ref().take(n).collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Paragraphs marked by blank lines, by an indented first line, or not at all.
    #[test]
    fn wrapped_story_is_kept_whole(paras in story(), width in 40usize..100, style in 0u8..3, menu in any::<bool>()) {
        let body = paras
            .iter()
            .map(|p| wrap(p, width, if style == 1 { 4 } else { 0 }))
            .collect::<Vec<_>>()
            .join(if style == 0 { "\n\n" } else { "\n" });
        let head = if menu { "Home\nNews\nMarkets\nWorld\nContact Us\n\n" } else { "" };
        let text = format!("{head}{body}\n");
        let c = clean_plain(&HostLineStats::new(), None, &text);
        let out = c.text(&text);
        prop_assert_eq!(visible(&out), visible(&body), "{}", out);
        // The article is one span from its first to its last character.
        let start = head.len() + (body.len() - body.trim_start().len());
        prop_assert_eq!(c.spans.len(), 1);
        prop_assert_eq!(c.spans[0].clone(), start..head.len() + body.len());
    }
}

/// A case proptest found: two unmarked paragraphs at 92 columns, the last sentence broken before
/// a name's last word ("... New York Stock" / "Exchange.").
#[test]
fn unmarked_paragraphs_at_92_columns_are_kept() {
    let paras = [
        "The central bank left its key interest rate unchanged on Tuesday, citing slower inflation. Analysts had expected the decision, although two of the nine board members voted for a cut. Officials said talks would resume next week in Geneva, where both sides have offices.",
        "Exporters said there is still some doubt as to how much old crop cocoa remains with farmers. Shares of the firm fell 3.5 pct to 41.25 dlrs in early trading on the New York Stock Exchange.",
    ];
    let body = paras.iter().map(|p| wrap(p, 92, 0)).collect::<Vec<_>>().join("\n");
    let text = format!("{body}\n");
    let c = clean_plain(&HostLineStats::new(), None, &text);
    let out = c.text(&text);
    assert_eq!(visible(&out), visible(&body), "{body}\n---\n{out}");
    assert_eq!(c.spans, vec![0..body.len()]);
}
