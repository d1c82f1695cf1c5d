use serde::{Deserialize, Serialize};
use unspun_cluster::StoryParams;
use unspun_fingerprint::FingerprintParams;

/// Everything that changes what a scan finds. Fingerprint parameters are stored in the index and must
/// match it; the thresholds may change between scans.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub fingerprint: FingerprintParams,
    /// Remove page furniture before comparing (off only for benchmarks on clean text).
    pub clean: bool,
    /// Documents a scan processes and commits together.
    pub batch_size: usize,
    /// Seconds between durable commits of a scan's batches: the work a crash or a kill can lose
    /// (whole batches; the index stays consistent). 0 syncs every batch.
    pub sync_secs: f64,
    /// Anchor or band posting lists longer than this are furniture or stock phrases: passed over.
    pub max_posting: usize,
    /// Shared anchors that make a pair a candidate without a shared LSH band.
    pub min_anchor_hits: u32,
    /// Signals that can be switched off to measure what each one carries (`scan --without`).
    pub signals: Signals,
    /// Story grouping: thresholds, date window, postings.
    pub story: StoryParams,
    /// Build the deduplicated corpus (`ScanOutcome::corpus`). Off, the report loads only documents
    /// with links and keeps no text, so its memory does not grow with the corpus text.
    pub corpus: bool,
}

/// The rewrite-robust signals on top of exact shingles.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Signals {
    /// Skeleton-shingle anchors (function words, names, numbers) for rewritten candidates.
    pub skeleton: bool,
    /// Name-and-number anchors for translated candidates.
    pub entities: bool,
    /// Sentence alignment: rewrites, translations, copied sentences.
    pub alignment: bool,
    /// Event terms: independent reports of one event grouped into stories.
    pub stories: bool,
}

impl Default for Signals {
    fn default() -> Self {
        Signals { skeleton: true, entities: true, alignment: true, stories: true }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fingerprint: FingerprintParams::default(),
            clean: true,
            batch_size: 4096,
            sync_secs: 30.0,
            max_posting: 200,
            min_anchor_hits: 2,
            signals: Signals::default(),
            story: StoryParams::default(),
            corpus: true,
        }
    }
}

impl Config {
    /// The description of the fingerprint parameters stored in (and checked against) the index.
    pub fn index_params(&self) -> String {
        let p = &self.fingerprint;
        format!(
            "shingle={} perm={} bands={}x{} window={} seed={:x}",
            p.shingle, p.num_perm, p.bands, p.rows, p.window, p.seed
        )
    }
}
