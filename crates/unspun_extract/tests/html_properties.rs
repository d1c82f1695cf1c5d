//! Properties of the HTML extractor that must hold for any input: it never panics, and every paragraph
//! of the article is a span of the visible text (in order, on character boundaries), so evidence found
//! in the article can always be shown in the page.
use proptest::prelude::*;
use unspun_extract::{decode_html, extract_html, HtmlArticle};

fn check(a: &HtmlArticle) -> Result<(), TestCaseError> {
    let v = &a.visible_text;
    let mut prev_end = 0usize;
    let mut joined = String::new();
    for (i, s) in a.spans.iter().enumerate() {
        prop_assert!(s.start >= prev_end, "spans overlap or descend: {:?}", a.spans);
        prop_assert!(s.start < s.end, "empty span {:?}", s);
        prop_assert!(s.end <= v.len(), "span {:?} past end {}", s, v.len());
        prop_assert!(v.is_char_boundary(s.start) && v.is_char_boundary(s.end));
        if i > 0 {
            joined.push_str("\n\n");
        }
        joined.push_str(&v[s.clone()]);
        prev_end = s.end;
    }
    prop_assert_eq!(&joined, &a.text);
    Ok(())
}

/// Pieces of markup, well-formed and not, so generated pages reach every tree-building rule and the
/// extractor's scoring rather than only plain text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<div class=\"article-body\">".to_string()),
        Just("<div class='share-bar cookie'>".to_string()),
        Just("</div>".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<nav><a href=/>Home</a> <a href=/n>News</a></nav>".to_string()),
        Just("<ul><li>one<li><a href=x>two</a></ul>".to_string()),
        Just("<table><tr><td>1<td>2<tr><td>3</table>".to_string()),
        Just("<h1>Headline here</h1>".to_string()),
        Just("<br>".to_string()),
        Just("<pre>a\n  b</pre>".to_string()),
        Just("<script>var s = '</div><p>';</script>".to_string()),
        Just("<style>p{}</style>".to_string()),
        Just("<!-- comment <p> -->".to_string()),
        Just("<!--".to_string()),
        Just("<a href=\"unterminated".to_string()),
        Just("<".to_string()),
        Just("</".to_string()),
        Just("&amp;&eacute;&#x1F600;&#0;&bogus;&".to_string()),
        Just("\0".to_string()),
        Just(
            "<meta charset=\"iso-8859-1\"><meta property=\"article:published_time\" content=\"2019-11-05\">"
                .to_string()
        ),
        Just("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":".to_string()),
        Just("<time datetime=\"2019-02-30\">".to_string()),
        // A date-like attribute left open, so that generated text lands where digits are parsed.
        Just("<time datetime=\"2019-11-05T1".to_string()),
        Just("<meta name=\"date\" content=\"05.11.".to_string()),
        Just("<span style=\"display:none\">hidden</span>".to_string()),
        Just(
            "The committee said on Tuesday that it would publish its findings, which were delayed, next month."
                .to_string()
        ),
        Just("Officials, speaking on condition of anonymity, said the talks had stalled again.".to_string()),
        "[ -~]{0,20}".prop_map(|s| s),
        "\\PC{0,12}".prop_map(|s| s),
    ]
}

fn page() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn spans_point_into_visible_text(html in page()) {
        check(&extract_html(&html, Some("https://example.com/2019/11/05/story")))?;
    }

    #[test]
    fn arbitrary_strings_never_panic(html in any::<String>()) {
        check(&extract_html(&html, None))?;
    }

    #[test]
    fn arbitrary_bytes_decode_and_extract(bytes in prop::collection::vec(any::<u8>(), 0..400), ct in prop::option::of("[ -~]{0,40}")) {
        let s = decode_html(&bytes, ct.as_deref());
        check(&extract_html(&s, None))?;
    }
}

#[test]
fn deeply_nested_tags_do_not_overflow_the_stack() {
    for open in ["<div>", "<b>", "<li>", "<table><tr><td>", "<x-y>", "<p><span>"] {
        let html = format!(
            "{}deep text that is long enough to be an article paragraph, with commas, here.{}",
            open.repeat(10_000),
            "</div>".repeat(100)
        );
        let a = extract_html(&html, None);
        check(&a).unwrap();
        assert!(a.visible_text.contains("deep text"), "{open}");
    }
}

#[test]
fn huge_attribute_values_and_nul_bytes() {
    let big = "x".repeat(8 << 20);
    let html = format!("<div class=\"{big}\" data-a='{big}'><p>Body text\0 with a NUL.</p></div><img alt={big}>");
    let a = extract_html(&html, None);
    check(&a).unwrap();
    assert!(a.visible_text.contains("Body text\0 with a NUL."));
    let unterminated = format!("<p>kept</p><a title=\"{big}");
    let a = extract_html(&unterminated, None);
    assert_eq!(a.visible_text, "kept");
}

#[test]
fn many_attributes_and_elements() {
    let attrs: String = (0..5000).map(|i| format!(" a{i}=v{i}")).collect();
    let html = format!("<div{attrs}><p>text</p></div>") + &"<span>s</span>".repeat(50_000);
    check(&extract_html(&html, None)).unwrap();
}
