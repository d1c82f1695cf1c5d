//! Event terms for story grouping: each document's weighted terms and date, how many documents hold
//! each term (for IDF), and posting lists of the terms a document is found by.
use crate::error::IndexError;
use crate::store::Index;
use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A map keyed by document numbers. They are small and dense; foldhash spreads them for a fraction of
/// SipHash's cost (which was more than the B-tree reads in the story stage's candidate counts).
pub type NumMap<V> = HashMap<u64, V, foldhash::fast::FixedState>;

pub(crate) const EVENT_TERMS: TableDefinition<u64, &[u8]> = TableDefinition::new("event_terms");
pub(crate) const EVENT_DF: TableDefinition<u32, u64> = TableDefinition::new("event_df");
// Story postings are in the posting runs (store `EVENTS`), not in a table. In a B-tree keyed by
// term, then week, a batch's new postings landed all over the table, and each 4,096-document batch
// rewrote (copy-on-write) a large share of its leaves: about 100 MB a batch at a million documents,
// 45% of the bytes a 10k addition wrote, growing with the index. A run is written once and merged a
// handful of times over the index's life.
//
// Each document is posted twice a term: under the term and its week ([`week_key`]), which a dated
// query reads for the weeks its window spans (at a million documents a common name is on tens of
// thousands of pages, a few dozen in one fortnight), and under the term across all weeks, which an
// undated query reads. Undated documents' week is `UNDATED`, which every dated query reads too.

/// Width of the posting weeks in days. Fixed, not the story window: an index keeps its layout
/// whatever window a later scan asks for.
const POSTING_WEEK_DAYS: i64 = 7;
/// The week of undated documents, which every query reads.
const UNDATED: u32 = u32::MAX;
/// The "week" of a term's postings across all weeks, read by undated queries.
const ALL_WEEKS: u32 = u32::MAX - 1;

/// The week number of a day (days since 1970-01-01), kept clear of [`UNDATED`] and [`ALL_WEEKS`].
fn week(day: i64) -> u32 {
    (day.div_euclid(POSTING_WEEK_DAYS) + (1 << 31)).clamp(0, i64::from(ALL_WEEKS) - 1) as u32
}

/// The 32-bit posting key of a term in a week: a bijective 64-bit mix (splitmix64's finalizer) of
/// the pair, folded. Two pairs folding to one key (a lookup's odds are the keys in use over 2^32)
/// add a few documents to a list: the window check and the vectors' similarity drop them, as
/// verification drops the folded band keys' strays (the 1M corpus's output is the same either way).
pub(crate) fn week_key(term: u32, week: u32) -> u32 {
    let mut z = u64::from(term) << 32 | u64::from(week);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    crate::store::fold(z ^ (z >> 31))
}

/// What the story stage asks of the index for one document: its posted terms, and its day with the
/// window around it (`None`: undated, compared with documents of any date).
#[derive(Debug, Clone, Copy)]
pub struct EventQuery<'a> {
    pub terms: &'a [u32],
    pub day: Option<i64>,
    pub window_days: i64,
}

/// The posting keys a query reads for `term`: its window's weeks and the undated week, or the
/// term across all weeks for an undated query.
fn query_keys(q: &EventQuery<'_>, term: u32) -> impl Iterator<Item = u32> {
    let (weeks, undated) = match q.day {
        Some(day) => (week(day - q.window_days)..=week(day + q.window_days), Some(UNDATED)),
        None => (ALL_WEEKS..=ALL_WEEKS, None),
    };
    weeks.chain(undated).map(move |w| week_key(term, w))
}

/// The posting keys a batch's queries read, sorted and distinct, so that each is read once: a
/// batch's documents share many terms (its stories' names, the words of its week), and reading
/// each query's terms apart read the same lists once per query holding them, the largest part of
/// the story stage.
pub fn plan_event_reads(queries: &[EventQuery<'_>]) -> Vec<u32> {
    let mut keys: Vec<u32> = queries.iter().flat_map(|q| q.terms.iter().flat_map(move |&t| query_keys(q, t))).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The lists read for a batch's queries ([`Index::event_lists`] of [`plan_event_reads`]), from which
/// each query's candidates are counted in memory.
pub struct EventLists {
    lists: HashMap<u32, Vec<u32>, foldhash::fast::FixedState>,
}

impl EventLists {
    /// The lists of `keys`, `lists[i]` that of `keys[i]`.
    pub fn new(keys: &[u32], lists: Vec<Vec<u32>>) -> EventLists {
        EventLists { lists: keys.iter().copied().zip(lists).collect() }
    }

    /// What [`Index::event_candidates`] finds for `q`, from the lists read. A term is passed over
    /// when its window holds more than `max_posting` documents.
    pub fn candidates(&self, q: &EventQuery<'_>, max_posting: usize) -> NumMap<u32> {
        let mut found: Vec<&[u32]> = Vec::with_capacity(q.terms.len());
        let mut n = 0;
        let mut term_lists: Vec<&[u32]> = Vec::new();
        for &t in q.terms {
            term_lists.clear();
            term_lists.extend(query_keys(q, t).filter_map(|k| self.lists.get(&k)).map(Vec::as_slice));
            let len: usize = term_lists.iter().map(|l| l.len()).sum();
            if len <= max_posting {
                n += len;
                found.extend_from_slice(&term_lists);
            }
        }
        let mut hits: NumMap<u32> = NumMap::with_capacity_and_hasher(n, Default::default());
        for &d in found.into_iter().flatten() {
            *hits.entry(u64::from(d)).or_default() += 1;
        }
        hits
    }
}

/// `documents`: how many documents the frequencies count.
pub(crate) const EVENT_META: TableDefinition<&str, u64> = TableDefinition::new("event_meta");

/// What story grouping keeps of a document: its event vector and day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EventDoc {
    /// Days since 1970-01-01 of the publication date, if known.
    pub day: Option<i64>,
    /// Language (ISO 639-1), given or detected.
    pub lang: Option<String>,
    /// The unit-length event vector, weighted by inverse document frequency as known when the
    /// document was indexed: (term, weight in 1/65535), sorted by term.
    pub terms: Vec<(u32, u16)>,
    /// The terms the document is posted under (a subset of `terms`).
    pub postings: Vec<u32>,
    /// A copy of another document: its terms do not count in the document frequencies (a wire
    /// story republished a hundred times must not make its own words look common).
    pub copy: bool,
    /// Bit `i` (of byte `i / 8`) set: `terms[i]` is a name, a number or a month, what reports in two
    /// languages can share. A bitset, not a term list: a few dozen bytes a document.
    pub names: Vec<u8>,
}

impl EventDoc {
    /// The bitset of `names` (sorted terms) over `terms`.
    pub fn name_mask(terms: &[(u32, u16)], names: &[u32]) -> Vec<u8> {
        let mut m = vec![0u8; terms.len().div_ceil(8)];
        for (i, t) in terms.iter().enumerate() {
            if names.binary_search(&t.0).is_ok() {
                m[i / 8] |= 1 << (i % 8);
            }
        }
        m
    }

    /// Whether `terms[i]` is a name.
    pub fn is_name(&self, i: usize) -> bool {
        self.names.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
    }
}

type R<T> = Result<T, IndexError>;

impl Index {
    /// Number of documents and, for each term, how many indexed documents hold it.
    pub fn event_df(&self, terms: &[u32]) -> R<(u64, Vec<u64>)> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let df = tx.open_table(EVENT_DF).map_err(|e| self.err(e))?;
        let meta = tx.open_table(EVENT_META).map_err(|e| self.err(e))?;
        let n = meta.get("documents").map_err(|e| self.err(e))?.map_or(0, |v| v.value());
        let mut out = Vec::with_capacity(terms.len());
        for &t in terms {
            out.push(df.get(t).map_err(|e| self.err(e))?.map_or(0, |v| v.value()));
        }
        Ok((n, out))
    }

    /// For each query, the indexed documents sharing its terms, with the number shared. A dated
    /// query reads the weeks its window spans and the undated documents; an undated one reads every
    /// week. A term held by more than `max_posting` of the documents read is passed over: within a
    /// window that is a term of every story (a weekday, a wire's name). Each list is read once for
    /// all the queries ([`plan_event_reads`], [`Index::event_lists`], [`EventLists::candidates`]:
    /// the story stage calls the three itself, to spread the reads over its threads).
    pub fn event_candidates(&self, queries: &[EventQuery<'_>], max_posting: usize) -> R<Vec<NumMap<u32>>> {
        let plan = plan_event_reads(queries);
        let lists = EventLists::new(&plan, self.event_lists(&plan, max_posting)?);
        Ok(queries.iter().map(|q| lists.candidates(q, max_posting)).collect())
    }

    /// The documents posted under each of `keys` (from [`plan_event_reads`]), in its order; of a
    /// list longer than `cap`, enough to know it is (see `Runs::lists_many`).
    pub fn event_lists(&self, keys: &[u32], cap: usize) -> R<Vec<Vec<u32>>> {
        let runs = self.runs()?;
        let mut found = Vec::with_capacity(keys.len());
        runs.lists_many(crate::store::EVENTS, keys, cap, &mut found);
        Ok(found
            .into_iter()
            .map(|(base, delta)| base.iter().chain(delta).map(|&e| crate::runs::doc_of(e)).collect())
            .collect())
    }

    /// The stored event terms of documents (`None` for a number without them).
    pub fn event_docs(&self, nums: &[u64]) -> R<Vec<Option<EventDoc>>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let t = tx.open_table(EVENT_TERMS).map_err(|e| self.err(e))?;
        nums.iter()
            .map(|&n| {
                let Some(v) = t.get(n).map_err(|e| self.err(e))? else { return Ok(None) };
                postcard::from_bytes(v.value()).map(Some).map_err(|e| IndexError::Corrupt {
                    path: self.path.clone(),
                    what: format!("event terms of doc {n}"),
                    detail: e.to_string(),
                })
            })
            .collect()
    }
}

impl Index {
    pub(crate) fn create_event_tables(&self, tx: &WriteTransaction) -> R<()> {
        tx.open_table(EVENT_TERMS).map_err(|e| self.err(e))?;
        tx.open_table(EVENT_DF).map_err(|e| self.err(e))?;
        tx.open_table(EVENT_META).map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Add the event terms of newly numbered documents, inside the batch's transaction. Returns
    /// their postings (run entries: see [`week_key`]), unsorted, which the caller stages in the
    /// posting runs with the batch's other postings.
    pub(crate) fn write_events(&self, tx: &WriteTransaction, docs: &[(u32, &EventDoc)]) -> R<Vec<u64>> {
        let mut terms = tx.open_table(EVENT_TERMS).map_err(|e| self.err(e))?;
        let mut df = tx.open_table(EVENT_DF).map_err(|e| self.err(e))?;
        let mut counts: HashMap<u32, u64> = HashMap::new();
        let mut counted = 0;
        let mut rows: Vec<u64> = Vec::new();
        for &(n, ev) in docs {
            let bytes = postcard::to_allocvec(ev).map_err(|e| IndexError::Corrupt {
                path: self.path.clone(),
                what: format!("event terms of doc {n}"),
                detail: e.to_string(),
            })?;
            terms.insert(u64::from(n), bytes.as_slice()).map_err(|e| self.err(e))?;
            if !ev.copy {
                counted += 1;
                // Word pairs (top bit) weigh as rare terms and are not counted.
                for &(t, _) in ev.terms.iter().filter(|t| t.0 >> 31 == 0) {
                    *counts.entry(t).or_default() += 1;
                }
            }
            let w = ev.day.map_or(UNDATED, week);
            for &t in &ev.postings {
                rows.push(crate::runs::entry(week_key(t, w), n));
                rows.push(crate::runs::entry(week_key(t, ALL_WEEKS), n));
            }
        }
        // One read-modify-write a term per batch rather than per document.
        let mut keys: Vec<(u32, u64)> = counts.into_iter().collect();
        keys.sort_unstable();
        for (t, c) in keys {
            let old = df.get(t).map_err(|e| self.err(e))?.map_or(0, |v| v.value());
            df.insert(t, old + c).map_err(|e| self.err(e))?;
        }
        let mut meta = tx.open_table(EVENT_META).map_err(|e| self.err(e))?;
        let old = meta.get("documents").map_err(|e| self.err(e))?.map_or(0, |v| v.value());
        meta.insert("documents", old + counted).map_err(|e| self.err(e))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Batch, DocRecord, EventDoc, EventQuery, Index, NewDoc};

    fn doc(id: &str, terms: &[u32], postings: &[u32]) -> NewDoc {
        NewDoc {
            record: DocRecord::new(id.into(), id, None, None, None, None, 1, vec![]),
            strong_anchors: 0,
            band_keys: vec![],
            anchors: vec![],
            event: Some(EventDoc {
                day: Some(17_000),
                lang: None,
                terms: terms.iter().map(|&t| (t, 16)).collect(),
                postings: postings.to_vec(),
                copy: id == "c",
                names: vec![],
            }),
        }
    }

    #[test]
    fn frequencies_postings_and_terms_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        {
            let ix = Index::open(&path, "p").unwrap();
            ix.write(Batch {
                docs: vec![doc("a", &[1, 2, 3], &[1, 2]), doc("b", &[2, 3, 4], &[2, 3]), doc("c", &[2, 9], &[])],
                links: vec![],
            })
            .unwrap();
            // A re-written id keeps its first terms and does not count twice.
            ix.write(Batch { docs: vec![doc("a", &[1, 2, 3], &[1, 2])], links: vec![] }).unwrap();
        }
        let ix = Index::open(&path, "p").unwrap();
        // Two postings a posted term of a new document (its week, all weeks); every document's terms.
        let stats = ix.check().unwrap();
        assert_eq!(stats.tables["event_postings"].entries, 8);
        assert_eq!(stats.tables["event_terms"].entries, 3);
        // The copy "c" counts neither as a document nor in its terms' frequencies.
        let (n, df) = ix.event_df(&[1, 2, 3, 4, 5, 9]).unwrap();
        assert_eq!(n, 2);
        assert_eq!(df, vec![1, 2, 2, 1, 0, 0]);
        let q = |terms: &'static [u32], day| EventQuery { terms, day, window_days: 7 };
        let c = ix.event_candidates(&[q(&[2, 3], Some(17_000))], 10).unwrap();
        assert_eq!(c[0].get(&0), Some(&1));
        assert_eq!(c[0].get(&1), Some(&2));
        // A posting list over the cap is passed over.
        let c = ix.event_candidates(&[q(&[2, 3], Some(17_000))], 1).unwrap();
        assert_eq!(c[0].get(&1), Some(&1));
        let docs = ix.event_docs(&[1, 7]).unwrap();
        assert!(!docs[0].as_ref().unwrap().copy);
        assert_eq!(docs[0].as_ref().unwrap().terms, vec![(2, 16), (3, 16), (4, 16)]);
        assert!(docs[1].is_none());
    }

    #[test]
    fn a_dated_query_reads_the_weeks_of_its_window_and_the_undated() {
        let dir = tempfile::tempdir().unwrap();
        let ix = Index::open(&dir.path().join("i.redb"), "p").unwrap();
        let dated = |id: &str, day: Option<i64>| {
            let mut d = doc(id, &[5], &[5]);
            d.event.as_mut().unwrap().day = day;
            d
        };
        // Numbers 0..=5 in this order; 17_003 and 16_996 sit in the weeks beside 17_000's.
        let days = [Some(17_000), Some(17_003), Some(16_996), Some(17_020), None, Some(-3)];
        let docs = ["a", "b", "c", "d", "e", "f"].iter().zip(days).map(|(id, day)| dated(id, day)).collect();
        ix.write(Batch { docs, links: vec![] }).unwrap();
        let found = |day: Option<i64>, window_days: i64, cap: usize| {
            let c = ix.event_candidates(&[EventQuery { terms: &[5], day, window_days }], cap).unwrap();
            let mut k: Vec<u64> = c[0].keys().copied().collect();
            k.sort_unstable();
            k
        };
        // Whole weeks are read: the window is a lower bound on what comes back (`within_window` cuts).
        assert_eq!(found(Some(17_000), 7, 100), vec![0, 1, 2, 4]);
        assert_eq!(found(Some(17_000), 30, 100), vec![0, 1, 2, 3, 4]);
        assert_eq!(found(Some(-1), 0, 100), vec![4, 5]);
        assert_eq!(found(None, 7, 100), vec![0, 1, 2, 3, 4, 5]);
        // The cap is on the documents read, the window's: a term common elsewhere still counts here.
        assert_eq!(found(Some(17_020), 1, 2), vec![3, 4]);
        assert!(found(Some(17_000), 7, 3).is_empty());
        assert!(found(None, 7, 5).is_empty());
    }

    #[test]
    fn a_week_written_by_several_batches_reads_as_one_list() {
        let dir = tempfile::tempdir().unwrap();
        let ix = Index::open(&dir.path().join("i.redb"), "p").unwrap();
        // Three batches post term 5 in the same week (and term 6 once): one value each.
        for ids in [&["a", "b"][..], &["c"], &["d", "e"]] {
            let docs = ids.iter().map(|id| doc(id, &[5, 6], if *id == "b" { &[5, 6] } else { &[5] })).collect();
            ix.write(Batch { docs, links: vec![] }).unwrap();
        }
        let q = |terms: &'static [u32]| EventQuery { terms, day: Some(17_000), window_days: 7 };
        let c = ix.event_candidates(&[q(&[5, 6])], 100).unwrap();
        let mut got: Vec<(u64, u32)> = c[0].iter().map(|(&k, &v)| (k, v)).collect();
        got.sort_unstable();
        assert_eq!(got, vec![(0, 1), (1, 2), (2, 1), (3, 1), (4, 1)]);
        // The cap counts the documents of all the values read: 5 of term 5 is over 4.
        let c = ix.event_candidates(&[q(&[5, 6])], 4).unwrap();
        assert_eq!(c[0].len(), 1);
        assert_eq!(c[0].get(&1), Some(&1));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Counting from the lists read once for a batch finds, for each query, what the written
        /// documents say it should: each term's documents in the query's weeks (all, for an undated
        /// query) and the undated ones, unless they are more than the cap.
        #[test]
        fn lists_read_for_a_batch_count_the_documents_of_each_querys_window(
            batches in proptest::collection::vec(
                proptest::collection::vec((proptest::option::weighted(0.8, 16_990i64..17_040), proptest::collection::vec(0u32..6, 0..4)), 1..8),
                1..4),
            queries in proptest::collection::vec(
                (proptest::option::weighted(0.8, 16_980i64..17_050), 0i64..20, proptest::collection::btree_set(0u32..7, 0..4)),
                1..12),
            cap in 1usize..12,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let ix = Index::open(&dir.path().join("i.redb"), "p").unwrap();
            // Every written document: its number (given in order from 0), day and posted terms.
            let mut written: Vec<(u64, Option<i64>, Vec<u32>)> = Vec::new();
            for b in batches {
                let docs = b.into_iter().map(|(day, mut post)| {
                    post.sort_unstable();
                    post.dedup();
                    let n = written.len() as u64;
                    written.push((n, day, post.clone()));
                    let mut d = doc(&format!("d{n}"), &post, &post);
                    d.event.as_mut().unwrap().day = day;
                    d
                }).collect();
                ix.write(Batch { docs, links: vec![] }).unwrap();
            }
            let terms: Vec<Vec<u32>> = queries.iter().map(|q| q.2.iter().copied().collect()).collect();
            let qs: Vec<EventQuery<'_>> = queries.iter().zip(&terms)
                .map(|(q, t)| EventQuery { terms: t, day: q.0, window_days: q.1 }).collect();
            let plan = crate::plan_event_reads(&qs);
            // Split the plan as the story stage's chunks do.
            let mut lists = Vec::new();
            for c in plan.chunks(2) {
                lists.extend(ix.event_lists(c, cap).unwrap());
            }
            let lists = crate::EventLists::new(&plan, lists);
            let sorted = |m: crate::NumMap<u32>| { let mut v: Vec<_> = m.into_iter().collect(); v.sort_unstable(); v };
            let whole = ix.event_candidates(&qs, cap).unwrap();
            for (q, got) in qs.iter().zip(whole) {
                let in_window = |day: Option<i64>| match (q.day, day) {
                    (Some(qd), Some(d)) => (super::week(qd - q.window_days)..=super::week(qd + q.window_days)).contains(&super::week(d)),
                    _ => true,
                };
                let mut want: std::collections::BTreeMap<u64, u32> = Default::default();
                for t in q.terms {
                    let docs: Vec<u64> = written.iter()
                        .filter(|(_, day, post)| post.contains(t) && in_window(*day))
                        .map(|w| w.0).collect();
                    if docs.len() <= cap {
                        for d in docs {
                            *want.entry(d).or_default() += 1;
                        }
                    }
                }
                let want: Vec<(u64, u32)> = want.into_iter().collect();
                proptest::prop_assert_eq!(&sorted(lists.candidates(q, cap)), &want);
                proptest::prop_assert_eq!(&sorted(got), &want);
            }
        }
    }

    #[test]
    fn a_batch_reads_each_key_once() {
        let q = |terms: &'static [u32], day: Option<i64>| EventQuery { terms, day, window_days: 7 };
        // Days 17_000 and 17_003 share their weeks; 17_100 is weeks away; undated reads all weeks.
        let plan = crate::plan_event_reads(&[
            q(&[1, 2], Some(17_000)),
            q(&[2], Some(17_003)),
            q(&[2], Some(17_100)),
            q(&[3], None),
        ]);
        let (w, k) = (super::week, super::week_key);
        let mut want: Vec<u32> = (w(16_993)..=w(17_007)).map(|x| k(1, x)).collect();
        want.extend((w(16_993)..=w(17_010)).chain(w(17_093)..=w(17_107)).map(|x| k(2, x)));
        want.extend([k(1, super::UNDATED), k(2, super::UNDATED), k(3, super::ALL_WEEKS)]);
        want.sort_unstable();
        assert_eq!(plan, want);
    }

    #[test]
    fn name_mask_marks_the_names_among_the_terms() {
        let terms = [(3, 1), (5, 1), (8, 1), (9, 1), (10, 1), (11, 1), (12, 1), (13, 1), (20, 1)];
        let e =
            EventDoc { names: EventDoc::name_mask(&terms, &[5, 20, 21]), terms: terms.to_vec(), ..Default::default() };
        assert_eq!(e.names.len(), 2);
        let marked: Vec<usize> = (0..terms.len()).filter(|&i| e.is_name(i)).collect();
        assert_eq!(marked, vec![1, 8]);
        // Past the mask: no name.
        assert!(!e.is_name(64));
    }
}
