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
    /// Inspect the index.
    Index {
        #[command(subcommand)]
        cmd: IndexCmd,
    },
}

#[derive(Args)]
struct InputArgs {
    /// Files or directories (.txt, .jsonl, .jsonl.gz, .jsonl.zst; directories recursively); `-` reads JSONL from stdin.
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
    /// Documents processed and committed together.
    #[arg(long, default_value_t = 4096)]
    batch_size: usize,
}

#[derive(Args)]
struct ExtractArgs {
    #[command(flatten)]
    input: InputArgs,
    /// One JSON object a line: {"id", "text", "spans"}, spans as character offsets into the input text.
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

fn scan(a: ScanArgs) -> Result<()> {
    let start = Instant::now();
    let bars = Bars::new(a.quiet);
    let cfg = Config { clean: !a.raw, batch_size: a.batch_size, ..Config::default() };
    let index_path = if a.no_index { None } else { Some(a.index.clone().unwrap_or_else(default_index)) };
    let engine = Engine::new(cfg, index_path.as_deref()).context("cannot open the index")?;
    let t = unspun::timing::StageTimer::start();
    let (docs, skipped) = read_inputs(&a.input, &bars)?;
    let (read_s, read_cpu) = t.stop();
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create output directory {}", a.out.display()))?;
    let mut outcome = engine.scan(docs, skipped, &bars)?;
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
            serde_json::to_writer(&mut out, &Extracted { id: &d.id, text, spans })?;
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
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Scan(a) => scan(a),
        Cmd::Extract(a) => extract(a),
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
