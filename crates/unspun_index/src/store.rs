use crate::error::IndexError;
use crate::runs::{doc_of, Manifest, Runs, Staged};
use redb::{
    Database, MultimapTableDefinition, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// Bumped whenever a table's layout or a record's encoding changes, or the keys stored in it (band
/// keys, anchors) are derived differently. 5: words hashed by `unspun_text::hash_word`. 6: story
/// postings by week. 7: band and anchor postings in sorted run files beside the file (`runs.rs`).
/// 8: story postings one value per term, week and batch. 9: each document's language key beside its
/// anchor count. 10: story postings in the posting runs.
pub const FORMAT_VERSION: u32 = 10;

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const IDS: TableDefinition<&str, u64> = TableDefinition::new("ids");
const DOCS: TableDefinition<u64, &[u8]> = TableDefinition::new("docs");
/// Postings (in `runs.rs`, not in the B-tree): a 32-bit fold of the band key or anchor -> 32-bit
/// document numbers. Folding costs a spurious candidate now and then (verification rejects it) and
/// halves the bytes of the largest lists. Signatures are not stored: candidate search needs only the
/// band keys. These are the stores' numbers in the run manifest.
const BANDS: usize = 0;
const ANCHORS: usize = 1;
/// Story postings (`events.rs`).
pub(crate) const EVENTS: usize = 2;
const POSTING_STORES: usize = 3;
/// The run manifest's key in `META`.
const RUNS_KEY: &str = "posting_runs";

/// The posting key of a band key or anchor (and of a mixed story key, `events::week_key`).
pub(crate) fn fold(k: u64) -> u32 {
    (k ^ (k >> 32)) as u32
}

/// Cache of the index's pages in memory: enough for the postings a batch touches at a million
/// documents; redb's default (1 GiB) was most of a scan's resident memory.
const CACHE_BYTES: usize = 256 << 20;
/// Document number -> its anchors (not counting the weak ones; the low 32 bits), for the share of
/// them a candidate holds, and its [`lang_key`] (the high 32 bits), which decides whether a candidate
/// found by names and numbers alone (a translation's) is worth loading.
const ANCHOR_COUNTS: TableDefinition<u64, u64> = TableDefinition::new("doc_keys");

/// A 32-bit key of a language tag, 0 for none: two documents' keys are equal exactly when their
/// tags are (but for a 2^-32 chance of two tags colliding).
pub fn lang_key(lang: Option<&str>) -> u32 {
    match lang {
        None | Some("") => 0,
        Some(l) => (fold(xxhash_rust::xxh3::xxh3_64(l.as_bytes()))).max(1),
    }
}

fn doc_key(anchors: u32, lang: Option<&str>) -> u64 {
    u64::from(anchors) | u64::from(lang_key(lang)) << 32
}
const LINKS: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("links");
const NEIGHBOURS: MultimapTableDefinition<u64, u64> = MultimapTableDefinition::new("neighbours");

/// What the index keeps of a document. The text is stored (compressed) because verification and
/// evidence need it when a later scan relates a new document to this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRecord {
    pub id: String,
    pub url: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub lang: Option<String>,
    pub content_hash: u64,
    /// lz4 block of the text as given.
    text_lz4: Vec<u8>,
    /// Kept article spans (byte ranges into the text) found by the cleaner when it was indexed; kept so
    /// the document re-derives identically without the corpus statistics of that scan.
    pub spans: Vec<(u32, u32)>,
}

impl DocRecord {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        text: &str,
        url: Option<String>,
        date: Option<String>,
        title: Option<String>,
        lang: Option<String>,
        content_hash: u64,
        spans: Vec<(u32, u32)>,
    ) -> Self {
        DocRecord {
            id,
            url,
            date,
            title,
            lang,
            content_hash,
            text_lz4: lz4_flex::compress_prepend_size(text.as_bytes()),
            spans,
        }
    }

    pub fn text(&self) -> Option<String> {
        let b = lz4_flex::decompress_size_prepended(&self.text_lz4).ok()?;
        String::from_utf8(b).ok()
    }
}

/// A verified link between two indexed documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRecord {
    pub relation: String,
    pub score: f64,
    /// Which of the two (by document number) is the likely source, if known.
    pub source: Option<u64>,
    /// Aligned passages: character offsets into the lower- and the higher-numbered document's text.
    pub evidence: Vec<([u32; 2], [u32; 2], f32)>,
    pub jaccard: f32,
    pub containment: f32,
}

/// A document of the batch being written, or one already in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocRef {
    Indexed(u64),
    New(usize),
}

pub struct NewDoc {
    pub record: DocRecord,
    /// How many of `anchors` (the first ones) are strong anchors; the rest are weak.
    pub strong_anchors: u32,
    pub band_keys: Vec<u64>,
    pub anchors: Vec<u64>,
    /// Event terms for story grouping (none when stories are off).
    pub event: Option<crate::EventDoc>,
}

/// A link in batch terms; `evidence` offsets are into `a`'s and `b`'s texts in that order.
pub struct NewLink {
    pub a: DocRef,
    pub b: DocRef,
    pub relation: String,
    pub score: f64,
    pub source: Option<DocRef>,
    pub evidence: Vec<([u32; 2], [u32; 2], f32)>,
    pub jaccard: f32,
    pub containment: f32,
}

/// Everything one scan batch adds, written in one transaction.
#[derive(Default)]
pub struct Batch {
    pub docs: Vec<NewDoc>,
    pub links: Vec<NewLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub documents: u64,
    pub links: u64,
    /// The redb file.
    pub file_bytes: u64,
    /// The posting run files beside it.
    pub postings_bytes: u64,
    pub format_version: u32,
    /// Bytes per table: (stored, metadata and fragmented), from redb's own accounting.
    pub tables: std::collections::BTreeMap<String, TableBytes>,
}

/// What one table takes on disk.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct TableBytes {
    pub entries: u64,
    pub stored: u64,
    pub metadata: u64,
    pub fragmented: u64,
}

impl TableBytes {
    fn of(entries: u64, s: redb::TableStats) -> Self {
        TableBytes { entries, stored: s.stored_bytes(), metadata: s.metadata_bytes(), fragmented: s.fragmented_bytes() }
    }
}

pub struct Index {
    pub(crate) db: Database,
    pub(crate) path: PathBuf,
    /// Every document's strong-anchor count and language key, by number: loaded on first use (8
    /// bytes a document), extended by each write.
    counts: std::sync::RwLock<Option<DocKeys>>,
    /// The band, anchor and story posting lists.
    runs: std::sync::RwLock<Runs>,
    /// A commit made without syncing (see [`Index::write_with`]) is not yet durable.
    unsynced: std::sync::atomic::AtomicBool,
}

type R<T> = Result<T, IndexError>;

/// The documents' keys (see `doc_key`) by number, and the language keys among them.
#[derive(Default)]
struct DocKeys {
    keys: Vec<u64>,
    languages: std::collections::BTreeSet<u32>,
}

impl DocKeys {
    fn set(&mut self, n: u64, key: u64) {
        let n = n as usize;
        if self.keys.len() <= n {
            self.keys.resize(n + 1, 0);
        }
        self.keys[n] = key;
        self.languages.insert((key >> 32) as u32);
    }
}

/// Candidates of one query: documents sharing a band key, and documents by (shared anchors, shared
/// weak anchors).
pub type Candidates = (Vec<u64>, crate::NumMap<(u32, u32)>);
/// A candidate query: band keys, anchors, weak anchors.
pub type Query<'a> = (&'a [u64], &'a [u64], &'a [u64]);
/// A stored link: (lower number, higher number) and its record.
pub type StoredLink = ((u64, u64), LinkRecord);

impl Index {
    /// Open or create the index at `path`. `params` is an opaque description of the fingerprint
    /// parameters; an existing index must have been built with the same.
    pub fn open(path: &Path, params: &str) -> R<Index> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| IndexError::Db { path: path.to_path_buf(), source: Box::new(redb::Error::Io(e)) })?;
        }
        let db = Database::builder().set_cache_size(CACHE_BYTES).create(path).map_err(|e| db_err(path, e))?;
        let mut idx = Index {
            db,
            path: path.to_path_buf(),
            counts: Default::default(),
            // Opened once the manifest is read: opening deletes the files it does not name.
            runs: std::sync::RwLock::new(Runs::unopened()),
            unsynced: Default::default(),
        };
        let manifest = idx.init(params)?;
        idx.runs = std::sync::RwLock::new(Runs::open(path, manifest, POSTING_STORES)?);
        Ok(idx)
    }

    /// Bytes on disk of the index at `path`: its file and the posting runs beside it.
    pub fn disk_bytes(path: &Path) -> u64 {
        let runs = std::fs::read_dir(Runs::dir_of(path))
            .map(|d| d.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0);
        std::fs::metadata(path).map_or(0, |m| m.len()) + runs
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn err<E: Into<redb::Error>>(&self, e: E) -> IndexError {
        db_err(&self.path, e)
    }

    /// Check or set the format and parameters; the run manifest, if any.
    fn init(&self, params: &str) -> R<Option<Manifest>> {
        let tx = self.db.begin_write().map_err(|e| self.err(e))?;
        let manifest;
        {
            let mut meta = tx.open_table(META).map_err(|e| self.err(e))?;
            let version = meta.get("format_version").map_err(|e| self.err(e))?.map(|v| v.value().to_vec());
            match version {
                None => {
                    meta.insert("format_version", FORMAT_VERSION.to_le_bytes().as_slice()).map_err(|e| self.err(e))?;
                    meta.insert("params", params.as_bytes()).map_err(|e| self.err(e))?;
                    meta.insert("next_doc", 0u64.to_le_bytes().as_slice()).map_err(|e| self.err(e))?;
                }
                Some(v) => {
                    let found = u32::from_le_bytes(v.as_slice().try_into().unwrap_or([0; 4]));
                    if found != FORMAT_VERSION {
                        return Err(IndexError::Version { path: self.path.clone(), found, expected: FORMAT_VERSION });
                    }
                    let stored =
                        meta.get("params").map_err(|e| self.err(e))?.map(|v| v.value().to_vec()).unwrap_or_default();
                    let stored = String::from_utf8_lossy(&stored).to_string();
                    if stored != params {
                        return Err(IndexError::Params {
                            path: self.path.clone(),
                            found: stored,
                            expected: params.into(),
                        });
                    }
                }
            }
            manifest = match meta.get(RUNS_KEY).map_err(|e| self.err(e))? {
                Some(v) => Some(postcard::from_bytes::<Manifest>(v.value()).map_err(|e| IndexError::Corrupt {
                    path: self.path.clone(),
                    what: "posting run manifest".into(),
                    detail: e.to_string(),
                })?),
                None => None,
            };
            // Create every table so readers never meet a missing one.
            tx.open_table(IDS).map_err(|e| self.err(e))?;
            tx.open_table(DOCS).map_err(|e| self.err(e))?;
            tx.open_table(LINKS).map_err(|e| self.err(e))?;
            tx.open_table(ANCHOR_COUNTS).map_err(|e| self.err(e))?;
            tx.open_multimap_table(NEIGHBOURS).map_err(|e| self.err(e))?;
            self.create_event_tables(&tx)?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(manifest)
    }

    /// The error of a lock whose holder panicked.
    fn poisoned(&self, what: &str) -> IndexError {
        IndexError::Corrupt { path: self.path.clone(), what: what.into(), detail: "a writer panicked".into() }
    }

    pub(crate) fn runs(&self) -> R<std::sync::RwLockReadGuard<'_, Runs>> {
        self.runs.read().map_err(|_| self.poisoned("posting runs"))
    }

    fn runs_mut(&self) -> R<std::sync::RwLockWriteGuard<'_, Runs>> {
        self.runs.write().map_err(|_| self.poisoned("posting runs"))
    }

    /// A staged change's run manifest, encoded for `META`.
    fn manifest_bytes(&self, change: &Staged) -> R<Vec<u8>> {
        postcard::to_allocvec(change.manifest()).map_err(|e| IndexError::Corrupt {
            path: self.path.clone(),
            what: "posting run manifest".into(),
            detail: e.to_string(),
        })
    }

    /// Document number and content hash of an indexed id.
    pub fn lookup_ids<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> R<Vec<Option<(u64, u64)>>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let t = tx.open_table(IDS).map_err(|e| self.err(e))?;
        let d = tx.open_table(DOCS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for id in ids {
            let num = t.get(id).map_err(|e| self.err(e))?.map(|v| v.value());
            out.push(match num {
                Some(n) => {
                    let rec = self.decode_doc(&d, n)?;
                    rec.map(|r| (n, r.content_hash))
                }
                None => None,
            });
        }
        Ok(out)
    }

    fn decode_doc(&self, t: &impl ReadableTable<u64, &'static [u8]>, n: u64) -> R<Option<DocRecord>> {
        let Some(v) = t.get(n).map_err(|e| self.err(e))? else { return Ok(None) };
        postcard::from_bytes(v.value()).map(Some).map_err(|e| IndexError::Corrupt {
            path: self.path.clone(),
            what: format!("doc {n}"),
            detail: e.to_string(),
        })
    }

    pub fn docs(&self, nums: &[u64]) -> R<Vec<Option<DocRecord>>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let t = tx.open_table(DOCS).map_err(|e| self.err(e))?;
        nums.iter().map(|&n| self.decode_doc(&t, n)).collect()
    }

    pub fn doc_by_id(&self, id: &str) -> R<Option<(u64, DocRecord)>> {
        let Some(Some((n, _))) = self.lookup_ids([id])?.into_iter().next() else { return Ok(None) };
        Ok(self.docs(&[n])?.pop().flatten().map(|d| (n, d)))
    }

    /// Indexed documents sharing at least one band key, and those sharing anchors, for each query:
    /// `(band keys, anchors, weak anchors)`, with the two kinds of anchors counted apart.
    /// Posting lists longer than `max_posting` are passed over: an anchor on that many
    /// pages is page furniture or a stock phrase, not evidence of copying.
    pub fn candidates(&self, queries: &[Query<'_>], max_posting: usize) -> R<Vec<Candidates>> {
        let runs = self.runs()?;
        let mut out = Vec::with_capacity(queries.len());
        let mut lists: Vec<(&[u64], &[u64], bool)> = Vec::new();
        let mut keys: Vec<u32> = Vec::new();
        let mut found: Vec<(&[u64], &[u64])> = Vec::new();
        for (bk, an, weak) in queries {
            let mut b: Vec<u64> = Vec::new();
            keys.clear();
            keys.extend(bk.iter().map(|&k| fold(k)));
            found.clear();
            runs.lists_many(BANDS, &keys, max_posting, &mut found);
            for (base, delta) in &found {
                b.extend(base.iter().chain(*delta).take(max_posting).map(|&e| u64::from(doc_of(e))));
            }
            // The lists first, so that the counts' map is sized once (grown as they came, its
            // rehashing was a visible part of the candidate stage).
            keys.clear();
            keys.extend(an.iter().chain(weak.iter()).map(|&k| fold(k)));
            found.clear();
            runs.lists_many(ANCHORS, &keys, max_posting, &mut found);
            lists.clear();
            for (i, &(base, delta)) in found.iter().enumerate() {
                if base.len() + delta.len() <= max_posting {
                    lists.push((base, delta, i >= an.len()));
                }
            }
            let n: usize = lists.iter().map(|(b, d, _)| b.len() + d.len()).sum();
            let mut by_anchor: crate::NumMap<(u32, u32)> =
                crate::NumMap::with_capacity_and_hasher(n, Default::default());
            for &(base, delta, weak) in &lists {
                for &v in base.iter().chain(delta) {
                    let e = by_anchor.entry(u64::from(doc_of(v))).or_default();
                    if weak {
                        e.1 += 1;
                    } else {
                        e.0 += 1;
                    }
                }
            }
            b.sort_unstable();
            b.dedup();
            out.push((b, by_anchor));
        }
        Ok(out)
    }

    /// Strong-anchor counts of indexed documents (0 for an unknown number).
    pub fn anchor_counts(&self, nums: &[u64]) -> R<Vec<u32>> {
        self.doc_keys(nums, |k| k as u32)
    }

    /// [`lang_key`]s of indexed documents' languages (0 for none, or an unknown number).
    pub fn lang_keys(&self, nums: &[u64]) -> R<Vec<u32>> {
        self.doc_keys(nums, |k| (k >> 32) as u32)
    }

    /// The [`lang_key`]s of the indexed documents' languages, ascending, 0 among them when some
    /// document has none. A new document whose language is the only one needs no candidates that
    /// count only across languages.
    pub fn languages(&self) -> R<Vec<u32>> {
        self.with_doc_keys(|d| d.languages.iter().copied().collect())
    }

    fn doc_keys(&self, nums: &[u64], part: impl Fn(u64) -> u32) -> R<Vec<u32>> {
        self.with_doc_keys(|d| nums.iter().map(|&n| d.keys.get(n as usize).map_or(0, |&k| part(k))).collect())
    }

    fn with_doc_keys<T>(&self, f: impl FnOnce(&DocKeys) -> T) -> R<T> {
        let loaded = self.counts.read().map(|g| g.is_some()).unwrap_or(false);
        if !loaded {
            let tx = self.db.begin_read().map_err(|e| self.err(e))?;
            let t = tx.open_table(ANCHOR_COUNTS).map_err(|e| self.err(e))?;
            let mut d = DocKeys::default();
            for row in t.iter().map_err(|e| self.err(e))? {
                let (n, k) = row.map_err(|e| self.err(e))?;
                d.set(n.value(), k.value());
            }
            if let Ok(mut g) = self.counts.write() {
                // Another reader may have loaded them meanwhile: the same table, the same keys.
                g.get_or_insert(d);
            }
        }
        let g = self.counts.read().map_err(|_| self.poisoned("document keys"))?;
        Ok(f(g.as_ref().unwrap_or(&DocKeys::default())))
    }

    /// Write a batch in one durable transaction; returns the numbers given to the batch's documents.
    pub fn write(&self, batch: Batch) -> R<Vec<u64>> {
        self.write_with(batch, true)
    }

    /// Write a batch in one transaction, atomic either way. Not `durable`, the commit is not synced
    /// to disk: a crash before the next durable commit (a later `durable` write, [`Index::sync`], or
    /// dropping the index) rolls the index back to the last durable one, whole batches at a time.
    /// The two syncs of a durable commit were a third of a bulk load's write time at 1M documents,
    /// on the thread the next batch waits for. A batch that merges posting runs commits durably
    /// whatever is asked, because applying it deletes files the last durable manifest names.
    pub fn write_with(&self, batch: Batch, durable: bool) -> R<Vec<u64>> {
        let mut tx = self.db.begin_write().map_err(|e| self.err(e))?;
        let nums: (Vec<u64>, Vec<(u64, u64)>);
        let staged;
        {
            let mut meta = tx.open_table(META).map_err(|e| self.err(e))?;
            let mut next = meta
                .get("next_doc")
                .map_err(|e| self.err(e))?
                .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes))
                .unwrap_or(0);
            let mut ids = tx.open_table(IDS).map_err(|e| self.err(e))?;
            let mut docs = tx.open_table(DOCS).map_err(|e| self.err(e))?;
            let mut links = tx.open_table(LINKS).map_err(|e| self.err(e))?;
            let mut counts = tx.open_table(ANCHOR_COUNTS).map_err(|e| self.err(e))?;
            let mut neigh = tx.open_multimap_table(NEIGHBOURS).map_err(|e| self.err(e))?;
            let mut assigned = Vec::with_capacity(batch.docs.len());
            let mut events = Vec::new();
            let mut band_rows: Vec<u64> = Vec::new();
            let mut new_counts: Vec<(u64, u64)> = Vec::new();
            let mut anchor_rows: Vec<u64> = Vec::new();
            for d in &batch.docs {
                if let Some(existing) = ids.get(d.record.id.as_str()).map_err(|e| self.err(e))? {
                    // Idempotent: a document already indexed keeps its number and postings.
                    assigned.push(existing.value());
                    continue;
                }
                let n = next;
                next += 1;
                ids.insert(d.record.id.as_str(), n).map_err(|e| self.err(e))?;
                let bytes = postcard::to_allocvec(&d.record).map_err(|e| IndexError::Corrupt {
                    path: self.path.clone(),
                    what: d.record.id.clone(),
                    detail: e.to_string(),
                })?;
                docs.insert(n, bytes.as_slice()).map_err(|e| self.err(e))?;
                let n32 = u32::try_from(n).map_err(|_| IndexError::Full { path: self.path.clone() })?;
                let key = doc_key(d.strong_anchors, d.record.lang.as_deref());
                counts.insert(n, key).map_err(|e| self.err(e))?;
                new_counts.push((n, key));
                band_rows.extend(d.band_keys.iter().map(|&k| crate::runs::entry(fold(k), n32)));
                anchor_rows.extend(d.anchors.iter().map(|&k| crate::runs::entry(fold(k), n32)));
                if let Some(ev) = &d.event {
                    events.push((n32, ev));
                }
                assigned.push(n);
            }
            let mut event_rows = self.write_events(&tx, &events)?;
            // The batch's postings as one sorted run a store, written (and synced) now; the
            // manifest naming them commits with the rest of the batch.
            for rows in [&mut band_rows, &mut anchor_rows, &mut event_rows] {
                rows.sort_unstable();
                rows.dedup();
            }
            let change = self.runs()?.stage(&self.path, vec![band_rows, anchor_rows, event_rows], durable)?;
            let manifest = self.manifest_bytes(&change)?;
            meta.insert(RUNS_KEY, manifest.as_slice()).map_err(|e| self.err(e))?;
            staged = change;
            let resolve = |r: DocRef| match r {
                DocRef::Indexed(n) => n,
                DocRef::New(i) => assigned[i],
            };
            for l in batch.links {
                let (a, b) = (resolve(l.a), resolve(l.b));
                if a == b {
                    continue;
                }
                let (lo, hi, evidence) = if a < b {
                    (a, b, l.evidence)
                } else {
                    (b, a, l.evidence.into_iter().map(|(x, y, s)| (y, x, s)).collect())
                };
                let rec = LinkRecord {
                    relation: l.relation,
                    score: l.score,
                    source: l.source.map(resolve),
                    evidence,
                    jaccard: l.jaccard,
                    containment: l.containment,
                };
                let bytes = postcard::to_allocvec(&rec).map_err(|e| IndexError::Corrupt {
                    path: self.path.clone(),
                    what: format!("link {lo}-{hi}"),
                    detail: e.to_string(),
                })?;
                links.insert((lo, hi), bytes.as_slice()).map_err(|e| self.err(e))?;
                neigh.insert(lo, hi).map_err(|e| self.err(e))?;
                neigh.insert(hi, lo).map_err(|e| self.err(e))?;
            }
            meta.insert("next_doc", next.to_le_bytes().as_slice()).map_err(|e| self.err(e))?;
            nums = (assigned, new_counts);
        }
        let durable = staged.durable();
        if durable {
            // Recovery after a crash reads the allocator state this saves instead of walking the file.
            tx.set_quick_repair(true);
        } else {
            tx.set_durability(redb::Durability::None).map_err(|e| self.err(redb::Error::from(e)))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        self.unsynced.store(!durable, std::sync::atomic::Ordering::SeqCst);
        self.runs_mut()?.apply(&self.path, staged)?;
        let (nums, new_counts) = nums;
        if let Ok(mut guard) = self.counts.write() {
            if let Some(c) = guard.as_mut() {
                for (n, k) in new_counts {
                    c.set(n, k);
                }
            }
        }
        Ok(nums)
    }

    /// All documents linked to `seeds` through any chain of links, with the links among them.
    pub fn components(&self, seeds: &[u64]) -> R<(Vec<u64>, Vec<StoredLink>)> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let neigh = tx.open_multimap_table(NEIGHBOURS).map_err(|e| self.err(e))?;
        let links = tx.open_table(LINKS).map_err(|e| self.err(e))?;
        let mut seen: HashSet<u64> = seeds.iter().copied().collect();
        let mut queue: VecDeque<u64> = seeds.iter().copied().collect();
        let mut edges = Vec::new();
        while let Some(x) = queue.pop_front() {
            for v in neigh.get(x).map_err(|e| self.err(e))? {
                let y = v.map_err(|e| self.err(e))?.value();
                if x < y {
                    if let Some(rec) = links.get((x, y)).map_err(|e| self.err(e))? {
                        let rec: LinkRecord = postcard::from_bytes(rec.value()).map_err(|e| IndexError::Corrupt {
                            path: self.path.clone(),
                            what: format!("link {x}-{y}"),
                            detail: e.to_string(),
                        })?;
                        edges.push(((x, y), rec));
                    }
                }
                if seen.insert(y) {
                    queue.push_back(y);
                }
            }
        }
        // Edges from a node to an earlier-visited smaller node were recorded from the smaller side.
        edges.sort_by_key(|e| e.0);
        edges.dedup_by_key(|e| e.0);
        let mut nodes: Vec<u64> = seen.into_iter().collect();
        nodes.sort_unstable();
        Ok((nodes, edges))
    }

    pub fn link(&self, a: u64, b: u64) -> R<Option<LinkRecord>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let links = tx.open_table(LINKS).map_err(|e| self.err(e))?;
        let key = (a.min(b), a.max(b));
        let Some(v) = links.get(key).map_err(|e| self.err(e))? else { return Ok(None) };
        postcard::from_bytes(v.value()).map(Some).map_err(|e| IndexError::Corrupt {
            path: self.path.clone(),
            what: format!("link {}-{}", key.0, key.1),
            detail: e.to_string(),
        })
    }

    /// Check that every table agrees with the others (used after a crash in tests and by `unspun index check`).
    pub fn check(&self) -> R<IndexStats> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let ids = tx.open_table(IDS).map_err(|e| self.err(e))?;
        let docs = tx.open_table(DOCS).map_err(|e| self.err(e))?;
        let links = tx.open_table(LINKS).map_err(|e| self.err(e))?;
        let corrupt =
            |what: String, detail: &str| IndexError::Corrupt { path: self.path.clone(), what, detail: detail.into() };
        for row in ids.iter().map_err(|e| self.err(e))? {
            let (id, n) = row.map_err(|e| self.err(e))?;
            let rec =
                self.decode_doc(&docs, n.value())?.ok_or_else(|| corrupt(id.value().into(), "id without document"))?;
            if rec.id != id.value() {
                return Err(corrupt(id.value().into(), "document under another id"));
            }
            rec.text().ok_or_else(|| corrupt(id.value().into(), "text does not decompress"))?;
        }
        let n_docs = docs.len().map_err(|e| self.err(e))?;
        if n_docs != ids.len().map_err(|e| self.err(e))? {
            return Err(corrupt("tables".into(), "ids and docs differ in size"));
        }
        for row in links.iter().map_err(|e| self.err(e))? {
            let (k, _) = row.map_err(|e| self.err(e))?;
            let (a, b) = k.value();
            if docs.get(a).map_err(|e| self.err(e))?.is_none() || docs.get(b).map_err(|e| self.err(e))?.is_none() {
                return Err(corrupt(format!("link {a}-{b}"), "link to a missing document"));
            }
        }
        let mut tables = std::collections::BTreeMap::new();
        macro_rules! stat {
            ($name:expr, $t:expr) => {
                tables.insert(
                    $name.to_string(),
                    TableBytes::of($t.len().map_err(|e| self.err(e))?, $t.stats().map_err(|e| self.err(e))?),
                );
            };
        }
        stat!("ids", ids);
        stat!("docs", docs);
        stat!("links", links);
        let counts = tx.open_table(ANCHOR_COUNTS).map_err(|e| self.err(e))?;
        stat!("doc_keys", counts);
        let mut postings_bytes = 0;
        for (name, (entries, bytes, ok)) in ["lsh_bands", "anchors", "event_postings"].iter().zip(self.runs()?.stats())
        {
            if !ok {
                return Err(corrupt(format!("postings of {name}"), "a run file fails its checksum or order"));
            }
            postings_bytes += bytes;
            tables.insert(
                name.to_string(),
                TableBytes { entries, stored: entries * 8, metadata: bytes - entries * 8, fragmented: 0 },
            );
        }
        let neigh = tx.open_multimap_table(NEIGHBOURS).map_err(|e| self.err(e))?;
        stat!("neighbours", neigh);
        let ev_terms = tx.open_table(crate::events::EVENT_TERMS).map_err(|e| self.err(e))?;
        stat!("event_terms", ev_terms);
        let ev_df = tx.open_table(crate::events::EVENT_DF).map_err(|e| self.err(e))?;
        stat!("event_df", ev_df);
        Ok(IndexStats {
            documents: n_docs,
            links: links.len().map_err(|e| self.err(e))?,
            file_bytes: std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0),
            postings_bytes,
            format_version: FORMAT_VERSION,
            tables,
        })
    }

    /// Every document that has at least one link, in number order.
    pub fn linked_docs(&self) -> R<Vec<u64>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let links = tx.open_table(LINKS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in links.iter().map_err(|e| self.err(e))? {
            let (k, _) = row.map_err(|e| self.err(e))?;
            let (a, b) = k.value();
            out.extend([a, b]);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Rewrite the file without its free pages (copy-on-write leaves them behind batch after batch).
    /// Returns whether anything was reclaimed.
    pub fn compact(&mut self) -> R<bool> {
        // The posting runs merged into one base each: lookups read one level.
        let change = self.runs()?.stage_full_merge(&self.path)?;
        let manifest = self.manifest_bytes(&change)?;
        let tx = self.db.begin_write().map_err(|e| self.err(e))?;
        {
            let mut meta = tx.open_table(META).map_err(|e| self.err(e))?;
            meta.insert(RUNS_KEY, manifest.as_slice()).map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        // A durable commit makes the non-durable ones before it durable too.
        self.unsynced.store(false, std::sync::atomic::Ordering::SeqCst);
        self.runs_mut()?.apply(&self.path, change)?;
        self.db.compact().map_err(|e| self.err(e))
    }

    /// Make every commit so far durable (a no-op when they all are).
    pub fn sync(&self) -> R<()> {
        if !self.unsynced.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        // The posting files the last commits named first: the durable commit below names them too.
        self.runs_mut()?.sync_files(&self.path)?;
        let mut tx = self.db.begin_write().map_err(|e| self.err(e))?;
        tx.set_quick_repair(true);
        tx.commit().map_err(|e| self.err(e))?;
        self.unsynced.store(false, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Every indexed document number and id, in number order.
    pub fn all_ids(&self) -> R<Vec<(u64, String)>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let ids = tx.open_table(IDS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in ids.iter().map_err(|e| self.err(e))? {
            let (id, n) = row.map_err(|e| self.err(e))?;
            out.push((n.value(), id.value().to_string()));
        }
        out.sort_unstable();
        Ok(out)
    }
}

fn db_err<E: Into<redb::Error>>(path: &Path, e: E) -> IndexError {
    IndexError::Db { path: path.to_path_buf(), source: Box::new(e.into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_of_another_format_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        {
            let ix = Index::open(&path, "p").unwrap();
            let tx = ix.db.begin_write().unwrap();
            tx.open_table(META).unwrap().insert("format_version", 9u32.to_le_bytes().as_slice()).unwrap();
            tx.commit().unwrap();
        }
        match Index::open(&path, "p") {
            Err(IndexError::Version { path: p, found: 9, expected: FORMAT_VERSION }) => assert_eq!(p, path),
            other => panic!("expected a version error, got {:?}", other.err()),
        }
    }

    fn doc(id: &str, text: &str) -> NewDoc {
        NewDoc {
            record: DocRecord::new(id.into(), text, None, None, None, None, 42, vec![(0, text.len() as u32)]),
            strong_anchors: 1,
            band_keys: vec![100, 200],
            anchors: vec![7],
            event: None,
        }
    }

    #[test]
    fn writes_without_a_sync_are_visible_at_once_and_kept_by_a_sync() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("idx.redb");
        {
            let idx = Index::open(&p, "p1").unwrap();
            assert!(!idx.unsynced.load(std::sync::atomic::Ordering::SeqCst));
            idx.write_with(Batch { docs: vec![doc("a", "alpha text")], links: vec![] }, false).unwrap();
            idx.write_with(Batch { docs: vec![doc("b", "beta text")], links: vec![] }, false).unwrap();
            assert!(idx.unsynced.load(std::sync::atomic::Ordering::SeqCst), "two commits not yet durable");
            // Readers see a commit whether or not it was synced.
            assert_eq!(idx.candidates(&[(&[200], &[], &[])], 100).unwrap()[0].0, vec![0, 1]);
            assert_eq!(idx.doc_by_id("b").unwrap().unwrap().0, 1);
            idx.sync().unwrap();
            assert!(!idx.unsynced.load(std::sync::atomic::Ordering::SeqCst));
            idx.write_with(Batch { docs: vec![doc("c", "gamma")], links: vec![] }, false).unwrap();
            idx.write(Batch { docs: vec![doc("d", "delta")], links: vec![] }).unwrap();
            assert!(!idx.unsynced.load(std::sync::atomic::Ordering::SeqCst), "a durable commit syncs those before");
        }
        let idx = Index::open(&p, "p1").unwrap();
        assert_eq!(idx.check().unwrap().documents, 4);
        assert_eq!(idx.candidates(&[(&[100], &[], &[])], 100).unwrap()[0].0, vec![0, 1, 2, 3]);
    }

    #[test]
    fn write_query_reopen_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("idx.redb");
        {
            let idx = Index::open(&p, "p1").unwrap();
            let nums = idx
                .write(Batch {
                    docs: vec![doc("a", "alpha text"), doc("b", "beta text")],
                    links: vec![NewLink {
                        a: DocRef::New(1),
                        b: DocRef::New(0),
                        relation: "duplicate".into(),
                        score: 0.9,
                        source: Some(DocRef::New(0)),
                        evidence: vec![([5, 9], [0, 4], 1.0)],
                        jaccard: 0.9,
                        containment: 1.0,
                    }],
                })
                .unwrap();
            assert_eq!(nums, vec![0, 1]);
        }
        let idx = Index::open(&p, "p1").unwrap();
        let nums = idx.write(Batch { docs: vec![doc("a", "alpha text"), doc("c", "gamma")], links: vec![] }).unwrap();
        assert_eq!(nums, vec![0, 2], "existing id keeps its number");
        let cands = idx.candidates(&[(&[200], &[7], &[])], 100).unwrap();
        assert_eq!(cands[0].0, vec![0, 1, 2]);
        assert_eq!(cands[0].1[&0], (1, 0));
        let (nodes, edges) = idx.components(&[1]).unwrap();
        assert_eq!(nodes, vec![0, 1]);
        assert_eq!(edges.len(), 1);
        // Stored from the lower number's side: evidence swapped accordingly.
        assert_eq!(edges[0].1.evidence[0].0, [0, 4]);
        assert_eq!(edges[0].1.source, Some(0));
        assert_eq!(idx.doc_by_id("b").unwrap().unwrap().1.text().unwrap(), "beta text");
        let stats = idx.check().unwrap();
        assert_eq!((stats.documents, stats.links), (3, 1));
        drop(idx);
        assert!(matches!(Index::open(&p, "other"), Err(IndexError::Params { .. })));
    }

    #[test]
    fn anchor_counts_survive_reopening_and_follow_writes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("idx.redb");
        {
            let idx = Index::open(&p, "p1").unwrap();
            let mut d = doc("a", "alpha");
            d.strong_anchors = 7;
            idx.write(Batch { docs: vec![d], links: vec![] }).unwrap();
            assert_eq!(idx.anchor_counts(&[0, 5]).unwrap(), vec![7, 0]);
            let mut d = doc("b", "beta");
            d.strong_anchors = 3;
            idx.write(Batch { docs: vec![d], links: vec![] }).unwrap();
            assert_eq!(idx.anchor_counts(&[1, 0]).unwrap(), vec![3, 7], "the cache follows writes");
        }
        let mut idx = Index::open(&p, "p1").unwrap();
        assert_eq!(idx.anchor_counts(&[0, 1]).unwrap(), vec![7, 3]);
        let mut d = doc("c", "gamma");
        d.record.lang = Some("pt".into());
        d.strong_anchors = 9;
        idx.write(Batch { docs: vec![d], links: vec![] }).unwrap();
        assert_eq!(idx.anchor_counts(&[2]).unwrap(), vec![9]);
        let pt = lang_key(Some("pt"));
        assert!(pt != 0 && pt != lang_key(Some("en")) && lang_key(None) == 0);
        assert_eq!(
            idx.lang_keys(&[0, 2, 3]).unwrap(),
            vec![lang_key(idx.docs(&[0]).unwrap()[0].as_ref().unwrap().lang.as_deref()), pt, 0]
        );
        idx.compact().unwrap();
        assert_eq!(idx.check().unwrap().documents, 3);
        assert!(idx.check().unwrap().tables["anchors"].entries >= 1);
    }

    #[test]
    fn the_languages_of_the_index_follow_writes_and_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("idx.redb");
        let with_lang = |id: &str, lang: Option<&str>| {
            let mut d = doc(id, id);
            d.record.lang = lang.map(str::to_string);
            d
        };
        let (en, pt) = (lang_key(Some("en")), lang_key(Some("pt")));
        {
            let idx = Index::open(&p, "p1").unwrap();
            assert_eq!(idx.languages().unwrap(), Vec::<u32>::new());
            idx.write(Batch { docs: vec![with_lang("a", Some("en")), with_lang("b", Some("en"))], links: vec![] })
                .unwrap();
            assert_eq!(idx.languages().unwrap(), vec![en]);
            idx.write(Batch { docs: vec![with_lang("c", Some("pt"))], links: vec![] }).unwrap();
            let mut both = vec![en, pt];
            both.sort_unstable();
            assert_eq!(idx.languages().unwrap(), both, "the cache follows writes");
        }
        let idx = Index::open(&p, "p1").unwrap();
        idx.write(Batch { docs: vec![with_lang("d", None)], links: vec![] }).unwrap();
        let mut all = vec![0, en, pt];
        all.sort_unstable();
        assert_eq!(idx.languages().unwrap(), all, "loaded from the table, then a document without a language");
    }

    #[test]
    fn folded_keys_differ_for_nearby_hashes() {
        assert_ne!(fold(1), fold(2));
        assert_ne!(fold(1 << 32), fold(1 << 33));
        assert_eq!(fold(0xDEAD_BEEF_0000_0000), 0xDEAD_BEEF);
    }
}
