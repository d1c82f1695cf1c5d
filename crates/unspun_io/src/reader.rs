use crate::document::Document;
use crate::error::{ErrorKind, ReadError};
use crate::warc::{WarcKind, WarcRecords};
use serde::Deserialize;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Records (JSONL lines, text files) larger than this are reported, not read: a 50 MB "line" is
/// a broken dump, not a news article.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

#[derive(Debug, Clone)]
pub struct ReaderOptions {
    /// Split `.txt` files that hold several documents separated by `###` end markers.
    pub split_markers: bool,
    pub max_record_bytes: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions { split_markers: false, max_record_bytes: MAX_RECORD_BYTES }
    }
}

enum Source {
    Path(PathBuf),
    Stdin,
}

type Records = Box<dyn Iterator<Item = Result<Document, ReadError>>>;

/// Streams documents from files, directories (recursively, in sorted order) and `-` (stdin, JSONL).
pub struct InputReader {
    queue: VecDeque<Source>,
    current: Option<Records>,
    opts: ReaderOptions,
}

impl InputReader {
    pub fn new<P: AsRef<Path>>(inputs: &[P], opts: ReaderOptions) -> Self {
        let queue = inputs
            .iter()
            .map(|p| if p.as_ref() == Path::new("-") { Source::Stdin } else { Source::Path(p.as_ref().to_path_buf()) })
            .collect();
        InputReader { queue, current: None, opts }
    }

    fn open(&mut self, src: Source) -> Records {
        match src {
            Source::Stdin => {
                Box::new(JsonlRecords::new(Box::new(BufReader::new(std::io::stdin())), "<stdin>".into(), &self.opts))
            }
            Source::Path(p) => {
                let name = p.display().to_string();
                if p.is_dir() {
                    match list_dir(&p) {
                        Ok(files) => {
                            for f in files.into_iter().rev() {
                                self.queue.push_front(Source::Path(f));
                            }
                            Box::new(std::iter::empty())
                        }
                        Err(e) => one_err(name, None, ErrorKind::Io(e.to_string())),
                    }
                } else {
                    open_file(&p, name, &self.opts)
                }
            }
        }
    }
}

impl Iterator for InputReader {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(cur) = self.current.as_mut() {
                if let Some(item) = cur.next() {
                    return Some(item);
                }
                self.current = None;
            }
            let src = self.queue.pop_front()?;
            self.current = Some(self.open(src));
        }
    }
}

fn one_err(file: String, line: Option<u64>, kind: ErrorKind) -> Records {
    Box::new(std::iter::once(Err(ReadError { file, line, offset: None, kind })))
}

fn is_supported(name: &str) -> bool {
    let lower = name.to_lowercase();
    warc_kind(&lower).is_some()
        || [".txt", ".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".html", ".htm", ".html.gz", ".htm.gz"]
            .iter()
            .any(|e| lower.ends_with(e))
}

/// Web archives by name: `.warc` / `.warc.gz` hold pages, `.wet` / `.wet.gz` (`.warc.wet.gz`) their text.
fn warc_kind(lower: &str) -> Option<WarcKind> {
    if lower.ends_with(".wet") || lower.ends_with(".wet.gz") {
        Some(WarcKind::Wet)
    } else if lower.ends_with(".warc") || lower.ends_with(".warc.gz") {
        Some(WarcKind::Warc)
    } else {
        None
    }
}

/// Files below `dir` that unspun reads, sorted so runs are reproducible. Other files in a directory
/// (READMEs, labels next to the documents) are passed over: a directory is a corpus, not a file list.
fn list_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if is_supported(&name) && name != "labels.jsonl" && name != "expected.jsonl" {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn open_file(p: &Path, name: String, opts: &ReaderOptions) -> Records {
    let lower = name.to_lowercase();
    let file = match File::open(p) {
        Ok(f) => f,
        Err(e) => return one_err(name, None, ErrorKind::Io(e.to_string())),
    };
    if lower.ends_with(".txt") {
        return txt_records(file, name, opts);
    }
    if let Some(kind) = warc_kind(&lower) {
        return Box::new(WarcRecords::new(file, name, kind, opts));
    }
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".html.gz") || lower.ends_with(".htm.gz")
    {
        return html_record(file, name, lower.ends_with(".gz"), opts);
    }
    let reader: Box<dyn BufRead> = if lower.ends_with(".gz") {
        Box::new(BufReader::with_capacity(1 << 16, flate2::read::MultiGzDecoder::new(BufReader::new(file))))
    } else if lower.ends_with(".zst") {
        match ruzstd::decoding::StreamingDecoder::new(BufReader::new(file)) {
            Ok(d) => Box::new(BufReader::with_capacity(1 << 16, d)),
            Err(e) => return one_err(name, None, ErrorKind::Decompress(e.to_string())),
        }
    } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
        Box::new(BufReader::with_capacity(1 << 16, file))
    } else {
        return one_err(name, None, ErrorKind::Unsupported);
    };
    Box::new(JsonlRecords::new(reader, name, opts))
}

/// Parse the optional `date YYYY-MM-DD Section` header of a plain-text capture.
pub(crate) fn parse_header(first_line: &str) -> Option<(String, Option<String>)> {
    let rest = first_line.trim().strip_prefix("date ")?;
    let (date, section) = rest.split_once(' ').map_or((rest, None), |(d, s)| (d, Some(s.trim())));
    is_day(date).then(|| (date.to_string(), section.filter(|s| !s.is_empty()).map(str::to_string)))
}

/// `YYYY-MM-DD`.
pub(crate) fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.chars().filter(|c| c.is_ascii_digit()).count() == 8
}

fn txt_records(file: File, name: String, opts: &ReaderOptions) -> Records {
    let mut bytes = Vec::new();
    let limit = opts.max_record_bytes as u64;
    if let Err(e) = file.take(limit + 1).read_to_end(&mut bytes) {
        return one_err(name, None, ErrorKind::Io(e.to_string()));
    }
    if bytes.len() as u64 > limit {
        return one_err(name, None, ErrorKind::RecordTooLarge { bytes: limit });
    }
    if memchr::memchr(0, &bytes).is_some() {
        return one_err(name, None, ErrorKind::Binary);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let byte = e.utf8_error().valid_up_to() as u64;
            let line = 1 + memchr::memchr_iter(b'\n', &e.as_bytes()[..byte as usize]).count() as u64;
            return one_err(name, Some(line), ErrorKind::InvalidUtf8 { byte });
        }
    };
    let parts: Vec<String> =
        if opts.split_markers { split_on_markers(&text) } else { vec![strip_end_marker(&text).to_string()] };
    let many = parts.len() > 1;
    let docs: Vec<_> = parts
        .into_iter()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(i, t)| {
            let id = if many { format!("{name}#{}", i + 1) } else { name.clone() };
            let first = t.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let (date, section) = parse_header(first).map_or((None, None), |(d, s)| (Some(d), s));
            let mut d = Document::plain(id.clone(), t, id);
            d.date = date;
            d.section = section;
            Ok(d)
        })
        .collect();
    if docs.is_empty() {
        return one_err(name, None, ErrorKind::MissingText);
    }
    Box::new(docs.into_iter())
}

/// One HTML page a file (optionally gzipped): charset from the page's meta tags, BOM or content.
fn html_record(file: File, name: String, gz: bool, opts: &ReaderOptions) -> Records {
    let limit = opts.max_record_bytes as u64;
    let mut bytes = Vec::new();
    let read = if gz {
        flate2::read::MultiGzDecoder::new(BufReader::new(file)).take(limit + 1).read_to_end(&mut bytes)
    } else {
        file.take(limit + 1).read_to_end(&mut bytes)
    };
    if let Err(e) = read {
        let kind = if gz { ErrorKind::Decompress(e.to_string()) } else { ErrorKind::Io(e.to_string()) };
        return one_err(name, None, kind);
    }
    if bytes.len() as u64 > limit {
        return one_err(name, None, ErrorKind::RecordTooLarge { bytes: limit });
    }
    match html_document(name.clone(), &bytes, None, None, name.clone()) {
        Ok(doc) => Box::new(std::iter::once(Ok(doc))),
        Err(kind) => one_err(name, None, kind),
    }
}

/// A document from the bytes of an HTML page (an `.html` file, a WARC record's payload): the charset from
/// `content_type` (an HTTP `Content-Type` value), else the page's BOM, meta tags or content.
pub(crate) fn html_document(
    id: String,
    bytes: &[u8],
    content_type: Option<&str>,
    url: Option<String>,
    origin: String,
) -> Result<Document, ErrorKind> {
    let html = unspun_extract::decode_html(bytes, content_type);
    let doc = Document::from_html(id, &html, url, origin);
    if doc.text.trim().is_empty() {
        return Err(ErrorKind::NoText);
    }
    Ok(doc)
}

/// Drop a trailing `###` end marker (and the white space around it); the text before it keeps its
/// offsets because only the end is cut.
fn strip_end_marker(text: &str) -> &str {
    let t = text.trim_end();
    t.strip_suffix("###").map_or(text, |s| s)
}

fn split_on_markers(text: &str) -> Vec<String> {
    text.split("###").map(|s| s.trim_matches(['\n', '\r']).to_string()).collect()
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<serde_json::Value>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    section: Option<String>,
    /// A raw HTML page, used when the record has no `text`.
    #[serde(default)]
    html: Option<String>,
}

struct JsonlRecords {
    reader: Box<dyn BufRead>,
    file: String,
    line: u64,
    limit: usize,
    buf: Vec<u8>,
    done: bool,
}

impl JsonlRecords {
    fn new(reader: Box<dyn BufRead>, file: String, opts: &ReaderOptions) -> Self {
        JsonlRecords { reader, file, line: 0, limit: opts.max_record_bytes, buf: Vec::new(), done: false }
    }

    fn err(&self, kind: ErrorKind) -> ReadError {
        ReadError { file: self.file.clone(), line: Some(self.line), offset: None, kind }
    }

    /// Read one line into `buf` without ever holding more than `limit` bytes of it.
    /// Returns Ok(false) at end of input, Err(too_large) after skipping the rest of an oversized line.
    fn read_line(&mut self) -> Result<bool, ErrorKind> {
        self.buf.clear();
        let mut too_large = false;
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf().map_err(|e| ErrorKind::Decompress(e.to_string()))?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (take, found) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !too_large {
                if self.buf.len() + take > self.limit {
                    too_large = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.reader.consume(take);
            if found {
                break;
            }
        }
        if too_large {
            return Err(ErrorKind::RecordTooLarge { bytes: self.limit as u64 });
        }
        Ok(any)
    }
}

impl Iterator for JsonlRecords {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            self.line += 1;
            match self.read_line() {
                Ok(false) => return None,
                Ok(true) => {}
                Err(kind @ ErrorKind::Decompress(_)) => {
                    // A broken compressed stream cannot be resynchronised: report once and stop the file.
                    self.done = true;
                    return Some(Err(self.err(kind)));
                }
                Err(kind) => return Some(Err(self.err(kind))),
            }
            let line = trim_ascii(&self.buf);
            if line.is_empty() {
                continue;
            }
            if memchr::memchr(0, line).is_some() {
                return Some(Err(self.err(ErrorKind::Binary)));
            }
            let s = match std::str::from_utf8(line) {
                Ok(s) => s,
                Err(e) => return Some(Err(self.err(ErrorKind::InvalidUtf8 { byte: e.valid_up_to() as u64 }))),
            };
            let rec: Record = match serde_json::from_str(s) {
                Ok(r) => r,
                Err(e) => return Some(Err(self.err(ErrorKind::InvalidJson(e.to_string())))),
            };
            let origin = format!("{}:{}", self.file, self.line);
            let id = match rec.id {
                Some(serde_json::Value::String(s)) => s,
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => origin.clone(),
            };
            let text = match (rec.text, rec.html) {
                (Some(serde_json::Value::String(text)), _) => text,
                (_, Some(html)) => {
                    let mut d = Document::from_html(id, &html, rec.url, origin);
                    d.date = rec.date.or(d.date);
                    d.lang = rec.lang.or(d.lang);
                    d.title = rec.title.or(d.title);
                    return Some(Ok(d));
                }
                _ => return Some(Err(self.err(ErrorKind::MissingText))),
            };
            let mut date = rec.date;
            let mut section = rec.section;
            if date.is_none() {
                if let Some((d, s)) = text.lines().find(|l| !l.trim().is_empty()).and_then(parse_header) {
                    date = Some(d);
                    section = section.or(s);
                }
            }
            return Some(Ok(Document {
                id,
                text,
                url: rec.url,
                date,
                section,
                lang: rec.lang,
                title: rec.title,
                author: None,
                site_name: None,
                origin,
                article: None,
            }));
        }
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(paths: &[PathBuf], opts: ReaderOptions) -> Vec<Result<Document, ReadError>> {
        InputReader::new(paths, opts).collect()
    }

    #[test]
    fn header_parsing() {
        assert_eq!(parse_header(" date 2017-09-13 Tech"), Some(("2017-09-13".into(), Some("Tech".into()))));
        assert_eq!(parse_header("date 2017-09-13"), Some(("2017-09-13".into(), None)));
        assert_eq!(parse_header("date tomorrow Tech"), None);
        assert_eq!(parse_header("Updated 2017-09-13"), None);
    }

    #[test]
    fn jsonl_bad_records_are_reported_with_line_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.jsonl");
        let mut f = File::create(&p).unwrap();
        writeln!(f, r#"{{"id": "a", "text": "first"}}"#).unwrap();
        writeln!(f, "{{not json").unwrap();
        writeln!(f, r#"{{"id": "c"}}"#).unwrap();
        f.write_all(b"{\"id\": \"d\", \"text\": \"\xff\"}\n").unwrap();
        writeln!(f).unwrap();
        writeln!(f, r#"{{"id": 7, "text": " date 2017-01-02 World\nbody", "url": "http://x.org/a"}}"#).unwrap();
        drop(f);
        let out = read_all(&[p], ReaderOptions::default());
        assert_eq!(out.len(), 5);
        assert_eq!(out[0].as_ref().unwrap().id, "a");
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.line, e.kind.name()), (Some(2), "invalid_json"));
        assert!(e.to_string().contains("in.jsonl:2: invalid JSON"));
        assert_eq!(out[2].as_ref().unwrap_err().kind, ErrorKind::MissingText);
        assert_eq!(out[3].as_ref().unwrap_err().kind.name(), "invalid_utf8");
        let d = out[4].as_ref().unwrap();
        assert_eq!((d.id.as_str(), d.date.as_deref(), d.section.as_deref()), ("7", Some("2017-01-02"), Some("World")));
        assert_eq!(d.host(), Some("x.org"));
    }

    #[test]
    fn oversized_line_is_skipped_without_losing_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.jsonl");
        let big = "x".repeat(5000);
        std::fs::write(&p, format!("{{\"id\":\"a\",\"text\":\"{big}\"}}\n{{\"id\":\"b\",\"text\":\"ok\"}}\n")).unwrap();
        let out = read_all(&[p], ReaderOptions { max_record_bytes: 1000, ..Default::default() });
        assert_eq!(out[0].as_ref().unwrap_err().kind.name(), "record_too_large");
        assert_eq!(out[1].as_ref().unwrap().id, "b");
    }

    #[test]
    fn txt_files_header_marker_binary_and_dirs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a.txt"), " date 2017-09-13 Tech\nHeadline\nBody text.###\n").unwrap();
        std::fs::write(dir.path().join("sub/b.txt"), "one\n###\ntwo\n###\n").unwrap();
        std::fs::write(dir.path().join("c.txt"), b"\x00\x01binary").unwrap();
        std::fs::write(dir.path().join("README.md"), "not a document").unwrap();
        let out = read_all(&[dir.path().to_path_buf()], ReaderOptions::default());
        assert_eq!(out.len(), 3);
        let a = out[0].as_ref().unwrap();
        assert!(a.id.ends_with("a.txt"));
        assert_eq!(a.date.as_deref(), Some("2017-09-13"));
        assert!(a.text.ends_with("Body text."));
        assert_eq!(out[1].as_ref().unwrap_err().kind, ErrorKind::Binary);
        let split =
            read_all(&[dir.path().join("sub/b.txt")], ReaderOptions { split_markers: true, ..Default::default() });
        let texts: Vec<_> = split.iter().map(|d| d.as_ref().unwrap().text.clone()).collect();
        assert_eq!(texts, vec!["one", "two"]);
        assert!(split[1].as_ref().unwrap().id.ends_with("b.txt#2"));
    }

    #[test]
    fn gzip_and_truncated_gzip() {
        use flate2::write::GzEncoder;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl.gz");
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..50 {
            writeln!(enc, r#"{{"id":"d{i}","text":"text number {i}"}}"#).unwrap();
        }
        let bytes = enc.finish().unwrap();
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(
            read_all(std::slice::from_ref(&p), ReaderOptions::default()).iter().filter(|r| r.is_ok()).count(),
            50
        );
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let out = read_all(&[p], ReaderOptions::default());
        assert_eq!(out.iter().filter(|r| r.is_err()).count(), 1, "one error then stop");
    }

    #[test]
    fn missing_file_is_an_error_not_a_panic() {
        let out = read_all(&[PathBuf::from("/nonexistent/zzz.jsonl")], ReaderOptions::default());
        assert_eq!(out[0].as_ref().unwrap_err().kind.name(), "io");
    }
}
