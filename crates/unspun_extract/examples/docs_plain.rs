//! Clean a `docs.jsonl` corpus (`{"id","url","text",...}` per line) and write
//! `{"id","host","text"}` per line with the cleaned text, for eye checks and scoring.
//!
//! Usage: `docs_plain DOCS.jsonl OUT.jsonl [ID...]`; with ids, also prints the per-line verdicts
//! of those documents. Hosts come from `url`; all documents are counted
//! into [`HostLineStats`] first. Prints how many documents lost all text or most of it.
use std::io::{BufRead, BufReader, BufWriter, Write};

use unspun_extract::{clean_plain, explain_plain, HostLineStats};

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let auth = rest.split(['/', '?', '#']).next()?;
    let auth = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = auth.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: docs_plain DOCS.jsonl OUT.jsonl [ID...]");
        std::process::exit(2);
    }
    let mut docs = Vec::new();
    for line in BufReader::new(std::fs::File::open(&args[1])?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let host = v["url"].as_str().and_then(url_host).map(str::to_string);
        let text = v["text"].as_str().unwrap_or_default().to_string();
        docs.push((id, host, text));
    }
    let mut stats = HostLineStats::new();
    for (_, host, text) in &docs {
        stats.add_document(host.as_deref(), text);
    }
    let mut out = BufWriter::new(std::fs::File::create(&args[2])?);
    let (mut empty, mut under_half) = (0, 0);
    for (id, host, text) in &docs {
        let c = clean_plain(&stats, host.as_deref(), text);
        if c.spans.is_empty() && !text.trim().is_empty() {
            empty += 1;
        }
        if c.kept_bytes() * 2 < text.trim().len() {
            under_half += 1;
        }
        let rec = serde_json::json!({"id": id, "host": host, "text": c.text(text)});
        writeln!(out, "{rec}")?;
    }
    out.flush()?;
    for want in &args[3..] {
        for (id, host, text) in docs.iter().filter(|d| &d.0 == want) {
            println!("#### {id} {host:?}");
            for l in explain_plain(&stats, host.as_deref(), text) {
                println!("{l}");
            }
        }
    }
    eprintln!(
        "{} docs, {} hosts; empty output: {empty}; kept < half of the bytes: {under_half}",
        docs.len(),
        stats.host_count()
    );
    Ok(())
}
