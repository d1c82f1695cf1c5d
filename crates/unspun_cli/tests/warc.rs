//! End-to-end: a web archive (`.warc.gz`, one gzip member a record) through `unspun scan` and `unspun extract`.
//! The pages are written here (fictional text); the gzip members use stored deflate blocks, so the test needs
//! no compression library.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const URI_A: &str = "https://www.harbourtimes.example/2024/03/05/ferry-quay-reopens";
const URI_B: &str = "https://coastdaily.example/news/local/ferry-quay";

const ARTICLE: [&str; 5] = [
    "Ferries will berth at the old grain quay in Port Wenlow again from June, after the harbour authority voted on \
     Monday to dredge the eastern channel that silted up four decades ago.",
    "The dredging is expected to cost about 9 million crowns, paid from the port's reserve fund and a loan from the \
     regional development bank, and should take eleven weeks.",
    "Maren Ostby, who chairs the authority, said the quay would let the island service run two more sailings a day \
     and take lorries off the coast road through the village of Skarvik.",
    "Fishermen who moor in the eastern basin asked for the work to pause during the herring season, and the \
     authority agreed to stop the dredger for three weeks in August.",
    "The first ferry to use the quay, the Selje, is due on the twelfth of June, when the summer timetable starts.",
];

fn page(site: &str, nav: &[&str], extra: &str) -> String {
    let nav: String = nav.iter().map(|n| format!("<li><a href=\"/{n}\">{n}</a></li>")).collect();
    let body: String = ARTICLE.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ferry quay to reopen | {site}</title>\
         </head><body><header><ul>{nav}</ul></header><main><article><h1>Ferry quay to reopen</h1>{body}</article>\
         <aside><h3>Most read</h3><ul><li><a href=\"/a\">{extra}</a></li></ul></aside></main>\
         <footer>Copyright 2024 {site}. All rights reserved.</footer></body></html>"
    )
}

fn record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-06T07:30:00Z\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn response(uri: &str, html: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
    record("response", uri, "application/http; msgtype=response", http.as_bytes())
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// One gzip member holding `data` in stored (uncompressed) deflate blocks.
fn gzip_member(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut blocks = data.chunks(0xffff).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        let len = block.len() as u16;
        out.push(u8::from(blocks.peek().is_none()));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// The archive: warcinfo, the two copies, a request, an image, and one record with a wrong Content-Length.
/// Returns the byte offset of the broken record.
fn write_archive(path: &Path) -> u64 {
    let a = page("Harbour Times", &["News", "Sport", "Weather", "Obituaries"], "Tide tables for the week");
    let b = page("Coast Daily", &["Home", "Local", "Business"], "Council to review parking charges");
    let mut broken = response("https://coastdaily.example/news/other", &b);
    let at = String::from_utf8_lossy(&broken).find("Content-Length: ").unwrap() + 16;
    broken[at] = b'9';
    let records = [
        record("warcinfo", "", "application/warc-fields", b"software: unspun test\r\nformat: WARC File Format 1.1\r\n"),
        record(
            "request",
            URI_A,
            "application/http; msgtype=request",
            b"GET /2024/03/05/ferry-quay-reopens HTTP/1.1\r\n\r\n",
        ),
        response(URI_A, &a),
        record(
            "response",
            "https://coastdaily.example/logo.png",
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n",
        ),
        broken,
        response(URI_B, &b),
    ];
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip_member(r)).collect();
    std::fs::write(path, members.concat()).unwrap();
    members[..4].iter().map(|m| m.len() as u64).sum()
}

fn unspun() -> Command {
    Command::cargo_bin("unspun").unwrap()
}

#[test]
fn scan_finds_the_copy_in_a_web_archive_by_target_uri() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc.gz");
    let broken_at = write_archive(&warc);
    let out = dir.path().join("out");
    let o =
        unspun().arg("scan").arg(&warc).arg("--out").arg(&out).args(["--no-index", "--json", "-q"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["docs"], 2, "{summary}");
    assert_eq!(summary["skipped"]["bad_record"], 1, "{summary}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("crawl.warc.gz: byte {broken_at}: Content-Length")), "{err}");

    let pairs: Vec<Value> = std::fs::read_to_string(out.join("pairs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let mut ids = [pairs[0]["a"].as_str().unwrap(), pairs[0]["b"].as_str().unwrap()];
    ids.sort();
    assert_eq!(ids, [URI_B, URI_A]);
    assert_eq!(pairs[0]["relation"], "duplicate");

    // --strict stops at the broken record, naming it.
    let o =
        unspun().arg("scan").arg(&warc).arg("--out").arg(&out).args(["--no-index", "--strict", "-q"]).output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("byte {broken_at}")));
}

#[test]
fn extract_prints_the_article_of_every_page_record() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc.gz");
    write_archive(&warc);
    let o = unspun().args(["extract", "--json"]).arg(&warc).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [URI_A, URI_B]);
    for r in &rows {
        let text = r["text"].as_str().unwrap();
        assert!(ARTICLE.iter().all(|p| text.contains(p)), "{text}");
        assert!(!text.contains("All rights reserved") && !text.contains("Most read"), "{text}");
        // The page's metadata comes with the article.
        assert_eq!(r["url"], r["id"]);
        assert!(r["title"].as_str().unwrap().starts_with("Ferry quay to reopen"), "{r}");
        assert_eq!(r["lang"], "en");
    }
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 records skipped"));
}
