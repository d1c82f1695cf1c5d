//! Article extraction: keep the article, drop the page furniture.
//!
//! The plain-text cleaner works per line. It judges a line by its own features and by how often the
//! same line appears on other pages of the same host ([`HostLineStats`], which merges across partitions).
//! Every result is a list of byte spans into the input, so evidence can point back into the user's text.
//!
//! The HTML extractor ([`extract_html`]) finds the article in a page's tree (container scoring, then
//! cleaning inside the winner) and reads its metadata; its spans point into the page's visible text.

pub mod html;
pub mod plain;

#[doc(hidden)]
pub use html::explain_html;
pub use html::{decode_html, extract_html, HtmlArticle};

#[doc(hidden)]
pub use plain::explain_plain;
pub use plain::{clean_plain, Cleaned, HostLineStats};
