//! Bytes to text: the page's character encoding, found the way a browser finds it.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the page to look for `<meta charset>`. The HTML standard says 1024 bytes, but crawled
/// pages often put scripts and comments before the declaration, and a late declaration still beats a guess.
const PRESCAN: usize = 16 * 1024;

/// Decodes an HTML page. The encoding is, in order: a byte-order mark, the `charset` of the HTTP
/// `Content-Type` header, a `<meta charset>` or `<meta http-equiv="Content-Type">` near the top, and else a
/// guess: UTF-8 when the bytes are valid UTF-8 or mostly so, windows-1252 when they hold no UTF-8 sequence at
/// all (the usual undeclared legacy page). Invalid sequences become U+FFFD; this never fails.
pub fn decode_html(bytes: &[u8], content_type_header: Option<&str>) -> String {
    let enc = detect(bytes, content_type_header);
    // decode() strips a BOM of the detected encoding and substitutes invalid sequences.
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

pub(crate) fn detect(bytes: &[u8], content_type_header: Option<&str>) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    let declared = content_type_header
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| prescan(&bytes[..bytes.len().min(PRESCAN)]));
    if let Some(enc) = declared {
        // A page cannot declare itself UTF-16 from inside its ASCII-compatible bytes; browsers read UTF-8.
        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE || enc == encoding_rs::REPLACEMENT {
            return UTF_8;
        }
        return enc.output_encoding();
    }
    sniff(bytes)
}

fn sniff(bytes: &[u8]) -> &'static Encoding {
    match std::str::from_utf8(bytes) {
        Ok(_) => UTF_8,
        Err(_) => {
            let (valid, invalid) = utf8_sequences(bytes);
            // A few stray bytes in a UTF-8 page are damage; a page with no multi-byte sequence that decodes
            // is a legacy single-byte page.
            if valid > 4 * invalid {
                UTF_8
            } else {
                WINDOWS_1252
            }
        }
    }
}

/// Counts well-formed multi-byte UTF-8 sequences and invalid bytes.
fn utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid += s.chars().filter(|c| !c.is_ascii()).count();
                return (valid, invalid);
            }
            Err(e) => {
                let good = e.valid_up_to();
                // Safe to count: the prefix was just validated.
                valid += std::str::from_utf8(&rest[..good]).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                invalid += 1;
                let skip = good + e.error_len().unwrap_or(rest.len() - good).max(1);
                if skip >= rest.len() {
                    return (valid, invalid);
                }
                rest = &rest[skip..];
            }
        }
    }
}

/// The `charset` parameter of a `Content-Type` value (`text/html; charset="ISO-8859-1"`).
fn charset_param(ct: &str) -> Option<&str> {
    let lower = ct.to_ascii_lowercase();
    let i = lower.find("charset")?;
    let rest = ct[i + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest.find(|c: char| c == '"' || c == '\'' || c == ';' || c.is_whitespace()).unwrap_or(rest.len());
    let v = &rest[..end];
    (!v.is_empty()).then_some(v)
}

/// The encoding declared by the first `<meta>` that declares one, skipping comments (a commented-out
/// declaration is not one).
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut p = 0usize;
    while let Some(i) = memchr::memchr(b'<', &head[p..]) {
        let at = p + i;
        let rest = &head[at..];
        if rest.starts_with(b"<!--") {
            p = memchr::memmem::find(&rest[4..], b"-->").map_or(head.len(), |j| at + 4 + j + 3);
            continue;
        }
        let end = memchr::memchr(b'>', rest).map_or(head.len(), |j| at + j);
        if rest.len() > 5 && rest[1..5].eq_ignore_ascii_case(b"meta") && !rest[5].is_ascii_alphanumeric() {
            let tag = String::from_utf8_lossy(&head[at + 5..end]).to_ascii_lowercase();
            if let Some(enc) = meta_charset(&tag) {
                return Some(enc);
            }
        }
        p = end.max(at + 1);
    }
    None
}

fn meta_charset(attrs: &str) -> Option<&'static Encoding> {
    let label = if let Some(i) = attrs.find("charset") {
        // Both `charset="x"` and `content="text/html; charset=x"` hold it in a `charset=` run.
        charset_param(&attrs[i..])?
    } else {
        return None;
    };
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_page_with_meta_charset() {
        let mut page =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">".to_vec();
        page.extend_from_slice(b"</head><body><p>M\xfcnchen, Stra\xdfe, \x80 5</p></body></html>");
        let s = decode_html(&page, None);
        assert!(s.contains("München, Straße, € 5"), "{s}");
        let page2 = b"<meta charset='windows-1252'><p>caf\xe9</p>";
        assert!(decode_html(page2, None).contains("café"));
    }

    #[test]
    fn header_beats_meta_and_bom_beats_both() {
        let page = b"<meta charset=\"utf-8\"><p>caf\xe9</p>";
        assert!(decode_html(page, Some("text/html; charset=ISO-8859-1")).contains("café"));
        let bom = b"\xef\xbb\xbf<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>";
        let s = decode_html(bom, Some("text/html; charset=latin1"));
        assert!(s.starts_with("<meta") && s.contains("café"), "{s}");
    }

    #[test]
    fn undeclared_pages_are_sniffed() {
        assert!(decode_html("<p>café – ok</p>".as_bytes(), None).contains("café – ok"));
        assert!(decode_html(b"<p>caf\xe9 cr\xe8me</p>", None).contains("café crème"));
        // Mostly UTF-8 with one broken byte stays UTF-8.
        let mut b = "<p>é è à ü ö ß ç ñ — ’</p>".as_bytes().to_vec();
        b.push(0xff);
        let s = decode_html(&b, None);
        assert!(s.contains("é è à") && s.contains('\u{FFFD}'));
        // A commented-out declaration does not count.
        assert!(decode_html(b"<!-- <meta charset=\"koi8-r\"> --><p>caf\xc3\xa9</p>", None).contains("café"));
    }

    #[test]
    fn utf16_declarations_read_as_utf8() {
        assert!(decode_html("<meta charset=\"utf-16\"><p>café</p>".as_bytes(), None).contains("café"));
    }
}
