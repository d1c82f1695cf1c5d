//! Article extraction: keep the article, drop the page furniture.
//!
//! The plain-text cleaner works per line. It judges a line by its own features and by how often the
//! same line appears on other pages of the same host ([`HostLineStats`], which merges across partitions).
//! Every result is a list of byte spans into the input, so evidence can point back into the user's text.

pub mod plain;

#[doc(hidden)]
pub use plain::explain_plain;
pub use plain::{clean_plain, Cleaned, HostLineStats};
