//! HTML article extraction: the article's text and metadata from a web page.
//!
//! The page is parsed into a tree ([`dom`], a purpose-built parser), laid out as visible text in blocks
//! ([`text`]), and the article's blocks are chosen by scoring containers and cleaning inside the winner
//! ([`extract`], with evidence from element names in [`hints`]). Because every paragraph of the article is
//! a line of the visible text, the result carries byte spans into the page text, so evidence found in the
//! article can be shown in the page. Metadata comes from [`meta`]; charset handling from [`decode`].

mod decode;
mod dom;
mod entities;
mod extract;
mod hints;
mod meta;
mod text;

pub use decode::decode_html;

use std::ops::Range;

/// The article of an HTML page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    /// Article text, paragraphs separated by `"\n\n"`.
    pub text: String,
    pub title: Option<String>,
    /// Publication date, `YYYY-MM-DD`, or RFC 3339 when the page gives a time with an offset.
    pub date: Option<String>,
    pub canonical_url: Option<String>,
    pub lang: Option<String>,
    pub author: Option<String>,
    pub site_name: Option<String>,
    /// The page's whole visible text, one line per block (like a WET record).
    pub visible_text: String,
    /// Byte ranges in `visible_text` of the paragraphs of `text`, in order.
    pub spans: Vec<Range<usize>>,
}

/// Pages beyond this are cut (at a character boundary) before parsing: node offsets are 32-bit, and no
/// article needs more.
const MAX_INPUT: usize = 512 << 20;

/// Extracts the article and metadata from an HTML page. `url` (the page's address) resolves a relative
/// canonical link and is the date source of last resort. Never panics, whatever the input.
pub fn extract_html(html: &str, url: Option<&str>) -> HtmlArticle {
    let html = truncate(html, MAX_INPUT);
    let dom = dom::Dom::parse(html);
    let rendered = text::render(&dom);
    let meta = meta::extract_meta(&dom, url);
    let selection = extract::select(&dom, &rendered, meta.title.as_deref());
    let spans = paragraphs(&rendered.blocks, &selection.verdicts);
    let date = meta.date.or_else(|| text_date(&rendered, &selection.verdicts));
    let mut out = String::with_capacity(spans.iter().map(|s| s.len() + 2).sum());
    for (i, s) in spans.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&rendered.text[s.clone()]);
    }
    HtmlArticle {
        text: out,
        title: meta.title,
        date,
        canonical_url: meta.canonical_url,
        lang: meta.lang,
        author: meta.author,
        site_name: meta.site_name,
        visible_text: rendered.text,
        spans,
    }
}

/// Last resort for the date: the dateline or byline printed near the start of the article (the short
/// lines just before it and its first lines).
fn text_date(rendered: &text::Rendered, verdicts: &[extract::Verdict]) -> Option<String> {
    let first = verdicts.iter().position(|v| *v == extract::Verdict::Kept)?;
    let from = first.saturating_sub(12);
    rendered.blocks[from..(first + 3).min(rendered.blocks.len())]
        .iter()
        .filter(|b| b.chars < 120)
        .find_map(|b| meta::date_from_text(&rendered.text[b.range.clone()]))
}

/// Kept blocks as paragraphs: lines broken by `<br>` within one element stay one paragraph (they are
/// adjacent in the visible text, so the paragraph is still one span).
fn paragraphs(blocks: &[text::Block], verdicts: &[extract::Verdict]) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut prev: Option<usize> = None;
    for (i, b) in blocks.iter().enumerate() {
        if verdicts[i] != extract::Verdict::Kept {
            prev = None;
            continue;
        }
        match (prev, spans.last_mut()) {
            (Some(p), Some(last)) if blocks[p].br_after && blocks[p].owner == b.owner => last.end = b.range.end,
            _ => spans.push(b.range.clone()),
        }
        prev = Some(i);
    }
    spans
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// One line per block of the page with the extractor's verdict, and the chosen containers: for tuning
/// and for answering "why was this paragraph dropped".
#[doc(hidden)]
pub fn explain_html(html: &str, url: Option<&str>) -> String {
    use std::fmt::Write;
    let html = truncate(html, MAX_INPUT);
    let dom = dom::Dom::parse(html);
    let rendered = text::render(&dom);
    let meta = meta::extract_meta(&dom, url);
    let selection = extract::select(&dom, &rendered, meta.title.as_deref());
    let mut out = String::new();
    let _ = writeln!(out, "meta: {meta:?}");
    for (c, s) in &selection.candidates {
        let _ = writeln!(out, "candidate: {s:8.1} {}", describe(&dom, *c));
    }
    for r in &selection.roots {
        let _ = writeln!(out, "root: {}", describe(&dom, *r));
    }
    for ((b, v), why) in rendered.blocks.iter().zip(&selection.verdicts).zip(&selection.why) {
        let t = &rendered.text[b.range.clone()];
        let short: String = t.chars().take(EXPLAIN_CHARS).collect();
        let why = if *why == dom::NONE { String::new() } else { format!(" <- {}", describe(&dom, *why)) };
        let _ = writeln!(
            out,
            "{:<14} {:>5} {:>4} [{}{why}] {}",
            format!("{v:?}"),
            b.chars,
            b.link_chars,
            describe(&dom, b.owner),
            short
        );
    }
    out
}

/// Enough of a block to recognise it (and to find evaluation snippets in it).
const EXPLAIN_CHARS: usize = 2000;

fn describe(dom: &dom::Dom, id: u32) -> String {
    let tag = dom.tag(id);
    let name = if tag == dom::Tag::Other { dom.tag_name(id).to_string() } else { format!("{tag:?}").to_lowercase() };
    let class = dom.attr(id, "class").unwrap_or("");
    let idv = dom.attr(id, "id").unwrap_or("");
    let mut s = format!("{id}:{name}");
    if !idv.is_empty() {
        s.push('#');
        s.push_str(idv);
    }
    if !class.is_empty() {
        s.push('.');
        s.push_str(&class.split_whitespace().collect::<Vec<_>>().join("."));
    }
    if s.len() > 60 {
        let mut e = 60;
        while !s.is_char_boundary(e) {
            e -= 1;
        }
        s.truncate(e);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "The city council voted on Tuesday to expand the bus network, adding four routes that will serve the northern suburbs for the first time.";
    const P2: &str = "Officials said the plan, which costs about $12 million, would be paid for by a regional transit levy approved by voters last year.";
    const P3: &str = "Residents who spoke at the meeting, many of them commuters, largely welcomed the change but asked for later evening service.";

    fn page(body: &str) -> String {
        format!(
            "<!doctype html><html lang=en><head><title>Council expands bus network | City Times</title>\
             <meta property=og:site_name content='City Times'></head><body>{body}</body></html>"
        )
    }

    fn furniture_page() -> String {
        page(&format!(
            "<div id=cookie-banner><p>We use cookies to improve your experience. By continuing to browse you agree to our \
             use of cookies, as explained in our policy.</p><button>Accept</button></div>\
             <header><nav><ul><li><a href=/>Home</a><li><a href=/news>News</a><li><a href=/sport>Sport</a></ul></nav></header>\
             <main><article><h1>Council expands bus network</h1><div class=byline>By Jo Smith, 5 November 2019</div>\
             <div class=article-body><p>{P1}</p><div class=share-bar><a href=#>Share on Facebook</a> <a href=#>Tweet</a></div>\
             <p>{P2}</p><h2>What changes</h2><ul><li>Route 12 runs every ten minutes at peak times.</li>\
             <li>Route 40 extends to the new hospital.</li></ul><p>{P3}</p>\
             <aside class=related><h3>Related stories</h3><ul><li><a href=/a>Fares rise again next spring</a>\
             <li><a href=/b>New tram line delayed by two years</a></ul></aside></div>\
             <section id=comments><h3>Comments</h3><p>Great news, about time this happened for the northern suburbs, honestly.</p></section>\
             </article></main><footer><p>© 2019 City Times. All rights reserved.</p><a href=/privacy>Privacy</a></footer>"
        ))
    }

    #[test]
    fn keeps_the_article_and_drops_nav_footer_cookie_share_related_comments() {
        let a = extract_html(&furniture_page(), Some("https://citytimes.example/news/2019/11/05/buses"));
        for p in [
            P1,
            P2,
            P3,
            "What changes",
            "Route 12 runs every ten minutes at peak times.",
            "Route 40 extends to the new hospital.",
        ] {
            assert!(a.text.contains(p), "missing {p:?} in:\n{}", a.text);
        }
        for f in [
            "cookies",
            "Accept",
            "Home",
            "Sport",
            "Share on Facebook",
            "Related stories",
            "Fares rise",
            "Great news",
            "©",
            "Privacy",
            "By Jo Smith",
        ] {
            assert!(!a.text.contains(f), "kept furniture {f:?} in:\n{}", a.text);
        }
        // The headline is metadata, not body text.
        assert!(!a.text.contains("Council expands bus network"));
        assert_eq!(a.title.as_deref(), Some("Council expands bus network"));
        assert_eq!(a.site_name.as_deref(), Some("City Times"));
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert_eq!(a.date.as_deref(), Some("2019-11-05"));
        // Furniture is still part of the page's visible text; only the article leaves it out.
        assert!(a.visible_text.contains("We use cookies") && a.visible_text.contains("Privacy"));
    }

    #[test]
    fn spans_are_the_paragraphs_in_the_visible_text() {
        let a = extract_html(&furniture_page(), None);
        let paras: Vec<&str> = a.text.split("\n\n").collect();
        assert_eq!(paras.len(), a.spans.len());
        for (p, s) in paras.iter().zip(&a.spans) {
            assert_eq!(&a.visible_text[s.clone()], *p);
        }
        assert_eq!(paras[0], P1);
    }

    #[test]
    fn br_lines_of_one_paragraph_stay_one_span() {
        let html = page(&format!("<div class=entry-content><p>{P1}<br>{P2}</p><p>{P3}</p></div>"));
        let a = extract_html(&html, None);
        assert_eq!(a.spans.len(), 2, "{:?}", a.text);
        assert_eq!(a.text, format!("{P1}\n{P2}\n\n{P3}"));
    }

    #[test]
    fn pages_without_a_container_fall_back_to_prose_blocks() {
        let html =
            page(&format!("<a href=/>Home</a><a href=/x>Next story</a><br>{P1}<br><br>{P2}<br><a href=/t>Terms</a>"));
        let a = extract_html(&html, None);
        assert!(a.text.contains(P1) && a.text.contains(P2), "{}", a.text);
        assert!(!a.text.contains("Terms") && !a.text.contains("Home"), "{}", a.text);
    }

    #[test]
    fn latin1_page_decodes_and_extracts() {
        let mut bytes =
            b"<html><head><meta charset=\"iso-8859-1\"><title>Stra\xdfenbahn</title></head><body><article><p>".to_vec();
        bytes.extend_from_slice(b"Die Stra\xdfenbahn f\xe4hrt ab M\xe4rz h\xe4ufiger, teilte die Stadt am Dienstag mit, und die Preise bleiben gleich.");
        bytes.extend_from_slice(b"</p></article></body></html>");
        let a = extract_html(&decode_html(&bytes, None), None);
        assert!(a.text.contains("Straßenbahn fährt ab März häufiger"), "{}", a.text);
        assert_eq!(a.title.as_deref(), Some("Straßenbahn"));
    }

    #[test]
    fn json_ld_metadata_reaches_the_article() {
        let html = page(&format!(
            "<script type=application/ld+json>{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\
             \"headline\":\"Buses\",\"datePublished\":\"2019-11-05T09:30:00+01:00\",\"author\":{{\"@type\":\"Person\",\"name\":\"Jo Smith\"}}}}</script>\
             <link rel=canonical href=/news/buses><div class=story-body><p>{P1}</p><p>{P2}</p></div>"
        ));
        let a = extract_html(&html, Some("https://citytimes.example/amp/buses?x=1"));
        assert_eq!(a.date.as_deref(), Some("2019-11-05T09:30:00+01:00"));
        assert_eq!(a.author.as_deref(), Some("Jo Smith"));
        assert_eq!(a.canonical_url.as_deref(), Some("https://citytimes.example/news/buses"));
    }

    #[test]
    fn empty_and_text_only_inputs() {
        let a = extract_html("", None);
        assert_eq!(a, HtmlArticle::default());
        let a = extract_html(P1, None);
        assert_eq!(a.text, P1);
        assert_eq!(a.visible_text, P1);
    }
}
