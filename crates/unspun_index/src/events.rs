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
/// Posting lists by term and week: the key is `(term << 32 | week, first document of the batch)`
/// ([`week_key`]) and the value the batch's documents under that term and week, as little-endian
/// `u32`s in ascending order. A term's weeks are neighbours in the tree, so a dated document reads
/// only the weeks its date window spans; at a million documents a common name is on tens of
/// thousands of pages, of which a few dozen fall in one fortnight, and lists keyed by the term alone
/// grew with the index. One value a batch, not one entry a document: reading a multimap's entries
/// one by one was a fifth of the CPU time of adding 10k documents to a 1M index, and documents
/// mostly arrive in date order, so a week's list is one or two values.
pub(crate) const EVENT_POSTINGS: TableDefinition<(u64, u64), &[u8]> =
    TableDefinition::new("event_postings_by_week_batch");

/// Width of the posting weeks in days. Fixed, not the story window: an index keeps its layout
/// whatever window a later scan asks for.
const POSTING_WEEK_DAYS: i64 = 7;
/// The week of undated documents, which every query reads.
const UNDATED: u32 = u32::MAX;

/// The week number of a day (days since 1970-01-01), kept clear of [`UNDATED`].
fn week(day: i64) -> u32 {
    (day.div_euclid(POSTING_WEEK_DAYS) + (1 << 31)).clamp(0, i64::from(UNDATED) - 1) as u32
}

fn week_key(term: u32, week: u32) -> u64 {
    u64::from(term) << 32 | u64::from(week)
}

/// What the story stage asks of the index for one document: its posted terms, and its day with the
/// window around it (`None`: undated, compared with documents of any date).
#[derive(Debug, Clone, Copy)]
pub struct EventQuery<'a> {
    pub terms: &'a [u32],
    pub day: Option<i64>,
    pub window_days: i64,
}
/// The weeks a query reads: those of its window, or every week for an undated query (the undated
/// week is read by every query besides).
fn query_weeks(q: &EventQuery<'_>) -> (u32, u32) {
    match q.day {
        Some(day) => (week(day - q.window_days), week(day + q.window_days)),
        None => (0, UNDATED),
    }
}

/// What a batch's queries read of one term: the union of their weeks, as disjoint ascending
/// intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermWeeks {
    pub term: u32,
    pub weeks: Vec<(u32, u32)>,
}

/// The reads of a batch's queries, one a term: a batch's documents share many terms (its stories'
/// names, the words of its week), and each query reading each of its terms was one B-tree descent
/// and one read of the same values per query and term, the largest part of the story stage. Dated
/// batches, as crawls mostly come, read one interval of a few weeks a term. An undated query reads
/// its terms' every week, whole: read query by query it stopped once a term passed the cap.
pub fn plan_event_reads(queries: &[EventQuery<'_>]) -> Vec<TermWeeks> {
    let mut reads: Vec<(u32, u32, u32)> = queries
        .iter()
        .flat_map(|q| {
            let (lo, hi) = query_weeks(q);
            q.terms.iter().map(move |&t| (t, lo, hi))
        })
        .collect();
    reads.sort_unstable();
    let mut out: Vec<TermWeeks> = Vec::new();
    for (t, lo, hi) in reads {
        match out.last_mut() {
            Some(p) if p.term == t => {
                let last = p.weeks.last_mut().expect("a term's first read opened it");
                if lo <= last.1.saturating_add(1) {
                    last.1 = last.1.max(hi);
                } else {
                    p.weeks.push((lo, hi));
                }
            }
            _ => out.push(TermWeeks { term: t, weeks: vec![(lo, hi)] }),
        }
    }
    out
}

/// One term's documents over the weeks read, week by week in ascending order.
#[derive(Debug, Clone, Default)]
pub struct WeekLists {
    /// Each week read and the end of its documents in `docs`; a week written by several batches
    /// appears once a batch.
    weeks: Vec<(u32, u32)>,
    docs: Vec<u32>,
}

impl WeekLists {
    fn push(&mut self, week: u32, bytes: &[u8]) {
        self.docs.extend(bytes.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes"))));
        self.weeks.push((week, self.docs.len() as u32));
    }

    /// The documents of weeks `lo..=hi`, and of the undated week if that is not among them.
    fn window(&self, lo: u32, hi: u32) -> (&[u32], &[u32]) {
        let end_before = |w: u32| {
            let i = self.weeks.partition_point(|x| x.0 < w);
            if i == 0 {
                0
            } else {
                self.weeks[i - 1].1 as usize
            }
        };
        if hi == UNDATED {
            return (&self.docs[end_before(lo)..], &[]);
        }
        (&self.docs[end_before(lo)..end_before(hi + 1)], &self.docs[end_before(UNDATED)..])
    }
}

/// The lists read for a batch's queries ([`Index::event_lists`] of [`plan_event_reads`]), from which
/// each query's candidates are counted in memory.
pub struct EventLists {
    terms: HashMap<u32, WeekLists, foldhash::fast::FixedState>,
}

impl EventLists {
    /// The lists of `plan`'s terms, `lists[i]` those of `plan[i]`.
    pub fn new(plan: &[TermWeeks], lists: Vec<WeekLists>) -> EventLists {
        EventLists { terms: plan.iter().map(|p| p.term).zip(lists).collect() }
    }

    /// What [`Index::event_candidates`] finds for `q`, from the lists read. A term is passed over
    /// when its window holds more than `max_posting` documents.
    pub fn candidates(&self, q: &EventQuery<'_>, max_posting: usize) -> NumMap<u32> {
        let (lo, hi) = query_weeks(q);
        let mut found: Vec<(&[u32], &[u32])> = Vec::with_capacity(q.terms.len());
        let mut n = 0;
        for t in q.terms {
            let Some(l) = self.terms.get(t) else { continue };
            let (w, u) = l.window(lo, hi);
            if w.len() + u.len() <= max_posting {
                n += w.len() + u.len();
                found.push((w, u));
            }
        }
        let mut hits: NumMap<u32> = NumMap::with_capacity_and_hasher(n, Default::default());
        for (w, u) in found {
            for &d in w.iter().chain(u) {
                *hits.entry(u64::from(d)).or_default() += 1;
            }
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
    /// window that is a term of every story (a weekday, a wire's name). Each term is read once for
    /// all the queries ([`plan_event_reads`], [`Index::event_lists`], [`EventLists::candidates`]:
    /// the story stage calls the three itself, to spread the reads over its threads).
    pub fn event_candidates(&self, queries: &[EventQuery<'_>], max_posting: usize) -> R<Vec<NumMap<u32>>> {
        let plan = plan_event_reads(queries);
        let lists = EventLists::new(&plan, self.event_lists(&plan)?);
        Ok(queries.iter().map(|q| lists.candidates(q, max_posting)).collect())
    }

    /// The posting lists of each planned term over its planned weeks and the undated week (see
    /// [`plan_event_reads`]), in the order of `plan`.
    pub fn event_lists(&self, plan: &[TermWeeks]) -> R<Vec<WeekLists>> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let post = tx.open_table(EVENT_POSTINGS).map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(plan.len());
        for p in plan {
            let mut lists = WeekLists::default();
            let t = p.term;
            let mut read = |lo: u32, hi: u32| -> R<()> {
                let range = post.range((week_key(t, lo), 0)..=(week_key(t, hi), u64::MAX)).map_err(|e| self.err(e))?;
                for row in range {
                    let (k, v) = row.map_err(|e| self.err(e))?;
                    let bytes = v.value();
                    if bytes.len() % 4 != 0 {
                        return Err(IndexError::Corrupt {
                            path: self.path.clone(),
                            what: format!("story postings of term {t}"),
                            detail: format!("a value of {} bytes is not a list of u32s", bytes.len()),
                        });
                    }
                    lists.push(k.value().0 as u32, bytes);
                }
                Ok(())
            };
            for &(lo, hi) in &p.weeks {
                read(lo, hi)?;
            }
            if !matches!(p.weeks.last(), Some(w) if w.1 == UNDATED) {
                read(UNDATED, UNDATED)?;
            }
            out.push(lists);
        }
        Ok(out)
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
        tx.open_table(EVENT_POSTINGS).map_err(|e| self.err(e))?;
        tx.open_table(EVENT_META).map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Add the event terms of newly numbered documents, inside the batch's transaction.
    pub(crate) fn write_events(&self, tx: &WriteTransaction, docs: &[(u64, &EventDoc)]) -> R<()> {
        let mut terms = tx.open_table(EVENT_TERMS).map_err(|e| self.err(e))?;
        let mut df = tx.open_table(EVENT_DF).map_err(|e| self.err(e))?;
        let mut post = tx.open_table(EVENT_POSTINGS).map_err(|e| self.err(e))?;
        let mut counts: HashMap<u32, u64> = HashMap::new();
        let mut counted = 0;
        let mut rows: Vec<(u64, u64)> = Vec::new();
        for &(n, ev) in docs {
            let bytes = postcard::to_allocvec(ev).map_err(|e| IndexError::Corrupt {
                path: self.path.clone(),
                what: format!("event terms of doc {n}"),
                detail: e.to_string(),
            })?;
            terms.insert(n, bytes.as_slice()).map_err(|e| self.err(e))?;
            if !ev.copy {
                counted += 1;
                // Word pairs (top bit) weigh as rare terms and are not counted.
                for &(t, _) in ev.terms.iter().filter(|t| t.0 >> 31 == 0) {
                    *counts.entry(t).or_default() += 1;
                }
            }
            let w = ev.day.map_or(UNDATED, week);
            rows.extend(ev.postings.iter().map(|&t| (week_key(t, w), n)));
        }
        // One value per term and week, in key order: each posting page is visited once a batch.
        rows.sort_unstable();
        let mut bytes: Vec<u8> = Vec::new();
        for group in rows.chunk_by(|a, b| a.0 == b.0) {
            bytes.clear();
            for &(_, n) in group {
                let n = u32::try_from(n).map_err(|_| IndexError::Corrupt {
                    path: self.path.clone(),
                    what: format!("event postings of doc {n}"),
                    detail: "document numbers past 2^32 are not supported".into(),
                })?;
                bytes.extend_from_slice(&n.to_le_bytes());
            }
            post.insert((group[0].0, group[0].1), bytes.as_slice()).map_err(|e| self.err(e))?;
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
        Ok(())
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
        // One posting value a term and week of the batch (terms 1, 2 and 3); every document's terms.
        let stats = ix.check().unwrap();
        assert_eq!(stats.tables["event_postings"].entries, 3);
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
                lists.extend(ix.event_lists(c).unwrap());
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
    fn a_batch_reads_each_term_once_over_the_union_of_its_weeks() {
        let q = |terms: &'static [u32], day: Option<i64>| EventQuery { terms, day, window_days: 7 };
        // Days 17_000 and 17_003 share their weeks; 17_100 is weeks away; undated reads all.
        let plan = crate::plan_event_reads(&[
            q(&[1, 2], Some(17_000)),
            q(&[2], Some(17_003)),
            q(&[2], Some(17_100)),
            q(&[3], None),
        ]);
        let w = |d: i64| super::week(d);
        assert_eq!(
            plan,
            vec![
                crate::TermWeeks { term: 1, weeks: vec![(w(16_993), w(17_007))] },
                crate::TermWeeks { term: 2, weeks: vec![(w(16_993), w(17_010)), (w(17_093), w(17_107))] },
                crate::TermWeeks { term: 3, weeks: vec![(0, super::UNDATED)] },
            ]
        );
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
