//! The embedded persistent index.
//!
//! One redb file (ACID, copy-on-write B-trees: a commit is atomic and durable, a killed process leaves
//! the last committed state) holds every indexed document's metadata and text, its MinHash signature,
//! its LSH band keys and winnowed anchors (as posting lists), and the verified links between documents.
//! A scan writes each batch in one transaction, so `scan` of today's crawl can be killed at any point
//! and rerun, and relates new documents to everything indexed before.
//!
//! The file carries a format version and the fingerprint parameters it was built with; opening it with
//! other parameters is an error rather than silently useless signatures.

mod error;
mod events;
mod runs;
mod store;

pub use error::IndexError;
pub use events::{EventDoc, EventQuery, NumMap, POSTING_WEEK_DAYS};
pub use store::{Batch, DocRecord, DocRef, Index, IndexStats, LinkRecord, NewDoc, NewLink, FORMAT_VERSION};
