#!/usr/bin/env python3
"""Build web archives from the ScrapingHub article-extraction benchmark, for benchmarking unspun's WARC/WET readers.

Writes
  OUT.warc.gz      WARC/1.1, one gzip member a record: a warcinfo record, then one `response` record a page
                   (HTTP/1.1 200 header, Content-Type text/html; charset=utf-8, the page's bytes as the payload;
                   every CHUNKED-th page sent with Transfer-Encoding: chunked, to exercise de-chunking),
                   WARC-Target-URI = the page's url from ground-truth.json, records in page-id order;
  OUT.warc.wet.gz  WARC/1.0 like Common Crawl's WET files: a warcinfo record, then one `conversion` record a
                   page holding fulltext.jsonl.gz's visible text of the page (text/plain, UTF-8).

The target URI is the page's only key in the archive: a scorer maps it back to the page id through
ground-truth.json (urls are unique there). Python standard library only; the output is byte-for-byte
reproducible (fixed dates, name-based record ids, gzip mtime 0).

Usage: bench/make_warc.py [--bench DIR] [--chunked N] OUT.warc.gz OUT.warc.wet.gz
"""
from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "data" / "article-extraction" / "scrapinghub-aeb"
FETCHED = "2019-11-20T12:00:00Z"  # the pages were captured in November 2019 (the benchmark's README)


def record(version: str, fields: list[tuple[str, str]], block: bytes) -> bytes:
    """One WARC record: version line, fields, Content-Length, empty line, block, two CRLFs."""
    digest = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
    lines = [f"WARC/{version}"] + [f"{k}: {v}" for k, v in fields]
    lines += [f"WARC-Block-Digest: {digest}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def record_id(kind: str, url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, kind + ' ' + url)}>"


def warcinfo(version: str, name: str, description: str) -> bytes:
    block = (
        "software: unspun bench/make_warc.py\r\n"
        f"format: WARC File Format {version}\r\n"
        f"description: {description}\r\n"
    ).encode()
    fields = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Date", FETCHED),
        ("WARC-Filename", name),
        ("WARC-Record-ID", record_id("warcinfo", name)),
        ("Content-Type", "application/warc-fields"),
    ]
    return record(version, fields, block)


def chunked(body: bytes, size: int = 8192) -> bytes:
    out = bytearray()
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return bytes(out) + b"0\r\n\r\n"


def http_response(body: bytes, chunk: bool) -> bytes:
    head = ["HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8"]
    if chunk:
        head.append("Transfer-Encoding: chunked")
        body = chunked(body)
    else:
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def write_members(path: Path, records: list[bytes]) -> int:
    with open(path, "wb") as f:
        for r in records:
            f.write(gzip.compress(r, mtime=0))
    return path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("warc", type=Path, help="output .warc.gz")
    ap.add_argument("wet", type=Path, help="output .warc.wet.gz")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="scrapinghub-aeb directory")
    ap.add_argument("--chunked", type=int, default=3, help="send every N-th page chunked (0: none)")
    a = ap.parse_args()

    gold = json.loads((a.bench / "ground-truth.json").read_text())
    ids = sorted(gold)

    records = [warcinfo("1.1", a.warc.name, "scrapinghub article-extraction-benchmark pages")]
    for i, pid in enumerate(ids):
        url = gold[pid]["url"]
        page = gzip.decompress((a.bench / "html" / f"{pid}.html.gz").read_bytes())
        chunk = a.chunked > 0 and i % a.chunked == a.chunked - 1
        fields = [
            ("WARC-Type", "response"),
            ("WARC-Record-ID", record_id("response", url)),
            ("WARC-Date", FETCHED),
            ("WARC-Target-URI", url),
            ("Content-Type", "application/http; msgtype=response"),
        ]
        records.append(record("1.1", fields, http_response(page, chunk)))
    size = write_members(a.warc, records)
    print(f"{a.warc}: {len(ids)} response records (+ warcinfo), {size / 1e6:.1f} MB")

    texts = {}
    with gzip.open(a.bench / "fulltext.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                texts[r["id"]] = r["text"]
    records = [warcinfo("1.0", a.wet.name, "visible text of the scrapinghub article-extraction-benchmark pages")]
    for pid in ids:
        if pid not in texts:
            continue
        url = gold[pid]["url"]
        fields = [
            ("WARC-Type", "conversion"),
            ("WARC-Target-URI", url),
            ("WARC-Date", FETCHED),
            ("WARC-Record-ID", record_id("conversion", url)),
            ("WARC-Refers-To", record_id("response", url)),
            ("Content-Type", "text/plain"),
        ]
        records.append(record("1.0", fields, texts[pid].encode("utf-8")))
    size = write_members(a.wet, records)
    print(f"{a.wet}: {len(records) - 1} conversion records (+ warcinfo), {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
