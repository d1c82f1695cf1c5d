//! Grouping: copy families from verified links, and the likely original of each family.

mod origin;
mod unionfind;

pub use origin::{compare_dates, parse_date, pick_original, wire_evidence, DateKey, OriginEvidence};
pub use unionfind::UnionFind;
