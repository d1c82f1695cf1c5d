//! Verification and alignment of candidate pairs.
//!
//! Candidates come from signatures, which are estimates; every pair is checked here on the actual
//! shingles of both texts: Jaccard, containment (so a truncated copy or one wrapped in other page
//! furniture still scores high), and the passages the two share, located in both inputs. Shingles that
//! touch a quotation are counted apart, because independent reports of one event share quotes.

mod cite;
mod overlap;
mod sentences;

pub use cite::{credited_headline, Credit};
pub use overlap::{compare, compare_at_least, DocView, Overlap, Passage, ShingleSet};
pub use sentences::{
    align_sentences, AlignedText, SentenceAlignment, SentencePair, Sentences, Swap, Swaps, ALIGN_THRESHOLD,
};
