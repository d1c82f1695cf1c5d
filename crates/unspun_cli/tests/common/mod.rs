//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn shared() -> PathBuf {
    let p = repo().join("../shared");
    assert!(p.exists(), "the shared data folder must sit beside the checkout: {}", p.display());
    p
}

pub fn unspun() -> Command {
    let mut c = Command::cargo_bin("unspun").unwrap();
    c.current_dir(repo());
    c
}

pub fn read_jsonl(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Each document's text by id, from a JSONL input.
pub fn texts(p: &Path) -> std::collections::HashMap<String, String> {
    read_jsonl(p)
        .into_iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), d["text"].as_str().unwrap().to_string()))
        .collect()
}

pub fn demo(name: &str) -> String {
    format!("examples/demo/{name}")
}

/// Scan with `args` into `out` and return (pairs, clusters, summary).
pub fn scan(args: &[&str], out: &Path) -> (Vec<Value>, Vec<Value>, Value) {
    let o = unspun().arg("scan").args(args).arg("--out").arg(out).args(["--json", "-q"]).output().unwrap();
    assert!(o.status.success(), "scan failed: {}", String::from_utf8_lossy(&o.stderr));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    (read_jsonl(&out.join("pairs.jsonl")), read_jsonl(&out.join("clusters.jsonl")), summary)
}
