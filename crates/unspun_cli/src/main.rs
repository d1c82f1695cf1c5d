//! The `unspun` command line. It only adapts I/O: reading inputs, progress, writing the run files;
//! everything else is in the library crates.

mod progress;

// Scans allocate many short-lived vectors per document from several threads; mimalloc's thread-local
// free lists measured ~15% faster than the system allocator on the near-duplicate stage.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use progress::Bars;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use unspun::io::output::write_jsonl;
use unspun::io::{Document, InputReader, ReadError, ReaderOptions};
use unspun::{Config, Engine};

/// Exit codes (also in README.md).
mod exit {
    /// A runtime failure: an input or output file, or the index, could not be used.
    pub const FAILURE: u8 = 1;
    /// `--strict` and a record could not be read.
    pub const BAD_RECORD: u8 = 3;
}

#[derive(Parser)]
#[command(name = "unspun", version, about = "Find who copied, spun and re-reported the news.")]
#[command(after_help = "Exit codes: 0 success (skipped records are counted in the summary), 1 failure, \
2 usage error, 3 a bad record under --strict.")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Relate documents with each other and with the index; write pairs.jsonl and clusters.jsonl.
    Scan(ScanArgs),
    /// Print the cleaned article text of documents (learning page furniture from the whole input).
    Extract(ExtractArgs),
    /// Show why two indexed documents are (or are not) related: the aligned passages side by side,
    /// differing words marked, the relation, the scores and the rule that decided.
    Explain(ExplainArgs),
    /// List the stories of the index: each group of documents about one event, with its title,
    /// dates, outlets, languages and counts of independent reports and copies.
    Stories(StoriesArgs),
    /// Show one story (by story id, or by the id of any of its documents): its copy families with
    /// their originals, its independent reports, and its timeline.
    Story(StoryArgs),
    /// Which indexed documents does this text copy, rewrite or translate? Compares without storing.
    Match(MatchArgs),
    /// Write a run's copy pairs as PAN text-alignment detections (one XML file a pair), to score the
    /// evidence with the PAN tools.
    Pan(PanArgs),
    /// Inspect the index.
    Index {
        #[command(subcommand)]
        cmd: IndexCmd,
    },
}

#[derive(Args)]
struct InputArgs {
    /// Files or directories (.txt, .html/.htm[.gz], .jsonl[.gz,.zst], .warc[.gz], .wet[.gz]; directories recursively); `-` reads JSONL from stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Stop at the first record that cannot be read (default: skip it and count it in the summary).
    #[arg(long)]
    strict: bool,
    /// Split .txt files holding several documents separated by `###` end markers.
    #[arg(long)]
    split_markers: bool,
}

#[derive(Args)]
struct ScanArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Directory for pairs.jsonl and clusters.jsonl.
    #[arg(long)]
    out: PathBuf,
    /// Index file [default: $UNSPUN_INDEX, else $XDG_DATA_HOME/unspun/index.redb, else ~/.local/share/unspun/index.redb].
    #[arg(long, conflicts_with = "no_index")]
    index: Option<PathBuf>,
    /// Relate the inputs with each other only, keeping nothing on disk.
    #[arg(long)]
    no_index: bool,
    /// Compare the texts as given, without removing page furniture (for clean corpora and benchmarks).
    #[arg(long)]
    raw: bool,
    /// Also write a deduplicated corpus: one document a family (its original, cleaned) and every
    /// other document's id with the reason it was left out.
    #[arg(long, value_name = "FILE.jsonl")]
    emit_corpus: Option<PathBuf>,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
    /// Compact the index file after the scan (a bulk load leaves free pages behind: about 40% of the
    /// file; incremental scans into a large index are faster without).
    #[arg(long, conflicts_with = "no_index")]
    compact: bool,
    /// Documents processed and committed together.
    #[arg(long, default_value_t = 4096)]
    batch_size: usize,
    /// Seconds between durable commits: a kill or a crash loses at most the batches committed
    /// since the last one (whole batches: the index stays consistent; rerun the scan to add them).
    /// 0 syncs every batch to disk.
    #[arg(long, value_name = "SECS", default_value_t = unspun::Config::default().sync_secs, value_parser = seconds)]
    sync_every: f64,
    /// Event-term cosine at which two documents are reports of one story.
    #[arg(long, default_value_t = unspun::StoryParams::default().threshold)]
    story_threshold: f32,
    /// Dated documents further apart than this many days are never one story.
    #[arg(long, default_value_t = unspun::StoryParams::default().window_days)]
    story_window_days: i64,
    /// Factor on the story threshold for two documents in different languages, compared by the
    /// cosine of their names, numbers and months alone.
    #[arg(long, default_value_t = unspun::StoryParams::default().cross_language)]
    story_cross_language: f32,
    /// Factor on the story threshold for two documents in one language that share a verbatim
    /// passage (a quote, a wire sentence) without being copies.
    /// 1 or more turns the rule off.
    #[arg(long, default_value_t = unspun::StoryParams::default().shared_text, value_parser = factor)]
    story_shared_text: f32,
    /// Switch signals off to measure what each carries: skeleton, entities, alignment, stories (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = ["skeleton", "entities", "alignment", "stories"])]
    without: Vec<String>,
}

#[derive(Args)]
struct ExtractArgs {
    #[command(flatten)]
    input: InputArgs,
    /// One JSON object a line: {"id", "text", "spans", and url, date, title, lang, author, site_name where known}, spans as character offsets into the input text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct StoriesArgs {
    /// Index file [default: as for scan].
    #[arg(long)]
    index: Option<PathBuf>,
    /// One JSON object a line, as in clusters.jsonl.
    #[arg(long)]
    json: bool,
    /// Stories with fewer documents are not listed.
    #[arg(long, default_value_t = 2)]
    min_docs: usize,
}

#[derive(Args)]
struct StoryArgs {
    /// A story id (as `unspun stories` lists them) or the id of any document of the story.
    id: String,
    /// Index file [default: as for scan].
    #[arg(long)]
    index: Option<PathBuf>,
    /// The story as one JSON object: its clusters.jsonl line, `timeline` and `links`.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PanArgs {
    /// A scan's output directory, or its pairs.jsonl.
    run: PathBuf,
    /// Directory to write the detection files to (made if missing).
    #[arg(long)]
    out: PathBuf,
    /// Relations written, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "duplicate,rewrite,translation",
        value_parser = ["duplicate", "rewrite", "translation", "same_story"]
    )]
    relations: Vec<String>,
    /// Documents whose name contains this are the suspicious side of their pairs (PAN corpora name
    /// them `suspicious-document...`); by default the copy is, and its source the other side.
    #[arg(long)]
    suspicious_match: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ExplainArgs {
    /// Id of the first document (as indexed).
    a: String,
    /// Id of the second document.
    b: String,
    /// Index file [default: as for scan].
    #[arg(long)]
    index: Option<PathBuf>,
    /// Print the figures and aligned sentences as JSON (offsets in characters).
    #[arg(long)]
    json: bool,
    /// Mark differing words with colour: auto (when stdout is a terminal), always, never.
    #[arg(long, default_value = "auto")]
    color: String,
}

#[derive(Args)]
struct MatchArgs {
    /// A plain-text file holding the text to look up, or `-` for standard input.
    #[arg(required_unless_present = "queries", conflicts_with = "queries")]
    file: Option<PathBuf>,
    /// Look up every document of a JSONL file (or any input `scan` reads) in one process: one JSON line
    /// a query on stdout, {"query", "ms", "matches"}.
    #[arg(long)]
    queries: Option<PathBuf>,
    /// With --queries: print only the latency summary (count, p50, p99, max, mean in milliseconds).
    #[arg(long, requires = "queries")]
    latency: bool,
    /// Index file [default: as for scan].
    #[arg(long)]
    index: Option<PathBuf>,
    /// Compare the text as given, without the per-page furniture rules.
    #[arg(long)]
    raw: bool,
    /// Print the matches as JSON (one object a line) instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum IndexCmd {
    /// Check that the index is consistent and print its size.
    Check {
        #[arg(long)]
        index: Option<PathBuf>,
    },
    /// Give the free pages of the index file back to the file system (after large scans).
    Compact {
        #[arg(long)]
        index: Option<PathBuf>,
    },
}

fn default_index() -> PathBuf {
    if let Some(p) = std::env::var_os("UNSPUN_INDEX") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("unspun").join("index.redb")
}

/// A bad record under `--strict`: reported by `main` with its own exit code.
#[derive(Debug)]
struct StrictStop(ReadError);
impl std::fmt::Display for StrictStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (stopped: --strict)", self.0)
    }
}
impl std::error::Error for StrictStop {}

/// Read every input; bad records are counted by reason (and the first few shown), or stop the run.
fn read_inputs(a: &InputArgs, bars: &Bars) -> Result<(Vec<Document>, BTreeMap<String, usize>)> {
    let opts = ReaderOptions { split_markers: a.split_markers, ..Default::default() };
    let mut docs = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let bar = bars.spinner("reading");
    for item in InputReader::new(&a.inputs, opts) {
        match item {
            Ok(d) => {
                docs.push(d);
                bar.inc(1);
            }
            Err(e) if a.strict => return Err(StrictStop(e).into()),
            Err(e) => {
                let n = skipped.entry(e.kind.name().to_string()).or_default();
                *n += 1;
                if *n <= 5 {
                    bars.println(&format!("warning: skipped {e}"));
                }
            }
        }
    }
    bar.finish_and_clear();
    Ok((docs, skipped))
}

#[derive(Serialize)]
struct ScanSummaryOut<'a> {
    #[serde(flatten)]
    summary: &'a unspun::Summary,
    out: &'a Path,
    index: Option<&'a Path>,
    seconds: f64,
}

/// Documents of the first pass handed to the line statistics at a time.
const STATS_CHUNK: usize = 8192;

/// The inputs, read twice: once for the page-furniture statistics, once in batches for the scan, so
/// no more than a batch of text is in memory. Standard input cannot be read twice: it is read into
/// memory once.
struct Inputs<'a> {
    args: &'a InputArgs,
    bars: &'a Bars,
    stdin: bool,
    /// Reading time (wall, process CPU) summed over both passes.
    read: std::cell::Cell<(f64, f64)>,
    skipped: std::cell::RefCell<BTreeMap<String, usize>>,
    stop: std::cell::RefCell<Option<StrictStop>>,
}

impl<'a> Inputs<'a> {
    fn new(args: &'a InputArgs, bars: &'a Bars) -> Self {
        Inputs {
            args,
            bars,
            stdin: args.inputs.iter().any(|p| p.as_os_str() == "-"),
            read: Default::default(),
            skipped: Default::default(),
            stop: Default::default(),
        }
    }

    fn reader(&self) -> InputReader {
        let opts = ReaderOptions { split_markers: self.args.split_markers, ..Default::default() };
        InputReader::new(&self.args.inputs, opts)
    }

    /// Up to `n` documents; bad records are counted when `count` (the second pass), and stop the run
    /// under `--strict`.
    fn next_batch(&self, it: &mut InputReader, n: usize, count: bool) -> Vec<Document> {
        // This thread's CPU: the second pass reads beside the scan.
        let t = unspun::timing::StageTimer::start_thread();
        let mut out = Vec::with_capacity(n.min(1 << 16));
        while out.len() < n && self.stop.borrow().is_none() {
            match it.next() {
                None => break,
                Some(Ok(d)) => out.push(d),
                Some(Err(e)) if self.args.strict => *self.stop.borrow_mut() = Some(StrictStop(e)),
                Some(Err(e)) if count => {
                    let mut sk = self.skipped.borrow_mut();
                    let c = sk.entry(e.kind.name().to_string()).or_default();
                    *c += 1;
                    if *c <= 5 {
                        self.bars.println(&format!("warning: skipped {e}"));
                    }
                }
                Some(Err(_)) => {}
            }
        }
        let (w, c) = t.stop();
        let (rw, rc) = self.read.get();
        self.read.set((rw + w, rc + c));
        out
    }

    fn check(&self) -> Result<()> {
        match self.stop.borrow_mut().take() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

fn scan(a: ScanArgs) -> Result<()> {
    let start = Instant::now();
    let bars = Bars::new(a.quiet);
    let off = |s: &str| a.without.iter().any(|w| w == s);
    let signals = unspun::Signals {
        skeleton: !off("skeleton"),
        entities: !off("entities"),
        alignment: !off("alignment"),
        stories: !off("stories"),
    };
    let story = unspun::StoryParams {
        threshold: a.story_threshold,
        window_days: a.story_window_days,
        cross_language: a.story_cross_language,
        shared_text: a.story_shared_text,
        ..unspun::StoryParams::default()
    };
    let cfg = Config {
        clean: !a.raw,
        batch_size: a.batch_size,
        sync_secs: a.sync_every,
        signals,
        story,
        corpus: a.emit_corpus.is_some(),
        ..Config::default()
    };
    let index_path = if a.no_index { None } else { Some(a.index.clone().unwrap_or_else(default_index)) };
    let mut engine = Engine::new(cfg, index_path.as_deref()).context("cannot open the index")?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create output directory {}", a.out.display()))?;
    let mut inputs = Inputs::new(&a.input, &bars);
    let mut outcome = if inputs.stdin {
        let t = unspun::timing::StageTimer::start();
        let (docs, skipped) = read_inputs(&a.input, &bars)?;
        inputs.read.set(t.stop());
        engine.scan(docs, skipped, &bars)?
    } else {
        // Pass 1: page-furniture statistics, a chunk at a time.
        let mut stats = unspun::extract::HostLineStats::new();
        let mut total = 0u64;
        let (mut stats_s, mut stats_cpu) = (0.0, 0.0);
        if engine.config().clean {
            let bar = bars.spinner("learning page furniture");
            let mut it = inputs.reader();
            loop {
                let chunk = inputs.next_batch(&mut it, STATS_CHUNK, false);
                inputs.check()?;
                if chunk.is_empty() {
                    break;
                }
                total += chunk.len() as u64;
                bar.inc(chunk.len() as u64);
                let t = unspun::timing::StageTimer::start();
                stats.merge(engine.line_stats(&chunk));
                let (w, c) = t.stop();
                stats_s += w;
                stats_cpu += c;
            }
            bar.finish_and_clear();
        }
        // Pass 2: the scan, in batches, each read on a thread of its own while the one before is
        // related (reading and parsing were a serial 2% of the scan, one core idle).
        let batch = a.batch_size.max(1);
        let (scanned, returned) = std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Document>>(1);
            let reader = s.spawn(move || {
                let mut it = inputs.reader();
                loop {
                    let b = inputs.next_batch(&mut it, batch, true);
                    // An empty batch ends the input; a closed channel, a scan that stopped.
                    if b.is_empty() || tx.send(b).is_err() {
                        break;
                    }
                }
                inputs
            });
            let scanned = engine.scan_stream(&stats, rx, total, BTreeMap::new(), &bars);
            (scanned, reader.join())
        });
        let Ok(returned) = returned else { anyhow::bail!("the input reader panicked") };
        inputs = returned;
        let mut outcome = scanned?;
        inputs.check()?;
        for (k, v) in inputs.skipped.take() {
            *outcome.summary.skipped.entry(k).or_default() += v;
        }
        outcome.summary.timings.insert("line_stats_s".into(), stats_s);
        outcome.summary.timings.insert("line_stats_cpu_s".into(), stats_cpu);
        outcome
    };
    if a.compact {
        let t = unspun::timing::StageTimer::start();
        engine.compact_index().context("cannot compact the index")?;
        let (w, c) = t.stop();
        outcome.summary.timings.insert("compact_s".into(), w);
        outcome.summary.timings.insert("compact_cpu_s".into(), c);
    }
    let (read_s, read_cpu) = inputs.read.get();
    outcome.summary.timings.insert("read_s".into(), read_s);
    outcome.summary.timings.insert("read_cpu_s".into(), read_cpu);
    if let Some(v) = outcome.summary.timings.get_mut("near_dup_cpu_s") {
        *v += read_cpu;
    }
    if let Some(v) = outcome.summary.timings.get_mut("near_dup_s") {
        *v += read_s;
    }
    let pairs_path = a.out.join("pairs.jsonl");
    write_jsonl(&pairs_path, &outcome.pairs).with_context(|| format!("cannot write {}", pairs_path.display()))?;
    let clusters_path = a.out.join("clusters.jsonl");
    write_jsonl(&clusters_path, &outcome.clusters)
        .with_context(|| format!("cannot write {}", clusters_path.display()))?;
    if let Some(p) = &a.emit_corpus {
        write_jsonl(p, &outcome.corpus).with_context(|| format!("cannot write {}", p.display()))?;
    }
    let s = &outcome.summary;
    let seconds = start.elapsed().as_secs_f64();
    if a.json {
        let out = ScanSummaryOut { summary: s, out: &a.out, index: index_path.as_deref(), seconds };
        println!("{}", serde_json::to_string(&out)?);
    } else {
        let skipped: usize = s.skipped.values().sum();
        let reasons: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
        eprintln!(
            "scanned {} documents ({:.1} MB): {} new, {} already indexed, {} skipped{}",
            s.docs + skipped,
            s.mb,
            s.new_docs,
            s.already_indexed,
            skipped,
            if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) }
        );
        eprintln!(
            "{} families, {} pairs, {} candidates verified, in {:.2}s -> {}",
            s.families,
            s.pairs,
            s.candidates,
            seconds,
            a.out.display()
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct Extracted<'a> {
    id: &'a str,
    text: String,
    spans: Vec<[usize; 2]>,
    /// The page's metadata, where the input or the page gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    site_name: Option<&'a str>,
}

fn extract(a: ExtractArgs) -> Result<()> {
    let bars = Bars::new(true);
    let (docs, skipped) = read_inputs(&a.input, &bars)?;
    if docs.is_empty() {
        bail!("no document could be read from the input");
    }
    let engine = Engine::new(Config::default(), None)?;
    let stats = engine.line_stats(&docs);
    let single = docs.len() == 1;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    use std::io::Write;
    for d in &docs {
        let spans = engine.article_spans(&stats, d);
        let cleaned = unspun::extract::Cleaned { spans: spans.clone() };
        let text = cleaned.text(&d.text);
        if a.json || !single {
            let map = unspun_text_charmap(&d.text);
            let spans = spans.iter().map(|s| [map.char_of(s.start), map.char_of(s.end)]).collect();
            let e = Extracted {
                id: &d.id,
                text,
                spans,
                url: d.url.as_deref(),
                date: d.date.as_deref(),
                title: d.title.as_deref(),
                lang: d.lang.as_deref(),
                author: d.author.as_deref(),
                site_name: d.site_name.as_deref(),
            };
            serde_json::to_writer(&mut out, &e)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{text}")?;
        }
    }
    out.flush()?;
    let n: usize = skipped.values().sum();
    if n > 0 {
        eprintln!("{n} records skipped");
    }
    Ok(())
}

fn unspun_text_charmap(text: &str) -> unspun::text::CharMap {
    unspun::text::CharMap::new(text)
}

/// `text[r]` with the given sub-ranges marked: coloured, or in `[-...-]` / `{+...+}` brackets.
fn marked(
    text: &str,
    r: &std::ops::Range<usize>,
    marks: &[std::ops::Range<usize>],
    color: bool,
    added: bool,
) -> String {
    let (open, close) = match (color, added) {
        (true, false) => ("\x1b[1;31m", "\x1b[0m"),
        (true, true) => ("\x1b[1;32m", "\x1b[0m"),
        (false, false) => ("[-", "-]"),
        (false, true) => ("{+", "+}"),
    };
    let mut out = String::new();
    let mut at = r.start;
    for m in marks {
        out.push_str(&text[at..m.start]);
        out.push_str(open);
        out.push_str(&text[m.clone()]);
        out.push_str(close);
        at = m.end;
    }
    out.push_str(&text[at..r.end]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn explain(a: ExplainArgs) -> Result<()> {
    use std::io::IsTerminal;
    let p = a.index.clone().unwrap_or_else(default_index);
    if !p.exists() {
        bail!("no index at {} (scan the documents first)", p.display());
    }
    let engine = Engine::new(Config::default(), Some(&p))?;
    let e = engine.explain(&a.a, &a.b)?;
    let (ma, mb) = (unspun::text::CharMap::new(&e.a.text), unspun::text::CharMap::new(&e.b.text));
    let chars = |m: &unspun::text::CharMap, r: &std::ops::Range<usize>| [m.char_of(r.start), m.char_of(r.end)];
    if a.json {
        let v = serde_json::json!({
            "a": e.a.id, "b": e.b.id, "lang_a": e.a.lang, "lang_b": e.b.lang, "cross_language": e.cross_language,
            "relation": e.decision.map(|d| d.relation.as_str()), "score": e.decision.map(|d| d.score),
            "reason": e.decision.map(|d| d.reason),
            "source": e.source.map(|(b, _)| if b { &e.b.id } else { &e.a.id }),
            "source_by": e.source.map(|(_, r)| r.as_str()),
            "jaccard": e.overlap.jaccard, "containment": e.overlap.containment,
            "unquoted_containment": e.unquoted_containment, "longest_unquoted_run": e.overlap.longest_unquoted_run,
            "aligned_sentences": e.alignment.chain.len(), "unquoted_aligned": e.alignment.unquoted,
            "longest_run": e.alignment.longest_run, "coverage": e.alignment.coverage,
            "mean_similarity": e.alignment.mean_similarity, "swaps": e.swaps.as_ref().map(|s| s.rate()),
            "swapped": e.swaps.iter().flat_map(|s| &s.words).map(|(x, y)| serde_json::json!({
                "a": chars(&ma, x), "b": chars(&mb, y), "words": [&e.a.text[x.clone()], &e.b.text[y.clone()]],
            })).collect::<Vec<_>>(),
            "sentences": e.sentences.iter().map(|s| serde_json::json!({
                "a": chars(&ma, &s.a), "b": chars(&mb, &s.b), "similarity": s.similarity, "quoted": s.quoted,
                "moved": s.moved,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let color = match a.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal(),
    };
    let meta = |d: &unspun::ExplainedDoc| {
        format!(
            "{} ({}, {})",
            d.id,
            d.lang.as_deref().unwrap_or("language unknown"),
            d.date.as_deref().unwrap_or("undated")
        )
    };
    println!("A: {}\nB: {}", meta(&e.a), meta(&e.b));
    match &e.decision {
        Some(d) => println!("relation: {} (score {:.3}): {}", d.relation.as_str(), d.score, d.reason),
        None => println!("relation: none: not enough shared text or structure for a copy, rewrite or translation"),
    }
    if let Some((b, rule)) = e.source {
        println!("source: {} ({})", if b { "B" } else { "A" }, source_rule(rule));
    }
    println!(
        "shared word 5-grams: Jaccard {:.3}, containment {:.3}, outside quotations {:.3}; longest shared unquoted passage {} words",
        e.overlap.jaccard, e.overlap.containment, e.unquoted_containment, e.overlap.longest_unquoted_run
    );
    println!(
        "aligned sentences{}: {} ({} outside quotations), longest run in order {}, coverage of the shorter text {:.2}, mean similarity {:.2}",
        if e.cross_language { " (names and numbers, across languages)" } else { "" },
        e.alignment.chain.len(),
        e.alignment.unquoted,
        e.alignment.longest_run,
        e.alignment.coverage,
        e.alignment.mean_similarity
    );
    let swapped = e.swaps.as_ref().map_or(&[][..], |s| &s.words);
    if let Some(s) = &e.swaps {
        println!(
            "content words swapped in place (a spinner's mark): {:.3} of the aligned ones (a spin from {:.2})",
            s.rate(),
            unspun::SPIN_MIN_SWAPS
        );
    }
    if !swapped.is_empty() {
        const SHOWN: usize = 12;
        let words: Vec<String> = swapped
            .iter()
            .take(SHOWN)
            .map(|(x, y)| format!("{} -> {}", &e.a.text[x.clone()], &e.b.text[y.clone()]))
            .collect();
        let more = swapped.len().saturating_sub(SHOWN);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        println!("swapped (A -> B): {}{more}", words.join(", "));
    }
    for (i, s) in e.sentences.iter().enumerate() {
        println!(
            "\n[{}] similarity {:.2}{}{}",
            i + 1,
            s.similarity,
            if s.quoted { " (quotation)" } else { "" },
            if s.moved { " (moved: outside the sentences in order)" } else { "" }
        );
        println!("  A {:?}: {}", chars(&ma, &s.a), marked(&e.a.text, &s.a, &s.a_only, color, false));
        println!("  B {:?}: {}", chars(&mb, &s.b), marked(&e.b.text, &s.b, &s.b_only, color, true));
    }
    Ok(())
}

fn open_existing(index: Option<PathBuf>) -> Result<Engine> {
    let p = index.unwrap_or_else(default_index);
    if !p.exists() {
        bail!("no index at {} (scan the documents first)", p.display());
    }
    Ok(Engine::new(Config::default(), Some(&p))?)
}

fn date_span(s: &unspun::io::output::StorySummary) -> String {
    match (&s.first_date, &s.last_date) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.clone(),
        _ => "undated".into(),
    }
}

fn stories(a: StoriesArgs) -> Result<()> {
    use std::io::Write;
    let engine = open_existing(a.index)?;
    let mut out = std::io::stdout().lock();
    for c in engine.stories()?.into_iter().filter(|c| c.docs.len() >= a.min_docs) {
        if a.json {
            serde_json::to_writer(&mut out, &c)?;
            writeln!(out)?;
            continue;
        }
        let s = c.summary.clone().unwrap_or_default();
        writeln!(
            out,
            "{}  {:>3} docs  {:>3} reports  {:>3} copies  {:<21}  {:<8}  {}",
            c.story,
            c.docs.len(),
            s.reports,
            s.copies,
            date_span(&s),
            s.languages.join(","),
            s.title
        )?;
    }
    Ok(())
}

fn story(a: StoryArgs) -> Result<()> {
    let engine = open_existing(a.index)?;
    let Some(v) = engine.story(&a.id)? else { bail!("no story or document with id {:?} in the index", a.id) };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let s = v.cluster.summary.clone().unwrap_or_default();
    println!("story {}: {}", v.cluster.story, s.title);
    println!(
        "{} documents: {} independent reports, {} copies; {}; languages {}; outlets {}",
        v.cluster.docs.len(),
        s.reports,
        s.copies,
        date_span(&s),
        if s.languages.is_empty() { "unknown".into() } else { s.languages.join(", ") },
        if s.outlets.is_empty() { "unknown".into() } else { s.outlets.join(", ") }
    );
    let families: Vec<_> = v.cluster.families.iter().filter(|f| f.members.len() > 1).collect();
    if !families.is_empty() {
        println!("\ncopy families:");
        for f in families {
            let copies: Vec<&str> = f.members.iter().filter(|m| **m != f.original).map(String::as_str).collect();
            let by = f.original_by.as_deref().map(|r| format!(" (by {r})")).unwrap_or_default();
            println!("  original {}{by} <- {}", f.original, copies.join(", "));
        }
    }
    let reports: Vec<&str> =
        v.cluster.families.iter().filter(|f| f.members.len() == 1).map(|f| f.original.as_str()).collect();
    if !reports.is_empty() {
        println!("\nindependent reports: {}", reports.join(", "));
    }
    if !v.shared.is_empty() {
        println!("\nshared word for word:");
        for p in &v.shared {
            let words = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let cut: String = words.chars().take(160).collect();
            let more = if cut.len() < words.len() { " ..." } else { "" };
            println!("  {} ~ {}: \"{}{more}\"", p.a, p.b, cut.trim_end());
        }
    }
    println!("\ntimeline:");
    for d in &v.timeline {
        println!(
            "  {:<10}  {:<8}  {}  [{}{}]  {}",
            d.date.as_deref().map(|x| x.get(..10).unwrap_or(x)).unwrap_or("undated"),
            d.role,
            d.id,
            d.outlet.as_deref().unwrap_or("-"),
            d.lang.as_deref().map(|l| format!(", {l}")).unwrap_or_default(),
            d.headline
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct MatchOut<'a> {
    id: &'a str,
    relation: &'static str,
    score: f64,
    reason: &'static str,
    jaccard: f64,
    containment: f64,
    /// [query chars, indexed chars, similarity]
    evidence: Vec<([u32; 2], [u32; 2], f64)>,
}

impl<'a> MatchOut<'a> {
    fn new(m: &'a unspun::Match) -> Self {
        let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
        MatchOut {
            id: &m.id,
            relation: m.relation.as_str(),
            score: r3(m.score),
            reason: m.reason,
            jaccard: r3(m.jaccard as f64),
            containment: r3(m.containment as f64),
            evidence: m.evidence.iter().map(|(a, b, s)| (*a, *b, r3(*s as f64))).collect(),
        }
    }
}

fn match_cmd(a: MatchArgs) -> Result<()> {
    use std::io::{Read, Write};
    let p = a.index.clone().unwrap_or_else(default_index);
    if !p.exists() {
        bail!("no index at {} (scan the documents first)", p.display());
    }
    let engine = Engine::new(Config { clean: !a.raw, ..Config::default() }, Some(&p))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Some(q) = &a.queries {
        let mut ms: Vec<f64> = Vec::new();
        for item in InputReader::new(std::slice::from_ref(q), ReaderOptions::default()) {
            let doc = match item {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("warning: skipped {e}");
                    continue;
                }
            };
            let id = doc.id.clone();
            let t = Instant::now();
            let matches = engine.match_document(doc)?;
            let took = t.elapsed().as_secs_f64() * 1e3;
            ms.push(took);
            if !a.latency {
                let v = serde_json::json!({"query": id, "ms": (took * 1000.0).round() / 1000.0,
                    "matches": matches.iter().map(MatchOut::new).collect::<Vec<_>>()});
                writeln!(out, "{v}")?;
            }
        }
        if a.latency {
            writeln!(out, "{}", serde_json::to_string(&latency_summary(&mut ms))?)?;
        }
        out.flush()?;
        return Ok(());
    }
    let file = a.file.as_ref().context("a FILE or --queries is needed")?;
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).context("cannot read standard input")?;
    } else {
        text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    let doc = Document::plain("query".into(), text, file.display().to_string());
    let matches = engine.match_document(doc)?;
    for m in &matches {
        if a.json {
            writeln!(out, "{}", serde_json::to_string(&MatchOut::new(m))?)?;
        } else {
            writeln!(
                out,
                "{}\t{}\tscore {:.3}\tcontainment {:.3}\t{} passages\t{}",
                m.id,
                m.relation.as_str(),
                m.score,
                m.containment,
                m.evidence.len(),
                m.reason
            )?;
        }
    }
    out.flush()?;
    if matches.is_empty() && !a.json {
        eprintln!("no indexed document is related to this text");
    }
    Ok(())
}

#[derive(Serialize)]
struct Latency {
    queries: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    mean_ms: f64,
}

/// Nearest-rank percentiles of the lookup times.
fn latency_summary(ms: &mut [f64]) -> Latency {
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if ms.is_empty() {
            0.0
        } else {
            let rank = ((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len());
            ms[rank - 1]
        }
    };
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    Latency {
        queries: ms.len(),
        p50_ms: r(pct(0.50)),
        p99_ms: r(pct(0.99)),
        max_ms: r(ms.last().copied().unwrap_or(0.0)),
        mean_ms: r(if ms.is_empty() { 0.0 } else { ms.iter().sum::<f64>() / ms.len() as f64 }),
    }
}

/// `unspun pan`: every copy pair of a run with evidence, as PAN detections.
fn pan(a: PanArgs) -> Result<()> {
    use std::io::BufRead;
    let path = if a.run.is_dir() { a.run.join("pairs.jsonl") } else { a.run.clone() };
    let f = std::fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot make {}", a.out.display()))?;
    let (mut files, mut passages, mut pairs) = (0usize, 0usize, 0usize);
    let mut seen = std::collections::HashSet::new();
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let p: unspun::io::output::PairOut =
            serde_json::from_str(&line).with_context(|| format!("{}: line {}: not a pair", path.display(), n + 1))?;
        pairs += 1;
        if !a.relations.contains(&p.relation) {
            continue;
        }
        let Some(d) = unspun::io::pan::pan_detections(&p, a.suspicious_match.as_deref()) else { continue };
        let name = d.file_name();
        if !seen.insert(name.clone()) {
            bail!(
                "{}: line {}: two pairs write {name} (documents with one file name in two folders?)",
                path.display(),
                n + 1
            );
        }
        let dest = a.out.join(&name);
        let mut w = unspun::io::output::AtomicFile::create(&dest)
            .with_context(|| format!("cannot write {}", dest.display()))?;
        w.write_all(d.xml.as_bytes())
            .and_then(|_| w.commit_unsynced())
            .with_context(|| format!("cannot write {}", dest.display()))?;
        files += 1;
        passages += d.passages;
    }
    if a.json {
        let summary = serde_json::json!({"pairs": pairs, "files": files, "passages": passages, "out": a.out});
        println!("{summary}");
    } else {
        eprintln!("{pairs} pairs read; {files} detection files ({passages} passages) written to {}", a.out.display());
    }
    Ok(())
}

fn index_cmd(cmd: IndexCmd) -> Result<()> {
    match cmd {
        IndexCmd::Check { index } => {
            let p = index.unwrap_or_else(default_index);
            if !p.exists() {
                bail!("no index at {}", p.display());
            }
            let idx = unspun::index::Index::open(&p, &Config::default().index_params())?;
            let st = idx.check()?;
            println!("{}", serde_json::to_string(&st)?);
            Ok(())
        }
        IndexCmd::Compact { index } => {
            let p = index.unwrap_or_else(default_index);
            if !p.exists() {
                bail!("no index at {}", p.display());
            }
            let before = unspun::index::Index::disk_bytes(&p);
            let mut idx = unspun::index::Index::open(&p, &Config::default().index_params())?;
            idx.compact()?;
            drop(idx);
            let after = unspun::index::Index::disk_bytes(&p);
            println!("{}", serde_json::json!({"bytes_before": before, "bytes_after": after}));
            Ok(())
        }
    }
}

/// Memory the allocator frees goes back to the OS only after it has been unused for 10 s, unless
/// `MIMALLOC_PURGE_DELAY` says otherwise. A scan frees and reallocates each batch's buffers: returned
/// after 10 ms (mimalloc's default), they came back as fresh pages to be faulted in and zeroed, 2-3% of
/// a scan's CPU time and most of the main thread's, which the other core waits on. Never returned,
/// memory that the many reading threads freed stayed with each: a 1M scan peaked at 4.34 GB (4.13
/// GiB, over the bound) where 10 s gave 3.34 GB for 3.5% more wall time (1 s: 3.07 GB, 11%).
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h (v2 and v3, which libmimalloc-sys builds); the crate names
    // no constant for it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const DELAY_MS: std::ffi::c_long = 10_000;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an option of the allocator, read when it purges; called before any thread exists.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, DELAY_MS) };
    }
}

fn main() -> ExitCode {
    // Die quietly when the reader of stdout goes away (`unspun extract ... | head`), like other Unix
    // tools, instead of panicking on a write error.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    keep_freed_memory();
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Scan(a) => scan(a),
        Cmd::Extract(a) => extract(a),
        Cmd::Explain(a) => explain(a),
        Cmd::Stories(a) => stories(a),
        Cmd::Story(a) => story(a),
        Cmd::Match(a) => match_cmd(a),
        Cmd::Pan(a) => pan(a),
        Cmd::Index { cmd } => index_cmd(cmd),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<StrictStop>().is_some() {
                ExitCode::from(exit::BAD_RECORD)
            } else {
                ExitCode::from(exit::FAILURE)
            }
        }
    }
}

/// Why a copy's source is the source, for `explain`.
fn source_rule(rule: unspun::cluster::OriginRule) -> &'static str {
    use unspun::cluster::OriginRule as R;
    match rule {
        R::Date => "published first",
        R::Credit => "the other credits it by its headline",
        R::House => "published by the agency its dateline credits",
        R::Wire => "it carries the wire dateline",
        R::FirstVersion => "it says it is the breaking story's first version",
        R::Length => "nothing else told them apart: the longer text (copies are cut more often than extended)",
        R::Id => "nothing told them apart: the smaller id",
    }
}

/// A finite number, 0 or more.
fn non_negative(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}

/// A number of seconds: finite and not negative.
fn seconds(s: &str) -> Result<f64, String> {
    non_negative(s).ok_or_else(|| format!("{s:?} is not a number of seconds (0 or more)"))
}

/// A factor on a threshold: finite, 0 or more.
fn factor(s: &str) -> Result<f32, String> {
    non_negative(s)
        .map(|x| x as f32)
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("{s:?} is not a factor (a number, 0 or more)"))
}

#[cfg(test)]
mod tests {
    use super::latency_summary;

    #[test]
    fn latency_percentiles_by_nearest_rank() {
        let mut ms: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let l = latency_summary(&mut ms);
        assert_eq!((l.queries, l.p50_ms, l.p99_ms, l.max_ms, l.mean_ms), (100, 50.0, 99.0, 100.0, 50.5));
        let l = latency_summary(&mut []);
        assert_eq!((l.queries, l.p99_ms), (0, 0.0));
        let l = latency_summary(&mut [3.0]);
        assert_eq!((l.p50_ms, l.p99_ms), (3.0, 3.0));
    }
}
