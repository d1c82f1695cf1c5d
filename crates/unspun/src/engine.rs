use crate::config::Config;
use crate::decide::{decide_texts, unquoted_containment, Decision};
use crate::prepare::{prepare, Prepared, Shingled};
use crate::report::{build_report, End, Graph, LinkInfo, NodeInfo};
use crate::timing::StageTimer;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use unspun_extract::{clean_plain, HostLineStats};
use unspun_fingerprint::{HashMapH, IdentityHasher, MinHasher};
use unspun_index::{Batch, DocRecord, DocRef, Index, IndexError, NewDoc, NewLink};
use unspun_io::output::{ClusterOut, CorpusOut, PairOut};
use unspun_io::Document;
use unspun_text::CharMap;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("no document with id {0:?} in the index")]
    UnknownId(String),
    #[error("this needs an index (drop --no-index)")]
    NoIndex,
}

/// Receives progress; the CLI draws bars, libraries and tests ignore it.
pub trait Observer: Sync {
    fn stage(&self, _name: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish_stage(&self) {}
}

pub struct SilentObserver;
impl Observer for SilentObserver {}

/// Counts and timings of one scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub docs: usize,
    pub mb: f64,
    pub new_docs: usize,
    pub already_indexed: usize,
    pub skipped: BTreeMap<String, usize>,
    pub candidates: usize,
    pub verified_links: usize,
    /// Pairs linked as independent reports of one event.
    pub story_links: usize,
    pub families: usize,
    pub stories: usize,
    pub pairs: usize,
    pub empty_after_cleaning: usize,
    /// Seconds per stage (wall and process CPU), keyed `<stage>_s` and `<stage>_cpu_s`.
    pub timings: BTreeMap<String, f64>,
}

/// An indexed document related to a looked-up text ([`Engine::match_document`]).
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub id: String,
    /// Its number in the index.
    pub number: u64,
    pub relation: crate::Relation,
    pub score: f64,
    /// The rule that decided, in words.
    pub reason: &'static str,
    pub jaccard: f32,
    pub containment: f32,
    /// Shared or aligned passages: character offsets into the looked-up text, then into the indexed
    /// document's text, and their similarity.
    pub evidence: Vec<([u32; 2], [u32; 2], f32)>,
}

pub struct ScanOutcome {
    pub pairs: Vec<PairOut>,
    pub clusters: Vec<ClusterOut>,
    pub corpus: Vec<CorpusOut>,
    pub summary: Summary,
}

pub struct Engine {
    cfg: Config,
    hasher: MinHasher,
    index: Option<Index>,
}

/// A document of this scan, prepared.
struct Live {
    doc: Document,
    prep: Prepared,
}

/// What a scan carries from one batch to the next: counts, timings and per-document numbers only.
struct ScanState {
    summary: Summary,
    timings: BTreeMap<String, f64>,
    /// Hashes of the ids seen in this scan.
    seen: HashSet<u64, BuildHasherDefault<IdentityHasher>>,
    /// Index numbers of this scan's documents (new and already indexed): the report's seeds.
    seed_nums: Vec<u64>,
    /// Without an index: the nodes and links of the report.
    graph: Graph,
    /// When a batch was last committed durably (see `Config::sync_secs`).
    last_sync: std::time::Instant,
}

fn record(timings: &mut BTreeMap<String, f64>, name: &str, t: &StageTimer) {
    let (w, c) = t.stop();
    add_time(timings, name, w, c);
}

/// Count time the scan waited for an index write (`index_write_wait_s`): when it grows, the write,
/// not the batches' own work, sets the pace.
fn add_write_wait(timings: &mut BTreeMap<String, f64>, wall: f64) {
    *timings.entry("index_write_wait_s".into()).or_insert(0.0) += wall;
}

fn add_time(timings: &mut BTreeMap<String, f64>, name: &str, wall: f64, cpu: f64) {
    *timings.entry(format!("{name}_s")).or_insert(0.0) += wall;
    *timings.entry(format!("{name}_cpu_s")).or_insert(0.0) += cpu;
}

/// Consecutive phases of a batch, each measured in wall time, process CPU time and its span.
struct Phase {
    timer: StageTimer,
    begun: Instant,
}

impl Phase {
    fn start() -> Phase {
        Phase { timer: StageTimer::start(), begun: Instant::now() }
    }

    /// The phase just ended (wall, CPU, span); the next one starts.
    fn next(&mut self) -> (f64, f64, (Instant, Instant)) {
        let (wall, cpu) = self.timer.stop();
        let now = Instant::now();
        let span = (self.begun, now);
        *self = Phase::start();
        (wall, cpu, span)
    }
}

/// Seconds two spans of time share.
fn overlap(a: (Instant, Instant), b: (Instant, Instant)) -> f64 {
    let (start, end) = (a.0.max(b.0), a.1.min(b.1));
    end.saturating_duration_since(start).as_secs_f64()
}

/// A verified candidate pair: a link, or two texts that share a passage without being copies.
enum Checked {
    Link(DocRef, DocRef, Decision, LinkInfo),
    SharesText(SharedText),
}

/// Two texts in one language that share a verbatim passage without being copies.
pub(crate) struct SharedText {
    pub a: DocRef,
    pub b: DocRef,
    /// The shared passages: character offsets into `a`'s and `b`'s texts, and a similarity.
    pub evidence: Vec<([u32; 2], [u32; 2], f32)>,
    pub jaccard: f32,
    pub containment: f32,
}

/// What verification found in a set of candidate pairs.
#[derive(Default)]
struct Verified {
    links: Vec<(DocRef, DocRef, Decision, LinkInfo)>,
    /// Pairs in one language that are no copies but share a verbatim passage (a quote, a wire
    /// sentence): the story stage holds them to a lower bar (`StoryParams::shared_text`).
    sharing: Vec<SharedText>,
}

/// A document loaded back from the index for verification.
struct Stored {
    id: String,
    text: String,
    prep: Prepared,
    shingled: Shingled,
}

impl Engine {
    /// An engine over the index at `index_path`, or in memory only when `None`.
    pub fn new(cfg: Config, index_path: Option<&Path>) -> Result<Self, EngineError> {
        let hasher = MinHasher::new(cfg.fingerprint.num_perm, cfg.fingerprint.seed);
        let index = index_path.map(|p| Index::open(p, &cfg.index_params())).transpose()?;
        Ok(Engine { cfg, hasher, index })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn index(&self) -> Option<&Index> {
        self.index.as_ref()
    }

    /// Compact the index file (see [`Index::compact`]); nothing without an index.
    pub fn compact_index(&mut self) -> Result<bool, EngineError> {
        match &mut self.index {
            Some(i) => Ok(i.compact()?),
            None => Ok(false),
        }
    }

    /// Corpus statistics the plain-text cleaner learns from: which lines recur on a host's pages.
    pub fn line_stats(&self, docs: &[Document]) -> HostLineStats {
        docs.par_chunks(1024)
            .map(|chunk| {
                let mut s = HostLineStats::new();
                for d in chunk {
                    // Pages whose article the reader found (HTML) teach the plain cleaner nothing.
                    if d.article.is_none() {
                        s.add_document(d.host(), &d.text);
                    }
                }
                s
            })
            .reduce(HostLineStats::new, |mut a, b| {
                a.merge(b);
                a
            })
    }

    /// The article spans of a document under the given statistics (the whole text when cleaning is off).
    pub fn article_spans(&self, stats: &HostLineStats, doc: &Document) -> Vec<Range<usize>> {
        if let Some(spans) = &doc.article {
            spans.clone()
        } else if self.cfg.clean {
            clean_plain(stats, doc.host(), &doc.text).spans
        } else {
            std::iter::once(0..doc.text.len()).collect()
        }
    }

    /// Re-derive an indexed document from its stored text and the spans its scan kept, so it compares
    /// exactly as it did when it was indexed; with the tokens and shingles verification compares.
    pub(crate) fn prepare_stored(&self, rec: &DocRecord, text: &str) -> (Prepared, Shingled) {
        let spans: Vec<Range<usize>> = rec.spans.iter().map(|&(a, b)| a as usize..b as usize).collect();
        // Verification compares texts; the index keys (signature, bands, anchors) are not needed again.
        crate::prepare::prepare_for_verification(
            text,
            &spans,
            rec.date.as_deref(),
            rec.lang.as_deref(),
            &self.cfg,
            &self.hasher,
        )
    }

    pub(crate) fn prepare_doc(
        &self,
        text: &str,
        spans: &[Range<usize>],
        date: Option<&str>,
        lang: Option<&str>,
    ) -> Prepared {
        prepare(text, spans, date, lang, &self.cfg, &self.hasher)
    }

    /// Relate `docs` with each other and with everything in the index, store them, and report the
    /// families they belong to. Holds every document in memory; [`Engine::scan_stream`] does not.
    pub fn scan(
        &self,
        docs: Vec<Document>,
        skipped: BTreeMap<String, usize>,
        obs: &dyn Observer,
    ) -> Result<ScanOutcome, EngineError> {
        let t = StageTimer::start();
        obs.stage("learning page furniture", 0);
        let stats = if self.cfg.clean { self.line_stats(&docs) } else { HostLineStats::new() };
        obs.finish_stage();
        let (w, c) = t.stop();
        let total = docs.len() as u64;
        let mut out = self.scan_stream(&stats, std::iter::once(docs), total, skipped, obs)?;
        *out.summary.timings.entry("line_stats_s".into()).or_insert(0.0) += w;
        *out.summary.timings.entry("line_stats_cpu_s".into()).or_insert(0.0) += c;
        Ok(out)
    }

    /// Relate a stream of documents (in batches of any size) with each other and with everything in
    /// the index, under page-furniture statistics learnt beforehand (a first pass over the input, see
    /// [`Engine::line_stats`]). With an index, documents flow through in batches of
    /// `Config::batch_size` and only per-document numbers stay in memory (the texts are written to
    /// the index and dropped); without one, the whole input is related in memory at once.
    /// `total` is a hint for progress (0 when unknown).
    pub fn scan_stream<I>(
        &self,
        stats: &HostLineStats,
        batches: I,
        total: u64,
        skipped: BTreeMap<String, usize>,
        obs: &dyn Observer,
    ) -> Result<ScanOutcome, EngineError>
    where
        I: IntoIterator<Item = Vec<Document>>,
    {
        let mut st = ScanState {
            summary: Summary { skipped, ..Default::default() },
            timings: BTreeMap::new(),
            seen: HashSet::default(),
            seed_nums: Vec::new(),
            graph: Graph::default(),
            last_sync: std::time::Instant::now(),
        };
        if let Some(p) = std::env::var_os("UNSPUN_DEBUG_CANDIDATES") {
            let _ = std::fs::write(p, "");
        }
        obs.stage("relating documents", total);
        let batch_size = self.cfg.batch_size.max(1);
        let mut pending: Vec<Document> = Vec::new();
        // The last related batch, written to the index while the next one is prepared.
        let mut queued: Option<Batch> = None;
        if self.index.is_none() {
            // All of the input is held at once: one allocation rather than a copy at every doubling.
            pending.reserve(usize::try_from(total).unwrap_or(0));
        }
        for incoming in batches {
            let input = self.admit(incoming, &mut st)?;
            if self.index.is_none() {
                // Without an index there is nothing to relate a later batch with: one batch.
                pending.extend(input);
                continue;
            }
            pending.extend(input);
            while pending.len() >= batch_size {
                let rest = pending.split_off(batch_size);
                let batch = std::mem::replace(&mut pending, rest);
                queued = self.scan_batch(batch, queued.take(), stats, &mut st, obs)?;
            }
        }
        if !pending.is_empty() {
            queued = self.scan_batch(pending, queued.take(), stats, &mut st, obs)?;
        }
        if let Some(job) = queued {
            let t = StageTimer::start();
            let n = job.docs.len();
            // A durable last commit makes the whole scan durable.
            st.seed_nums.extend(self.write_batch(job, true)?);
            // Nothing runs beside the last write: all of it is waited for.
            let (wall, cpu) = t.stop();
            add_write_wait(&mut st.timings, wall);
            add_time(&mut st.timings, "index_write", wall, cpu);
            obs.advance(n as u64);
        }
        obs.finish_stage();
        let ScanState { mut summary, mut timings, seed_nums, mut graph, .. } = st;

        let t = StageTimer::start();
        if let Some(index) = &self.index {
            graph = self.graph_from_index(index, &seed_nums)?;
        } else {
            graph.inputs = (0..graph.nodes.len()).collect();
        }
        let report = build_report(&graph);
        record(&mut timings, "report", &t);

        let near_dup: f64 =
            ["prepare_cpu_s", "candidates_cpu_s", "verify_cpu_s"].iter().filter_map(|k| timings.get(*k)).sum();
        timings.insert("near_dup_cpu_s".into(), near_dup);
        let near_dup_wall: f64 = ["prepare_s", "candidates_s", "verify_s"].iter().filter_map(|k| timings.get(*k)).sum();
        timings.insert("near_dup_s".into(), near_dup_wall);
        summary.timings = timings;
        summary.families = report.clusters.iter().flat_map(|c| &c.families).filter(|f| f.members.len() > 1).count();
        summary.stories = report.clusters.len();
        summary.pairs = report.pairs.len();
        Ok(ScanOutcome { pairs: report.pairs, clusters: report.clusters, corpus: report.corpus, summary })
    }

    /// Count an incoming batch and drop what must not be processed: ids seen before in this scan (a
    /// mistake of the input, reported) and documents the index already holds with the same text.
    fn admit(&self, docs: Vec<Document>, st: &mut ScanState) -> Result<Vec<Document>, EngineError> {
        st.summary.docs += docs.len();
        st.summary.mb += docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
        let mut input: Vec<Document> = Vec::with_capacity(docs.len());
        for d in docs {
            // 64-bit hashes of the ids, not the ids: 16 bytes a document whatever the ids' length.
            if st.seen.insert(unspun_text::hash_bytes(d.id.as_bytes())) {
                input.push(d);
            } else {
                st.summary.docs -= 1;
                st.summary.mb -= d.text.len() as f64 / 1e6;
                *st.summary.skipped.entry("duplicate_id".into()).or_default() += 1;
            }
        }
        let Some(index) = &self.index else { return Ok(input) };
        // Random reads of the ids' table, one a document: on more threads when they wait on the
        // disk (a cold addition to a 1M index waited 0.6 s here, one read after another).
        let known: Vec<Option<(u64, u64)>> = crate::io_pool::map_chunks(&ID_LOOKUPS, &input, 256, |_, c| {
            index.lookup_ids(c.iter().map(|d| d.id.as_str()))
        })?
        .into_iter()
        .flatten()
        .collect();
        let mut keep = Vec::with_capacity(input.len());
        for (d, k) in input.into_iter().zip(known) {
            match k {
                Some((n, h)) if h == unspun_text::hash_bytes(d.text.as_bytes()) => {
                    st.summary.already_indexed += 1;
                    st.seed_nums.push(n);
                }
                Some(_) => *st.summary.skipped.entry("id_indexed_with_other_text".into()).or_default() += 1,
                None => keep.push(d),
            }
        }
        Ok(keep)
    }

    /// Store a related batch; its index numbers (none without an index).
    fn write_batch(&self, job: Batch, durable: bool) -> Result<Vec<u64>, EngineError> {
        Ok(match &self.index {
            Some(index) => index.write_with(job, durable)?,
            None => Vec::new(),
        })
    }

    /// Prepare, relate and verify one batch, while the previous one (`queued`) is written to the
    /// index; returns this batch's write, to be done beside the next batch's work (or alone at the
    /// end). Preparing the batch and relating it within itself need nothing of the index; relating
    /// it with the index needs the previous batch written. The write, one core's work, therefore runs
    /// beside all three: beside preparation alone, the writes that merge posting runs outlasted it and
    /// left the other core idle (2 s of a 100k scan).
    fn scan_batch(
        &self,
        batch: Vec<Document>,
        queued: Option<Batch>,
        stats: &HostLineStats,
        st: &mut ScanState,
        obs: &dyn Observer,
    ) -> Result<Option<Batch>, EngineError> {
        let n_batch = batch.len();
        let durable = queued.is_some() && st.last_sync.elapsed().as_secs_f64() >= self.cfg.sync_secs;
        if durable {
            st.last_sync = std::time::Instant::now();
        }
        let (live, cands, verified, phases, written) = std::thread::scope(|s| {
            let writer = queued.map(|job| {
                s.spawn(move || {
                    let n = job.docs.len();
                    let t = StageTimer::start_thread();
                    let begun = Instant::now();
                    let nums = self.write_batch(job, durable);
                    (nums, n, t.stop(), (begun, Instant::now()))
                })
            });
            let mut phases = Vec::with_capacity(3);
            let mut phase = Phase::start();
            let live: Vec<Live> = batch
                .into_par_iter()
                .map(|doc| {
                    let spans = self.article_spans(stats, &doc);
                    let prep = self.prepare_doc(&doc.text, &spans, doc.date.as_deref(), doc.lang.as_deref());
                    Live { doc, prep }
                })
                .collect();
            phases.push(("prepare", phase.next()));
            let cands = self.batch_candidates(&live);
            phases.push(("candidates", phase.next()));
            let verified = self.verify(&live, &HashMap::new(), &cands, self.cfg.signals.stories);
            let waited = Instant::now();
            let written = writer.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            let waited = waited.elapsed().as_secs_f64();
            phases.push(("verify", phase.next()));
            (live, cands, verified, phases, (written, waited))
        });
        let (written, waited) = written;
        add_write_wait(&mut st.timings, waited);
        // The phases ran beside the write, which is measured on its own thread: each phase's CPU time
        // is the process's less the write's share of it (the write's CPU spread evenly over its wall
        // time; the wait for it, if it outlasted them, counts as the last phase's).
        let (w_time, w_span) = written.as_ref().map_or(((0.0, 0.0), None), |w| (w.2, Some(w.3)));
        for (name, (wall, cpu, span)) in phases {
            let share = w_span.map_or(0.0, |w| overlap(w, span) / w_time.0.max(1e-9));
            add_time(&mut st.timings, name, wall, (cpu - w_time.1 * share).max(0.0));
        }
        add_time(&mut st.timings, "index_write", w_time.0, w_time.1);
        if let Some((nums, n, ..)) = written {
            st.seed_nums.extend(nums?);
            obs.advance(n as u64);
        }
        st.summary.empty_after_cleaning += live.iter().filter(|l| l.prep.is_empty()).count();
        st.summary.candidates += cands.len();
        let Verified { mut links, mut sharing } = verified;
        // Against the index a slice at a time, so that the indexed documents loaded for verification
        // (up to `MAX_INDEX_CANDIDATES` each) stay few whatever the batch size.
        for (k, slice) in live.chunks(INDEX_SLICE).enumerate() {
            let t = StageTimer::start();
            let mut cands = Vec::new();
            let stored = self.index_candidates(slice, &mut cands)?;
            st.summary.candidates += cands.len();
            record(&mut st.timings, "candidates", &t);
            let t = StageTimer::start();
            let base = k * INDEX_SLICE;
            let shift = |r: DocRef| match r {
                DocRef::New(i) => DocRef::New(base + i),
                other => other,
            };
            let found = self.verify(slice, &stored, &cands, self.cfg.signals.stories);
            drop_aside(stored);
            links.extend(found.links.into_iter().map(|(a, b, d, info)| (shift(a), shift(b), d, info)));
            sharing.extend(found.sharing.into_iter().map(|t| SharedText { a: shift(t.a), b: shift(t.b), ..t }));
            record(&mut st.timings, "verify", &t);
        }
        let mut links = keep_mutual_best_translations(links);
        st.summary.verified_links += links.len();

        let t = StageTimer::start();
        let mut events = if self.cfg.signals.stories {
            let preps: Vec<&Prepared> = live.iter().map(|l| &l.prep).collect();
            // The later document of a copy link within the batch, or the new one of a link to the
            // index, is the copy.
            let mut copies = vec![false; live.len()];
            for (a, b, ..) in &links {
                match (a, b) {
                    (DocRef::New(i), DocRef::New(j)) => copies[*i.max(j)] = true,
                    (DocRef::New(i), DocRef::Indexed(_)) | (DocRef::Indexed(_), DocRef::New(i)) => copies[*i] = true,
                    _ => {}
                }
            }
            // Each pair sharing a passage, under either order (the story stage meets a pair from its
            // new or lower document), with the passages oriented as that order is.
            let mut shared: HashMap<(DocRef, DocRef), SharedText> = HashMap::new();
            for t in sharing {
                let back = SharedText {
                    a: t.b,
                    b: t.a,
                    evidence: t.evidence.iter().map(|&(x, y, s)| (y, x, s)).collect(),
                    jaccard: t.jaccard,
                    containment: t.containment,
                };
                shared.insert((back.a, back.b), back);
                shared.insert((t.a, t.b), t);
            }
            let shares = |a: DocRef, b: DocRef| shared.contains_key(&(a, b));
            let sb = crate::story::story_batch(&self.cfg.story, self.index.as_ref(), &preps, &copies, &shares)?;
            let copied: HashSet<(DocRef, DocRef)> = links.iter().flat_map(|l| [(l.0, l.1), (l.1, l.0)]).collect();
            for (a, b, s) in sb.links {
                if copied.contains(&(a, b)) {
                    continue;
                }
                st.summary.story_links += 1;
                let score = s as f64;
                let relation = crate::Relation::SameStory;
                let (evidence, jaccard, containment) =
                    shared.remove(&(a, b)).map_or((Vec::new(), 0.0, 0.0), |t| (t.evidence, t.jaccard, t.containment));
                let info =
                    LinkInfo { relation, score, evidence, jaccard, containment, unquoted: 0.0, named_source: None };
                let reason = if info.evidence.is_empty() {
                    "the same event in other words (event terms)"
                } else {
                    "the same event, sharing a passage (event terms and shared text)"
                };
                links.push((a, b, Decision { relation, score, reason }, info));
            }
            sb.events.into_iter().map(Some).collect()
        } else {
            vec![None; live.len()]
        };
        record(&mut st.timings, "stories", &t);

        let t = StageTimer::start();
        let job = if self.index.is_some() {
            let batch = Batch {
                docs: live
                    .par_iter()
                    .zip(events.par_iter_mut())
                    .map(|(l, ev)| NewDoc {
                        record: DocRecord::new(
                            l.doc.id.clone(),
                            &l.doc.text,
                            l.doc.url.clone(),
                            l.doc.date.clone(),
                            l.doc.title.clone(),
                            // The detected language, so that a later scan need not detect it again.
                            l.prep.lang.clone(),
                            l.prep.content_hash,
                            l.prep.spans.clone(),
                        ),
                        strong_anchors: l.prep.anchors.len() as u32,
                        band_keys: l.prep.band_keys.clone(),
                        anchors: l.prep.anchors.iter().chain(&l.prep.entity_anchors).copied().collect(),
                        event: ev.take(),
                    })
                    .collect(),
                links: links
                    .iter()
                    .map(|(a, b, d, info)| NewLink {
                        a: *a,
                        b: *b,
                        relation: d.relation.as_str().into(),
                        score: d.score,
                        source: info.named_source.map(|e| e.of(*a, *b)),
                        evidence: info.evidence.clone(),
                        jaccard: info.jaccard,
                        containment: info.containment,
                    })
                    .collect(),
            };
            Some(batch)
        } else {
            let graph = &mut st.graph;
            let base = graph.nodes.len();
            for l in &live {
                graph.nodes.push(NodeInfo::from_live(&l.doc, &l.prep, self.cfg.corpus));
            }
            for (a, b, _, info) in links {
                let (DocRef::New(a), DocRef::New(b)) = (a, b) else { continue };
                graph.edges.push((base + a, base + b, info));
            }
            None
        };
        record(&mut st.timings, "index_write", &t);
        drop_aside(live);
        st.summary.new_docs += n_batch;
        if job.is_none() {
            // Counted when written, with an index.
            obs.advance(n_batch as u64);
        }
        Ok(job)
    }

    /// Verify candidate pairs: the relation and evidence of each that holds (translations not yet
    /// reduced to mutual best ones: see `keep_mutual_best_translations`), and, with `sharing`, the
    /// pairs that share a passage without being copies, with the passages (for the story stage; a
    /// lookup has no use for them).
    fn verify(
        &self,
        live: &[Live],
        stored: &HashMap<u64, Stored>,
        cands: &[(DocRef, DocRef)],
        sharing: bool,
    ) -> Verified {
        let n_perm = self.cfg.fingerprint.shingle;
        let shares_text = self.cfg.story.shared_shingles as usize;
        // Every verified candidate with its figures, for tuning (UNSPUN_DEBUG_CANDIDATES=FILE).
        let debug = std::env::var_os("UNSPUN_DEBUG_CANDIDATES").map(|_| std::sync::Mutex::new(Vec::<String>::new()));
        let view = |r: DocRef| -> Option<(&Prepared, &str)> {
            match r {
                DocRef::New(i) => live.get(i).map(|l| (&l.prep, l.doc.text.as_str())),
                DocRef::Indexed(n) => stored.get(&n).map(|s| (&s.prep, s.text.as_str())),
            }
        };
        // The costlier positional comparison is skipped for pairs that cannot be linked.
        let min_containment = self.min_linkable_containment();
        // Tokens and shingles of the new documents of candidate pairs only, each built once however
        // many pairs it is in (indexed documents came with theirs).
        let mut involved: Vec<usize> = cands
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .filter_map(|r| match r {
                DocRef::New(i) => Some(i),
                DocRef::Indexed(_) => None,
            })
            .collect();
        involved.sort_unstable();
        involved.dedup();
        let fresh: HashMapH<usize, Shingled> = involved
            .par_iter()
            .filter_map(|&i| live.get(i).map(|l| (i, Shingled::of(&l.doc.text, &l.prep, n_perm))))
            .collect();
        let shingled = |r: DocRef| -> Option<&Shingled> {
            match r {
                DocRef::New(i) => fresh.get(&i),
                DocRef::Indexed(n) => stored.get(&n).map(|s| &s.shingled),
            }
        };
        let checked: Vec<Checked> = cands
            .par_iter()
            .filter_map(|&(a, b)| {
                let ((pa, ta), ka) = (view(a)?, shingled(a)?);
                let ((pb, tb), kb) = (view(b)?, shingled(b)?);
                let ov = unspun_align::compare_at_least(&pa.view(ka), &pb.view(kb), min_containment);
                let cross = matches!((&pa.lang, &pb.lang), (Some(x), Some(y)) if x != y);
                // A pair that shares most of its text is a copy whatever the sentences say: skip
                // the alignment, the costliest step of verification.
                let clear_copy = !cross && ov.containment >= CLEAR_COPY_CONTAINMENT;
                let template = !cross && crate::decide::is_template(&ov);
                let across = (cross && self.cfg.signals.alignment).then(|| (pa.across(ta, ka), pb.across(tb, kb)));
                let mut al = if !self.cfg.signals.alignment || clear_copy || template {
                    unspun_align::SentenceAlignment::default()
                } else if let Some((xa, xb)) = &across {
                    unspun_align::align_sentences(xa, xb)
                } else {
                    unspun_align::align_sentences(pa.sentences(), pb.sentences())
                };
                let shape = crate::decide::extents(&ov, &pa.spans, &pb.spans);
                // A page that shares passages with another and credits it by its headline was written
                // from it, however far its words went from the source's.
                let (mut d, credit) = decide_texts(&ov, &al, cross, shape, (ta, tb), shares_text);
                if !cross && self.cfg.signals.alignment {
                    d = d.map(|d| spin_check(d, &ov, &mut al, (pa, ka, ta), (pb, kb, tb)).0);
                }
                if let Some(dbg) = &debug {
                    let id = |r: DocRef| match r {
                        DocRef::New(i) => live[i].doc.id.clone(),
                        DocRef::Indexed(n) => format!("#{n}"),
                    };
                    let line = serde_json::json!({"a": id(a), "b": id(b), "jaccard": ov.jaccard, "containment": ov.containment,
                        "unquoted": unquoted_containment(&ov), "run": ov.longest_unquoted_run, "shared": ov.shared,
                        "la": ov.len_a, "lb": ov.len_b,
                        "s_chain": al.chain.len(), "s_unq": al.unquoted, "s_run": al.longest_run, "s_cov": al.coverage,
                        "s_sim": al.mean_similarity, "cross": cross, "la_": pa.lang, "lb_": pb.lang, "s_matches": al.matches, "s_ident": al.identical_unquoted, "ent_r": ov.entity_ratio, "ent_ag": al.entity_agreement, "na": pa.sentences().len(), "nb": pb.sentences().len(),
                        "shape": shape.map(|(x, y)| [x.start, x.end, y.start, y.end]),
                        "reason": d.map(|d| d.reason)});
                    dbg.lock().unwrap().push(line.to_string());
                }
                if d.is_none() && (!sharing || cross || ov.shared < shares_text) {
                    return None;
                }
                // Character maps only for the pairs that leave evidence: each reads a whole text.
                let (ca, cb) = (CharMap::new(ta), CharMap::new(tb));
                let chars = |ra: &Range<usize>, rb: &Range<usize>| {
                    (
                        [ca.char_of(ra.start) as u32, ca.char_of(ra.end) as u32],
                        [cb.char_of(rb.start) as u32, cb.char_of(rb.end) as u32],
                    )
                };
                // Below the containment a copy needs, the passages were not looked for: they are the
                // evidence of the story link this pair may become, or of a credited rewrite.
                let full = (ov.passages.is_empty() && (d.is_none() || credit.is_some()))
                    .then(|| unspun_align::compare(&pa.view(ka), &pb.view(kb)));
                let all = full.as_ref().unwrap_or(&ov);
                let Some(d) = d else {
                    let evidence = all
                        .passages
                        .iter()
                        .map(|p| {
                            let (x, y) = chars(&p.a, &p.b);
                            (x, y, p.similarity as f32)
                        })
                        .collect();
                    return Some(Checked::SharesText(SharedText {
                        a,
                        b,
                        evidence,
                        jaccard: all.jaccard as f32,
                        containment: all.containment as f32,
                    }));
                };
                // Evidence: the shared passages of a copy; the aligned sentences of a rewrite; the
                // shared passages and the credit of a credited rewrite.
                let passages = |o: &unspun_align::Overlap| -> Vec<(Range<usize>, Range<usize>, f32)> {
                    o.passages.iter().map(|p| (p.a.clone(), p.b.clone(), p.similarity as f32)).collect()
                };
                let spans: Vec<(Range<usize>, Range<usize>, f32)> = if let Some(((ra, rb), _)) = &credit {
                    let mut v = passages(all);
                    v.push((ra.clone(), rb.clone(), 1.0));
                    v.sort_by_key(|p| (p.0.start, p.1.start));
                    v
                } else if d.relation == crate::Relation::Duplicate {
                    passages(&ov)
                } else {
                    let (sa, sb) = across.as_ref().map_or((pa.sentences(), pb.sentences()), |(x, y)| (x, y));
                    al.passages(sa, &ka.tokens, sb, &kb.tokens)
                };
                let evidence = spans
                    .iter()
                    .map(|(ra, rb, sim)| {
                        let (x, y) = chars(ra, rb);
                        (x, y, *sim)
                    })
                    .collect();
                let info = LinkInfo {
                    relation: d.relation,
                    score: d.score,
                    evidence,
                    jaccard: ov.jaccard as f32,
                    containment: ov.containment as f32,
                    unquoted: unquoted_containment(&ov) as f32,
                    named_source: credit.map(|c| c.1),
                };
                Some(Checked::Link(a, b, d, info))
            })
            .collect();
        let mut out = Verified::default();
        for c in checked {
            match c {
                Checked::Link(a, b, d, info) => out.links.push((a, b, d, info)),
                Checked::SharesText(t) => out.sharing.push(t),
            }
        }
        if let (Some(dbg), Some(path)) = (debug, std::env::var_os("UNSPUN_DEBUG_CANDIDATES")) {
            let lines = dbg.into_inner().unwrap_or_default();
            // Appended, one batch after the other.
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                let _ = f.write_all((lines.join("\n") + "\n").as_bytes());
            }
        }
        out
    }

    /// Which indexed documents does `doc` copy, rewrite or translate (or which copy it)? The
    /// document is compared, not stored. Without page-furniture statistics, the cleaner keeps what
    /// its per-page rules keep. Best match first.
    pub fn match_document(&self, doc: Document) -> Result<Vec<Match>, EngineError> {
        if self.index.is_none() {
            return Err(EngineError::NoIndex);
        }
        let spans = self.article_spans(&HostLineStats::new(), &doc);
        let prep = self.prepare_doc(&doc.text, &spans, doc.date.as_deref(), doc.lang.as_deref());
        let live = [Live { doc, prep }];
        let mut cands = Vec::new();
        let stored = self.index_candidates(&live, &mut cands)?;
        let mut out: Vec<Match> = keep_mutual_best_translations(self.verify(&live, &stored, &cands, false).links)
            .into_iter()
            .filter_map(|(_, b, d, info)| {
                let DocRef::Indexed(n) = b else { return None };
                Some(Match {
                    id: stored.get(&n)?.id.clone(),
                    number: n,
                    relation: d.relation,
                    score: d.score,
                    reason: d.reason,
                    jaccard: info.jaccard,
                    containment: info.containment,
                    evidence: info.evidence,
                })
            })
            .collect();
        out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.number.cmp(&y.number)));
        Ok(out)
    }

    /// Containment of the smaller text below which no pair can be linked: without the sentence
    /// alignment only near-duplicates can, and none holds under `EXCERPT_MIN_CONTAINMENT` (see
    /// `decide`).
    fn min_linkable_containment(&self) -> f64 {
        if self.cfg.signals.alignment {
            0.0
        } else {
            crate::decide::EXCERPT_MIN_CONTAINMENT
        }
    }

    /// Share of the smaller document's anchors that makes an anchor-only candidate: winnowing keeps
    /// the anchors of every shared passage, so half the least linkable containment leaves a margin for
    /// the anchors lost at a passage's ends.
    fn min_anchor_share(&self) -> f64 {
        MIN_ANCHOR_SHARE.max(self.min_linkable_containment() / 2.0)
    }

    /// Pairs of this batch that share an LSH band or enough anchors.
    fn batch_candidates(&self, live: &[Live]) -> Vec<(DocRef, DocRef)> {
        const BAND: u8 = 0;
        const ANCHOR: u8 = 1;
        const ENTITY: u8 = 2;
        let keys = |i: usize| {
            let p = &live[i].prep;
            let tag = |kind: u8| move |&k: &u64| (k, kind);
            p.band_keys
                .iter()
                .map(tag(BAND))
                .chain(p.anchors.iter().map(tag(ANCHOR)))
                .chain(p.entity_anchors.iter().map(tag(ENTITY)))
        };
        // Band lists beyond the cap are truncated (identical copies are found through one another);
        // anchor lists beyond it are stock phrases, passed over.
        let shared = unspun_fingerprint::pair_hits(live.len(), keys, self.cfg.max_posting, [true, false, false]);
        let min_hits = self.cfg.min_anchor_hits;
        let min_share = self.min_anchor_share();
        shared
            .into_par_iter()
            .filter(|p| {
                let (a, b) = (&live[p.a as usize].prep, &live[p.b as usize].prep);
                // A shared band makes a candidate whatever the anchors say.
                let exact = if p.hits[BAND as usize] > 0 { u32::MAX / 2 } else { 0 } + p.hits[ANCHOR as usize];
                is_candidate((exact, p.hits[ENTITY as usize]), min_hits, min_share, a, b)
            })
            .map(|p| (DocRef::New(p.a as usize), DocRef::New(p.b as usize)))
            .collect()
    }

    /// Indexed documents related to this batch: adds the pairs to `cands` and returns the documents,
    /// loaded and prepared from their stored text and spans.
    fn index_candidates(
        &self,
        live: &[Live],
        cands: &mut Vec<(DocRef, DocRef)>,
    ) -> Result<HashMap<u64, Stored>, EngineError> {
        let Some(index) = &self.index else { return Ok(HashMap::new()) };
        // Names and numbers make candidates only across languages: when the index holds no document
        // in another language than this one's (nor one without a language), their lookups (a third
        // of all) can find nothing that is kept.
        let languages = index.languages()?;
        let monolingual = |p: &Prepared| {
            p.lang.as_deref().is_some_and(|l| languages.iter().all(|&k| k == unspun_index::lang_key(Some(l))))
        };
        let queries: Vec<(&[u64], &[u64], &[u64])> = live
            .iter()
            .map(|l| {
                let entities = if monolingual(&l.prep) { &[][..] } else { l.prep.entity_anchors.as_slice() };
                (l.prep.band_keys.as_slice(), l.prep.anchors.as_slice(), entities)
            })
            .collect();
        // Posting-list lookups are most of this stage: spread them over the cores, a read
        // transaction per chunk of queries. Each query's candidates are picked in the same pass:
        // the ranking and the language filter read only in-memory tables, and done in one loop
        // after the lookups they left a core idle for a tenth of the stage at 1M documents.
        const CHUNK: usize = 32;
        // When the index is not cached the lookups wait on page faults: see `io_pool`.
        let picked: Vec<Vec<(u64, bool)>> = crate::io_pool::map_chunks(&INDEX_LOOKUPS, &queries, CHUNK, |c, q| {
            let found = index.candidates(q, self.cfg.max_posting)?;
            found
                .into_iter()
                .enumerate()
                .map(|(k, (by_band, by_anchor))| {
                    self.pick_index_candidates(index, &live[c * CHUNK + k].prep, by_band, by_anchor)
                })
                .collect::<Result<Vec<_>, EngineError>>()
        })?
        .into_iter()
        .flatten()
        .collect();
        let mut wanted: HashSet<u64> = HashSet::new();
        let mut weak_only: HashSet<(usize, u64)> = HashSet::new();
        for (i, js) in picked.into_iter().enumerate() {
            for (n, weak) in js {
                if weak {
                    weak_only.insert((i, n));
                }
                cands.push((DocRef::New(i), DocRef::Indexed(n)));
                wanted.insert(n);
            }
        }
        let mut nums: Vec<u64> = wanted.into_iter().collect();
        nums.sort_unstable();
        // Read in chunks on every core, a read transaction each: lz4 and redb's page reads for
        // thousands of documents a slice were one core's work while the other waited.
        // A lookup loads a handful of documents: in chunks of one or two, so that after a cold read
        // the next lookups read them on several threads (see `io_pool`) rather than one after another.
        let chunk = (nums.len() / (4 * rayon::current_num_threads())).clamp(1, 64);
        let recs: Vec<_> = crate::io_pool::map_chunks(&INDEX_DOCS, &nums, chunk, |_, c| index.docs(c))?
            .into_iter()
            .flatten()
            .collect();
        let stored: HashMap<u64, Stored> = nums
            .into_par_iter()
            .zip(recs)
            .filter_map(|(n, rec)| {
                let rec = rec?;
                let text = rec.text()?;
                let (prep, shingled) = self.prepare_stored(&rec, &text);
                Some((n, Stored { id: rec.id, text, prep, shingled }))
            })
            .collect();
        cands.retain(|(a, b)| match (a, b) {
            (DocRef::New(i), DocRef::Indexed(n)) => stored.get(n).is_some_and(|s| {
                !weak_only.contains(&(*i, *n))
                    || is_candidate((0, ENTITY_MIN_HITS), 1, MIN_ANCHOR_SHARE, &live[*i].prep, &s.prep)
            }),
            _ => true,
        });
        Ok(stored)
    }

    /// The indexed documents one new document is verified against, from its posting counts: every
    /// band candidate, and the anchor candidates that hold enough of the smaller document's anchors
    /// (see `enough_share`), at most `MAX_INDEX_CANDIDATES` and of the weak ones the best
    /// `MAX_WEAK_SHARE_CANDIDATES`. Sorted by number; `true` marks a candidate found by names and
    /// numbers alone, to be checked once both texts are prepared.
    fn pick_index_candidates(
        &self,
        index: &Index,
        prep: &Prepared,
        by_band: Vec<u64>,
        by_anchor: unspun_index::NumMap<(u32, u32)>,
    ) -> Result<Vec<(u64, bool)>, EngineError> {
        // Hits too few to pass the last filter below whatever the shares: at a million documents of
        // the scale corpus, 40% of the documents a new one shares anchors with share one. Dropped
        // first, they cost no lookup of their anchor count and take no place in the ranking.
        let min = self.cfg.min_anchor_hits;
        let min_hits = 2 * min.max(ENTITY_MIN_HITS / 2);
        let hits: Vec<(u64, (u32, u32))> = by_anchor.into_iter().filter(|(_, h)| 2 * h.0 + h.1 >= min_hits).collect();
        let nums: Vec<u64> = hits.iter().map(|x| x.0).collect();
        let counts = index.anchor_counts(&nums)?;
        let min_share = self.min_anchor_share();
        let mine = prep.anchors.len();
        // (share of anchors, number, hits) of those that hold enough of the smaller document's.
        let ranked: Vec<(f64, u64, (u32, u32))> = hits
            .into_iter()
            .zip(counts)
            .filter(|&((_, h), c)| h.0 == 0 || enough_share(h.0, mine, c as usize, min_share))
            .map(|((n, h), c)| (h.0 as f64 / mine.min(c as usize).max(1) as f64, n, h))
            .collect();
        // The best by share of anchors (then by number, for determinism), at most
        // `MAX_INDEX_CANDIDATES`; of those below `CLEAR_ANCHOR_SHARE`, only the best few. Numbers
        // are distinct, so the order is total and a selection picks what a sort would put first:
        // at a million documents a new one shares two anchors or more with about 900 indexed ones,
        // and sorting them all was most of this function's time.
        let order = |x: &(f64, u64, (u32, u32)), y: &(f64, u64, (u32, u32))| {
            y.0.total_cmp(&x.0).then(y.2 .1.cmp(&x.2 .1)).then(x.1.cmp(&y.1))
        };
        let (mut low, mut clear): (Vec<_>, Vec<_>) =
            ranked.into_iter().partition(|(s, _, h)| h.0 > 0 && *s < CLEAR_ANCHOR_SHARE);
        best_first(&mut low, MAX_WEAK_SHARE_CANDIDATES, order);
        clear.append(&mut low);
        best_first(&mut clear, MAX_INDEX_CANDIDATES, order);
        let by_anchor = clear;
        // Candidates found by names and numbers alone count only across languages (`is_candidate`).
        // The index keeps each document's language key: a pair in one language is dropped here
        // rather than after loading and preparing the indexed text (at 100k documents of the scale
        // corpus, 42% of the documents loaded were for such pairs). A document without a known
        // language is loaded, and its language detected again, as before.
        let in_band = |n: &u64| by_band.binary_search(n).is_ok();
        let weak_nums: Vec<u64> = by_anchor.iter().filter(|(_, n, h)| h.0 < min && !in_band(n)).map(|x| x.1).collect();
        let langs: unspun_index::NumMap<u32> = weak_nums.iter().copied().zip(index.lang_keys(&weak_nums)?).collect();
        let mine = prep.lang.as_deref().map(|l| unspun_index::lang_key(Some(l)));
        let other_language = |n: &u64| {
            let theirs = langs.get(n).copied().unwrap_or(0);
            mine.is_some_and(|m| theirs == 0 || theirs != m)
        };
        // The language of an indexed document without a key is known only once it is loaded:
        // its entity-only candidates stay for now, and those in the same language go later.
        let mut js: Vec<(u64, bool)> = by_anchor
            .into_iter()
            .filter(|(_, n, h)| h.0 >= min || in_band(n) || other_language(n))
            .map(|(_, n, h)| (n, h.0 < min && !in_band(&n)))
            .collect();
        js.extend(by_band.iter().map(|&n| (n, false)));
        js.sort_unstable();
        js.dedup_by_key(|x| x.0);
        Ok(js)
    }

    /// The families of the given indexed documents, read back from the index.
    pub(crate) fn graph_from_index(&self, index: &Index, seeds: &[u64]) -> Result<Graph, EngineError> {
        let (mut nodes, edges) = index.components(seeds)?;
        if !self.cfg.corpus {
            // Only the deduplicated corpus needs the documents without links: leave them unloaded.
            let linked: HashSet<u64> = edges.iter().flat_map(|((a, b), _)| [*a, *b]).collect();
            nodes.retain(|n| linked.contains(n));
        }
        let recs = index.docs(&nodes)?;
        let pos: HashMap<u64, usize> = nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
        let mut graph = Graph::default();
        let prepared: Vec<Option<NodeInfo>> = recs
            .into_par_iter()
            .map(|rec| {
                let rec = rec?;
                let text = rec.text()?;
                Some(NodeInfo::from_record(&rec, &text, self.cfg.corpus))
            })
            .collect();
        // Documents that failed to load are left out of the report rather than failing the scan;
        // `unspun index check` reports them.
        let mut remap = vec![usize::MAX; nodes.len()];
        for (i, p) in prepared.into_iter().enumerate() {
            if let Some(p) = p {
                remap[i] = graph.nodes.len();
                graph.nodes.push(p);
            }
        }
        for ((a, b), rec) in edges {
            let (ia, ib) = (remap[pos[&a]], remap[pos[&b]]);
            if ia == usize::MAX || ib == usize::MAX {
                continue;
            }
            let relation = match rec.relation.as_str() {
                "rewrite" => crate::Relation::Rewrite,
                "translation" => crate::Relation::Translation,
                "same_story" => crate::Relation::SameStory,
                _ => crate::Relation::Duplicate,
            };
            graph.edges.push((
                ia,
                ib,
                LinkInfo {
                    relation,
                    score: rec.score,
                    evidence: rec.evidence,
                    jaccard: rec.jaccard,
                    containment: rec.containment,
                    unquoted: 0.0,
                    named_source: match rec.source {
                        Some(s) if s == a => Some(End::First),
                        Some(s) if s == b => Some(End::Second),
                        _ => None,
                    },
                },
            ));
        }
        let seedset: HashSet<u64> = seeds.iter().copied().collect();
        graph.inputs = nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| seedset.contains(n) && remap[*i] != usize::MAX)
            .map(|(i, _)| remap[i])
            .collect();
        Ok(graph)
    }
}

/// Containment above which a same-language pair is a duplicate without aligning its sentences.
const CLEAR_COPY_CONTAINMENT: f64 = 0.7;

/// A copy of one language found by its passages may be a light spin: measure the in-place swaps of
/// its aligned sentences (aligning them first if a clear copy skipped that) and decide
/// ([`crate::decide::spun_copy`]). The swaps measured, if they were, go back for `explain`.
pub(crate) fn spin_check(
    d: Decision,
    ov: &unspun_align::Overlap,
    al: &mut unspun_align::SentenceAlignment,
    (pa, ka, ta): (&Prepared, &Shingled, &str),
    (pb, kb, tb): (&Prepared, &Shingled, &str),
) -> (Decision, Option<unspun_align::Swaps>) {
    if !crate::decide::may_be_spun(&d, ov) {
        return (d, None);
    }
    if al.chain.is_empty() {
        *al = unspun_align::align_sentences(pa.sentences(), pb.sentences());
    }
    let side = |sentences, tokens, text| unspun_align::AlignedText { sentences, tokens, text };
    let swaps = al.swaps(side(pa.sentences(), &ka.tokens, ta), side(pb.sentences(), &kb.tokens, tb));
    (crate::decide::spun_copy(d, ov, swaps.rate()), Some(swaps))
}

/// Shared pairs of names and numbers that make a candidate across languages.
const ENTITY_MIN_HITS: u32 = 4;

/// Is a pair with `hits` = (shared anchors, shared entity pairs) worth verifying? Entity pairs count
/// only between documents in different languages: within one language, the exact and skeleton
/// anchors find every copy and rewrite, and same-story pages share names by the hundred.
fn is_candidate(hits: (u32, u32), min_hits: u32, min_share: f64, a: &Prepared, b: &Prepared) -> bool {
    if hits.0 >= min_hits {
        return enough_share(hits.0, a.anchors.len(), b.anchors.len(), min_share);
    }
    let cross = matches!((&a.lang, &b.lang), (Some(x), Some(y)) if x != y);
    cross && 2 * hits.0 + hits.1 >= 2 * min_hits.max(ENTITY_MIN_HITS / 2)
}

/// Drop `x` on a worker of the pool, whenever one is free. A batch's prepared documents are
/// millions of small allocations (sentences, shingles), most made by the workers: dropped by the
/// thread that drives the scan, they were a second of a d100k scan during which the workers waited
/// for the next batch.
fn drop_aside<T: Send + 'static>(x: T) {
    rayon::spawn(move || drop(x));
}

/// Documents of a batch compared with the index together (see `scan_batch`).
const INDEX_SLICE: usize = 512;

/// Where the candidate stage reads the index (see `io_pool`): posting lookups, and documents.
static INDEX_LOOKUPS: crate::io_pool::Site = crate::io_pool::Site::new();
static INDEX_DOCS: crate::io_pool::Site = crate::io_pool::Site::new();
/// Where a batch's ids are looked up in the index, to pass over documents already indexed.
static ID_LOOKUPS: crate::io_pool::Site = crate::io_pool::Site::new();

/// Indexed documents found by anchors that one new document is verified against: the best by share
/// of anchors. A family needs one link to each member to form, and a story syndicated to hundreds of
/// pages links a new copy to dozens of them; unrelated documents that reuse a paragraph of a common
/// source grow with the index and rank below.
const MAX_INDEX_CANDIDATES: usize = 24;

/// Anchor share above which an indexed candidate is always verified (within `MAX_INDEX_CANDIDATES`);
/// below it, only the best `MAX_WEAK_SHARE_CANDIDATES` are. A copy or a spin of the whole text holds
/// far more; documents that reuse one paragraph of a common source hold 6-20%, and at a million
/// documents each new one meets dozens of them.
///
/// Two rather than four: on the first 100k documents of the 1M scale corpus, 348k of the 355k
/// indexed pairs verified were below the share and 18 of them were linked (none a labeled family's
/// link); the best two by share keep all but one of those links, and verification and loading cost
/// 17-22% less CPU. Both dev sets scanned through an index in batches of ten are unchanged; one
/// leaves newsreuse-dev's excerpts of one article without a link.
const CLEAR_ANCHOR_SHARE: f64 = 0.25;
const MAX_WEAK_SHARE_CANDIDATES: usize = 2;

/// Share of the smaller document's anchors a pair found by anchors alone must hold.
///
/// Documents that each took a paragraph or two of a common source share a few anchors, and the more
/// documents there are, the more such pairs: at a million documents of the scale corpus, hundreds a
/// document, all rejected by verification after loading and preparing both texts. A copy or a spin
/// keeps anchors along the whole of the smaller text; an excerpt copied into a longer page keeps most
/// of the excerpt's.
const MIN_ANCHOR_SHARE: f64 = 0.06;

/// Keep the `k` first of `v` in `order` (in no particular order among themselves).
fn best_first<T>(v: &mut Vec<T>, k: usize, order: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    if v.len() > k {
        if k > 0 {
            v.select_nth_unstable_by(k - 1, order);
        }
        v.truncate(k);
    }
}

fn enough_share(hits: u32, a: usize, b: usize, min_share: f64) -> bool {
    let m = a.min(b);
    m == 0 || hits as f64 >= min_share * m as f64
}

/// Keep a translation link only when each side is the other's best-scoring translation candidate.
/// Names and numbers align as well with a same-topic page in the other language as with the source,
/// but rarely better.
fn keep_mutual_best_translations(
    links: Vec<(DocRef, DocRef, Decision, LinkInfo)>,
) -> Vec<(DocRef, DocRef, Decision, LinkInfo)> {
    let mut best: HashMap<DocRef, f64> = HashMap::new();
    for (a, b, d, _) in &links {
        if d.relation == crate::Relation::Translation {
            for x in [a, b] {
                let e = best.entry(*x).or_insert(f64::MIN);
                *e = e.max(d.score);
            }
        }
    }
    links
        .into_iter()
        .filter(|(a, b, d, _)| d.relation != crate::Relation::Translation || (best[a] <= d.score && best[b] <= d.score))
        .collect()
}

/// The first non-empty line of the kept text, for story titles when a document has no title.
fn lead_line(text: &str, spans: &[(u32, u32)]) -> String {
    spans
        .iter()
        .filter_map(|&(a, b)| text.get(a as usize..b as usize))
        .flat_map(str::lines)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(400).collect())
        .unwrap_or_default()
}

/// Shared with the report: what a node needs for choosing originals and writing the corpus.
pub(crate) fn cleaned_text(text: &str, spans: &[(u32, u32)]) -> String {
    let mut out = String::new();
    for &(a, b) in spans {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&text[a as usize..b as usize]);
    }
    out
}

impl NodeInfo {
    /// `with_text`: keep the cleaned text (only the deduplicated corpus needs it).
    pub(crate) fn from_live(doc: &Document, prep: &Prepared, with_text: bool) -> NodeInfo {
        NodeInfo {
            id: doc.id.clone(),
            url: doc.url.clone(),
            date: doc.date.clone(),
            date_key: prep.date,
            wire: prep.wire,
            house: crate::prepare::house_of(
                &doc.text,
                &prep.span_ranges().collect::<Vec<_>>(),
                prep.lang.as_deref(),
                prep.wire,
                doc.url.as_deref(),
            ),
            first_version: prep.first_version,
            length: prep.n_tokens as usize,
            cleaned: if with_text { Arc::from(cleaned_text(&doc.text, &prep.spans)) } else { Arc::from("") },
            title: doc.title.clone(),
            lang: prep.lang.clone(),
            lead: lead_line(&doc.text, &prep.spans),
        }
    }

    /// The node of an indexed document: tokenises its kept spans for the length and reads the
    /// dateline, as `prepare` does, without the costlier signatures and sentences.
    pub(crate) fn from_record(rec: &DocRecord, text: &str, with_text: bool) -> NodeInfo {
        let spans: Vec<Range<usize>> =
            rec.spans.iter().map(|&(a, b)| a as usize..b as usize).filter(|r| r.end <= text.len()).collect();
        let mut tokens = Vec::new();
        for s in &spans {
            unspun_text::tokenize_range(text, s.clone(), &mut tokens);
        }
        let wire = crate::prepare::wire_of(text, &spans, rec.lang.as_deref());
        NodeInfo {
            id: rec.id.clone(),
            url: rec.url.clone(),
            date: rec.date.clone(),
            date_key: rec.date.as_deref().and_then(unspun_cluster::parse_date),
            wire,
            house: crate::prepare::house_of(text, &spans, rec.lang.as_deref(), wire, rec.url.as_deref()),
            first_version: crate::prepare::first_version_of(text, &spans),
            length: tokens.len(),
            cleaned: if with_text { Arc::from(cleaned_text(text, &rec.spans)) } else { Arc::from("") },
            title: rec.title.clone(),
            lang: rec.lang.clone(),
            lead: lead_line(text, &rec.spans),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The city council voted on Tuesday to close the old harbour bridge to lorries from March, \
after engineers found corrosion in two of its steel supports. The mayor said repairs would cost about 4 million \
euros and take most of the year. Local firms warned that the detour would add an hour to deliveries. \
The council will review the closure in September when the engineers report again on the state of the bridge.";

    const OTHER: &str = "A new bakery opened in the old post office building on Saturday, drawing a queue around \
the block. Its owners, two sisters who trained in Lyon, plan to sell bread made with flour from a mill up the \
valley. They hope to hire six more staff by the summer and to open a café on the first floor next year.";

    fn doc(id: &str, text: &str) -> Document {
        Document { lang: Some("en".into()), ..Document::plain(id.into(), text.into(), id.into()) }
    }

    fn corpus() -> Vec<Document> {
        vec![
            doc("a", STORY),
            doc("b", OTHER),
            doc("c", &format!("From our correspondent.\n\n{STORY}")),
            doc("d", &format!("{OTHER} Opening hours are on the shop's website.")),
            doc("a", STORY),
            doc("e", STORY),
        ]
    }

    fn pairs(out: &ScanOutcome) -> Vec<(String, String, String)> {
        let mut p: Vec<_> = out.pairs.iter().map(|p| (p.a.clone(), p.b.clone(), p.relation.clone())).collect();
        p.sort();
        p
    }

    #[test]
    fn streaming_in_small_batches_finds_what_one_batch_finds() {
        let cfg = Config { clean: false, ..Config::default() };
        let whole = Engine::new(cfg.clone(), None).unwrap().scan(corpus(), BTreeMap::new(), &SilentObserver).unwrap();

        let dir = tempfile::tempdir().unwrap();
        let engine =
            Engine::new(Config { batch_size: 2, corpus: false, ..cfg }, Some(&dir.path().join("i.redb"))).unwrap();
        let docs = corpus();
        // Incoming batches of other sizes than the engine's.
        let incoming: Vec<Vec<Document>> = vec![docs[..3].to_vec(), docs[3..].to_vec()];
        let streamed =
            engine.scan_stream(&HostLineStats::new(), incoming, 6, BTreeMap::new(), &SilentObserver).unwrap();
        assert_eq!(pairs(&whole), pairs(&streamed));
        assert!(!pairs(&whole).is_empty());
        assert_eq!(streamed.summary.docs, 5);
        assert_eq!(streamed.summary.skipped.get("duplicate_id"), Some(&1));
        assert_eq!(streamed.summary.new_docs, 5);
        // Without the corpus, the report keeps no text.
        assert!(streamed.corpus.iter().all(|c| match c {
            unspun_io::output::CorpusOut::Kept { text, .. } => text.is_empty(),
            _ => true,
        }));
    }

    #[test]
    fn match_finds_indexed_copies_without_storing_the_query() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = Config { clean: false, ..Config::default() };
        let engine = Engine::new(cfg.clone(), Some(&dir.path().join("i.redb"))).unwrap();
        engine.scan(vec![doc("a", STORY), doc("b", OTHER)], BTreeMap::new(), &SilentObserver).unwrap();
        let m = engine.match_document(doc("q", &format!("{STORY} Reporting by our staff."))).unwrap();
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].id, "a");
        assert_eq!(m[0].relation, crate::Relation::Duplicate);
        assert!(!m[0].evidence.is_empty());
        assert!(engine
            .match_document(doc("q2", "Nothing to do with anything indexed here at all."))
            .unwrap()
            .is_empty());
        assert_eq!(engine.index().unwrap().check().unwrap().documents, 2);
        let no_index = Engine::new(cfg, None).unwrap();
        assert!(matches!(no_index.match_document(doc("q", STORY)), Err(EngineError::NoIndex)));
    }

    /// Distinct texts of about 150 words: no two share a shingle.
    fn filler(seed: u64) -> String {
        const WORDS: [&str; 16] = [
            "harbour", "council", "bridge", "engineer", "repair", "lorry", "detour", "mayor", "steel", "support",
            "review", "closure", "report", "firm", "delivery", "budget",
        ];
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut words = Vec::new();
        for i in 0..150 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            words.push(format!("{}{}", WORDS[(x % 16) as usize], (x >> 8) % 7));
            if i % 15 == 14 {
                words.push("and the".into());
            }
        }
        words.join(" ") + "."
    }

    #[test]
    fn of_the_weak_anchor_candidates_only_the_best_two_by_share_are_verified() {
        let dir = tempfile::tempdir().unwrap();
        let engine =
            Engine::new(Config { clean: false, ..Config::default() }, Some(&dir.path().join("i.redb"))).unwrap();
        let docs: Vec<Document> = (0..6).map(|i| doc(&format!("d{i}"), &filler(i))).collect();
        engine.scan(docs, BTreeMap::new(), &SilentObserver).unwrap();
        let index = engine.index().unwrap();
        let nums: Vec<u64> = (0..6).collect();
        let counts = index.anchor_counts(&nums).unwrap();
        assert!(counts.iter().all(|&c| c >= 40), "{counts:?}");
        let q = filler(99);
        let prep = engine.prepare_doc(&q, std::slice::from_ref(&(0..q.len())), None, Some("en"));
        let mine = prep.anchors.len();
        // Hits for a share of the smaller side's anchors.
        let hits = |n: usize, share: f64| (share * mine.min(counts[n] as usize) as f64).ceil() as u32;
        let shares = [0.5, 0.08, 0.2, 0.1, 0.15, 0.01];
        let by_anchor: unspun_index::NumMap<(u32, u32)> =
            shares.iter().enumerate().map(|(n, &s)| (n as u64, (hits(n, s), 0))).collect();
        let picked = engine.pick_index_candidates(index, &prep, vec![], by_anchor.clone()).unwrap();
        // The clear one, then the two best weak ones; 0.01 is below the least share at all.
        assert_eq!(picked, vec![(0, false), (2, false), (4, false)]);
        // A band candidate is verified whatever its anchors.
        let picked = engine.pick_index_candidates(index, &prep, vec![5], by_anchor).unwrap();
        assert_eq!(picked, vec![(0, false), (2, false), (4, false), (5, false)]);
    }

    proptest::proptest! {
        #[test]
        fn best_first_keeps_what_a_sort_puts_first(
            mut v in proptest::collection::vec((0u8..8, proptest::prelude::any::<u16>()), 0..60),
            k in 0usize..30,
        ) {
            // Distinct second fields make the order total, as the numbers do in the ranking.
            v.sort_unstable_by_key(|x| x.1);
            v.dedup_by_key(|x| x.1);
            let order = |x: &(u8, u16), y: &(u8, u16)| y.0.cmp(&x.0).then(x.1.cmp(&y.1));
            let mut sorted = v.clone();
            sorted.sort_unstable_by(order);
            sorted.truncate(k);
            best_first(&mut v, k, order);
            v.sort_unstable_by(order);
            proptest::prop_assert_eq!(v, sorted);
        }
    }

    #[test]
    fn anchor_share_is_relative_to_the_smaller_document() {
        assert!(enough_share(6, 100, 1000, MIN_ANCHOR_SHARE));
        assert!(!enough_share(5, 100, 1000, MIN_ANCHOR_SHARE));
        assert!(!enough_share(5, 1000, 100, MIN_ANCHOR_SHARE));
        assert!(enough_share(0, 0, 50, MIN_ANCHOR_SHARE), "an empty side decides nothing here");
        assert!(!enough_share(10, 100, 1000, crate::decide::EXCERPT_MIN_CONTAINMENT / 2.0));
    }
}
