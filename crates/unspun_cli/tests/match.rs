//! `unspun match`: looking a text up in an index built by `unspun scan` of the demo corpus.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn unspun() -> Command {
    let mut c = Command::cargo_bin("unspun").unwrap();
    c.current_dir(repo());
    c
}

/// An index of the demo corpus without the wire story and its first copy, so those can be looked up.
fn demo_index(dir: &Path) -> PathBuf {
    let input = dir.join("input");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(repo().join("examples/demo")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".txt") && !name.starts_with("01_") && !name.starts_with("02_") {
            std::fs::copy(&p, input.join(&name)).unwrap();
        }
    }
    let index = dir.join("idx.redb");
    let o = unspun()
        .arg("scan")
        .arg(&input)
        .arg("--out")
        .arg(dir.join("run"))
        .arg("--index")
        .arg(&index)
        .args(["-q", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "scan failed: {}", String::from_utf8_lossy(&o.stderr));
    index
}

/// `unspun match --index INDEX ...`.
fn lookup(index: &Path) -> Command {
    let mut c = unspun();
    c.arg("match").arg("--index").arg(index);
    c
}

#[test]
fn a_copy_matches_its_indexed_relatives_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let index = demo_index(dir.path());
    let o = lookup(&index).arg("--json").arg(repo().join("examples/demo/01_northwire_wire.txt")).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let matches: Vec<Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = matches.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.iter().any(|id| id.ends_with("03_baymorningpost_tidal.txt")), "copies found: {ids:?}");
    assert!(!ids.iter().any(|id| id.contains("seawall") || id.contains("heating")), "unrelated stories: {ids:?}");
    for m in &matches {
        assert!(["duplicate", "rewrite", "translation"].contains(&m["relation"].as_str().unwrap()));
        assert!(!m["evidence"].as_array().unwrap().is_empty(), "evidence for {}", m["id"]);
    }
    // Best first.
    let scores: Vec<f64> = matches.iter().map(|m| m["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Nothing was stored: the index still lacks the looked-up text.
    let check = unspun().args(["index", "check", "--index"]).arg(&index).output().unwrap();
    let st: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(st["documents"], Value::from(10));
}

#[test]
fn unrelated_text_from_stdin_matches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let index = demo_index(dir.path());
    let o = lookup(&index)
        .arg("-")
        .write_stdin("A recipe for lentil soup: soak the lentils overnight, then simmer them with onions.")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no indexed document"));
}

#[test]
fn queries_report_latency_percentiles() {
    let dir = tempfile::tempdir().unwrap();
    let index = demo_index(dir.path());
    let q = dir.path().join("q.jsonl");
    let text = std::fs::read_to_string(repo().join("examples/demo/02_coastledger_tidal.txt")).unwrap();
    let lines: Vec<String> = (0..5)
        .map(|i| serde_json::json!({"id": format!("q{i}"), "text": text}).to_string())
        .chain(std::iter::once("not json".to_string()))
        .collect();
    std::fs::write(&q, lines.join("\n") + "\n").unwrap();

    let o = lookup(&index).arg("--queries").arg(&q).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 5, "the bad record is skipped");
    assert!(rows.iter().all(|r| !r["matches"].as_array().unwrap().is_empty()));

    let o = lookup(&index).arg("--queries").arg(&q).arg("--latency").output().unwrap();
    assert!(o.status.success());
    let lat: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(lat["queries"], Value::from(5));
    let (p50, p99) = (lat["p50_ms"].as_f64().unwrap(), lat["p99_ms"].as_f64().unwrap());
    assert!(p50 > 0.0 && p50 <= p99 && p99 <= lat["max_ms"].as_f64().unwrap());
}

#[test]
fn match_without_an_index_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let o = lookup(&dir.path().join("missing.redb"))
        .arg(repo().join("examples/demo/01_northwire_wire.txt"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no index"));
}
