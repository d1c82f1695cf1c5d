//! The story stage of a scan batch: weigh each new document's event terms by the document
//! frequencies of the index plus the batch, find the documents that share its posted terms (in the
//! batch and in the index), and link those whose event vectors are close enough and whose dates
//! allow one event. Pairs that verification found sharing a verbatim passage, without being copies,
//! need less (`StoryParams::shared_text`).
//!
//! A document's event vector is weighted once, with the frequencies known when it is indexed, and
//! stored so; later documents are compared with it as stored. That is one way in which scanning
//! A then B can differ from scanning A+B: a pair close to the threshold may fall on the other side
//! when A's vectors were weighted without B's frequencies. The other: a new document is verified
//! against at most 24 indexed ones, so a pair sharing a passage that a single scan verifies within
//! its batch may go unverified against the index and be held to the full threshold.
use crate::prepare::Prepared;
use rayon::prelude::*;
use std::collections::HashMap;
use unspun_cluster::story::{dot, idf, pick_candidates, weigh, within_window};
use unspun_cluster::{DateKey, StoryParams};
use unspun_fingerprint::HashMapH;
use unspun_fingerprint::{is_pair, posting_terms, Term};
use unspun_index::{DocRef, EventDoc, EventLists, EventQuery, Index, IndexError};

/// What the story stage adds for a batch: the event records to store and the story links found.
pub(crate) struct StoryBatch {
    /// Per document of the batch, copies included (marked, so the index does not count them).
    pub events: Vec<EventDoc>,
    /// (new document, other document, cosine); the other is in the batch or in the index.
    pub links: Vec<(DocRef, DocRef, f32)>,
}

const Q: f32 = 65535.0;

/// Where the story stage reads the index (see `io_pool`): postings, and stored vectors.
static STORY_QUERIES: crate::io_pool::Site = crate::io_pool::Site::new();
static STORY_VECTORS: crate::io_pool::Site = crate::io_pool::Site::new();

/// A unit-length event vector, sorted by term.
type Vector = Vec<(Term, f32)>;

fn quantize(v: &[(Term, f32)]) -> Vec<(Term, u16)> {
    v.iter().map(|&(t, w)| (t, (w * Q).round().clamp(0.0, Q) as u16)).filter(|x| x.1 > 0).collect()
}

fn dequantize(v: &[(Term, u16)]) -> Vec<(Term, f32)> {
    v.iter().map(|&(t, w)| (t, w as f32 / Q)).collect()
}

/// What a document is compared by: its whole event vector, and the part two languages can share
/// (names, numbers, months), normalised on its own.
struct Vectors {
    all: Probed,
    names: Vector,
}

/// A vector (sorted by term), with a map of its terms' weights for the documents of the batch. A
/// document is compared with up to a hundred others; a merge of two vectors waits at every step on
/// the last comparison, while looking one vector's terms up in the other's map makes independent
/// lookups. Indexed documents are compared once or twice each and go without a map (building it
/// cost more than the comparisons): their terms are looked up in the batch document's. The products
/// are summed over the shared terms in ascending term order whichever side is walked, so the result
/// is the merge's to the bit.
struct Probed {
    v: Vector,
    weights: Option<Weights>,
}

/// A batch document's term weights, behind a 4096-bit filter of its terms: most terms of a compared
/// document are not in it (two reports of one event share a fraction of their terms), and a bit test
/// is cheaper than a failed lookup in the map.
struct Weights {
    map: HashMapH<Term, f32>,
    filter: Box<[u64; 64]>,
}

/// A term's word and bit in the filter. Terms are hashes: their low 12 bits are as good as any.
fn filter_bit(t: Term) -> (usize, u64) {
    ((t as usize >> 6) & 63, 1 << (t & 63))
}

impl Weights {
    fn get(&self, t: Term) -> Option<f32> {
        let (word, bit) = filter_bit(t);
        if self.filter[word] & bit == 0 {
            return None;
        }
        self.map.get(&t).copied()
    }
}

impl Probed {
    fn new(v: Vector) -> Probed {
        let mut filter = Box::new([0u64; 64]);
        for &(t, _) in &v {
            let (word, bit) = filter_bit(t);
            filter[word] |= bit;
        }
        let weights = Some(Weights { map: v.iter().copied().collect(), filter });
        Probed { v, weights }
    }

    fn bare(v: Vector) -> Probed {
        Probed { v, weights: None }
    }
}

/// [`dot`] of two vectors, one of which at least has its map.
fn dot_probed(a: &Probed, b: &Probed) -> f32 {
    let (walk, weights) = match (&a.weights, &b.weights) {
        (Some(wa), Some(wb)) => {
            if a.v.len() <= b.v.len() {
                (&a.v, wb)
            } else {
                (&b.v, wa)
            }
        }
        (None, Some(wb)) => (&a.v, wb),
        (Some(wa), None) => (&b.v, wa),
        (None, None) => return dot(&a.v, &b.v),
    };
    let mut s = 0.0;
    for &(t, w) in walk {
        if let Some(x) = weights.get(t) {
            s += w * x;
        }
    }
    s
}

impl Vectors {
    fn of(e: &EventDoc) -> Vectors {
        Self::with(e, Probed::new)
    }

    /// An indexed document's vectors: no map (see [`Probed`]).
    fn stored(e: &EventDoc) -> Vectors {
        Self::with(e, Probed::bare)
    }

    fn with(e: &EventDoc, probed: impl FnOnce(Vector) -> Probed) -> Vectors {
        let all = dequantize(&e.terms);
        let mut names: Vector = all.iter().enumerate().filter(|(i, _)| e.is_name(*i)).map(|(_, x)| *x).collect();
        let norm = names.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut names {
                x.1 /= norm;
            }
        }
        Vectors { all: probed(all), names }
    }
}

/// The similarity of two documents and the bar it must clear. Within a language, the cosine of the
/// whole vectors; across languages the words are not comparable, so the cosine of the names alone,
/// whose weight within each document is what it is whatever the language of the rest.
fn similarity(p: &StoryParams, a: (&Vectors, &Option<String>), b: (&Vectors, &Option<String>)) -> (f32, f32) {
    if cross(a.1, b.1) {
        (dot(&a.0.names, &b.0.names), p.threshold * p.cross_language)
    } else {
        (dot_probed(&a.0.all, &b.0.all), p.threshold)
    }
}

/// Two documents in different (known) languages share only names and numbers: their cosine is
/// held to a lower bar.
fn cross(a: &Option<String>, b: &Option<String>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

fn day_key(day: Option<i64>) -> Option<DateKey> {
    day.map(|day| DateKey { day, second: None })
}

/// Story links of a batch. Documents marked in `copies` (copies of a document of the batch or of
/// the index) are compared like the others (an excerpt may cover another part of the event), but
/// their terms do not count in the document frequencies: a wire story republished a hundred times
/// must not make its own words look common.
pub(crate) fn story_batch(
    p: &StoryParams,
    index: Option<&Index>,
    batch: &[&Prepared],
    copies: &[bool],
    shares_text: &(dyn Fn(DocRef, DocRef) -> bool + Sync),
) -> Result<StoryBatch, IndexError> {
    // Whether two documents at similarity `s` against the bar `th` make one story.
    let linked = |a: DocRef, b: DocRef, (s, th): (f32, f32), va: &Vectors, vb: &Vectors| {
        s >= th || (shares_text(a, b) && s >= th * p.shared_text && dot(&va.names, &vb.names) >= p.shared_text_names)
    };
    // Document frequencies: the index's, plus this batch's.
    // Keyed by term hashes: no need to hash them again (a batch counts millions of terms).
    let mut df: HashMapH<Term, u64> = HashMapH::default();
    for (i, prep) in batch.iter().enumerate() {
        for &(t, _) in prep.event.terms.iter().filter(|t| !is_pair(t.0)) {
            *df.entry(t).or_default() += u64::from(!copies[i]);
        }
    }
    let mut n = copies.iter().filter(|c| !**c).count() as u64;
    if let Some(index) = index {
        let mut terms: Vec<Term> = df.keys().copied().collect();
        terms.sort_unstable();
        // Tens of thousands of B-tree reads a batch: on every core, a read transaction each (the
        // previous batch's write has committed, so they all read one state).
        let (n_idx, _) = index.event_df(&[])?;
        n += n_idx;
        let counts: Vec<Vec<u64>> =
            terms.par_chunks(4096).map(|c| index.event_df(c).map(|r| r.1)).collect::<Result<_, _>>()?;
        for (t, c) in terms.into_iter().zip(counts.into_iter().flatten()) {
            *df.get_mut(&t).expect("term of the batch") += c;
        }
    }
    let events: Vec<EventDoc> = (0..batch.len())
        .into_par_iter()
        .map(|i| {
            let ev = &batch[i].event;
            let terms =
                quantize(&weigh(&ev.terms, |t| idf(n, if is_pair(t) { 1 } else { df.get(&t).copied().unwrap_or(0) })));
            EventDoc {
                copy: copies[i],
                day: batch[i].date.map(|d| d.day),
                lang: batch[i].lang.clone(),
                names: EventDoc::name_mask(&terms, &ev.names),
                terms,
                postings: posting_terms(&ev.terms, p.posting_terms),
            }
        })
        .collect();
    let vectors: Vec<Vectors> = events.par_iter().map(Vectors::of).collect();

    // In-batch candidates: each pair is counted once, from its lower index.
    let mut lists: HashMapH<Term, Vec<u32>> = HashMapH::default();
    for (i, e) in events.iter().enumerate() {
        for &t in &e.postings {
            lists.entry(t).or_default().push(i as u32);
        }
    }
    // Shared posting terms counted in a dense array per worker, reset through the list of the
    // documents touched: a hash map a document grew and rehashed for every one of them.
    let in_batch: Vec<Vec<usize>> = (0..events.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; events.len()], Vec::<u32>::new()),
            |(counts, touched), i| {
                for t in &events[i].postings {
                    let l = &lists[t];
                    if l.len() > p.max_posting {
                        continue;
                    }
                    for &j in l.iter().filter(|&&j| j as usize > i) {
                        let c = &mut counts[j as usize];
                        if *c == 0 {
                            touched.push(j);
                        }
                        *c += 1;
                    }
                }
                let found = touched.drain(..).map(|j| (j, std::mem::take(&mut counts[j as usize])));
                pick_candidates(found, p).into_iter().map(|j| j as usize).collect()
            },
        )
        .collect();

    let mut links: Vec<(DocRef, DocRef, f32)> = in_batch
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, js)| {
            let (vectors, events) = (&vectors, &events);
            js.iter().filter_map(move |&j| {
                if !within_window(day_key(events[i].day), day_key(events[j].day), p.window_days) {
                    return None;
                }
                let sim = similarity(p, (&vectors[i], &events[i].lang), (&vectors[j], &events[j].lang));
                let (a, b) = (DocRef::New(i), DocRef::New(j));
                linked(a, b, sim, &vectors[i], &vectors[j]).then_some((a, b, sim.0))
            })
        })
        .collect();

    if let Some(index) = index {
        let queries: Vec<EventQuery<'_>> =
            events.iter().map(|e| EventQuery { terms: &e.postings, day: e.day, window_days: p.window_days }).collect();
        // Each posting list read once for the batch, in chunks on every core (more threads when the
        // reads wait on the disk); then each query counted from memory, only its picked candidates
        // kept. Read query by query, the same values were read once per query holding the term: 6.6
        // of the stage's 15.9 s at 100k on one core, and 1.63x on two.
        let plan = unspun_index::plan_event_reads(&queries);
        let lists =
            crate::io_pool::map_chunks(&STORY_QUERIES, &plan, 256, |_, chunk| index.event_lists(chunk, p.max_posting))?;
        let lists = EventLists::new(&plan, lists.into_iter().flatten().collect());
        let picked: Vec<Vec<u64>> =
            queries.par_iter().map(|q| pick_candidates(lists.candidates(q, p.max_posting), p)).collect();
        let mut wanted: Vec<u64> = picked.iter().flatten().copied().collect();
        wanted.sort_unstable();
        wanted.dedup();
        // Read and decoded on every core (and on more threads when the reads wait on the disk,
        // see `io_pool`): thousands of documents a batch, one core's work while the other waited.
        let stored: HashMap<u64, (Option<i64>, Option<String>, Vectors)> =
            crate::io_pool::map_chunks(&STORY_VECTORS, &wanted, 128, |_, c| {
                let docs = index.event_docs(c)?;
                Ok::<_, IndexError>(
                    c.iter()
                        .copied()
                        .zip(docs)
                        .filter_map(|(k, e)| e.map(|e| (k, (e.day, e.lang.clone(), Vectors::stored(&e)))))
                        .collect::<Vec<_>>(),
                )
            })?
            .into_iter()
            .flatten()
            .collect();
        let found: Vec<(DocRef, DocRef, f32)> = picked
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, ks)| {
                let (vectors, events, stored) = (&vectors, &events, &stored);
                ks.iter().filter_map(move |k| {
                    let (day, lang, v) = stored.get(k)?;
                    if !within_window(day_key(events[i].day), day_key(*day), p.window_days) {
                        return None;
                    }
                    let sim = similarity(p, (&vectors[i], &events[i].lang), (v, lang));
                    let (a, b) = (DocRef::New(i), DocRef::Indexed(*k));
                    linked(a, b, sim, &vectors[i], v).then_some((a, b, sim.0))
                })
            })
            .collect();
        links.extend(found);
    }
    Ok(StoryBatch { events, links })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn probed_dot_is_the_merge_dot_to_the_bit(
            a in proptest::collection::btree_map(any::<u32>(), 0.0f32..1.0, 0..60),
            b in proptest::collection::btree_map(any::<u32>(), 0.0f32..1.0, 0..60),
            shared in proptest::collection::vec((any::<u32>(), 0.0f32..1.0, 0.0f32..1.0), 0..30),
        ) {
            let (mut a, mut b) = (a, b);
            for (t, x, y) in shared {
                a.insert(t, x);
                b.insert(t, y);
            }
            let (va, vb): (Vector, Vector) = (a.into_iter().collect(), b.into_iter().collect());
            let want = dot(&va, &vb);
            let (pa, pb) = (Probed::new(va), Probed::new(vb));
            prop_assert_eq!(dot_probed(&pa, &pb).to_bits(), want.to_bits());
            prop_assert_eq!(dot_probed(&pb, &pa).to_bits(), want.to_bits());
            // An indexed document's vector has no map: the batch document's is probed.
            let (ba, bb) = (Probed::bare(pa.v.clone()), Probed::bare(pb.v.clone()));
            prop_assert_eq!(dot_probed(&ba, &pb).to_bits(), want.to_bits());
            prop_assert_eq!(dot_probed(&pa, &bb).to_bits(), want.to_bits());
        }
    }

    fn doc(terms: &[(Term, u16)], names: &[Term], lang: &str) -> (Vectors, Option<String>) {
        let e = EventDoc { names: EventDoc::name_mask(terms, names), terms: terms.to_vec(), ..Default::default() };
        (Vectors::of(&e), Some(lang.to_string()))
    }

    #[test]
    fn across_languages_only_the_names_are_compared() {
        let p = StoryParams::default();
        // Two names (1, 2) in common, each text's words (10.., 20..) its own and heavier.
        let en = doc(&[(1, 20000), (2, 20000), (10, 40000), (11, 40000)], &[1, 2], "en");
        let es = doc(&[(1, 20000), (2, 20000), (20, 40000), (21, 40000)], &[1, 2], "es");
        let (s, th) = similarity(&p, (&en.0, &en.1), (&es.0, &es.1));
        assert!((s - 1.0).abs() < 1e-3 && th > p.threshold, "{s} {th}");
        // The same two vectors in one language are compared whole: the words do not match.
        let es_as_en = (es.0, en.1.clone());
        let (s, th) = similarity(&p, (&en.0, &en.1), (&es_as_en.0, &es_as_en.1));
        assert!(s < 0.25 && th == p.threshold, "{s}");
        // A page naming other actors does not pass across languages either.
        let other = doc(&[(1, 20000), (3, 20000), (4, 20000), (20, 40000)], &[1, 3, 4], "es");
        let (s, th) = similarity(&p, (&en.0, &en.1), (&other.0, &other.1));
        assert!(s < th, "{s} {th}");
    }
}
