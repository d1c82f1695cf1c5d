//! Stories read back from the index: the list, and one story with its families and timeline.
use crate::engine::{Engine, EngineError};
use crate::report::build_report;
use serde::Serialize;
use std::collections::HashMap;
use unspun_io::output::{ClusterOut, PairOut};

/// One document of a story, as the timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StoryDoc {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub headline: String,
    /// `original` of a copy family, `copy` of one, or `report` (an independent report no other
    /// document copies).
    pub role: &'static str,
    /// The original of the document's family.
    pub family_original: String,
}

/// A story: its line of `clusters.jsonl`, its documents by date, and the links inside it.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    #[serde(flatten)]
    pub cluster: ClusterOut,
    pub timeline: Vec<StoryDoc>,
    pub links: Vec<PairOut>,
    /// What independent reports of the story share word for word (a quote, a wire sentence): the
    /// longest passage of each `same_story` link that has one.
    pub shared: Vec<SharedPassage>,
}

/// The longest passage two documents of a story share without being copies.
#[derive(Debug, Clone, Serialize)]
pub struct SharedPassage {
    pub a: String,
    pub b: String,
    /// The passage as it reads in `a`, with its character offsets there.
    pub text: String,
    pub chars: [usize; 2],
}

impl Engine {
    /// Every story of two or more documents in the index, largest first.
    ///
    /// Reads every linked document's record: meant for inspection, not for a hot path.
    pub fn stories(&self) -> Result<Vec<ClusterOut>, EngineError> {
        let index = self.index().ok_or(EngineError::NoIndex)?;
        let nums: Vec<u64> = index.linked_docs()?;
        let graph = self.graph_from_index(index, &nums)?;
        let mut clusters = build_report(&graph).clusters;
        clusters.sort_by(|a, b| b.docs.len().cmp(&a.docs.len()).then_with(|| a.story.cmp(&b.story)));
        Ok(clusters)
    }

    /// The story of a document id, or the story with a story id (as `stories` lists them).
    pub fn story(&self, key: &str) -> Result<Option<StoryView>, EngineError> {
        let index = self.index().ok_or(EngineError::NoIndex)?;
        let seed = match index.doc_by_id(key)? {
            Some((n, _)) => n,
            None => {
                let Some(c) = self.stories()?.into_iter().find(|c| c.story == key) else { return Ok(None) };
                let Some((n, _)) = index.doc_by_id(&c.docs[0])? else { return Ok(None) };
                n
            }
        };
        let graph = self.graph_from_index(index, &[seed])?;
        let report = build_report(&graph);
        let cluster = match report.clusters.into_iter().next() {
            Some(c) => c,
            // A document no other one is linked to: a story of one.
            None => {
                let n = &graph.nodes[graph.inputs[0]];
                ClusterOut {
                    story: crate::report::story_id(&n.id),
                    docs: vec![n.id.clone()],
                    families: vec![unspun_io::output::FamilyOut {
                        original: n.id.clone(),
                        members: vec![n.id.clone()],
                        original_by: None,
                    }],
                    summary: None,
                }
            }
        };
        let mut timeline = Vec::new();
        for f in &cluster.families {
            for m in &f.members {
                let Some(node) = graph.nodes.iter().find(|n| &n.id == m) else { continue };
                let role = if f.members.len() == 1 {
                    "report"
                } else if *m == f.original {
                    "original"
                } else {
                    "copy"
                };
                timeline.push((
                    node.date_key,
                    StoryDoc {
                        id: m.clone(),
                        date: node.date.clone(),
                        outlet: node.url.as_deref().and_then(unspun_io::host_of).map(String::from),
                        lang: node.lang.clone(),
                        headline: node.headline(120),
                        role,
                        family_original: f.original.clone(),
                    },
                ));
            }
        }
        // Dated documents by date, undated after them, each group by id.
        timeline.sort_by(|a, b| match (a.0, b.0) {
            (Some(x), Some(y)) => unspun_cluster::compare_dates(x, y).then_with(|| a.1.id.cmp(&b.1.id)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.1.id.cmp(&b.1.id),
        });
        let mut shared = Vec::new();
        // A report shares passages with several others: its text is read once.
        let mut texts: HashMap<&str, Option<String>> = HashMap::new();
        for p in report.pairs.iter().filter(|p| p.relation == crate::Relation::SameStory.as_str()) {
            let Some(e) = p.evidence.iter().max_by_key(|e| (e.a[1].saturating_sub(e.a[0]), std::cmp::Reverse(e.a[0])))
            else {
                continue;
            };
            if !texts.contains_key(p.a.as_str()) {
                texts.insert(&p.a, index.doc_by_id(&p.a)?.and_then(|(_, rec)| rec.text()));
            }
            let Some(text) = &texts[p.a.as_str()] else { continue };
            let passage: String = text.chars().skip(e.a[0]).take(e.a[1].saturating_sub(e.a[0])).collect();
            shared.push(SharedPassage { a: p.a.clone(), b: p.b.clone(), text: passage, chars: e.a });
        }
        Ok(Some(StoryView {
            cluster,
            timeline: timeline.into_iter().map(|t| t.1).collect(),
            links: report.pairs,
            shared,
        }))
    }
}
