//! Fuzz the HTML path end to end: bytes -> `decode_html` -> `extract_html`, checking the span invariants
//! that callers rely on (ordered, non-empty, inside the visible text, on character boundaries).
#![no_main]
use libfuzzer_sys::fuzz_target;
use unspun_extract::{decode_html, extract_html, HtmlArticle};

fn check(a: &HtmlArticle) {
    let v = &a.visible_text;
    let mut prev = 0;
    for s in &a.spans {
        assert!(s.start >= prev && s.start < s.end && s.end <= v.len(), "bad span {s:?}");
        assert!(v.is_char_boundary(s.start) && v.is_char_boundary(s.end));
        prev = s.end;
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks how the input is read, so one corpus covers both entry points.
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode & 1 == 0 {
        if let Ok(s) = std::str::from_utf8(rest) {
            check(&extract_html(s, Some("https://example.com/2019/11/05/story")));
        }
    } else {
        let header = (mode & 2 != 0).then_some("text/html; charset=iso-8859-1");
        check(&extract_html(&decode_html(rest, header), None));
    }
});
