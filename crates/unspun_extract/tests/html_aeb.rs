//! Five pages of the ScrapingHub article-extraction benchmark (../shared), scored like the benchmark:
//! word 4-gram shingle F1 against the gold article body. A regression in parsing, layout or container
//! choice shows up here long before it moves the benchmark's mean.
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use unspun_extract::{decode_html, extract_html};

/// Id prefixes of pages from five sites (WSJ, NYT, a Hearst paper, VentureBeat, SlashGear).
const PAGES: [&str; 5] =
    ["042bb7b5fedab6ea", "04a6711caa7c6875", "05844573ca7e1fba", "06e5123e4ef7cfb4", "06ee193de4bd611f"];

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/article-extraction/scrapinghub-aeb")
}

/// `\w+` runs as Python's `re` finds them (letters, digits, marks, underscore).
fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|t| !t.is_empty()).collect()
}

fn shingles(s: &str) -> HashMap<Vec<&str>, usize> {
    let t = tokens(s);
    let mut m = HashMap::new();
    if t.is_empty() {
        return m;
    }
    if t.len() < 4 {
        *m.entry(t).or_default() += 1;
        return m;
    }
    for w in t.windows(4) {
        *m.entry(w.to_vec()).or_default() += 1;
    }
    m
}

fn shingle_f1(gold: &str, pred: &str) -> f64 {
    let (g, p) = (shingles(gold), shingles(pred));
    let tp: usize = g.iter().map(|(k, n)| (*n).min(p.get(k).copied().unwrap_or(0))).sum();
    let gn: usize = g.values().sum();
    let pn: usize = p.values().sum();
    if gn == 0 || pn == 0 || tp == 0 {
        return 0.0;
    }
    let (prec, rec) = (tp as f64 / pn as f64, tp as f64 / gn as f64);
    2.0 * prec * rec / (prec + rec)
}

#[test]
fn five_benchmark_pages_score_above_0_8() {
    let dir = bench_dir();
    let gt_path = dir.join("ground-truth.json");
    // No silent skip: without the data this test has checked nothing, so it must fail.
    let gt_text = std::fs::read_to_string(&gt_path)
        .unwrap_or_else(|e| panic!("benchmark ground truth {} unreadable: {e}", gt_path.display()));
    let gt: HashMap<String, serde_json::Value> = serde_json::from_str(&gt_text).expect("ground-truth.json parses");
    let mut failures = Vec::new();
    for prefix in PAGES {
        let id = gt.keys().find(|k| k.starts_with(prefix)).unwrap_or_else(|| panic!("page {prefix} not in gold"));
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .read_to_end(&mut raw)
            .expect("gunzip");
        let html = decode_html(&raw, None);
        let url = gt[id]["url"].as_str();
        let article = extract_html(&html, url);
        let f1 = shingle_f1(gt[id]["articleBody"].as_str().unwrap_or(""), &article.text);
        if f1 <= 0.8 {
            failures.push(format!("{id}: F1 {f1:.3}\n{}", article.text));
        }
        for s in &article.spans {
            assert!(article.visible_text.is_char_boundary(s.start) && article.visible_text.is_char_boundary(s.end));
        }
        assert!(article.title.is_some(), "{id}: no title");
    }
    assert!(failures.is_empty(), "pages below F1 0.8:\n{}", failures.join("\n\n"));
}

#[test]
fn scorer_matches_the_benchmark_definition() {
    assert_eq!(shingle_f1("a b c d e", "a b c d e"), 1.0);
    assert_eq!(shingle_f1("a b c d e", "x y z w"), 0.0);
    // gold has 2 shingles, prediction 1 of them: P 1, R 0.5.
    assert!((shingle_f1("a b c d e", "a b c d") - 2.0 / 3.0).abs() < 1e-9);
}
