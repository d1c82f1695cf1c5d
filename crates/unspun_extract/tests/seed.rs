//! The seed capture: a raw Fortune page (2017) whose furniture is menus, trending headlines, a
//! sponsored card block, a footer and copyright lines around one short article. Host unknown and
//! alone in its corpus, so only the line rules and contiguity can separate them.
use std::path::PathBuf;

use unspun_extract::{clean_plain, HostLineStats};

fn seed() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds/000_13efb78903d6d664.txt");
    // No silent skip: without the file this test has checked nothing, so it must fail.
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("seed file {} unreadable: {e}", path.display()))
}

fn cleaned() -> (String, Vec<String>) {
    let text = seed();
    let mut stats = HostLineStats::new();
    stats.add_document(None, &text);
    let out = clean_plain(&stats, None, &text).text(&text);
    let lines = out.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    (out, lines)
}

#[test]
fn keeps_headline_and_every_article_paragraph() {
    let (out, lines) = cleaned();
    assert!(
        lines.iter().any(|l| l == "Russia’s Kaspersky To Dial Down Government Services In U.S."),
        "headline missing:\n{out}"
    );
    let text = seed();
    // Every paragraph from the lead through the closing quote, checked whole.
    let first = text.find("The Russian cybersecurity firm").expect("lead in seed");
    let last = text.find("Despite geopolitical turbulence").expect("closing quote in seed");
    let last_end = first.max(last) + text[last..].find('\n').unwrap_or(text.len() - last);
    let paragraphs: Vec<&str> = text[first..last_end].lines().map(str::trim).filter(|l| l.len() > 60).collect();
    assert_eq!(paragraphs.len(), 7, "seed changed? paragraphs: {paragraphs:#?}");
    for p in paragraphs {
        assert!(lines.iter().any(|l| l == p), "article paragraph dropped: {p:?}\n--- output:\n{out}");
    }
}

#[test]
fn drops_the_furniture() {
    let (out, lines) = cleaned();
    let dropped_lines = [
        // crawl-date marker line
        "date 2017-09-13 Tech",
        "Tech",
        // menu
        "Home",
        "Fortune 500",
        "All Rankings",
        "Leadership",
        "Venture",
        "Fortune Insiders",
        "Most Powerful Women",
        "Careers",
        "Finance",
        "Markets",
        "Magazine",
        "Newsletters",
        "Videos",
        "Fortune Conferences",
        "Follow FORTUNE",
        "Search",
        "mobile-bannertablet-bannerdesktop-banner",
        // sponsored card block
        "COMPARECARDS",
        "compare-card",
        "SPONSORED",
    ];
    for d in dropped_lines {
        assert!(!lines.iter().any(|l| l == d), "furniture line kept: {d:?}\n--- output:\n{out}");
    }
    let dropped_fragments = [
        // trending headlines
        "Twitter Co-Founder: Media More to Blame",
        "Congress Passed A Bill Urging Trump",
        "Violent Clashes Erupt",
        "The Former Head of Citigroup",
        // footer, market data notice, copyright lines
        "Customer Service",
        "Site Map",
        "Quotes delayed",
        "Time Inc. All rights reserved",
        "©",
        "All products and services featured",
        "Dow Jones Terms",
        // newsletter plug (the brief prefers it dropped)
        "Get Data Sheet",
    ];
    for d in dropped_fragments {
        assert!(!out.contains(d), "furniture kept: {d:?}\n--- output:\n{out}");
    }
    assert!(!out.contains("date 2017-09-13"), "date marker kept:\n{out}");
}

#[test]
fn spans_point_into_the_input() {
    let text = seed();
    let c = clean_plain(&HostLineStats::new(), None, &text);
    assert!(!c.spans.is_empty());
    let mut prev_end = 0;
    for s in &c.spans {
        assert!(s.start >= prev_end && s.start < s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prev_end = s.end;
    }
}
