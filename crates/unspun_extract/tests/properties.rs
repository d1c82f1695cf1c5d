//! Properties of the plain-text cleaner that must hold for any input: span invariants, no
//! panics, and partition-merge equivalence of the host statistics.
use proptest::prelude::*;
use unspun_extract::{clean_plain, Cleaned, HostLineStats};

fn assert_spans_ok(text: &str, c: &Cleaned) -> Result<(), TestCaseError> {
    let mut prev_end = 0usize;
    for s in &c.spans {
        prop_assert!(s.start >= prev_end, "spans overlap or descend: {:?}", c.spans);
        prop_assert!(s.start < s.end, "empty span {:?}", s);
        prop_assert!(s.end <= text.len(), "span {:?} past end {}", s, text.len());
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prev_end = s.end;
    }
    // text() must not panic and must be made of the spans.
    let t = c.text(text);
    prop_assert_eq!(t.len(), c.kept_bytes() + 2 * c.spans.len().saturating_sub(1));
    Ok(())
}

/// Lines that look like page furniture and article prose, plus awkward bytes, so generated pages
/// exercise every rule rather than only the "no prose" path.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Home".to_string()),
        Just("Share this: · Twitter · Facebook".to_string()),
        Just("© 2019 Example Media. All rights reserved.".to_string()),
        Just("Related".to_string()),
        Just("joe says:".to_string()),
        Just(" date 2017-09-13 Tech".to_string()),
        Just("Fed Holds Rates Steady As Inflation Cools".to_string()),
        Just(
            "The central bank said on Tuesday that it would keep rates unchanged, citing cooling inflation."
                .to_string()
        ),
        Just("Analysts said the decision, widely expected, leaves room for a cut later in the year.".to_string()),
        Just("We use cookies to improve your experience. By continuing you agree to our use of cookies.".to_string()),
        Just("Customer ServiceSite MapPrivacy Policy".to_string()),
        Just(String::new()),
        Just("\r".to_string()),
        Just("\0".to_string()),
        "\\PC{0,80}",
        any::<String>(),
    ]
}

fn page() -> impl Strategy<Value = String> {
    prop::collection::vec((piece(), prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("")]), 0..30)
        .prop_map(|v| v.into_iter().map(|(p, sep)| p + sep).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn spans_are_valid_for_arbitrary_unicode(text in any::<String>()) {
        let mut stats = HostLineStats::new();
        stats.add_document(Some("h.example"), &text);
        for host in [None, Some("h.example")] {
            let c = clean_plain(&stats, host, &text);
            assert_spans_ok(&text, &c)?;
        }
    }

    #[test]
    fn spans_are_valid_for_page_like_text(pages in prop::collection::vec(page(), 1..4)) {
        let mut stats = HostLineStats::new();
        for p in &pages {
            stats.add_document(Some("h.example"), p);
        }
        for p in &pages {
            let c = clean_plain(&stats, Some("h.example"), p);
            assert_spans_ok(p, &c)?;
        }
    }

    #[test]
    fn merged_partitions_clean_like_the_whole(
        pages in prop::collection::vec((page(), 0usize..3), 1..8),
        split in 0usize..8,
    ) {
        let hosts = ["a.example", "b.example", "www.A.example"];
        let mut whole = HostLineStats::new();
        let mut left = HostLineStats::new();
        let mut right = HostLineStats::new();
        for (i, (p, h)) in pages.iter().enumerate() {
            whole.add_document(Some(hosts[*h]), p);
            if i < split { left.add_document(Some(hosts[*h]), p) } else { right.add_document(Some(hosts[*h]), p) }
        }
        left.merge(right);
        prop_assert_eq!(&left, &whole);
        for (p, h) in &pages {
            prop_assert_eq!(clean_plain(&left, Some(hosts[*h]), p), clean_plain(&whole, Some(hosts[*h]), p));
        }
    }
}

/// A small corpus with real furniture shared across pages of one host: merging two partitions
/// must give exactly the cleaning of statistics built on everything.
#[test]
fn merge_of_partitions_equals_stats_on_everything() {
    let furniture = "Home\nNews\nSport\nSubscribe to our newsletter\nThis site is part of the Example Group, a family of local newspapers serving the region since 1901.\n";
    let footer = "\n© 2019 Example Media. All rights reserved.\n";
    let stories = [
        "Council approves budget\n\nThe city council approved a budget of 12 million on Monday, after a debate that lasted well into the night.\n\nThe mayor said the plan protects services while keeping taxes flat for a third year.",
        "River levels rise after storm\n\nRiver levels rose sharply overnight after a storm dropped heavy rain across the valley, officials said.\n\nResidents near the bridge were told to move cars to higher ground before noon.",
        "School opens new library\n\nThe primary school opened a new library on Friday, funded by a local charity and years of bake sales.\n\nPupils chose the first thousand books themselves, the head teacher said.",
        "Bus routes to change in May\n\nFour bus routes will change in May as the operator adjusts to new housing estates in the north of town.\n\nThe company said timetables will be posted at stops two weeks ahead.",
    ];
    let pages: Vec<String> = stories.iter().map(|s| format!("{furniture}\n{s}\n{footer}")).collect();
    let host = Some("www.example-news.test");

    let mut whole = HostLineStats::new();
    for p in &pages {
        whole.add_document(host, p);
    }
    let mut a = HostLineStats::new();
    let mut b = HostLineStats::new();
    for (i, p) in pages.iter().enumerate() {
        if i % 2 == 0 {
            a.add_document(host, p)
        } else {
            b.add_document(host, p)
        }
    }
    a.merge(b);
    assert_eq!(a, whole);
    for (p, s) in pages.iter().zip(stories) {
        let merged = clean_plain(&a, host, p);
        assert_eq!(merged, clean_plain(&whole, host, p));
        let out = merged.text(p);
        // The shared furniture (menu, network blurb, newsletter plug, footer) goes; the story stays.
        assert!(!out.contains("Example Group") && !out.contains("Subscribe") && !out.contains('©'), "{out}");
        for para in s.split("\n\n") {
            assert!(out.contains(para), "lost {para:?} from:\n{out}");
        }
    }
}
