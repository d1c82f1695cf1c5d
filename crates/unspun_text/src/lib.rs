//! Text primitives shared by every stage of unspun.
//!
//! Everything derived from a document keeps byte spans into the text the user gave ([`Token`],
//! [`sentences`]); [`CharMap`] turns them into the character offsets that the output schema (and
//! PAN tooling) uses. Normalisation folds Unicode compatibility forms, case and typographic variants
//! (curly quotes, dashes, non-breaking spaces) so that syndicated copies with other house style still
//! hash alike.

mod charmap;
pub mod fold;
mod sentence;
mod token;
pub mod words;

pub use charmap::CharMap;
pub use sentence::sentences;
pub use token::{hash_word, normalize, token_hashes_range, tokenize, tokenize_range, Token, TokenFlags};

/// A 64-bit hash of bytes (document texts, ids, stems). Words have their own, [`hash_word`], which
/// the tokenizer computes as it scans.
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(b)
}
