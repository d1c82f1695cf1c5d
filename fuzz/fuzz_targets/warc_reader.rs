//! Fuzz the WARC reader (pages: `response` and `resource` records through the HTML path) on plain and
//! gzip-member input. See `warc_common.rs` for the input's framing and the checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "warc_common.rs"]
mod warc_common;

fuzz_target!(|data: &[u8]| warc_common::run(data, unspun_io::WarcKind::Warc));
