//! Input and output of unspun.
//!
//! [`InputReader`] streams [`Document`]s out of files, directories, web archives ([`WarcRecords`]) and
//! stdin, and reports every record it cannot read as a [`ReadError`] that names the file, the line (or byte
//! offset) and the reason; the caller decides whether to skip it or stop. [`output`] writes the run files of `eval/SCHEMA.md`
//! atomically (a temporary file renamed into place), so a killed run never leaves half a file; [`pan`]
//! writes a run's evidence in the PAN text-alignment format.

mod document;
mod error;
pub mod output;
pub mod pan;
mod reader;
mod warc;

pub use document::{host_of, Document};
pub use error::{ErrorKind, ReadError};
pub use reader::{InputReader, ReaderOptions, MAX_RECORD_BYTES};
pub use warc::{WarcKind, WarcRecords};
