//! From verified links to the run files: families (union-find over copy links), their originals,
//! stories (union-find over copy and same-story links) with summaries, the pairs with evidence and
//! sources, and the deduplicated corpus.
use crate::decide::Relation;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use unspun_cluster::{compare_dates, original_rule, pick_original, DateKey, OriginEvidence, OriginRule, UnionFind};
use unspun_io::output::{ClusterOut, CorpusOut, EvidenceOut, FamilyOut, PairOut, StorySummary};

pub(crate) struct NodeInfo {
    pub id: String,
    pub url: Option<String>,
    pub date: Option<String>,
    pub date_key: Option<DateKey>,
    pub wire: u8,
    /// Published by the agency its dateline credits (`unspun_cluster::house_credit`).
    pub house: bool,
    pub first_version: bool,
    pub length: usize,
    pub cleaned: Arc<str>,
    pub title: Option<String>,
    pub lang: Option<String>,
    /// The first line of the kept text (kept even when `cleaned` is not).
    pub lead: String,
}

pub(crate) struct LinkInfo {
    pub relation: Relation,
    pub score: f64,
    /// Character offsets into the first and the second node's text.
    pub evidence: Vec<([u32; 2], [u32; 2], f32)>,
    pub jaccard: f32,
    pub containment: f32,
    #[allow(dead_code)]
    pub unquoted: f32,
    /// The end of the link its own text names as the source (a credit by headline), if any.
    pub named_source: Option<End>,
}

/// One end of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    First,
    Second,
}

impl End {
    /// This end of the link `(a, b)`.
    pub(crate) fn of<T>(self, a: T, b: T) -> T {
        match self {
            End::First => a,
            End::Second => b,
        }
    }
}

#[derive(Default)]
pub(crate) struct Graph {
    pub nodes: Vec<NodeInfo>,
    pub edges: Vec<(usize, usize, LinkInfo)>,
    /// Nodes that were in this scan's input (the report covers their families).
    pub inputs: Vec<usize>,
}

pub(crate) struct Report {
    pub pairs: Vec<PairOut>,
    pub clusters: Vec<ClusterOut>,
    pub corpus: Vec<CorpusOut>,
}

fn evidence_of(n: &NodeInfo, credited: bool) -> OriginEvidence<'_> {
    OriginEvidence {
        id: &n.id,
        date: n.date_key,
        credited,
        house: n.house,
        wire: n.wire,
        first_version: n.first_version,
        length: n.length,
    }
}

/// Story id: stable across runs and independent of the order documents were indexed in, derived
/// from the smallest document id of the story (it changes only when stories merge).
pub(crate) fn story_id(smallest_doc_id: &str) -> String {
    format!("s{:012x}", unspun_text::hash_bytes(smallest_doc_id.as_bytes()) >> 16)
}

/// First line of a text, cut at a word boundary near `max` characters.
impl NodeInfo {
    /// The document's title, else the first line of its article, cut near `max` characters.
    pub(crate) fn headline(&self, max: usize) -> String {
        headline(self.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&self.lead), max)
    }
}

fn headline(text: &str, max: usize) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    // A capture's `date YYYY-MM-DD` marker is not part of the headline.
    let line = match line.strip_prefix("date ") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            rest.split_once(' ').map_or("", |(_, r)| r).trim_start()
        }
        _ => line,
    };
    if line.chars().count() <= max {
        return line.to_string();
    }
    let cut: String = line.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a).to_string();
    format!("{cut}…")
}

/// Each document's sum of link scores (copies count 1). A story is a component of the links, so
/// every link of a document lies inside its story: one pass over the links serves every story
/// (per story it was a pass over all links, quadratic in the corpus).
fn centrality(g: &Graph) -> Vec<f64> {
    let mut c = vec![0.0; g.nodes.len()];
    for (a, b, l) in &g.edges {
        let w = if l.relation == Relation::SameStory { l.score } else { 1.0 };
        c[*a] += w;
        c[*b] += w;
    }
    c
}

fn summarize(g: &Graph, centrality: &[f64], members: &[usize], families: &[(usize, Vec<usize>)]) -> StorySummary {
    // The most central document: the largest sum of link scores inside the story.
    let central = members
        .iter()
        .copied()
        .max_by(|x, y| {
            let (cx, cy) = (&centrality[*x], &centrality[*y]);
            cx.total_cmp(cy).then_with(|| g.nodes[*y].id.cmp(&g.nodes[*x].id))
        })
        .unwrap_or(members[0]);
    let node = &g.nodes[central];
    let title = node.headline(160);
    let mut dates: Vec<(DateKey, &str)> =
        members.iter().filter_map(|&i| Some((g.nodes[i].date_key?, g.nodes[i].date.as_deref()?))).collect();
    dates.sort_by(|a, b| compare_dates(a.0, b.0).then(a.1.cmp(b.1)));
    let mut outlets: Vec<String> = members
        .iter()
        .filter_map(|&i| g.nodes[i].url.as_deref().and_then(unspun_io::host_of).map(String::from))
        .collect();
    outlets.sort();
    outlets.dedup();
    let mut languages: Vec<String> = members.iter().filter_map(|&i| g.nodes[i].lang.clone()).collect();
    languages.sort();
    languages.dedup();
    StorySummary {
        title,
        first_date: dates.first().map(|d| d.1.to_string()),
        last_date: dates.last().map(|d| d.1.to_string()),
        outlets,
        languages,
        copies: members.len() - families.len(),
        reports: families.len(),
    }
}

pub(crate) fn build_report(g: &Graph) -> Report {
    let n = g.nodes.len();
    // Families join copies only; stories join families through same-story links.
    let mut fam = UnionFind::new(n);
    let mut story = UnionFind::new(n);
    for (a, b, l) in &g.edges {
        if l.relation != Relation::SameStory {
            fam.union(*a, *b);
        }
        story.union(*a, *b);
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        members.entry(fam.find(i)).or_default().push(i);
    }
    // Nodes a copy credits as its source.
    let mut credited = vec![false; n];
    for (a, b, l) in &g.edges {
        if let Some(end) = l.named_source.filter(|_| l.relation != Relation::SameStory) {
            credited[end.of(*a, *b)] = true;
        }
    }
    let mut original: HashMap<usize, usize> = HashMap::new();
    let mut original_by: HashMap<usize, OriginRule> = HashMap::new();
    for (&root, m) in &members {
        let ev: Vec<OriginEvidence<'_>> = m.iter().map(|&i| evidence_of(&g.nodes[i], credited[i])).collect();
        let best = pick_original(&ev);
        original.insert(root, m[best]);
        if let Some(rule) = original_rule(&ev, best) {
            original_by.insert(root, rule);
        }
    }
    let mut story_members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        story_members.entry(story.find(i)).or_default().push(i);
    }

    let centrality = centrality(g);
    // Stories in the order their first input document came, so output follows input.
    let mut clusters = Vec::new();
    let mut done = HashSet::new();
    for &i in &g.inputs {
        let root = story.find(i);
        if !done.insert(root) {
            continue;
        }
        let sm = &story_members[&root];
        if sm.len() < 2 {
            continue;
        }
        let mut fams: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut seen_fam = HashSet::new();
        for &j in sm {
            let fr = fam.find(j);
            if seen_fam.insert(fr) {
                fams.push((fr, members[&fr].clone()));
            }
        }
        let ids_of = |m: &[usize]| -> Vec<String> {
            let mut ids: Vec<String> = m.iter().map(|&j| g.nodes[j].id.clone()).collect();
            ids.sort();
            ids
        };
        let mut families: Vec<FamilyOut> = fams
            .iter()
            .map(|(fr, m)| FamilyOut {
                original: g.nodes[original[fr]].id.clone(),
                members: ids_of(m),
                original_by: original_by.get(fr).map(|r| r.as_str().to_string()),
            })
            .collect();
        // Biggest families first, then by original: a stable order whatever the scan order.
        families.sort_by(|x, y| y.members.len().cmp(&x.members.len()).then_with(|| x.original.cmp(&y.original)));
        let docs = ids_of(sm);
        clusters.push(ClusterOut {
            story: story_id(&docs[0]),
            summary: Some(summarize(g, &centrality, sm, &fams)),
            docs,
            families,
        });
    }

    let mut pairs: Vec<PairOut> = g
        .edges
        .iter()
        .map(|(a, b, l)| {
            let (na, nb) = (&g.nodes[*a], &g.nodes[*b]);
            let fam_orig = original[&fam.find(*a)];
            let source = if l.relation == Relation::SameStory {
                None
            } else if let Some(end) = l.named_source {
                Some(end.of(*a, *b))
            } else if fam_orig == *a || fam_orig == *b {
                Some(fam_orig)
            } else if pick_original(&[evidence_of(na, credited[*a]), evidence_of(nb, credited[*b])]) == 0 {
                Some(*a)
            } else {
                Some(*b)
            };
            let copy = l.relation != Relation::SameStory;
            PairOut {
                a: na.id.clone(),
                b: nb.id.clone(),
                relation: l.relation.as_str().into(),
                score: round3(l.score),
                source: source.map(|s| g.nodes[s].id.clone()),
                evidence: l
                    .evidence
                    .iter()
                    .map(|(x, y, s)| EvidenceOut {
                        a: [x[0] as usize, x[1] as usize],
                        b: [y[0] as usize, y[1] as usize],
                        similarity: round3(*s as f64),
                    })
                    .collect(),
                jaccard: copy.then(|| round3(l.jaccard as f64)),
                containment: copy.then(|| round3(l.containment as f64)),
            }
        })
        .collect();
    pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));

    let corpus = g
        .inputs
        .iter()
        .map(|&i| {
            let root = fam.find(i);
            let orig = original[&root];
            let size = members[&root].len();
            if orig == i {
                let node = &g.nodes[i];
                CorpusOut::Kept {
                    id: node.id.clone(),
                    text: node.cleaned.to_string(),
                    family_size: size,
                    url: node.url.clone(),
                    date: node.date.clone(),
                }
            } else {
                CorpusOut::Dropped {
                    id: g.nodes[i].id.clone(),
                    reason: "copy".into(),
                    duplicate_of: g.nodes[orig].id.clone(),
                }
            }
        })
        .collect();
    Report { pairs, clusters, corpus }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
