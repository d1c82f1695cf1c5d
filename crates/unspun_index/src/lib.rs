//! The embedded persistent index.
//!
//! One redb file (ACID, copy-on-write B-trees: a commit is atomic and durable, a killed process leaves
//! the last committed state) holds every indexed document's metadata and text, its event terms, and the
//! verified links between documents. Its LSH band keys and winnowed anchors are posting lists in sorted
//! run files beside it (`runs.rs`), named by a manifest that commits in the same transaction.
//! A scan writes each batch in one transaction, so `scan` of today's crawl can be killed at any point
//! and rerun, and relates new documents to everything indexed before. Transactions may commit without a
//! sync ([`Index::write_with`]): a crash then rolls back whole batches, to the last synced one.
//!
//! The file carries a format version and the fingerprint parameters it was built with; opening it with
//! other parameters is an error rather than silently useless signatures.

mod error;
mod events;
mod runs;
mod store;

pub use error::IndexError;
pub use events::{plan_event_reads, EventDoc, EventLists, EventQuery, NumMap};
pub use store::{lang_key, Batch, DocRecord, DocRef, Index, IndexStats, LinkRecord, NewDoc, NewLink, FORMAT_VERSION};
