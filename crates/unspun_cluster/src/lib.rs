//! Grouping: copy families from verified links, the likely original of each family, and stories.

mod origin;
pub mod story;
mod unionfind;

pub use origin::{
    compare_dates, first_version, house_credit, original_rule, parse_date, pick_original, wire_evidence,
    wire_evidence_in, DateKey, OriginEvidence, OriginRule,
};
pub use story::StoryParams;
pub use unionfind::UnionFind;
