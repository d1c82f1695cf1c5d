//! Web archives: WARC files (ISO 28500, versions 1.0 and 1.1), plain or gzipped, and WET files (their text).
//!
//! A WARC file is a sequence of records, each a version line (`WARC/1.1`), header fields, an empty line, a
//! block of exactly `Content-Length` bytes and an empty line pair. A `.warc.gz` is usually one gzip member a
//! record. [`WarcRecords`] streams the records (never more than one record's block in memory, bounded by
//! [`ReaderOptions::max_record_bytes`]) and turns
//! - in a WARC ([`WarcKind::Warc`]), `response` records whose HTTP payload is an HTML page (status 2xx;
//!   chunked transfer and gzip/deflate content encodings undone) and `resource` records holding HTML, into
//!   documents through the same HTML path as an `.html` file, the HTTP `Content-Type` charset first;
//! - in a WET ([`WarcKind::Wet`]), `conversion` records (a page's extracted text) into plain-text documents,
//!   cleaned like `.txt` and JSONL text.
//!
//! The id is the record's `WARC-Target-URI` (the page's address, which is also its url), else its
//! `WARC-Record-ID`; the date is the page's publication date when its metadata gives one, else the day of
//! `WARC-Date` (when it was fetched). Other records (`warcinfo`, `request`, `metadata`, `revisit`, non-HTML
//! payloads, redirects and errors) are passed over: they are not errors. A broken record (truncated, a wrong
//! or missing `Content-Length`, a bad header line, a broken gzip member) is reported with the byte offset of
//! the record (in a `.gz`, of the gzip member that holds it), and reading goes on at the next record: gzip
//! members are decoded one at a time, so a broken member costs only its own records.

use crate::document::Document;
use crate::error::{ErrorKind, ReadError};
use crate::reader::{html_document, is_day, ReaderOptions};
use flate2::bufread::GzDecoder;
use std::borrow::Cow;
use std::io::{self, BufRead, Read};

/// Which records of the archive become documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarcKind {
    /// Pages: `response` and `resource` records holding HTML.
    Warc,
    /// Text: `conversion` records, as in Common Crawl's WET files.
    Wet,
}

/// Bytes read from the file (or decoded from a gzip member) at a time.
const CHUNK: usize = 64 << 10;
/// Longest header line (a WARC-Target-URI can be long, a header line of a megabyte is garbage).
const MAX_LINE: usize = 64 << 10;
/// Most header lines in one WARC or HTTP header.
const MAX_FIELDS: usize = 256;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const RECORD_START: &[u8] = b"WARC/";

/// The file's bytes, buffered, with the offset of the next one and a look-ahead of a few bytes (a gzip
/// member's start can straddle two reads).
struct RawInput<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// File offset of `buf[start]`.
    offset: u64,
    eof: bool,
}

impl<R: Read> RawInput<R> {
    fn new(inner: R) -> Self {
        RawInput { inner, buf: vec![0; CHUNK].into_boxed_slice(), start: 0, end: 0, offset: 0, eof: false }
    }

    /// The unread bytes, at least `n` of them (`n` <= [`CHUNK`]) unless the file ends first.
    fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.end - self.start < n.min(CHUNK) && !self.eof {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(&self.buf[self.start..self.end])
    }
}

impl<R: Read> Read for RawInput<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for RawInput<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.peek(1)
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.offset += n as u64;
    }
}

/// What one read of the decoded stream gave.
enum Got {
    Data(usize),
    /// A gzip member starts here, at this file offset.
    Member(u64),
    End,
}

/// The file's content: the bytes themselves, or gzip members decoded one at a time.
enum Units<R: Read> {
    /// Not looked at yet: gzip or not is decided by the first bytes, not by the name.
    Fresh(RawInput<R>),
    Plain(RawInput<R>),
    /// Between two gzip members (or after the last).
    Between(RawInput<R>),
    /// Inside the gzip member that starts at this offset.
    Member(Box<GzDecoder<RawInput<R>>>, u64),
    /// Only while changing state.
    Gone,
}

impl<R: Read> Units<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<Got> {
        loop {
            match std::mem::replace(self, Units::Gone) {
                Units::Fresh(mut raw) => {
                    let gz = raw.peek(2)?.starts_with(&GZIP_MAGIC);
                    *self = if gz { Units::Between(raw) } else { Units::Plain(raw) };
                }
                Units::Plain(mut raw) => {
                    let n = raw.read(out);
                    *self = Units::Plain(raw);
                    return Ok(match n? {
                        0 => Got::End,
                        n => Got::Data(n),
                    });
                }
                Units::Member(mut dec, start) => match dec.read(out) {
                    Ok(0) => *self = Units::Between((*dec).into_inner()),
                    r => {
                        *self = Units::Member(dec, start);
                        return r.map(Got::Data);
                    }
                },
                Units::Between(mut raw) => {
                    // NUL padding after the last member is not an error.
                    let at_end = loop {
                        let b = raw.peek(1)?;
                        let zeros = b.iter().take_while(|&&c| c == 0).count();
                        if zeros == 0 {
                            break b.is_empty();
                        }
                        raw.consume(zeros);
                    };
                    if at_end {
                        *self = Units::Between(raw);
                        return Ok(Got::End);
                    }
                    let start = raw.offset;
                    *self = Units::Member(Box::new(GzDecoder::new(raw)), start);
                    return Ok(Got::Member(start));
                }
                Units::Gone => return Ok(Got::End),
            }
        }
    }

    fn is_gzip(&self) -> bool {
        matches!(self, Units::Between(_) | Units::Member(..))
    }

    /// Offset of the gzip member being decoded, else of the next unread byte.
    fn offset(&self) -> u64 {
        match self {
            Units::Member(_, start) => *start,
            Units::Fresh(raw) | Units::Plain(raw) | Units::Between(raw) => raw.offset,
            Units::Gone => 0,
        }
    }

    /// Leave a broken gzip member: go on at the next gzip header after its start.
    fn skip_member(&mut self) -> io::Result<()> {
        let Units::Member(dec, start) = std::mem::replace(self, Units::Gone) else {
            return Err(io::Error::other("no gzip member to skip"));
        };
        let mut raw = (*dec).into_inner();
        if raw.offset == start && !raw.peek(1)?.is_empty() {
            raw.consume(1);
        }
        let found = seek_member(&mut raw);
        *self = Units::Between(raw);
        found
    }
}

/// Move to the next byte run that looks like a gzip member header (magic, deflate, no reserved flags), or
/// to the end of the file.
fn seek_member<R: Read>(raw: &mut RawInput<R>) -> io::Result<()> {
    loop {
        let b = raw.peek(4)?;
        if b.len() < 4 {
            let n = b.len();
            raw.consume(n);
            return Ok(());
        }
        match memchr::memchr(GZIP_MAGIC[0], b) {
            None => {
                let n = b.len();
                raw.consume(n);
            }
            Some(i) if i + 4 <= b.len() => {
                if b[i + 1] == GZIP_MAGIC[1] && b[i + 2] == 8 && b[i + 3] & 0xe0 == 0 {
                    raw.consume(i);
                    return Ok(());
                }
                raw.consume(i + 1);
            }
            Some(i) => raw.consume(i),
        }
    }
}

/// A stream that failed: reported when the reader gets to it.
struct Broken {
    offset: u64,
    kind: ErrorKind,
    /// The file cannot be read on (an I/O error, or an uncompressed file): stop after reporting.
    fatal: bool,
}

/// Header fields, names in lower case, in order.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The documents of a WARC or WET file, read from any byte stream (plain or gzip, told by its first bytes).
/// Yields a [`ReadError`] naming the file and the byte offset for each broken record and goes on after it.
pub struct WarcRecords<R: Read> {
    file: String,
    kind: WarcKind,
    limit: usize,
    units: Units<R>,
    /// Decoded bytes; `buf[pos..]` are not parsed yet.
    buf: Vec<u8>,
    pos: usize,
    /// Uncompressed file: the file offset of `buf[0]`.
    base: u64,
    /// Compressed file: (index in `buf`, file offset) where each gzip member's output starts.
    marks: Vec<(usize, u64)>,
    /// Bytes consumed so far: a failed record must consume at least one, so reading always moves on.
    consumed: u64,
    eof: bool,
    broken: Option<Broken>,
    /// After an error: skip to the next line that starts a record.
    resync: bool,
    done: bool,
}

enum Step {
    Doc(Box<Document>),
    Skip,
    Fail(u64, ErrorKind),
    End,
}

impl<R: Read> WarcRecords<R> {
    /// `file` names the input in errors and document origins; records over `opts.max_record_bytes` are
    /// reported and skipped.
    pub fn new(reader: R, file: impl Into<String>, kind: WarcKind, opts: &ReaderOptions) -> Self {
        WarcRecords {
            file: file.into(),
            kind,
            limit: opts.max_record_bytes,
            units: Units::Fresh(RawInput::new(reader)),
            buf: Vec::new(),
            pos: 0,
            base: 0,
            marks: Vec::new(),
            consumed: 0,
            eof: false,
            broken: None,
            resync: false,
            done: false,
        }
    }

    fn avail(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.avail());
        self.pos += n;
        self.consumed += n as u64;
    }

    /// File offset of the decoded byte `buf[p]`: itself in an uncompressed file, its gzip member's in a
    /// compressed one.
    fn offset_of(&self, p: usize) -> u64 {
        self.marks.iter().rev().find(|m| m.0 <= p).map_or(self.base + p as u64, |m| m.1)
    }

    fn compact(&mut self) {
        if self.pos == 0 {
            return;
        }
        let pos = self.pos;
        self.buf.drain(..pos);
        self.base += pos as u64;
        // Keep the member that holds the new `buf[0]` and those after it.
        let keep = self.marks.iter().rposition(|m| m.0 <= pos).unwrap_or(0);
        self.marks.drain(..keep);
        for m in &mut self.marks {
            m.0 = m.0.saturating_sub(pos);
        }
        self.pos = 0;
    }

    /// Make `n` unparsed bytes available; false if the stream ends (or breaks) first.
    fn fill(&mut self, n: usize) -> bool {
        while self.avail() < n {
            if self.eof || self.broken.is_some() {
                return false;
            }
            self.compact();
            let old = self.buf.len();
            self.buf.resize(old + CHUNK, 0);
            let got = self.units.read(&mut self.buf[old..]);
            self.buf.truncate(old + if let Ok(Got::Data(k)) = got { k } else { 0 });
            match got {
                Ok(Got::Data(_)) => {}
                Ok(Got::Member(offset)) => self.marks.push((old, offset)),
                Ok(Got::End) => self.eof = true,
                Err(e) => {
                    let gz = self.units.is_gzip();
                    let kind = match e.kind() {
                        _ if !gz => ErrorKind::Io(e.to_string()),
                        io::ErrorKind::UnexpectedEof => ErrorKind::Truncated,
                        _ => ErrorKind::Decompress(e.to_string()),
                    };
                    self.broken = Some(Broken { offset: self.units.offset(), kind, fatal: !gz });
                }
            }
        }
        true
    }

    /// Report a broken stream and go on at the next gzip member (dropping what the broken one decoded).
    fn take_broken(&mut self) -> Step {
        let Some(b) = self.broken.take() else { return Step::End };
        if b.fatal {
            self.done = true;
            return Step::Fail(b.offset, b.kind);
        }
        if let Some(i) = self.marks.iter().rposition(|m| m.1 == b.offset) {
            let idx = self.marks[i].0.max(self.pos);
            self.buf.truncate(idx);
            self.marks.truncate(i + 1);
        }
        if let Err(e) = self.units.skip_member() {
            self.broken = Some(Broken { offset: self.units.offset(), kind: ErrorKind::Io(e.to_string()), fatal: true });
        }
        self.resync = true;
        Step::Fail(b.offset, b.kind)
    }

    fn end_of_input(&mut self) -> Step {
        if self.broken.is_some() {
            return self.take_broken();
        }
        self.done = true;
        Step::End
    }

    fn step(&mut self) -> Step {
        loop {
            if !self.fill(1) {
                return self.end_of_input();
            }
            match self.buf[self.pos] {
                b'\r' | b'\n' => self.consume(1),
                _ => break,
            }
        }
        if self.resync {
            if !self.seek_record() {
                return self.end_of_input();
            }
            self.resync = false;
        }
        let start = self.offset_of(self.pos);
        let consumed = self.consumed;
        match self.record(start) {
            Ok(Some(doc)) => Step::Doc(Box::new(doc)),
            Ok(None) => Step::Skip,
            Err(kind) => {
                self.resync = true;
                if self.consumed == consumed {
                    self.consume(1);
                }
                // A record cut short by a broken gzip member: the member is the error.
                if kind == ErrorKind::Truncated && self.broken.is_some() {
                    return self.take_broken();
                }
                Step::Fail(start, kind)
            }
        }
    }

    /// Skip to the next line that starts with `WARC/`; false if the stream ends first.
    fn seek_record(&mut self) -> bool {
        let mut line_start = true;
        loop {
            if !self.fill(RECORD_START.len()) {
                let n = self.avail();
                self.consume(n);
                return false;
            }
            if line_start && self.buf[self.pos..].starts_with(RECORD_START) {
                return true;
            }
            match memchr::memchr(b'\n', &self.buf[self.pos..]) {
                Some(i) => {
                    self.consume(i + 1);
                    line_start = true;
                }
                None => {
                    let n = self.avail();
                    self.consume(n);
                    line_start = false;
                }
            }
        }
    }

    /// The next line, without its line end; `None` if the stream ends first.
    fn read_line(&mut self) -> Result<Option<Vec<u8>>, ErrorKind> {
        let mut scanned = 0;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.pos + scanned..]) {
                let end = scanned + i;
                let mut line = self.buf[self.pos..self.pos + end].to_vec();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.consume(end + 1);
                return Ok(Some(line));
            }
            scanned = self.avail();
            if scanned >= MAX_LINE {
                return Err(ErrorKind::BadRecord(format!("header line longer than {} KiB", MAX_LINE >> 10)));
            }
            if !self.fill(scanned + 1) {
                return Ok(None);
            }
        }
    }

    fn read_fields(&mut self) -> Result<Fields, ErrorKind> {
        let mut lines = Vec::new();
        loop {
            let line = self.read_line()?.ok_or(ErrorKind::Truncated)?;
            if line.is_empty() {
                return parse_fields(lines.iter().map(Vec::as_slice));
            }
            lines.push(line);
            if lines.len() > MAX_FIELDS {
                return Err(ErrorKind::BadRecord(format!("more than {MAX_FIELDS} header lines")));
            }
        }
    }

    /// Discard `left` bytes (the block of a record too large to read).
    fn skip(&mut self, mut left: u64) -> Result<(), ErrorKind> {
        while left > 0 {
            if !self.fill(1) {
                return Err(ErrorKind::Truncated);
            }
            let n = (self.avail() as u64).min(left);
            self.consume(n as usize);
            left -= n;
        }
        Ok(())
    }

    /// Where a record starts inside `buf[from..to]` (at a line start or a gzip member's start), if anywhere.
    fn record_within(&self, from: usize, to: usize) -> Option<usize> {
        let hay = &self.buf[from..(to + RECORD_START.len()).min(self.buf.len())];
        memchr::memmem::find_iter(hay, RECORD_START)
            .map(|i| from + i)
            .find(|&p| p > self.pos && (self.buf[p - 1] == b'\n' || self.marks.iter().any(|m| m.0 == p)))
    }

    /// One record from its version line on: `Ok(None)` for a record that is not a document.
    fn record(&mut self, start: u64) -> Result<Option<Document>, ErrorKind> {
        let version = self.read_line()?.ok_or(ErrorKind::Truncated)?;
        if !version.starts_with(RECORD_START) {
            return Err(ErrorKind::BadRecord("expected a WARC/1.x version line".into()));
        }
        let fields = self.read_fields()?;
        let len = match fields.get("content-length") {
            None => return Err(ErrorKind::BadRecord("no Content-Length".into())),
            Some(v) => v.parse::<u64>().map_err(|_| ErrorKind::BadRecord(format!("bad Content-Length {v:?}")))?,
        };
        if len > self.limit as u64 {
            self.skip(len)?;
            return Err(ErrorKind::RecordTooLarge { bytes: self.limit as u64 });
        }
        let len = len as usize;
        // The block, the empty lines that end the record, and the start of the next one.
        self.fill(len + 4 + RECORD_START.len());
        let block_end = self.pos + len.min(self.avail());
        // A gzip member that starts inside the block with a record of its own: the length is wrong.
        let next_member = self
            .marks
            .iter()
            .map(|m| m.0)
            .find(|&b| b > self.pos && b < block_end && self.buf[b..].starts_with(RECORD_START));
        if let Some(b) = next_member {
            self.consume(b - self.pos);
            return Err(ErrorKind::BadRecord(format!("Content-Length {len} runs past the end of the record")));
        }
        if self.avail() < len {
            // Cut short; in an uncompressed file a too-long Content-Length runs into the next record.
            let to = self.record_within(self.pos, block_end).unwrap_or(block_end);
            self.consume(to - self.pos);
            return Err(ErrorKind::Truncated);
        }
        // Past the block: the empty lines that end the record (positions relative to `pos`, which a
        // refill moves).
        let mut rel = len;
        loop {
            while self.pos + rel < self.buf.len() && matches!(self.buf[self.pos + rel], b'\r' | b'\n') {
                rel += 1;
            }
            if self.pos + rel < self.buf.len() || !self.fill(rel + 1) {
                break;
            }
        }
        let ends = !self.fill(rel + 1) || {
            self.fill(rel + RECORD_START.len());
            self.buf[self.pos + rel..].starts_with(RECORD_START)
        };
        if !ends {
            let block_end = self.pos + len;
            let to = self.record_within(self.pos, block_end).unwrap_or(block_end);
            self.consume(to - self.pos);
            return Err(ErrorKind::BadRecord(format!("Content-Length {len} does not end the record")));
        }
        // A gzip member fails its checksum only at its end, after its bytes were decoded.
        let damaged =
            self.broken.as_ref().is_some_and(|b| self.marks.iter().any(|m| m.1 == b.offset && m.0 < self.pos + rel));
        if damaged {
            return Err(ErrorKind::Truncated);
        }
        let block = &self.buf[self.pos..self.pos + len];
        let doc = make_document(self.kind, &fields, block, &self.file, start, self.limit);
        self.consume(rel);
        doc
    }
}

impl<R: Read> Iterator for WarcRecords<R> {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.step() {
                Step::Doc(d) => return Some(Ok(*d)),
                Step::Skip => {}
                Step::Fail(offset, kind) => {
                    return Some(Err(ReadError { file: self.file.clone(), line: None, offset: Some(offset), kind }))
                }
                Step::End => self.done = true,
            }
        }
        None
    }
}

/// `Name: value` lines (a line starting with white space continues the previous value).
fn parse_fields<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Result<Fields, ErrorKind> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        let text = String::from_utf8_lossy(line);
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some(last) = fields.last_mut() {
                last.1.push(' ');
                last.1.push_str(text.trim());
                continue;
            }
        }
        match text.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()))
            }
            _ => {
                let short: String = text.chars().take(40).collect();
                return Err(ErrorKind::BadRecord(format!("bad header line {short:?}")));
            }
        }
    }
    Ok(Fields(fields))
}

/// The media type of a `Content-Type` value, lower case, without parameters.
fn mime(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Whether a payload is an HTML page: by its declared type, or by its first bytes when none is declared.
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type.map(mime).as_deref() {
        Some("text/html" | "application/xhtml+xml") => true,
        None | Some("") => {
            let head = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
            let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
            let head = &head[start..head.len().min(start + 14)];
            [&b"<!doctype html"[..], b"<html"]
                .iter()
                .any(|p| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p))
        }
        Some(_) => false,
    }
}

/// An HTML payload and the charset hint for it.
struct Page<'a> {
    body: Cow<'a, [u8]>,
    content_type: Option<String>,
}

/// The HTML page in an HTTP response block; `Ok(None)` for a response that is not a page (not 2xx, not HTML).
fn http_page(block: &[u8], limit: usize) -> Result<Option<Page<'_>>, ErrorKind> {
    let bad = |what: &str| ErrorKind::BadRecord(format!("bad HTTP response: {what}"));
    let (head_end, body_start) = match (memchr::memmem::find(block, b"\r\n\r\n"), memchr::memmem::find(block, b"\n\n"))
    {
        (Some(a), Some(b)) if b + 1 < a => (b, b + 2),
        (Some(a), _) => (a, a + 4),
        (None, Some(b)) => (b, b + 2),
        (None, None) => (block.len(), block.len()),
    };
    let mut lines = block[..head_end].split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    if !status_line.starts_with(b"HTTP/") {
        return Err(bad("no status line"));
    }
    let status = String::from_utf8_lossy(status_line)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| bad("no status code"))?;
    let fields = parse_fields(lines.take(MAX_FIELDS + 1))?;
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    let mut body = Cow::Borrowed(&block[body_start..]);
    let chunked = fields.get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        // Archivers differ: some store the chunks, some the joined body under the same header.
        if let Some(joined) = dechunk(&body) {
            body = Cow::Owned(joined);
        }
    }
    if let Some(enc) = fields.get("content-encoding") {
        body = decode_content(body, enc, limit)?;
    }
    let content_type = fields.get("content-type").map(str::to_string);
    Ok(is_html(content_type.as_deref(), &body).then_some(Page { body, content_type }))
}

/// The body of a chunked transfer (chunk extensions and trailers dropped); `None` if it is not chunked.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let nl = memchr::memchr(b'\n', rest)?;
        let size_field = std::str::from_utf8(&rest[..nl]).ok()?;
        let size_field = size_field.split(';').next().unwrap_or("").trim();
        if size_field.is_empty() || size_field.len() > 15 {
            return None;
        }
        let size = usize::from_str_radix(size_field, 16).ok()?;
        rest = &rest[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        let take = size.min(rest.len());
        out.extend_from_slice(&rest[..take]);
        rest = &rest[take..];
        rest = rest.strip_prefix(b"\r").unwrap_or(rest);
        rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        if rest.is_empty() {
            // The last chunk is missing: keep what came.
            return Some(out);
        }
    }
}

/// Undo a gzip or deflate `Content-Encoding` (unless the archiver already did, as many do).
fn decode_content<'a>(body: Cow<'a, [u8]>, encoding: &str, limit: usize) -> Result<Cow<'a, [u8]>, ErrorKind> {
    let encoding = encoding.trim().to_ascii_lowercase();
    let looks_plain = !body.starts_with(&GZIP_MAGIC) && body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    if encoding.is_empty() || encoding == "identity" || looks_plain {
        return Ok(body);
    }
    let mut out = Vec::new();
    let read = |r: &mut dyn Read, out: &mut Vec<u8>| r.take(limit as u64 + 1).read_to_end(out).map(|_| ());
    let ok = match encoding.as_str() {
        "gzip" | "x-gzip" => read(&mut flate2::read::MultiGzDecoder::new(&body[..]), &mut out).is_ok(),
        "deflate" => {
            read(&mut flate2::read::ZlibDecoder::new(&body[..]), &mut out).is_ok() || {
                out.clear();
                read(&mut flate2::read::DeflateDecoder::new(&body[..]), &mut out).is_ok()
            }
        }
        _ => return Err(ErrorKind::BadRecord(format!("unsupported Content-Encoding {encoding:?}"))),
    };
    if !ok {
        return Err(ErrorKind::BadRecord(format!("cannot decode Content-Encoding {encoding:?}")));
    }
    if out.len() > limit {
        return Err(ErrorKind::RecordTooLarge { bytes: limit as u64 });
    }
    Ok(Cow::Owned(out))
}

/// The document of a record, or `Ok(None)` for a record this kind of archive does not take.
fn make_document(
    kind: WarcKind,
    fields: &Fields,
    block: &[u8],
    file: &str,
    offset: u64,
    limit: usize,
) -> Result<Option<Document>, ErrorKind> {
    let record_type = fields.get("warc-type").unwrap_or("").to_ascii_lowercase();
    let content_type = fields.get("content-type");
    let page = match (kind, record_type.as_str()) {
        (WarcKind::Warc, "response") => {
            if content_type.is_some_and(|c| mime(c) != "application/http") {
                return Ok(None);
            }
            match http_page(block, limit)? {
                Some(p) => Some(p),
                None => return Ok(None),
            }
        }
        (WarcKind::Warc, "resource") if is_html(content_type, block) => {
            Some(Page { body: Cow::Borrowed(block), content_type: content_type.map(str::to_string) })
        }
        (WarcKind::Wet, "conversion") => None,
        _ => return Ok(None),
    };
    let url =
        fields.get("warc-target-uri").map(|u| u.trim_matches(['<', '>', ' ']).to_string()).filter(|u| !u.is_empty());
    // A header present but empty names nothing (a document's id must not be empty).
    let record_id = fields.get("warc-record-id").map(str::trim).filter(|r| !r.is_empty());
    let origin = match record_id {
        Some(r) => format!("{file}: byte {offset} {r}"),
        None => format!("{file}: byte {offset}"),
    };
    let id = url.clone().or_else(|| record_id.map(str::to_string)).unwrap_or_else(|| origin.clone());
    let fetched = fields.get("warc-date").and_then(|d| d.get(..10)).filter(|d| is_day(d)).map(str::to_string);
    let doc = match page {
        Some(p) => {
            let mut d = html_document(id, &p.body, p.content_type.as_deref(), url, origin)?;
            d.date = d.date.or(fetched);
            d
        }
        None => {
            let text = String::from_utf8_lossy(block).into_owned();
            if text.trim().is_empty() {
                return Err(ErrorKind::NoText);
            }
            let mut d = Document::plain(id, text, origin);
            d.url = url;
            d.date = fetched;
            d
        }
    };
    Ok(Some(doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const P1: &str = "The harbour authority of Port Wenlow approved a plan on Monday to dredge the eastern channel, \
        letting larger ferries dock at the old grain quay for the first time in forty years.";
    const P2: &str = "The work will cost about 9 million crowns and should be finished before the summer timetable \
        starts, the authority's chair, Maren Ostby, told reporters after the vote.";

    fn page(title: &str, furniture: &str) -> String {
        format!(
            "<!doctype html><html><head><title>{title}</title></head><body><nav><a href=/>Home</a> \
             <a href=/local>Local</a></nav><article><h1>{title}</h1><p>{P1}</p><p>{P2}</p></article>\
             <footer>{furniture}</footer></body></html>"
        )
    }

    fn http(body: &[u8], headers: &str) -> Vec<u8> {
        let mut v = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
        v.extend_from_slice(body);
        v
    }

    fn record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut v = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-05T10:00:00Z\r\n\
             WARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\n\r\n",
            uri.len(),
            block.len()
        )
        .into_bytes();
        v.extend_from_slice(block);
        v.extend_from_slice(b"\r\n\r\n");
        v
    }

    fn response(uri: &str, body: &[u8], headers: &str) -> Vec<u8> {
        record("response", uri, "application/http; msgtype=response", &http(body, headers))
    }

    fn html_response(uri: &str, title: &str) -> Vec<u8> {
        response(uri, page(title, "Copyright Wenlow Gazette").as_bytes(), "Content-Type: text/html; charset=utf-8\r\n")
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read(bytes: &[u8], kind: WarcKind) -> Vec<Result<Document, ReadError>> {
        WarcRecords::new(bytes, "t.warc.gz", kind, &ReaderOptions::default()).collect()
    }

    fn ok_ids(out: &[Result<Document, ReadError>]) -> Vec<String> {
        out.iter().filter_map(|r| r.as_ref().ok()).map(|d| d.id.clone()).collect()
    }

    fn warcinfo() -> Vec<u8> {
        record("warcinfo", "", "application/warc-fields", b"software: unspun tests\r\n")
    }

    #[test]
    fn well_formed_record_becomes_an_html_document() {
        let mut f = warcinfo();
        f.extend(html_response("https://wenlow.example/news/dredging", "Channel to be dredged"));
        let out = read(&f, WarcKind::Warc);
        assert_eq!(out.len(), 1, "{out:?}");
        let d = out[0].as_ref().unwrap();
        assert_eq!(d.id, "https://wenlow.example/news/dredging");
        assert_eq!(d.url.as_deref(), Some("https://wenlow.example/news/dredging"));
        assert_eq!(d.host(), Some("wenlow.example"));
        assert_eq!(d.date.as_deref(), Some("2024-03-05"), "the fetch day when the page gives no date");
        assert!(d.origin.contains("urn:uuid:"), "{}", d.origin);
        let spans = d.article.as_ref().unwrap();
        let article: Vec<&str> = spans.iter().map(|s| &d.text[s.clone()]).collect();
        assert!(article.contains(&P1) && article.contains(&P2), "{article:?}");
        assert!(!article.iter().any(|p| p.contains("Copyright")));
    }

    #[test]
    fn page_date_wins_over_the_fetch_date() {
        let body = page("Channel to be dredged", "x")
            .replace("<head>", "<head><meta property=\"article:published_time\" content=\"2024-02-28T08:00:00Z\">");
        let f = response("https://wenlow.example/a", body.as_bytes(), "Content-Type: text/html\r\n");
        let d = read(&f, WarcKind::Warc).remove(0).unwrap();
        assert_eq!(d.date.as_deref().map(|s| &s[..10]), Some("2024-02-28"));
    }

    #[test]
    fn one_gzip_member_a_record_and_plain_files_read_alike() {
        let recs =
            [warcinfo(), html_response("https://a.example/1", "One"), html_response("https://b.example/2", "Two")];
        let plain: Vec<u8> = recs.concat();
        let members: Vec<u8> = recs.iter().flat_map(|r| gz(r)).collect();
        let whole = gz(&plain);
        for bytes in [&plain, &members, &whole] {
            let out = read(bytes, WarcKind::Warc);
            assert_eq!(ok_ids(&out), ["https://a.example/1", "https://b.example/2"]);
            assert_eq!(out.len(), 2);
        }
    }

    #[test]
    fn chunked_body_is_joined() {
        let body = page("Chunked", "x");
        let (a, b) = body.split_at(100);
        let chunked = format!("{:x};ext=1\r\n{a}\r\n{:X}\r\n{b}\r\n0\r\nX-Trailer: y\r\n\r\n", a.len(), b.len());
        let f = response(
            "https://c.example/x",
            chunked.as_bytes(),
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
        );
        let d = read(&f, WarcKind::Warc).remove(0).unwrap();
        assert!(d.text.contains(P1) && d.text.contains(P2));
        assert!(!d.text.contains("ext=1"));
        // Stored already joined under the same header: read as is.
        let f = response(
            "https://c.example/y",
            body.as_bytes(),
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
        );
        assert!(read(&f, WarcKind::Warc).remove(0).unwrap().text.contains(P2));
    }

    #[test]
    fn gzip_content_encoding_is_undone() {
        let f = response(
            "https://c.example/z",
            &gz(page("Zipped", "x").as_bytes()),
            "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
        );
        assert!(read(&f, WarcKind::Warc).remove(0).unwrap().text.contains(P1));
    }

    #[test]
    fn non_html_payloads_and_other_records_are_skipped_silently() {
        let mut f = warcinfo();
        f.extend(record(
            "request",
            "https://a.example/1",
            "application/http; msgtype=request",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ));
        f.extend(response("https://a.example/logo.png", b"\x89PNG\r\n\x1a\n....", "Content-Type: image/png\r\n"));
        f.extend(response("https://a.example/data.json", b"{\"a\": 1}", "Content-Type: application/json\r\n"));
        let redirect = b"HTTP/1.1 301 Moved\r\nLocation: /b\r\nContent-Type: text/html\r\n\r\n<html>moved</html>";
        f.extend(record("response", "https://a.example/old", "application/http; msgtype=response", redirect));
        f.extend(record("metadata", "https://a.example/1", "application/warc-fields", b"via: x\r\n"));
        f.extend(record("resource", "https://a.example/notes.txt", "text/plain", b"just notes"));
        f.extend(record("resource", "https://a.example/r", "text/html", page("Resource", "x").as_bytes()));
        f.extend(html_response("https://a.example/1", "One"));
        let out = read(&f, WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/r", "https://a.example/1"]);
        assert_eq!(out.len(), 2, "no errors: {out:?}");
    }

    #[test]
    fn wrong_content_length_is_reported_with_its_offset_and_the_next_record_read() {
        let first = html_response("https://a.example/1", "One");
        let mut short = html_response("https://a.example/2", "Two");
        let cl = memchr::memmem::find(&short, b"Content-Length: ").unwrap() + 16;
        short[cl] -= 1; // 4-digit length starting with 2..9: now about 1000 bytes short
        let third = html_response("https://a.example/3", "Three");
        let plain = [first.clone(), short.clone(), third.clone()].concat();
        let out = read(&plain, WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/3"]);
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(e.offset, Some(first.len() as u64));
        assert_eq!(e.kind.name(), "bad_record");
        assert!(e.to_string().starts_with(&format!("t.warc.gz: byte {}: Content-Length", first.len())), "{e}");

        // Too long, one member a record: the member's end tells.
        let mut long = html_response("https://a.example/2", "Two");
        long[cl] += 1;
        let members = [gz(&first), gz(&long), gz(&third)];
        let out = read(&members.concat(), WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/3"]);
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(e.offset, Some(members[0].len() as u64));
        assert!(e.to_string().contains("Content-Length"), "{e}");

        // Too long, uncompressed: the next record is found inside the block.
        let out = read(&[first.clone(), long, third].concat(), WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/3"]);
        assert_eq!(out[1].as_ref().unwrap_err().offset, Some(first.len() as u64));
    }

    #[test]
    fn missing_content_length_and_bad_header_line() {
        let first = html_response("https://a.example/1", "One");
        let no_len = b"WARC/1.1\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>x</html>\r\n\r\n".to_vec();
        let bad_line = b"WARC/1.1\r\nWARC-Type response\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n".to_vec();
        let last = html_response("https://a.example/4", "Four");
        let out = read(&[first.clone(), no_len.clone(), bad_line, last].concat(), WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/4"]);
        assert_eq!(out.len(), 4);
        assert_eq!(out[1].as_ref().unwrap_err().offset, Some(first.len() as u64));
        assert!(out[1].as_ref().unwrap_err().to_string().ends_with("no Content-Length"));
        let e = out[2].as_ref().unwrap_err();
        assert_eq!(e.offset, Some((first.len() + no_len.len()) as u64));
        assert!(e.to_string().contains("bad header line \"WARC-Type response\""), "{e}");
    }

    #[test]
    fn truncated_file_is_reported_once() {
        let first = html_response("https://a.example/1", "One");
        let second = html_response("https://a.example/2", "Two");
        let plain = [first.clone(), second.clone()].concat();
        let cut = &plain[..first.len() + second.len() / 2];
        let out = read(cut, WarcKind::Warc);
        assert_eq!(out.len(), 2);
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.offset, &e.kind), (Some(first.len() as u64), &ErrorKind::Truncated));
        assert_eq!(e.to_string(), format!("t.warc.gz: byte {}: truncated record", first.len()));

        let members = [gz(&first), gz(&second)].concat();
        let cut = &members[..members.len() - 30];
        let out = read(cut, WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1"]);
        assert_eq!(out.len(), 2, "{out:?}");
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.offset, &e.kind), (Some(gz(&first).len() as u64), &ErrorKind::Truncated));
    }

    #[test]
    fn bad_gzip_member_is_reported_and_the_next_member_read() {
        let m = [
            gz(&html_response("https://a.example/1", "One")),
            gz(&html_response("https://a.example/2", "Two")),
            gz(&html_response("https://a.example/3", "Three")),
        ];
        let mut bytes = m.concat();
        let mid = m[0].len() + m[1].len() / 2;
        for b in &mut bytes[mid..mid + 16] {
            *b ^= 0x5a;
        }
        let out = read(&bytes, WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/3"]);
        assert_eq!(out.len(), 3, "{out:?}");
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(e.offset, Some(m[0].len() as u64));
        assert_eq!(e.kind.name(), "decompress");

        // Garbage between members, and NUL padding at the end.
        let mut bytes = [m[0].clone(), b"not gzip at all".to_vec(), m[2].clone()].concat();
        bytes.extend([0u8; 64]);
        let out = read(&bytes, WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/3"]);
        assert_eq!(out[1].as_ref().unwrap_err().offset, Some(m[0].len() as u64));
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn charset_comes_from_the_http_header() {
        // "Привет" in KOI8-R: without the header, these bytes would be guessed as windows-1252.
        let koi = [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4];
        let mut b = b"<html><body><article><p>".to_vec();
        b.extend_from_slice(&koi);
        b.extend_from_slice(format!(" {P1}</p><p>{P2}</p></article></body></html>").as_bytes());
        let hello = "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}";
        let f = response("https://d.example/y", &b, "Content-Type: text/html; charset=koi8-r\r\n");
        let d = read(&f, WarcKind::Warc).remove(0).unwrap();
        assert!(d.text.contains(hello), "{}", d.text);
        let f = response("https://d.example/y", &b, "Content-Type: text/html\r\n");
        assert!(!read(&f, WarcKind::Warc).remove(0).unwrap().text.contains(hello));
    }

    #[test]
    fn wet_conversion_records_are_plain_text() {
        let text = format!("Home | Local | Sport\n{P1}\n{P2}\nCopyright Wenlow Gazette");
        let mut f = record("warcinfo", "", "application/warc-fields", b"isPartOf: test\r\n");
        f.extend(record("conversion", "https://e.example/a", "text/plain", text.as_bytes()));
        f.extend(html_response("https://e.example/b", "Not text"));
        let out = read(&gz(&f), WarcKind::Wet);
        assert_eq!(out.len(), 1);
        let d = out[0].as_ref().unwrap();
        assert_eq!(
            (d.id.as_str(), d.text.as_str(), d.date.as_deref()),
            ("https://e.example/a", text.as_str(), Some("2024-03-05"))
        );
        assert!(d.article.is_none(), "cleaned by the plain-text cleaner");
        assert_eq!(d.host(), Some("e.example"));
        // And a WARC reader passes conversion records over.
        assert!(read(&gz(&f), WarcKind::Warc).iter().all(|r| r.as_ref().unwrap().id == "https://e.example/b"));
    }

    #[test]
    fn empty_record_id_and_no_uri_fall_back_to_the_position() {
        // Found by the wet_reader fuzz target: an id of "" passed downstream.
        let text = format!("{P1}\n{P2}");
        let f = format!(
            "WARC/1.1\r\nWARC-Type: conversion\r\nWARC-Record-ID:\r\nContent-Type: text/plain\r\n\
             Content-Length: {}\r\n\r\n{text}\r\n\r\n",
            text.len()
        );
        let out = read(f.as_bytes(), WarcKind::Wet);
        let d = out[0].as_ref().unwrap();
        assert!(d.id.ends_with(": byte 0"), "{:?}", d.id);
        assert_eq!(d.id, d.origin);
    }

    #[test]
    fn oversized_record_is_skipped() {
        let big = html_response("https://a.example/big", &"long ".repeat(400));
        let small = html_response("https://a.example/small", "Small");
        let bytes = [big, small].concat();
        let out: Vec<_> = WarcRecords::new(
            &bytes[..],
            "t.warc",
            WarcKind::Warc,
            &ReaderOptions { max_record_bytes: 1500, ..Default::default() },
        )
        .collect();
        assert_eq!(out[0].as_ref().unwrap_err().kind.name(), "record_too_large");
        assert_eq!(ok_ids(&out), ["https://a.example/small"]);
    }

    #[test]
    fn garbage_never_panics_and_always_ends() {
        let good = [html_response("https://a.example/1", "One"), html_response("https://a.example/2", "Two")].concat();
        let members = [gz(&good[..good.len() / 2]), gz(&good[good.len() / 2..])].concat();
        for bytes in [&good, &members] {
            for cut in (0..bytes.len()).step_by(97) {
                let mut b = bytes.clone();
                b[cut] ^= 0xff;
                let _ = read(&b, WarcKind::Warc).len();
                let _ = read(&bytes[..cut], WarcKind::Warc).len();
            }
        }
        assert!(read(b"", WarcKind::Warc).is_empty());
        assert_eq!(read(b"\x1f\x8b", WarcKind::Wet).len(), 1);
    }

    #[test]
    fn a_record_split_across_gzip_members_is_read_whole() {
        // Block-gzip tools cut members anywhere.
        let f = [html_response("https://a.example/1", "One"), html_response("https://a.example/2", "Two")].concat();
        let pieces: Vec<u8> = f.chunks(300).flat_map(gz).collect();
        let out = read(&pieces, WarcKind::Warc);
        assert_eq!(ok_ids(&out), ["https://a.example/1", "https://a.example/2"]);
        assert_eq!(out.len(), 2);
    }
}
