//! How much of each document the plain-text cleaner keeps: a check for corpora that have no page
//! furniture (wire archives, mailing lists), where nearly everything should be kept.
//!
//! Usage: `keep_ratio FILE.jsonl [--worst N] [--empty N] [--dump OUT.jsonl]`
//!
//! All documents are counted into [`HostLineStats`] first (host from the `url` field, if any), then
//! each is cleaned. The ratio is kept non-whitespace characters over the document's non-whitespace
//! characters (indentation and line breaks are not text). Prints the total and median ratio, the
//! number of emptied documents and how many of those contain a sentence of prose (`--empty N`
//! lists N of them), `--worst N` prints the N lowest ratios with the dropped text marked, and
//! `--dump` writes `{"id","ratio","text"}` per document with the cleaned text, for before/after diffs.
use std::io::{BufRead, BufReader, BufWriter, Write};

use unspun_extract::{clean_plain, HostLineStats};

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let auth = rest.split(['/', '?', '#']).next()?;
    let auth = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = auth.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

fn visible(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// A sentence of prose anywhere in the text, line breaks ignored: six or more words, at least
/// three of them lower-case, ended by `.`, `!` or `?`.
fn has_prose_sentence(text: &str) -> bool {
    let (mut words, mut lower) = (0, 0);
    for w in text.split_whitespace() {
        words += 1;
        if w.chars().next().is_some_and(char::is_lowercase) {
            lower += 1;
        }
        if w.trim_end_matches(['"', '\'', ')']).ends_with(['.', '!', '?']) {
            if words >= 6 && lower >= 3 {
                return true;
            }
            (words, lower) = (0, 0);
        }
    }
    false
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 {
        eprintln!("usage: keep_ratio FILE.jsonl [--worst N] [--empty N] [--dump OUT.jsonl]");
        std::process::exit(2);
    }
    let worst: usize = flag(&args, "--worst").map_or(Ok(0), |s| s.parse())?;
    let show_empty: usize = flag(&args, "--empty").map_or(Ok(0), |s| s.parse())?;
    let mut docs: Vec<(String, Option<String>, String)> = Vec::new();
    for line in BufReader::new(std::fs::File::open(&args[1])?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let id = v["id"].as_str().map_or_else(|| v["id"].to_string(), str::to_string);
        let host = v["url"].as_str().and_then(url_host).map(str::to_string);
        let text = v["text"].as_str().unwrap_or_default().to_string();
        docs.push((id, host, text));
    }
    let mut stats = HostLineStats::new();
    for (_, host, text) in &docs {
        stats.add_document(host.as_deref(), text);
    }
    let mut dump = match flag(&args, "--dump") {
        Some(p) => Some(BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    let t = std::time::Instant::now();
    let (mut total, mut kept_total) = (0usize, 0usize);
    let mut ratios: Vec<(f64, usize)> = Vec::with_capacity(docs.len());
    let mut cleaned = Vec::with_capacity(docs.len());
    let (mut emptied, mut emptied_prose) = (Vec::new(), 0usize);
    for (i, (id, host, text)) in docs.iter().enumerate() {
        let c = clean_plain(&stats, host.as_deref(), text);
        let n = visible(text);
        let k: usize = c.spans.iter().map(|s| visible(&text[s.clone()])).sum();
        total += n;
        kept_total += k;
        if n > 0 {
            ratios.push((k as f64 / n as f64, i));
            if c.spans.is_empty() {
                let prose = has_prose_sentence(text);
                emptied_prose += usize::from(prose);
                emptied.push((i, prose));
            }
        }
        if let Some(out) = dump.as_mut() {
            let ratio = if n > 0 { k as f64 / n as f64 } else { 1.0 };
            writeln!(out, "{}", serde_json::json!({"id": id, "ratio": ratio, "text": c.text(text)}))?;
        }
        cleaned.push(c);
    }
    let secs = t.elapsed().as_secs_f64();
    if let Some(mut out) = dump {
        out.flush()?;
    }
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = ratios.get(ratios.len() / 2).map_or(1.0, |r| r.0);
    let below = |x: f64| ratios.iter().filter(|r| r.0 < x).count();
    println!(
        "{}: {} docs, {} hosts; kept {:.3} of non-space chars (median doc {:.3}); docs < 0.5: {}, < 0.9: {}; \
         emptied: {} ({} with a prose sentence); clean {:.0} docs/s",
        args[1],
        docs.len(),
        stats.host_count(),
        kept_total as f64 / total.max(1) as f64,
        median,
        below(0.5),
        below(0.9),
        emptied.len(),
        emptied_prose,
        docs.len() as f64 / secs,
    );
    for &(i, prose) in emptied.iter().filter(|e| e.1).chain(emptied.iter().filter(|e| !e.1)).take(show_empty) {
        let (id, _, text) = &docs[i];
        println!("#### emptied {id} (prose sentence: {prose})\n{}", text.trim_end());
    }
    for &(r, i) in ratios.iter().take(worst) {
        let (id, _, text) = &docs[i];
        println!("#### {id} kept {r:.3} ([- ... -] = dropped)");
        let mut pos = 0;
        let mut out = String::new();
        for s in &cleaned[i].spans {
            if s.start > pos && !text[pos..s.start].trim().is_empty() {
                out.push_str(&format!("[-{}-]", &text[pos..s.start]));
            } else {
                out.push_str(&text[pos..s.start]);
            }
            out.push_str(&text[s.clone()]);
            pos = s.end;
        }
        if !text[pos..].trim().is_empty() {
            out.push_str(&format!("[-{}-]", &text[pos..]));
        }
        println!("{}", out.trim_end());
    }
    Ok(())
}
