//! Shared by the `warc_reader` and `wet_reader` targets: read the input as an archive, plain or as gzip
//! members, and check what callers rely on: no panic, an end, errors that point inside the input, documents
//! with an id and text, article spans inside the text on character boundaries.
use std::io::Write;
use unspun_io::{ReaderOptions, WarcKind, WarcRecords};

/// The first byte picks the framing. Odd: the rest is cut before each `WARC/` and every piece compressed as
/// its own gzip member (what archivers write), so the fuzzer reaches the record parser through valid gzip;
/// with bit 1 also set, the last member loses `mode >> 2` bytes. Even: the rest is the file as it is (the
/// fuzzer can still write gzip magic and broken members itself).
pub fn run(data: &[u8], kind: WarcKind) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let mut bytes = if mode & 1 == 1 { members(rest) } else { rest.to_vec() };
    if mode & 3 == 3 {
        let cut = (mode >> 2) as usize;
        bytes.truncate(bytes.len().saturating_sub(cut));
    }
    let opts = ReaderOptions { max_record_bytes: 1 << 16, ..Default::default() };
    for r in WarcRecords::new(&bytes[..], "fuzz.warc.gz", kind, &opts) {
        match r {
            Ok(d) => {
                assert!(!d.id.is_empty() && !d.text.trim().is_empty());
                let mut prev = 0;
                for s in d.article.iter().flatten() {
                    assert!(s.start >= prev && s.start < s.end && s.end <= d.text.len(), "bad span {s:?}");
                    assert!(d.text.is_char_boundary(s.start) && d.text.is_char_boundary(s.end));
                    prev = s.end;
                }
            }
            Err(e) => {
                let at = e.offset.expect("archive errors carry a byte offset");
                assert!(at <= bytes.len() as u64, "offset {at} past the end ({})", bytes.len());
                let _ = e.to_string();
            }
        }
    }
}

fn members(data: &[u8]) -> Vec<u8> {
    let mut starts: Vec<usize> = record_starts(data, b"WARC/");
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts.push(data.len());
    let mut out = Vec::new();
    for w in starts.windows(2) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&data[w[0]..w[1]]).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

fn record_starts(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    (1..hay.len()).filter(|&i| hay[i..].starts_with(needle)).collect()
}
