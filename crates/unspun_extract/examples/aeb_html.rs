//! Run the HTML extractor over an article-extraction benchmark and write predictions for `extract_eval.py`.
//!
//! Usage: `aeb_html BENCH_DIR PRED.json [--rounds N] [--explain ID-PREFIX]`
//!
//! BENCH_DIR is `scrapinghub-aeb` (`ground-truth.json`) or `trafilatura-eval` (`gold.json`): pages are read
//! from `html/<id>.html.gz` and decoded with [`decode_html`] before timing starts. Extraction is timed alone
//! (no gunzip, no I/O, no decoding) on one thread, over several rounds; the median round is reported.
use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::time::Instant;

use unspun_extract::{decode_html, explain_html, extract_html};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: aeb_html BENCH_DIR PRED.json [--rounds N] [--explain ID-PREFIX]");
        std::process::exit(2);
    }
    let bench = std::path::Path::new(&args[1]);
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let rounds: usize = flag("--rounds").map(|r| r.parse()).transpose()?.unwrap_or(5).max(1);
    let explain = flag("--explain");

    let gold_path = if bench.join("ground-truth.json").exists() { "ground-truth.json" } else { "gold.json" };
    let gold: BTreeMap<String, serde_json::Value> =
        serde_json::from_reader(BufReader::new(std::fs::File::open(bench.join(gold_path))?))?;

    let mut pages: Vec<(String, String, Option<String>)> = Vec::with_capacity(gold.len());
    let mut raw_bytes = 0usize;
    let t_dec = Instant::now();
    let mut decode_s = 0.0;
    for (id, g) in &gold {
        let path = bench.join("html").join(format!("{id}.html.gz"));
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut raw)?;
        raw_bytes += raw.len();
        let t = Instant::now();
        let html = decode_html(&raw, None);
        decode_s += t.elapsed().as_secs_f64();
        let url = g.get("url").and_then(|u| u.as_str()).map(str::to_string);
        pages.push((id.clone(), html, url));
    }
    let load_s = t_dec.elapsed().as_secs_f64();

    let mut times = Vec::with_capacity(rounds);
    let mut out = serde_json::Map::new();
    for round in 0..rounds {
        let t = Instant::now();
        for (id, html, url) in &pages {
            let a = extract_html(html, url.as_deref());
            if round == 0 {
                out.insert(
                    id.clone(),
                    serde_json::json!({ "articleBody": a.text, "title": a.title, "date": a.date, "author": a.author }),
                );
            }
        }
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let (median, best) = (times[rounds / 2], times[0]);
    let n = pages.len() as f64;
    let mb = raw_bytes as f64 / 1e6;

    if let Some(prefix) = explain {
        for (id, html, url) in pages.iter().filter(|p| p.0.starts_with(prefix.as_str())) {
            println!("#### {id} {url:?}");
            print!("{}", explain_html(html, url.as_deref()));
        }
    }

    let timing = serde_json::json!({
        "pages": pages.len(), "cpu_seconds": median, "wall_seconds": median, "html_bytes": raw_bytes,
        "pages_per_s": n / median, "mb_per_s": mb / median, "best_pages_per_s": n / best,
        "median_ms": 1000.0 * median / n, "errors": 0, "rounds": rounds,
    });
    let doc = serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "output": out, "timing": timing });
    let mut f = std::io::BufWriter::new(std::fs::File::create(&args[2])?);
    serde_json::to_writer(&mut f, &doc)?;
    f.flush()?;
    println!(
        "{} pages, {:.1} MB HTML; extract_html {:.0} pages/s ({:.1} MB/s), median of {rounds} rounds, best {:.0} pages/s; \
         decode_html {:.0} MB/s; load {:.1}s",
        pages.len(),
        mb,
        n / median,
        mb / median,
        n / best,
        mb / decode_s.max(1e-9),
        load_s
    );
    Ok(())
}
