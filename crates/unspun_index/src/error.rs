use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("index {path}: {source}")]
    Db { path: PathBuf, source: Box<redb::Error> },
    #[error("index {path}: format version {found}, this unspun reads version {expected}; rebuild the index or use a matching unspun")]
    Version { path: PathBuf, found: u32, expected: u32 },
    #[error("index {path}: built with other fingerprint parameters ({found}); this run uses {expected}")]
    Params { path: PathBuf, found: String, expected: String },
    #[error("index {path}: full (an index holds at most 2^32 documents)")]
    Full { path: PathBuf },
    #[error("index {path}: corrupt record {what}: {detail}")]
    Corrupt { path: PathBuf, what: String, detail: String },
}
