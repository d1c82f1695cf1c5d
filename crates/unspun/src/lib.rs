//! unspun: find who copied, spun and re-reported the news.
//!
//! This facade wires the pipeline crates together; front ends (the CLI, later a server, Python and
//! Spark bindings) call [`Engine`] and adapt only input and output.
//!
//! | stage | crate |
//! | --- | --- |
//! | read documents, write run files | [`unspun_io`] |
//! | separate article from furniture | [`unspun_extract`] |
//! | normalise and tokenise with offsets | [`unspun_text`] |
//! | shingles, MinHash, LSH, anchors | [`unspun_fingerprint`] |
//! | verify and align candidate pairs | [`unspun_align`] |
//! | families, originals, stories | [`unspun_cluster`] |
//! | persistent index | [`unspun_index`] |

mod config;
mod decide;
mod engine;
mod explain;
mod io_pool;
mod prepare;
mod report;
mod stories;
mod story;
pub mod timing;

pub use config::{Config, Signals};
pub use decide::{decide, spun_copy, Decision, Relation, SPIN_MIN_SWAPS};
pub use engine::{Engine, EngineError, Match, Observer, ScanOutcome, SilentObserver, Summary};
pub use explain::{AlignedSentences, ExplainedDoc, Explanation};
pub use prepare::{prepare, Prepared};
pub use stories::{SharedPassage, StoryDoc, StoryView};
pub use unspun_cluster as cluster;
pub use unspun_cluster::StoryParams;
pub use unspun_extract as extract;
pub use unspun_index as index;
pub use unspun_io as io;
pub use unspun_text as text;
