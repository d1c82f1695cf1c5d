//! From verified links to the run files: families (union-find), their originals, the pairs with
//! evidence and sources, and the deduplicated corpus.
use crate::decide::Relation;
use std::collections::HashMap;
use std::sync::Arc;
use unspun_cluster::{pick_original, DateKey, OriginEvidence, UnionFind};
use unspun_io::output::{ClusterOut, CorpusOut, EvidenceOut, FamilyOut, PairOut};

pub(crate) struct NodeInfo {
    pub id: String,
    pub url: Option<String>,
    pub date: Option<String>,
    pub date_key: Option<DateKey>,
    pub wire: u8,
    pub length: usize,
    pub cleaned: Arc<str>,
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

fn evidence_of(n: &NodeInfo) -> OriginEvidence<'_> {
    OriginEvidence { id: &n.id, date: n.date_key, wire: n.wire, length: n.length }
}

pub(crate) fn build_report(g: &Graph) -> Report {
    let n = g.nodes.len();
    let mut uf = UnionFind::new(n);
    for (a, b, l) in &g.edges {
        if l.relation != Relation::SameStory {
            uf.union(*a, *b);
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        members.entry(uf.find(i)).or_default().push(i);
    }
    let mut original: HashMap<usize, usize> = HashMap::new();
    for (&root, m) in &members {
        let ev: Vec<OriginEvidence<'_>> = m.iter().map(|&i| evidence_of(&g.nodes[i])).collect();
        original.insert(root, m[pick_original(&ev)]);
    }

    // Families in the order their first input document came, so output follows input.
    let mut clusters = Vec::new();
    let mut done = std::collections::HashSet::new();
    for &i in &g.inputs {
        let root = uf.find(i);
        if !done.insert(root) {
            continue;
        }
        let m = &members[&root];
        if m.len() < 2 {
            continue;
        }
        let mut ids: Vec<String> = m.iter().map(|&j| g.nodes[j].id.clone()).collect();
        ids.sort();
        clusters.push(ClusterOut {
            story: format!("c{}", clusters.len() + 1),
            docs: ids.clone(),
            families: vec![FamilyOut { original: g.nodes[original[&root]].id.clone(), members: ids }],
        });
    }

    let mut pairs: Vec<PairOut> = g
        .edges
        .iter()
        .map(|(a, b, l)| {
            let (na, nb) = (&g.nodes[*a], &g.nodes[*b]);
            let fam_orig = original[&uf.find(*a)];
            let source = if fam_orig == *a || fam_orig == *b {
                fam_orig
            } else if pick_original(&[evidence_of(na), evidence_of(nb)]) == 0 {
                *a
            } else {
                *b
            };
            PairOut {
                a: na.id.clone(),
                b: nb.id.clone(),
                relation: l.relation.as_str().into(),
                score: round3(l.score),
                source: Some(g.nodes[source].id.clone()),
                evidence: l
                    .evidence
                    .iter()
                    .map(|(x, y, s)| EvidenceOut {
                        a: [x[0] as usize, x[1] as usize],
                        b: [y[0] as usize, y[1] as usize],
                        similarity: round3(*s as f64),
                    })
                    .collect(),
                jaccard: Some(round3(l.jaccard as f64)),
                containment: Some(round3(l.containment as f64)),
            }
        })
        .collect();
    pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));

    let corpus = g
        .inputs
        .iter()
        .map(|&i| {
            let root = uf.find(i);
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
