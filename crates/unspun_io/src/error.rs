use std::fmt;

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    Io(String),
    InvalidJson(String),
    MissingText,
    InvalidUtf8 {
        byte: u64,
    },
    RecordTooLarge {
        bytes: u64,
    },
    Binary,
    Decompress(String),
    Unsupported,
    /// The input ends inside a record.
    Truncated,
    /// A WARC record whose framing is broken: a bad version or header line, a missing or wrong
    /// Content-Length, an unreadable HTTP header.
    BadRecord(String),
    /// A page or text record with no text in it.
    NoText,
}

impl ErrorKind {
    /// A short stable name, used to count skipped records by reason in summaries.
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::Io(_) => "io",
            ErrorKind::InvalidJson(_) => "invalid_json",
            ErrorKind::MissingText => "missing_text",
            ErrorKind::InvalidUtf8 { .. } => "invalid_utf8",
            ErrorKind::RecordTooLarge { .. } => "record_too_large",
            ErrorKind::Binary => "binary_file",
            ErrorKind::Decompress(_) => "decompress",
            ErrorKind::Unsupported => "unsupported_file",
            ErrorKind::Truncated => "truncated_record",
            ErrorKind::BadRecord(_) => "bad_record",
            ErrorKind::NoText => "no_text",
        }
    }
}

/// A record that could not be read, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    pub file: String,
    /// 1-based line for line-oriented inputs.
    pub line: Option<u64>,
    /// Byte offset of the record in the file, for record-oriented inputs (WARC, WET); in a `.gz` file, the
    /// offset of the gzip member that holds the record, which is where a WARC index points.
    pub offset: Option<u64>,
    pub kind: ErrorKind,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(o) = self.offset {
            write!(f, ": byte {o}")?;
        }
        match &self.kind {
            ErrorKind::Io(e) => write!(f, ": cannot read: {e}"),
            ErrorKind::InvalidJson(e) => write!(f, ": invalid JSON: {e}"),
            ErrorKind::MissingText => write!(f, ": record has no string field \"text\""),
            ErrorKind::InvalidUtf8 { byte } => write!(f, ": invalid UTF-8 at byte {byte}"),
            ErrorKind::RecordTooLarge { bytes } => write!(f, ": record of {bytes}+ bytes exceeds the limit"),
            ErrorKind::Binary => write!(f, ": binary data (NUL bytes), not text"),
            ErrorKind::Decompress(e) => write!(f, ": cannot decompress: {e}"),
            ErrorKind::Unsupported => write!(
                f,
                ": unsupported file type (expected .txt, .jsonl, .jsonl.gz, .jsonl.zst, .html, .warc, .warc.gz, .wet, .wet.gz)"
            ),
            ErrorKind::Truncated => write!(f, ": truncated record"),
            ErrorKind::BadRecord(e) => write!(f, ": {e}"),
            ErrorKind::NoText => write!(f, ": no text in the record"),
        }
    }
}
