//! The run files of `eval/SCHEMA.md` and the deduplicated corpus, written atomically.

use serde::{Deserialize, Serialize};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// An aligned passage: character offsets `[start, end)` into each document's text as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceOut {
    pub a: [usize; 2],
    pub b: [usize; 2],
    pub similarity: f64,
}

/// One line of `pairs.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairOut {
    pub a: String,
    pub b: String,
    pub relation: String,
    pub score: f64,
    pub source: Option<String>,
    pub evidence: Vec<EvidenceOut>,
    /// Verified overlap figures, for users who tune thresholds (extra fields are allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jaccard: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containment: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyOut {
    pub original: String,
    pub members: Vec<String>,
    /// The rule that named the original among two or more members (`date`, `credit`, `house`,
    /// `wire`, `first_version`, `length`, `id`): the weakest it needed against any other member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_by: Option<String>,
}

/// One line of `clusters.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOut {
    pub story: String,
    pub docs: Vec<String>,
    pub families: Vec<FamilyOut>,
    /// What the story is about, for people reading the file (extra fields SCHEMA.md allows).
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub summary: Option<StorySummary>,
}

/// A story at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StorySummary {
    /// The headline (or lead sentence) of the story's most central document.
    pub title: String,
    /// Earliest and latest known publication dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_date: Option<String>,
    /// Hosts of the documents' URLs, sorted.
    pub outlets: Vec<String>,
    pub languages: Vec<String>,
    /// Documents that copy, spin or translate another one of the story.
    pub copies: usize,
    /// Independent reports: one per copy family, singletons included.
    pub reports: usize,
}

/// One line of the deduplicated corpus (`scan --emit-corpus`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CorpusOut {
    /// The family's representative: its original, with the cleaned text.
    Kept {
        id: String,
        text: String,
        family_size: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<String>,
    },
    /// Left out, with the reason and the kept document it duplicates.
    Dropped { id: String, reason: String, duplicate_of: String },
}

/// Writes a file through a temporary sibling that is renamed into place on [`AtomicFile::commit`],
/// so readers see the old file or the whole new one, never a partial one.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    w: BufWriter<std::fs::File>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> std::io::Result<Self> {
        let name = dest.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let f = std::fs::File::create(&tmp)?;
        Ok(AtomicFile { tmp, dest: dest.to_path_buf(), w: BufWriter::new(f) })
    }

    pub fn write_json_line<T: Serialize>(&mut self, v: &T) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.w, v)?;
        self.w.write_all(b"\n")
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.w.write_all(bytes)
    }

    /// As [`AtomicFile::commit`] without syncing to disk first: a killed process still leaves the old
    /// file or the whole new one, but a power cut may lose it. For many small files that a rerun
    /// writes again (a sync each cost 0.4 ms, most of `unspun pan`'s time).
    pub fn commit_unsynced(self) -> std::io::Result<()> {
        self.w.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&self.tmp, &self.dest)
    }

    pub fn commit(self) -> std::io::Result<()> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
    }
}

/// Write all values as JSON lines to `dest`, atomically.
pub fn write_jsonl<T: Serialize>(dest: &Path, rows: impl IntoIterator<Item = T>) -> std::io::Result<()> {
    let mut f = AtomicFile::create(dest)?;
    for r in rows {
        f.write_json_line(&r)?;
    }
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pairs.jsonl");
        std::fs::write(&p, "old\n").unwrap();
        let f = AtomicFile::create(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n", "untouched until commit");
        drop(f);
        write_jsonl(
            &p,
            [FamilyOut {
                original: "a".into(),
                members: vec!["a".into(), "b".into()],
                original_by: Some("date".into()),
            }],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"original\":\"a\",\"members\":[\"a\",\"b\"],\"original_by\":\"date\"}\n"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert!(leftovers <= 2);
    }

    #[test]
    fn corpus_rows_are_tagged() {
        let k = CorpusOut::Dropped { id: "b".into(), reason: "duplicate".into(), duplicate_of: "a".into() };
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            r#"{"status":"dropped","id":"b","reason":"duplicate","duplicate_of":"a"}"#
        );
    }
}
