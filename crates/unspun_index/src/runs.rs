//! Posting lists kept out of the B-tree: each list is a sorted array of `key << 32 | document`
//! entries, in one large *base* run (an immutable file, memory-mapped) plus a small *delta* (the
//! batches written since the base, one file each, merged in memory into one sorted array).
//!
//! Why not redb multimap tables: a batch's postings (about 200 a document) land on keys spread over the
//! whole key space, so each batch inserted one B-tree entry per posting and copied most of the tree's
//! leaves (copy-on-write); at 100k documents that was a fifth of the scan, growing with the index. Here
//! a batch appends one sorted file, and when the delta reaches a quarter of the base the two are merged
//! into a new base in one sequential pass: each posting is rewritten a handful of times over the life
//! of the index (a log-structured merge with two levels). A lookup is a binary search in each level.
//!
//! Durability: run files are written and synced before the redb transaction that names them in the
//! manifest commits; files no manifest names (a write killed before its commit, a base replaced by a
//! merge) are deleted when the index is opened. The manifest is the commit point, as for every other
//! table.
use crate::error::IndexError;
use memmap2::Mmap;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"UNSPRUN1";
/// Header: magic, entry count, fence count.
const HEADER: usize = 24;
/// Entries between two fences: a lookup reads one or two pages of the file after a binary search
/// among the fences, which are held in memory.
const FENCE: usize = 512;
/// The delta is merged into the base when it reaches `1 / MERGE_RATIO` of it (or `min_merge`
/// entries, whichever is more): each posting is then rewritten about `MERGE_RATIO + 1` times in all.
const MERGE_RATIO: usize = 4;
/// Below this many delta entries no merge: small indexes keep their batches as they are.
const MIN_MERGE: usize = 1 << 21;

pub(crate) fn key_of(e: u64) -> u32 {
    (e >> 32) as u32
}

pub(crate) fn doc_of(e: u64) -> u32 {
    e as u32
}

pub(crate) fn entry(key: u32, doc: u32) -> u64 {
    u64::from(key) << 32 | u64::from(doc)
}

/// Which files make up each posting store: the manifest, stored in the index's metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub next_file: u64,
    pub stores: Vec<StoreFiles>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoreFiles {
    pub base: Option<u64>,
    pub deltas: Vec<u64>,
}

/// An immutable sorted run, memory-mapped.
struct Run {
    map: Mmap,
    n: usize,
    /// Key of every `FENCE`-th entry.
    fences: Vec<u32>,
    /// [`bucket_starts`] of the fences.
    fence_buckets: Vec<u32>,
}

impl Run {
    fn open(path: &Path) -> Result<Run, String> {
        let file = File::open(path).map_err(|e| e.to_string())?;
        // SAFETY: run files are written once, synced, and never modified afterwards; only this
        // index (which redb's lock keeps to one process) deletes them, and only once no manifest
        // names them. A file truncated by another program would fault here, as for any mapping.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| e.to_string())?;
        if map.len() < HEADER + 8 || &map[..8] != MAGIC {
            return Err("not a posting run (bad magic)".into());
        }
        let word = |at: usize| u64::from_le_bytes(map[at..at + 8].try_into().expect("8 bytes"));
        let (n, nf) = (word(8) as usize, word(16) as usize);
        let want = n
            .checked_mul(8)
            .and_then(|e| nf.checked_mul(4).map(|f| HEADER + e + f.next_multiple_of(8) + 8))
            .ok_or("entry count overflows")?;
        if map.len() != want || nf != n.div_ceil(FENCE) {
            return Err(format!("length {} does not match {n} entries and {nf} fences", map.len()));
        }
        let at = HEADER + n * 8;
        let fences: Vec<u32> =
            map[at..at + nf * 4].chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4"))).collect();
        let fence_buckets = bucket_starts_of(fences.iter().copied(), fences.len());
        let run = Run { map, n, fences, fence_buckets };
        // The mapping is page-aligned and the header 8-byte long: the entries are aligned.
        if run.try_entries().is_none() {
            return Err("misaligned entries".into());
        }
        Ok(run)
    }

    fn try_entries(&self) -> Option<&[u64]> {
        let bytes = &self.map[HEADER..HEADER + self.n * 8];
        // SAFETY: any 8 bytes are a valid u64; `align_to` only yields the aligned middle.
        let (pre, mid, post) = unsafe { bytes.align_to::<u64>() };
        (pre.is_empty() && post.is_empty() && cfg!(target_endian = "little")).then_some(mid)
    }

    fn entries(&self) -> &[u64] {
        self.try_entries().unwrap_or(&[])
    }

    /// The entries among which `key`'s lie, and where in them to start looking: read from memory
    /// already held (the fences), so that the block can be prefetched before it is searched.
    fn block(&self, key: u32) -> (usize, usize, usize) {
        // The first fence at or above the key: fences of lower buckets are all below it, those of
        // higher buckets all above.
        let b = bucket(key);
        let (s, e) = (self.fence_buckets[b] as usize, self.fence_buckets[b + 1] as usize);
        let f = s + self.fences[s..e].partition_point(|&k| k < key);
        // The key's entries start in the block before that fence, and run on through the blocks
        // whose fence is the key itself (a long list).
        let mut last = f;
        while last < self.fences.len() && self.fences[last] <= key {
            last += 1;
        }
        let (lo, hi) = (f.saturating_sub(1) * FENCE, (last * FENCE).min(self.n));
        // The block's first key is its fence; the next block's fence bounds its last.
        let first = if f > 0 { self.fences[f - 1] } else { key };
        let bound = self.fences.get(last).copied().unwrap_or(u32::MAX);
        (lo, hi.max(lo), interpolate(key, first, bound, hi.saturating_sub(lo)))
    }

    fn checksum_ok(&self) -> bool {
        let body = &self.map[HEADER..self.map.len() - 8];
        let stored = u64::from_le_bytes(self.map[self.map.len() - 8..].try_into().expect("8 bytes"));
        xxhash_rust::xxh3::xxh3_64(body) == stored && self.entries().windows(2).all(|w| w[0] < w[1])
    }
}

/// The entries of `key` in `sorted`, the search starting at `hint` (a position in `sorted`) if given;
/// of a list longer than `cap`, only its first `cap + 1`. A caller that passes over lists longer than
/// a cap needs no more to know one is: the end of a long list was a binary search over all of it,
/// a cache miss a step, and a third of the lookups' time at a million documents.
fn range_from(sorted: &[u64], key: u32, hint: Option<usize>, cap: usize) -> &[u64] {
    let a = first_from(sorted, key, hint);
    let rest = &sorted[a..];
    let lim = rest.len().min(cap.saturating_add(1));
    if lim > cap && key_of(rest[cap]) == key {
        // Keys are contiguous: every entry up to this one is the key's.
        return &rest[..lim];
    }
    let rest = &rest[..lim];
    // Most lists hold a document or two: step over them rather than search all that follows.
    let near = rest.iter().take(16).take_while(|&&e| key_of(e) == key).count();
    let b = if near < 16 { near } else { rest.partition_point(|&e| key_of(e) <= key) };
    &rest[..b]
}

/// Ask for the cache line of `sorted[at]`, where a search is about to start.
#[inline]
fn prefetch(sorted: &[u64], at: usize) {
    if at >= sorted.len() {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, and the address is inside the slice.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(sorted.as_ptr().add(at).cast::<i8>());
    }
}

/// Where `key` lies among `n` entries whose keys are spread evenly from `lo` to `hi`.
#[inline]
fn interpolate(key: u32, lo: u32, hi: u32, n: usize) -> usize {
    if n == 0 || key <= lo || hi <= lo {
        return 0;
    }
    let at = u64::from(key.min(hi) - lo) * (n as u64 - 1) / u64::from(hi - lo);
    at as usize
}

/// The first entry whose key is `key` or above. Keys are hashes, spread evenly over a block: the
/// position between the block's first and last keys is a good guess, and a search galloping out
/// from it reads a cache line or two of the block where a binary search read six (the base's
/// lookups were a tenth of the CPU time of adding 10k documents to a 1M index). `hint` is such a
/// guess known without reading `sorted` (see [`Runs::lists_many`]); without one, the guess
/// interpolates between the first and last keys.
fn first_from(sorted: &[u64], key: u32, hint: Option<usize>) -> usize {
    let n = sorted.len();
    if n <= 16 {
        return sorted.partition_point(|&e| key_of(e) < key);
    }
    let guess = match hint {
        // Galloping finds the answer from any start; a good one saves cache lines.
        Some(g) => g.min(n - 1),
        None => {
            let (lo, hi) = (key_of(sorted[0]), key_of(sorted[n - 1]));
            if key <= lo {
                return 0;
            }
            if key > hi {
                return n;
            }
            // lo < key <= hi: the guess lies in 0..n.
            interpolate(key, lo, hi, n)
        }
    };
    let below = |i: usize| key_of(sorted[i]) < key;
    let (mut l, mut r);
    if below(guess) {
        // The answer is above `guess`: gallop right until an entry at or above the key.
        let mut step = 1;
        l = guess + 1;
        r = guess + 1;
        while r < n && below(r) {
            l = r + 1;
            r = (guess + 1 + step).min(n);
            step *= 2;
        }
    } else {
        // At or below `guess`: gallop left until an entry below the key.
        let mut step = 1;
        r = guess;
        l = guess;
        while l > 0 && !below(l - 1) {
            r = l - 1;
            l = guess.saturating_sub(step);
            step *= 2;
        }
    }
    l + sorted[l..r].partition_point(|&e| key_of(e) < key)
}

/// Bits of the key that index the delta's buckets.
const BUCKET_BITS: u32 = 16;

/// The bucket of a key: its top `BUCKET_BITS` bits.
fn bucket(key: u32) -> usize {
    (key >> (32 - BUCKET_BITS)) as usize
}

/// Where each bucket of keys (their top `BUCKET_BITS` bits) starts in a sorted array, and where the
/// last ends: a lookup searches one bucket, a few hundred entries, not the whole delta, whose binary
/// search missed the cache at nearly every step (a quarter of the scan's time at 150k documents).
fn bucket_starts(sorted: &[u64]) -> Vec<u32> {
    bucket_starts_of(sorted.iter().map(|&e| key_of(e)), sorted.len())
}

fn bucket_starts_of(keys: impl Iterator<Item = u32>, len: usize) -> Vec<u32> {
    debug_assert!(u32::try_from(len).is_ok());
    let n = 1usize << BUCKET_BITS;
    let mut starts = vec![0u32; n + 1];
    for k in keys {
        starts[bucket(k) + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    starts
}

/// Write a run of `n` sorted, distinct entries; synced before returning if `sync`.
fn write_run(path: &Path, n: usize, entries: impl Iterator<Item = u64>, sync: bool) -> std::io::Result<()> {
    let nf = n.div_ceil(FENCE);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    w.write_all(MAGIC)?;
    w.write_all(&(n as u64).to_le_bytes())?;
    w.write_all(&(nf as u64).to_le_bytes())?;
    let mut fences = Vec::with_capacity(nf);
    let mut buf = Vec::with_capacity(8 * 4096);
    let mut count = 0;
    for (i, e) in entries.enumerate() {
        if i % FENCE == 0 {
            fences.push(key_of(e));
        }
        buf.extend_from_slice(&e.to_le_bytes());
        if buf.len() >= 8 * 4096 {
            h.update(&buf);
            w.write_all(&buf)?;
            buf.clear();
        }
        count += 1;
    }
    debug_assert_eq!(count, n);
    for f in fences {
        buf.extend_from_slice(&f.to_le_bytes());
    }
    buf.resize(buf.len().next_multiple_of(8), 0);
    h.update(&buf);
    w.write_all(&buf)?;
    w.write_all(&h.digest().to_le_bytes())?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    if sync {
        f.sync_all()?;
    }
    Ok(())
}

/// Sync a file, or a directory's entries, to disk.
fn sync_path(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Merge two sorted entry arrays (distinct entries across both).
fn merge(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend(Merge::new(a.iter().copied(), b.iter().copied()));
    out
}

/// Merge sorted `b` into sorted `a` in place (distinct entries across both), from the back, so that
/// `a`'s entries move once and no second array is allocated: a new array for each batch's append
/// was a fresh allocation the kernel zeroed, the size of the delta (hundreds of megabytes at 1M
/// documents), every batch.
fn merge_into(a: &mut Vec<u64>, b: &[u64]) {
    let n = a.len();
    a.resize(n + b.len(), 0);
    let (mut i, mut j) = (n, b.len());
    while j > 0 {
        let k = i + j - 1;
        if i > 0 && a[i - 1] > b[j - 1] {
            a[k] = a[i - 1];
            i -= 1;
        } else {
            a[k] = b[j - 1];
            j -= 1;
        }
    }
}

/// Merge sorted arrays (distinct entries across all) into one, in one pass: a heap holds each
/// array's next entry. Merged one after another into a growing array, the delta files of an index (a
/// few dozen a store) were copied about as many times as there are files, a tenth of the CPU time of
/// adding 10k documents to a 1M index; merged pairwise in rounds, each round wrote a fresh array, and
/// fresh pages are slow to fault in (on this project's test VM, 2 ms a megabyte).
fn merge_all(parts: &[&[u64]]) -> Vec<u64> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    match parts {
        [] => return Vec::new(),
        [a] => return a.to_vec(),
        [a, b] => return merge(a, b),
        _ => {}
    }
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    let mut at = vec![0usize; parts.len()];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> =
        parts.iter().enumerate().filter_map(|(i, p)| p.first().map(|&e| Reverse((e, i)))).collect();
    while let Some(mut top) = heap.peek_mut() {
        let Reverse((e, i)) = *top;
        out.push(e);
        at[i] += 1;
        match parts[i].get(at[i]) {
            // Replacing the top sifts it down once, where a pop and a push would sift twice.
            Some(&next) => *top = Reverse((next, i)),
            None => {
                std::collections::binary_heap::PeekMut::pop(top);
            }
        }
    }
    out
}

/// One posting store (the LSH bands, the anchors, or the story postings): a base run and the delta
/// in memory.
#[derive(Default)]
struct Store {
    base: Option<Run>,
    delta: Vec<u64>,
    /// [`bucket_starts`] of `delta` (empty while the delta is).
    buckets: Vec<u32>,
}

impl Store {
    fn set_delta(&mut self, delta: Vec<u64>) {
        self.buckets = if delta.is_empty() { Vec::new() } else { bucket_starts(&delta) };
        self.delta = delta;
    }

    /// Merge a batch's sorted entries into the delta. The buckets' starts of a union are the sums of
    /// the parts': counted from the batch alone, not from the whole delta again (a pass over hundreds
    /// of megabytes a batch at 1M documents).
    fn append(&mut self, new: &[u64]) {
        if new.is_empty() {
            return;
        }
        merge_into(&mut self.delta, new);
        if self.buckets.is_empty() {
            self.buckets = bucket_starts(&self.delta);
        } else {
            for (s, n) in self.buckets.iter_mut().zip(bucket_starts(new)) {
                *s += n;
            }
        }
    }

    /// The delta's bucket of `key`, and where in it to start looking: a bucket's keys share their
    /// top bits and spread evenly over the rest.
    fn delta_block(&self, key: u32) -> (usize, usize, usize) {
        if self.buckets.is_empty() {
            return (0, 0, 0);
        }
        let b = bucket(key);
        let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        let first = (b as u32) << (32 - BUCKET_BITS);
        let last = first | (u32::MAX >> BUCKET_BITS);
        (lo, hi, interpolate(key, first, last, hi - lo))
    }
}

/// A change to the stores prepared by a write, applied once its transaction has committed.
pub(crate) struct Staged {
    manifest: Manifest,
    stores: Vec<StagedStore>,
    /// Files written for this change: deleted if it is dropped unapplied.
    written: Vec<PathBuf>,
    /// Whether its files, and every file the manifest names, are synced: the commit must then be
    /// durable; otherwise it need not be.
    durable: bool,
    applied: bool,
}

enum StagedStore {
    /// New entries appended to the delta.
    Append(Vec<u64>),
    /// A new base holding everything; the delta empties.
    Merged(PathBuf),
}

impl Staged {
    /// Whether the commit naming this change must be durable: it was staged so, or it merges
    /// (applying a merge deletes files the last committed manifest names, so its commit must be
    /// durable first, or a crash would leave a durable manifest naming deleted files). Every file
    /// its manifest names is then synced.
    pub fn durable(&self) -> bool {
        self.durable
    }

    /// The manifest to commit.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.applied {
            for p in &self.written {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// A posting file that cannot be read or written, named in the index's error.
fn file_err(index_path: &Path, file: &Path, detail: impl ToString) -> IndexError {
    IndexError::Corrupt {
        path: index_path.to_path_buf(),
        what: format!("postings {}", file.display()),
        detail: detail.to_string(),
    }
}

/// The posting stores of an index, in the directory beside its file.
pub(crate) struct Runs {
    dir: PathBuf,
    manifest: Manifest,
    stores: Vec<Store>,
    min_merge: usize,
    /// Run files written for commits that were not durable, not yet synced: synced by the next
    /// durable commit, whose manifest names them. Syncing every batch's file as it was written made
    /// the writer wait on the disk each batch (at 100k documents its wall time was 9.2 s for 6.8 CPU s).
    unsynced: Vec<PathBuf>,
}

impl Runs {
    /// The directory of the posting runs of the index at `index_path`.
    pub fn dir_of(index_path: &Path) -> PathBuf {
        let mut name = index_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".postings");
        index_path.with_file_name(name)
    }

    fn file(&self, store: usize, id: u64) -> PathBuf {
        self.dir.join(format!("{store}-{id:010}.run"))
    }

    /// No stores and no files: a placeholder until the manifest is known.
    pub fn unopened() -> Runs {
        Runs {
            dir: PathBuf::new(),
            manifest: Manifest::default(),
            stores: Vec::new(),
            min_merge: MIN_MERGE,
            unsynced: Vec::new(),
        }
    }

    /// Open the stores named by `manifest` (`n_stores` of them when it is new), deleting files it
    /// does not name.
    pub fn open(index_path: &Path, manifest: Option<Manifest>, n_stores: usize) -> Result<Runs, IndexError> {
        let dir = Self::dir_of(index_path);
        std::fs::create_dir_all(&dir).map_err(|e| file_err(index_path, &dir, e))?;
        let mut manifest = manifest.unwrap_or_default();
        manifest.stores.resize(n_stores.max(manifest.stores.len()), StoreFiles::default());
        let mut runs = Runs { dir, manifest, stores: Vec::new(), min_merge: MIN_MERGE, unsynced: Vec::new() };
        let mut named = std::collections::HashSet::new();
        for (s, files) in runs.manifest.stores.iter().enumerate() {
            let mut store = Store::default();
            if let Some(b) = files.base {
                let p = runs.file(s, b);
                store.base = Some(Run::open(&p).map_err(|e| file_err(index_path, &p, e))?);
                named.insert(p);
            }
            let mut deltas = Vec::with_capacity(files.deltas.len());
            for &d in &files.deltas {
                let p = runs.file(s, d);
                deltas.push(Run::open(&p).map_err(|e| file_err(index_path, &p, e))?);
                named.insert(p);
            }
            let parts: Vec<&[u64]> = deltas.iter().map(Run::entries).collect();
            store.set_delta(merge_all(&parts));
            runs.stores.push(store);
        }
        // Left by a write that did not commit, or by a merge: no manifest names them.
        for e in std::fs::read_dir(&runs.dir).map_err(|e| file_err(index_path, &runs.dir, e))?.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "run") && !named.contains(&p) {
                let _ = std::fs::remove_file(&p);
            }
        }
        Ok(runs)
    }

    #[cfg(test)]
    pub fn set_min_merge(&mut self, n: usize) {
        self.min_merge = n;
    }

    /// The postings of `key` in store `s`: the base's and the delta's, each ascending by document,
    /// and the base's before the delta's (numbers are given in order and merges keep them).
    #[cfg(test)]
    pub fn lists(&self, s: usize, key: u32) -> (&[u64], &[u64]) {
        let mut out = Vec::with_capacity(1);
        self.lists_many(s, &[key], usize::MAX, &mut out);
        out[0]
    }

    /// [`Runs::lists`] of many keys, appended to `out` in the order of `keys`. Each lookup ends in
    /// a cache miss or two in a large run (the block of the base, the bucket of the delta: at 1M
    /// documents, a gigabyte and a few hundred megabytes), and one after the other they were the
    /// largest cost of the scan; here every key's first read is requested before any is searched,
    /// so the misses overlap. Each level's list is cut after `cap + 1` entries (see [`range_from`]):
    /// a list longer than `cap` is known to be so, and its first `cap` entries are whole.
    pub fn lists_many<'a>(&'a self, s: usize, keys: &[u32], cap: usize, out: &mut Vec<(&'a [u64], &'a [u64])>) {
        let store = &self.stores[s];
        let base = store.base.as_ref().map_or(&[][..], |b| b.entries());
        // Each level's (start, end, first position to look at).
        type Block = (usize, usize, usize);
        let mut blocks: Vec<(Block, Block)> = Vec::with_capacity(keys.len());
        for &key in keys {
            let b = store.base.as_ref().map_or((0, 0, 0), |r| r.block(key));
            let d = store.delta_block(key);
            prefetch(&base[b.0..b.1], b.2);
            prefetch(&store.delta[d.0..d.1], d.2);
            blocks.push((b, d));
        }
        for (&key, (b, d)) in keys.iter().zip(blocks) {
            let found_base = range_from(&base[b.0..b.1], key, Some(b.2), cap);
            out.push((found_base, range_from(&store.delta[d.0..d.1], key, Some(d.2), cap)));
        }
    }

    /// The documents of `key` in store `s`, in ascending order.
    #[cfg(test)]
    pub fn get(&self, s: usize, key: u32) -> impl Iterator<Item = u32> + '_ {
        let (base, delta) = self.lists(s, key);
        base.iter().chain(delta).map(|&e| doc_of(e))
    }

    /// How many documents `key` has in store `s`.
    #[cfg(test)]
    pub fn count(&self, s: usize, key: u32) -> usize {
        let (base, delta) = self.lists(s, key);
        base.len() + delta.len()
    }

    /// Write the new entries of each store (sorted, distinct, and for documents newer than any
    /// stored) to files, merging a store's delta into a new base when it is large enough. Nothing
    /// changes in memory until [`Runs::apply`]; the returned manifest must commit first, durably if
    /// `durable` or if the change merges (see [`Staged::durable`]).
    pub fn stage(&self, index_path: &Path, new: Vec<Vec<u64>>, durable: bool) -> Result<Staged, IndexError> {
        self.stage_with(index_path, new, false, durable)
    }

    fn stage_with(
        &self,
        index_path: &Path,
        new: Vec<Vec<u64>>,
        force: bool,
        durable: bool,
    ) -> Result<Staged, IndexError> {
        let merges: Vec<bool> = new
            .iter()
            .enumerate()
            .map(|(s, entries)| {
                let store = &self.stores[s];
                let base_len = store.base.as_ref().map_or(0, |b| b.n);
                let delta_len = store.delta.len() + entries.len();
                if force {
                    delta_len > 0 || store.base.is_none()
                } else {
                    delta_len >= self.min_merge.max(base_len / MERGE_RATIO)
                }
            })
            .collect();
        let durable = durable || force || merges.contains(&true);
        let mut staged = Staged {
            manifest: self.manifest.clone(),
            stores: Vec::new(),
            written: Vec::new(),
            durable,
            applied: false,
        };
        if durable {
            // The manifest about to be made durable names them (or, for a store that merges now,
            // names what replaces them).
            self.sync_unsynced(index_path)?;
        }
        for ((s, entries), merging) in new.into_iter().enumerate().zip(merges) {
            let store = &self.stores[s];
            let delta_len = store.delta.len() + entries.len();
            if !merging && entries.is_empty() {
                staged.stores.push(StagedStore::Append(entries));
                continue;
            }
            let id = staged.manifest.next_file;
            staged.manifest.next_file += 1;
            let path = self.file(s, id);
            staged.written.push(path.clone());
            let io = |e: std::io::Error| file_err(index_path, &path, e);
            if merging {
                let base = store.base.as_ref().map_or(&[][..], |b| b.entries());
                // Three sorted sources of distinct entries, merged as they stream to the file.
                let merged =
                    Merge::new(Merge::new(base.iter().copied(), store.delta.iter().copied()), entries.iter().copied());
                write_run(&path, base.len() + delta_len, merged, durable).map_err(io)?;
                staged.manifest.stores[s] = StoreFiles { base: Some(id), deltas: Vec::new() };
                staged.stores.push(StagedStore::Merged(path));
            } else {
                write_run(&path, entries.len(), entries.iter().copied(), durable).map_err(io)?;
                staged.manifest.stores[s].deltas.push(id);
                staged.stores.push(StagedStore::Append(entries));
            }
        }
        // The directory entries too, so a durable manifest never names a file a crash lost.
        if durable {
            let _ = sync_path(&self.dir);
        }
        Ok(staged)
    }

    /// Make a committed change visible, and delete the files it made obsolete.
    pub fn apply(&mut self, index_path: &Path, mut staged: Staged) -> Result<(), IndexError> {
        staged.applied = true;
        if staged.durable {
            self.unsynced.clear();
        } else {
            self.unsynced.extend(staged.written.iter().cloned());
        }
        let old = std::mem::replace(&mut self.manifest, staged.manifest.clone());
        for (s, change) in std::mem::take(&mut staged.stores).into_iter().enumerate() {
            match change {
                StagedStore::Append(e) => self.stores[s].append(&e),
                StagedStore::Merged(p) => {
                    let run = Run::open(&p).map_err(|e| file_err(index_path, &p, e))?;
                    self.stores[s] = Store { base: Some(run), ..Store::default() };
                    let files = &old.stores[s];
                    for id in files.base.iter().chain(&files.deltas) {
                        let _ = std::fs::remove_file(self.file(s, *id));
                    }
                }
            }
        }
        Ok(())
    }

    /// Merge every store into one base run (for `index compact`). Returns the change to commit.
    pub fn stage_full_merge(&self, index_path: &Path) -> Result<Staged, IndexError> {
        self.stage_with(index_path, vec![Vec::new(); self.stores.len()], true, true)
    }

    /// Sync the files written for commits that were not durable.
    fn sync_unsynced(&self, index_path: &Path) -> Result<(), IndexError> {
        for p in &self.unsynced {
            sync_path(p).map_err(|e| file_err(index_path, p, e))?;
        }
        Ok(())
    }

    /// Sync the files of commits that were not durable (and the directory), before a commit that
    /// makes them so.
    pub fn sync_files(&mut self, index_path: &Path) -> Result<(), IndexError> {
        self.sync_unsynced(index_path)?;
        if !self.unsynced.is_empty() {
            sync_path(&self.dir).map_err(|e| file_err(index_path, &self.dir, e))?;
        }
        self.unsynced.clear();
        Ok(())
    }

    /// Entries and bytes on disk of each store; and whether every file's checksum and order hold.
    pub fn stats(&self) -> Vec<(u64, u64, bool)> {
        self.manifest
            .stores
            .iter()
            .enumerate()
            .map(|(s, files)| {
                let mut bytes = 0;
                let mut ok = true;
                for id in files.base.iter().chain(&files.deltas) {
                    let p = self.file(s, *id);
                    bytes += std::fs::metadata(&p).map_or(0, |m| m.len());
                    ok &= Run::open(&p).is_ok_and(|r| r.checksum_ok());
                }
                let store = &self.stores[s];
                (store.base.as_ref().map_or(0, |b| b.n) as u64 + store.delta.len() as u64, bytes, ok)
            })
            .collect()
    }
}

/// Two ascending iterators merged into one.
struct Merge<A: Iterator<Item = u64>, B: Iterator<Item = u64>> {
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<A: Iterator<Item = u64>, B: Iterator<Item = u64>> Merge<A, B> {
    fn new(a: A, b: B) -> Self {
        Merge { a: a.peekable(), b: b.peekable() }
    }
}

impl<A: Iterator<Item = u64>, B: Iterator<Item = u64>> Iterator for Merge<A, B> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        match (self.a.peek(), self.b.peek()) {
            (Some(x), Some(y)) if x <= y => self.a.next(),
            (_, Some(_)) => self.b.next(),
            _ => self.a.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn commit(runs: &mut Runs, path: &Path, new: Vec<Vec<u64>>) -> Manifest {
        let staged = runs.stage(path, new, true).unwrap();
        let m = staged.manifest.clone();
        runs.apply(path, staged).unwrap();
        m
    }

    proptest! {
        /// The interpolating search finds what a binary search finds, on spread keys, clustered
        /// keys and long lists of one key.
        #[test]
        fn range_of_is_the_entries_of_the_key(
            keys in proptest::collection::vec(prop_oneof![0u32..8, any::<u32>(), (u32::MAX - 8)..=u32::MAX], 0..300),
            probe in prop_oneof![0u32..8, any::<u32>(), (u32::MAX - 8)..=u32::MAX],
        ) {
            let mut e: Vec<u64> = keys.iter().enumerate().map(|(d, &k)| entry(k, d as u32)).collect();
            e.sort_unstable();
            for k in keys.iter().copied().chain([probe]) {
                let want: Vec<u64> = e.iter().copied().filter(|&x| key_of(x) == k).collect();
                prop_assert_eq!(range_from(&e, k, None, usize::MAX), &want[..]);
                prop_assert_eq!(first_from(&e, k, None), e.partition_point(|&x| key_of(x) < k));
            }
        }

        /// A search started from any position, a good guess or a bad one, ends where a binary
        /// search does.
        #[test]
        fn a_search_from_any_hint_finds_the_entries_of_the_key(
            keys in proptest::collection::vec(prop_oneof![0u32..8, any::<u32>(), (u32::MAX - 8)..=u32::MAX], 0..300),
            probe in prop_oneof![0u32..8, any::<u32>(), (u32::MAX - 8)..=u32::MAX],
            hint in 0usize..400,
            cap in prop_oneof![0usize..20, Just(usize::MAX)],
        ) {
            let mut e: Vec<u64> = keys.iter().enumerate().map(|(d, &k)| entry(k, d as u32)).collect();
            e.sort_unstable();
            for k in keys.iter().copied().chain([probe]) {
                let want: Vec<u64> = e.iter().copied().filter(|&x| key_of(x) == k).collect();
                prop_assert_eq!(range_from(&e, k, Some(hint), usize::MAX), &want[..]);
                // Capped: the first `cap + 1` entries of a longer list, a shorter one whole.
                let capped = &want[..want.len().min(cap.saturating_add(1))];
                prop_assert_eq!(range_from(&e, k, Some(hint), cap), capped);
                prop_assert_eq!(first_from(&e, k, Some(hint)), e.partition_point(|&x| key_of(x) < k));
            }
        }
    }

    proptest! {
        /// Merging in place and merging many arrays at once give the sorted union.
        #[test]
        fn merges_give_the_sorted_union(
            parts in proptest::collection::vec(proptest::collection::btree_set(any::<u64>(), 0..40), 0..9),
        ) {
            // Distinct across parts, as postings of different documents are.
            let mut seen = std::collections::HashSet::new();
            let parts: Vec<Vec<u64>> =
                parts.into_iter().map(|p| p.into_iter().filter(|x| seen.insert(*x)).collect()).collect();
            let mut want: Vec<u64> = parts.iter().flatten().copied().collect();
            want.sort_unstable();
            let mut acc: Vec<u64> = Vec::new();
            for p in &parts {
                merge_into(&mut acc, p);
            }
            prop_assert_eq!(&acc, &want);
            let slices: Vec<&[u64]> = parts.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(merge_all(&slices), want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        /// Whatever the batches and merges, a store answers as a map of key to documents does,
        /// before and after reopening from its manifest.
        #[test]
        fn answers_as_a_map_does_across_merges_and_reopening(
            batches in proptest::collection::vec(proptest::collection::vec((0usize..40, 0u32..6), 0..30), 1..12),
            min_merge in 1usize..60,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("i.redb");
            let mut runs = Runs::open(&path, None, 2).unwrap();
            runs.set_min_merge(min_merge);
            // Keys on both sides of bucket boundaries, at the ends of the range, and in between.
            let keys: Vec<u32> = (0..40u32)
                .map(|i| match i % 4 {
                    0 => i,
                    1 => (i << 16).wrapping_sub(1),
                    2 => i << 16,
                    _ => u32::MAX - i,
                })
                .collect();
            let mut model: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            let mut next_doc = 0u32;
            let mut manifest = Manifest::default();
            for b in &batches {
                // Documents of a batch are numbered after every earlier one.
                let mut e: Vec<u64> = b.iter().map(|&(k, d)| entry(keys[k], next_doc + d)).collect();
                e.sort_unstable();
                e.dedup();
                for &x in &e {
                    model.entry(key_of(x)).or_default().push(doc_of(x));
                }
                next_doc += 6;
                // The other store gets some of them: the stores merge apart.
                let odd: Vec<u64> = e.iter().copied().filter(|&x| doc_of(x) % 2 == 1).collect();
                manifest = commit(&mut runs, &path, vec![e.clone(), odd]);
            }
            for v in model.values_mut() {
                v.sort_unstable();
            }
            let check = |runs: &Runs| {
                for k in keys.iter().copied().chain([7, 1 << 20, u32::MAX / 2]) {
                    let want = model.get(&k).cloned().unwrap_or_default();
                    let got: Vec<u32> = runs.get(0, k).collect();
                    assert_eq!(got, want, "key {k}");
                    assert_eq!(runs.count(0, k), want.len());
                }
                // All keys in one call, as the candidate stage asks (out of order, one twice): the
                // same lists, in the order asked.
                let probes: Vec<u32> =
                    keys.iter().rev().copied().chain([7, 1 << 20, u32::MAX / 2, keys[0]]).collect();
                let mut found = Vec::new();
                runs.lists_many(0, &probes, usize::MAX, &mut found);
                assert_eq!(found.len(), probes.len());
                for (&k, (base, delta)) in probes.iter().zip(&found) {
                    let got: Vec<u32> = base.iter().chain(*delta).map(|&e| doc_of(e)).collect();
                    assert_eq!(got, model.get(&k).cloned().unwrap_or_default(), "key {k} among many");
                }
                // Capped, as the candidate stage asks: a list longer than the cap is seen to be, and
                // its first `cap` documents are the list's.
                for cap in [0, 1, 2, 3] {
                    found.clear();
                    runs.lists_many(0, &probes, cap, &mut found);
                    for (&k, (base, delta)) in probes.iter().zip(&found) {
                        let want = model.get(&k).cloned().unwrap_or_default();
                        assert!(base.len() <= cap + 1 && delta.len() <= cap + 1, "key {k} cap {cap}");
                        assert_eq!(base.len() + delta.len() > cap, want.len() > cap, "key {k} cap {cap}");
                        let got: Vec<u32> = base.iter().chain(*delta).take(cap).map(|&e| doc_of(e)).collect();
                        assert_eq!(got, want[..want.len().min(cap)], "key {k} cap {cap}");
                    }
                }
            };
            check(&runs);
            let reopened = Runs::open(&path, Some(manifest), 2).unwrap();
            check(&reopened);
            assert!(reopened.stats().iter().all(|s| s.2));
        }
    }

    #[test]
    fn fences_find_keys_that_span_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        let mut runs = Runs::open(&path, None, 1).unwrap();
        runs.set_min_merge(0);
        // Key 7 fills more than two fence blocks; keys around it are single.
        let mut e: Vec<u64> = (0..3 * FENCE as u32).map(|d| entry(7, d)).collect();
        e.extend((0..FENCE as u32).map(|k| entry(1000 + k, 5)));
        e.insert(0, entry(3, 1));
        // Keys over the whole range (every bucket), many blocks of them: odd, so `k + 1` is absent.
        let spread: Vec<u32> = (0..8 * FENCE as u32).map(|i| i.wrapping_mul(2_654_435_761) | 1).collect();
        e.extend(spread.iter().map(|&k| entry(k, 9)));
        e.sort_unstable();
        e.dedup();
        commit(&mut runs, &path, vec![e]);
        assert!(runs.stores[0].base.is_some(), "merged into a base");
        assert_eq!(runs.count(0, 7), 3 * FENCE);
        assert_eq!(runs.get(0, 3).collect::<Vec<_>>(), vec![1]);
        assert_eq!(runs.count(0, 8), 0);
        assert_eq!(runs.count(0, 1000 + FENCE as u32 - 1), 1);
        assert_eq!(runs.count(0, u32::MAX), 0);
        for &k in &spread {
            assert_eq!(runs.get(0, k).collect::<Vec<_>>(), vec![9], "key {k:#x}");
            assert_eq!(runs.count(0, k.wrapping_add(1)), 0);
        }
    }

    #[test]
    fn files_no_manifest_names_are_removed_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        let mut runs = Runs::open(&path, None, 1).unwrap();
        let m = commit(&mut runs, &path, vec![vec![entry(1, 1), entry(2, 1)]]);
        // A write that never committed: its file is staged, then the process "dies" (leaked).
        let staged = runs.stage(&path, vec![vec![entry(9, 2)]], true).unwrap();
        let orphan = staged.written[0].clone();
        std::mem::forget(staged);
        assert!(orphan.exists());
        let reopened = Runs::open(&path, Some(m.clone()), 1).unwrap();
        assert!(!orphan.exists(), "an uncommitted file is deleted on open");
        assert_eq!(reopened.count(0, 9), 0);
        assert_eq!(reopened.count(0, 2), 1);
        // The committed file gone: opening names it.
        let named = Runs::dir_of(&path).join(format!("0-{:010}.run", m.stores[0].deltas[0]));
        std::fs::remove_file(&named).unwrap();
        let err = Runs::open(&path, Some(m), 1).err().expect("missing file");
        assert!(err.to_string().contains(&named.display().to_string()), "{err}");
    }

    #[test]
    fn files_of_commits_that_are_not_durable_are_synced_by_the_next_durable_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        let mut runs = Runs::open(&path, None, 1).unwrap();
        let mut files = Vec::new();
        for d in 1..=2 {
            let staged = runs.stage(&path, vec![vec![entry(d, d)]], false).unwrap();
            assert!(!staged.durable());
            files.push(staged.written[0].clone());
            runs.apply(&path, staged).unwrap();
        }
        assert_eq!(runs.unsynced, files);
        let staged = runs.stage(&path, vec![vec![entry(3, 3)]], true).unwrap();
        assert!(staged.durable());
        runs.apply(&path, staged).unwrap();
        assert!(runs.unsynced.is_empty());
        // A merge is durable whatever is asked.
        runs.set_min_merge(0);
        let staged = runs.stage(&path, vec![vec![entry(4, 4)]], false).unwrap();
        assert!(staged.durable());
        runs.apply(&path, staged).unwrap();
        assert_eq!(runs.count(0, 1) + runs.count(0, 4), 2);
        // A file lost before it could be synced: the durable commit fails and names it.
        runs.set_min_merge(usize::MAX);
        let staged = runs.stage(&path, vec![vec![entry(5, 5)]], false).unwrap();
        let lost = staged.written[0].clone();
        runs.apply(&path, staged).unwrap();
        std::fs::remove_file(&lost).unwrap();
        let err = runs.stage(&path, vec![vec![entry(6, 6)]], true).err().expect("a lost file");
        assert!(err.to_string().contains(&lost.display().to_string()), "{err}");
        let err = runs.sync_files(&path).expect_err("a lost file");
        assert!(err.to_string().contains(&lost.display().to_string()), "{err}");
    }

    #[test]
    fn a_damaged_file_fails_its_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        let mut runs = Runs::open(&path, None, 1).unwrap();
        let m = commit(&mut runs, &path, vec![vec![entry(1, 1), entry(2, 1), entry(3, 4)]]);
        let file = Runs::dir_of(&path).join(format!("0-{:010}.run", m.stores[0].deltas[0]));
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[HEADER + 3] ^= 0x40;
        std::fs::write(&file, &bytes).unwrap();
        let reopened = Runs::open(&path, Some(m.clone()), 1).unwrap();
        assert!(!reopened.stats()[0].2);
        // Cut short: the length no longer matches the header, which opening checks.
        std::fs::write(&file, &bytes[..bytes.len() - 8]).unwrap();
        let err = Runs::open(&path, Some(m), 1).err().expect("truncated");
        assert!(err.to_string().contains("does not match"), "{err}");
    }
}
