//! Detections in the PAN text-alignment format (the plagiarism-detection tasks of PAN since 2012), so
//! that a run is scored by the PAN measures (macro precision and recall over characters, granularity,
//! plagdet) with PAN's own tools. One XML file a (suspicious, source) pair, named
//! `SUSPICIOUS-SOURCE.xml` after the two references without their extension; each aligned passage of
//! the pair's `evidence` is one `detected-plagiarism` feature, its offsets and lengths in characters
//! as `pairs.jsonl` gives them.

use crate::output::PairOut;

/// One pair's detections: the copy (`suspicious`) and its source, as PAN references, and the XML.
#[derive(Debug, Clone, PartialEq)]
pub struct PanDetections {
    pub suspicious: String,
    pub source: String,
    /// Passages written (those of the pair's evidence).
    pub passages: usize,
    pub xml: String,
}

impl PanDetections {
    /// The file PAN's tools read for the pair: `SUSPICIOUS-SOURCE.xml`, each reference without its
    /// extension and with characters a file name cannot hold replaced by `_`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.xml", file_stem(&self.suspicious), file_stem(&self.source))
    }
}

/// The PAN reference of a document id: its file name (PAN names documents by file name; a scan of a
/// directory names them by path). A URL (a web archive's record) is its own reference.
pub fn reference(id: &str) -> &str {
    if id.contains("://") {
        return id;
    }
    id.rsplit(['/', '\\']).find(|c| !c.is_empty()).unwrap_or(id)
}

/// A reference as part of a file name: without a text file's extension, and with characters a file
/// name cannot hold replaced by `_`.
fn file_stem(reference: &str) -> String {
    let lower = reference.to_ascii_lowercase();
    let stem = [".txt", ".html", ".htm"]
        .iter()
        .find(|ext| lower.ends_with(*ext) && lower.len() > ext.len())
        .map_or(reference, |ext| &reference[..reference.len() - ext.len()]);
    let safe: String = stem.chars().map(|c| if c.is_alphanumeric() || "-_.+".contains(c) { c } else { '_' }).collect();
    if safe.len() <= MAX_STEM_BYTES {
        return safe;
    }
    // File names end at 255 bytes, and two of these make one: a long URL is cut, and told apart
    // from others cut alike by a hash of the whole.
    let mut cut = MAX_STEM_BYTES - 17;
    while !safe.is_char_boundary(cut) {
        cut -= 1;
    }
    let h = reference.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{}-{h:016x}", &safe[..cut])
}

/// Longest stem in a file name (two stems and `-.xml` stay under 255 bytes).
const MAX_STEM_BYTES: usize = 120;

/// The detections of a copy pair (one whose `source` is known and that has evidence); `None` for a
/// `same_story` pair, which is no reuse. The copy is the suspicious side, unless `suspicious` is given
/// and names exactly one of the two (a PAN corpus says which documents are suspicious:
/// `suspicious-document00042.txt`), which then is, whatever the run took for the original.
pub fn pan_detections(pair: &PairOut, suspicious: Option<&str>) -> Option<PanDetections> {
    let source = pair.source.as_deref()?;
    if pair.evidence.is_empty() {
        return None;
    }
    // `a` and `b` offsets point into the texts of `pair.a` and `pair.b`.
    let named = suspicious.map(|m| (reference(&pair.a).contains(m), reference(&pair.b).contains(m)));
    let source_is_a = match named {
        Some((true, false)) => false,
        Some((false, true)) => true,
        _ => source == pair.a,
    };
    let source = if source_is_a { &pair.a } else { &pair.b };
    let suspicious = if source_is_a { &pair.b } else { &pair.a };
    let (susp_ref, src_ref) = (reference(suspicious), reference(source));
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<document reference=\"{}\">\n", escape(susp_ref)));
    let spans: Vec<([usize; 2], [usize; 2])> =
        pair.evidence.iter().map(|e| if source_is_a { (e.b, e.a) } else { (e.a, e.b) }).collect();
    let merged = merge_overlapping(spans);
    for &(this, src) in &merged {
        xml.push_str(&format!(
            "<feature name=\"detected-plagiarism\" this_offset=\"{}\" this_length=\"{}\" source_reference=\"{}\" \
             source_offset=\"{}\" source_length=\"{}\"/>\n",
            this[0],
            this[1].saturating_sub(this[0]),
            escape(src_ref),
            src[0],
            src[1].saturating_sub(src[0]),
        ));
    }
    xml.push_str("</document>\n");
    Some(PanDetections { suspicious: susp_ref.to_string(), source: src_ref.to_string(), passages: merged.len(), xml })
}

/// Passages that overlap on both sides (a copied paragraph found as a run of shared words and as
/// aligned sentences) are one reuse: PAN counts each extra detection of a case against granularity.
fn merge_overlapping(mut spans: Vec<([usize; 2], [usize; 2])>) -> Vec<([usize; 2], [usize; 2])> {
    spans.sort_unstable();
    let overlaps = |x: [usize; 2], y: [usize; 2]| x[0] < y[1] && y[0] < x[1];
    let mut out: Vec<([usize; 2], [usize; 2])> = Vec::with_capacity(spans.len());
    for (this, src) in spans {
        // Earlier passages may overlap on the source side only once merged: look at all of them.
        if let Some(m) = out.iter_mut().find(|(t, s)| overlaps(*t, this) && overlaps(*s, src)) {
            *m = ([m.0[0].min(this[0]), m.0[1].max(this[1])], [m.1[0].min(src[0]), m.1[1].max(src[1])]);
        } else {
            out.push((this, src));
        }
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::EvidenceOut;

    fn pair(source: Option<&str>) -> PairOut {
        PairOut {
            a: "corpus/src/source-document01.txt".into(),
            b: "corpus/susp/suspicious-document07.txt".into(),
            relation: "rewrite".into(),
            score: 0.5,
            source: source.map(String::from),
            evidence: vec![
                EvidenceOut { a: [10, 30], b: [100, 125], similarity: 0.8 },
                EvidenceOut { a: [40, 41], b: [130, 140], similarity: 0.6 },
            ],
            jaccard: None,
            containment: None,
        }
    }

    #[test]
    fn the_copy_is_the_suspicious_side_and_offsets_become_lengths() {
        let d = pan_detections(&pair(Some("corpus/src/source-document01.txt")), None).unwrap();
        assert_eq!(d.file_name(), "suspicious-document07-source-document01.xml");
        assert_eq!(d.passages, 2);
        let want = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
            <document reference=\"suspicious-document07.txt\">\n\
            <feature name=\"detected-plagiarism\" this_offset=\"100\" this_length=\"25\" \
            source_reference=\"source-document01.txt\" source_offset=\"10\" source_length=\"20\"/>\n\
            <feature name=\"detected-plagiarism\" this_offset=\"130\" this_length=\"10\" \
            source_reference=\"source-document01.txt\" source_offset=\"40\" source_length=\"1\"/>\n\
            </document>\n";
        assert_eq!(d.xml, want);
        // The other way round, the offsets swap sides.
        let d = pan_detections(&pair(Some("corpus/susp/suspicious-document07.txt")), None).unwrap();
        assert_eq!(d.file_name(), "source-document01-suspicious-document07.xml");
        assert!(d.xml.contains("this_offset=\"10\" this_length=\"20\""));
        // Unless the corpus says which side is suspicious.
        let d = pan_detections(&pair(Some("corpus/susp/suspicious-document07.txt")), Some("suspicious-")).unwrap();
        assert_eq!(d.file_name(), "suspicious-document07-source-document01.xml");
        assert!(d.xml.contains("this_offset=\"100\" this_length=\"25\""));
        // A pattern both sides (or neither) match decides nothing.
        let d = pan_detections(&pair(Some("corpus/susp/suspicious-document07.txt")), Some("document")).unwrap();
        assert_eq!(d.file_name(), "source-document01-suspicious-document07.xml");
    }

    #[test]
    fn passages_overlapping_on_both_sides_are_one_detection() {
        let m = merge_overlapping(vec![([298, 539], [81, 277]), ([329, 364], [256, 291]), ([531, 1999], [269, 1737])]);
        assert_eq!(m, vec![([298, 1999], [81, 1737])]);
        // Overlapping on one side only: two reuses of one source passage stay apart.
        let m = merge_overlapping(vec![([0, 10], [0, 10]), ([5, 20], [50, 60]), ([30, 40], [5, 15])]);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn no_source_or_no_evidence_is_no_detection() {
        assert!(pan_detections(&pair(None), None).is_none());
        let mut p = pair(Some("corpus/src/source-document01.txt"));
        p.evidence.clear();
        assert!(pan_detections(&p, None).is_none());
    }

    #[test]
    fn references_are_escaped_and_file_names_safe() {
        let mut p = pair(Some("a&b \"x\".txt"));
        p.a = "a&b \"x\".txt".into();
        p.b = "d<1>".into();
        let d = pan_detections(&p, None).unwrap();
        assert!(d.xml.contains("reference=\"d&lt;1&gt;\""));
        assert!(d.xml.contains("source_reference=\"a&amp;b &quot;x&quot;.txt\""));
        assert_eq!(d.file_name(), "d_1_-a_b__x_.xml");
        assert_eq!(reference("dir\\sub/file.txt"), "file.txt");
        assert_eq!(reference("dir/sub/"), "sub");
        assert_eq!(file_stem(".hidden"), ".hidden");
        assert_eq!(file_stem("suspicious-document00042.txt"), "suspicious-document00042");
        assert_eq!(file_stem("v1.2-report"), "v1.2-report", "only a text file's extension goes");
        // A web archive's documents are named by URL: the whole URL, made safe for a file name.
        let url = "https://news.example.com/2024/05/story/";
        assert_eq!(reference(url), url);
        assert_eq!(file_stem(url), "https___news.example.com_2024_05_story_");
        let long = format!("https://example.com/{}", "segment/".repeat(40));
        let (a, b) = (file_stem(&long), file_stem(&format!("{long}x")));
        assert!(a.len() <= MAX_STEM_BYTES && b.len() <= MAX_STEM_BYTES && a != b, "{a} {b}");
    }
}
