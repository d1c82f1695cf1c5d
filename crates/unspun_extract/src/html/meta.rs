//! Page metadata: title, publication date, canonical URL, language, author, site name.
//!
//! Each field takes the first source that yields a usable value, most explicit first: publisher-declared
//! metadata (Open Graph, schema.org microdata and JSON-LD) before generic `<meta>` names, before what can be
//! read off the visible page, before the URL.

use super::dom::{Dom, Tag};
use serde_json::Value;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub date: Option<String>,
    pub canonical_url: Option<String>,
    pub lang: Option<String>,
    pub author: Option<String>,
    pub site_name: Option<String>,
}

/// What JSON-LD says about the article: date, headline, author, publisher name.
#[derive(Default)]
struct LdArticle {
    rank: u8,
    date: Option<String>,
    headline: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
}

/// `<meta>` names whose content is a publication date, for pages without Open Graph or schema.org dates.
const DATE_NAMES: &[&str] = &[
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "published-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "displaydate",
    "dat",
    "og:pubdate",
    "rnews:datepublished",
    "cxenseparse:recs:publishtime",
    "date_published",
    "publication_date",
    "ptime",
    "pdate",
];

pub(crate) fn extract_meta(dom: &Dom, url: Option<&str>) -> Meta {
    let mut props: Vec<(String, &str)> = Vec::new();
    let mut canonical: Option<&str> = None;
    let mut lang: Option<&str> = None;
    let mut title_el: Option<String> = None;
    let mut h1: Option<String> = None;
    let mut time_dates: Vec<(u8, String)> = Vec::new();
    let mut item_date: Option<String> = None;
    let mut item_author: Option<String> = None;
    let mut rel_author: Option<String> = None;
    let mut ld = LdArticle::default();

    for id in 1..dom.nodes.len() as u32 {
        let tag = dom.tag(id);
        match tag {
            Tag::Text | Tag::Document => continue,
            Tag::Meta => {
                let content = dom.attr(id, "content").unwrap_or("").trim();
                if let Some(cs) = dom.attr(id, "http-equiv") {
                    if cs.eq_ignore_ascii_case("content-language") && !content.is_empty() {
                        props.push(("content-language".into(), content));
                    }
                }
                for key in ["property", "name", "itemprop"] {
                    if let Some(k) = dom.attr(id, key) {
                        if !content.is_empty() {
                            props.push((k.trim().to_ascii_lowercase(), content));
                        }
                    }
                }
            }
            Tag::Link => {
                let rel = dom.attr(id, "rel").unwrap_or("");
                if canonical.is_none() && rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("canonical")) {
                    canonical = dom.attr(id, "href").map(str::trim).filter(|h| !h.is_empty());
                }
            }
            Tag::Html if lang.is_none() => {
                lang =
                    dom.attr(id, "lang").or_else(|| dom.attr(id, "xml:lang")).map(str::trim).filter(|l| !l.is_empty());
            }
            Tag::Title if title_el.is_none() => {
                title_el = Some(clean_ws(&dom.inner_text(id))).filter(|t| !t.is_empty())
            }
            Tag::H1 if h1.is_none() => h1 = Some(clean_ws(&dom.inner_text(id))).filter(|t| !t.is_empty()),
            Tag::Time => {
                if let Some(d) = dom.attr(id, "datetime").and_then(normalize_date) {
                    let mut rank = 0;
                    if dom.attr(id, "pubdate").is_some() {
                        rank = 2;
                    } else if dom.attr(id, "class").is_some_and(|c| c.contains("publish") || c.contains("date")) {
                        rank = 1;
                    }
                    time_dates.push((rank, d));
                }
            }
            Tag::Script
                if dom.attr(id, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                read_json_ld(&dom.inner_text(id), &mut ld);
            }
            _ => {}
        }
        if tag != Tag::Meta {
            if let Some(ip) = dom.attr(id, "itemprop") {
                let ip = ip.trim();
                if item_date.is_none() && ip.eq_ignore_ascii_case("datePublished") {
                    item_date = dom
                        .attr(id, "content")
                        .or_else(|| dom.attr(id, "datetime"))
                        .and_then(normalize_date)
                        .or_else(|| normalize_date(&dom.inner_text(id)));
                } else if item_author.is_none() && ip.eq_ignore_ascii_case("author") {
                    item_author = microdata_name(dom, id);
                }
            }
            if tag == Tag::A
                && rel_author.is_none()
                && dom.attr(id, "rel").is_some_and(|r| r.eq_ignore_ascii_case("author"))
            {
                rel_author = Some(clean_ws(&dom.inner_text(id))).filter(|t| plausible_name(t));
            }
        }
    }

    let prop = |names: &[&str]| -> Option<&str> {
        names.iter().find_map(|n| props.iter().find(|(k, v)| k == n && !v.is_empty()).map(|(_, v)| *v))
    };

    let site_name = prop(&["og:site_name"])
        .map(clean_ws)
        .or_else(|| ld.publisher.clone())
        .or_else(|| prop(&["application-name", "publisher", "dc.publisher"]).map(clean_ws))
        .filter(|s| !s.is_empty());

    let title = prop(&["og:title", "twitter:title"])
        .map(clean_ws)
        .map(|t| strip_site_suffix(&t, site_name.as_deref()))
        .or_else(|| ld.headline.clone())
        .or(h1)
        .or_else(|| title_el.map(|t| strip_site_suffix(&t, site_name.as_deref())))
        .filter(|t| !t.is_empty());

    let date = prop(&["article:published_time", "og:article:published_time", "og:published_time", "article:published"])
        .and_then(normalize_date)
        .or(item_date)
        .or_else(|| ld.date.clone())
        .or_else(|| DATE_NAMES.iter().find_map(|n| prop(&[n]).and_then(normalize_date)))
        .or_else(|| time_dates.iter().max_by_key(|(r, _)| *r).map(|(_, d)| d.clone()))
        .or_else(|| url.and_then(date_from_url));

    let author = prop(&["author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"])
        .map(clean_ws)
        .map(|a| a.strip_prefix("By ").or_else(|| a.strip_prefix("by ")).map_or(a.clone(), str::to_string))
        .filter(|a| plausible_name(a))
        .or_else(|| ld.author.clone())
        .or(item_author)
        .or(rel_author);

    let canonical_url = canonical
        .or_else(|| prop(&["og:url"]))
        .and_then(|c| resolve_url(c, url))
        .or_else(|| url.map(str::to_string).filter(|u| u.starts_with("http")));

    let lang = lang
        .or_else(|| prop(&["content-language"]))
        .or_else(|| prop(&["og:locale"]))
        .map(normalize_lang)
        .filter(|l| !l.is_empty());

    Meta { title, date, canonical_url, lang, author, site_name }
}

fn clean_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An author is a name or a short list of names, not a URL or a sentence.
fn plausible_name(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.len() <= 200
        && !s.contains("://")
        && !s.starts_with("www.")
        && s.split_whitespace().count() <= 20
}

fn normalize_lang(l: &str) -> String {
    let l = l.split([',', ';']).next().unwrap_or("").trim().replace('_', "-");
    match l.split_once('-') {
        Some((p, r)) => format!("{}-{}", p.to_ascii_lowercase(), r),
        None => l.to_ascii_lowercase(),
    }
}

/// Drops a trailing (or leading) " | Site", " - Site" from a title when the site name is known or the
/// remaining part is clearly the headline.
fn strip_site_suffix(t: &str, site: Option<&str>) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some((a, b)) = t.rsplit_once(sep) {
            let matches_site = site.is_some_and(|s| {
                let s = s.to_lowercase();
                let bl = b.to_lowercase();
                !s.is_empty() && (bl.contains(&s) || s.contains(&bl))
            });
            if matches_site {
                return a.trim().to_string();
            }
        }
        if let Some((a, b)) = t.split_once(sep) {
            if site.is_some_and(|s| a.eq_ignore_ascii_case(s)) {
                return b.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// A person's name from schema.org microdata: a nested `itemprop=name`, else the element's text.
fn microdata_name(dom: &Dom, id: u32) -> Option<String> {
    if let Some(c) = dom.attr(id, "content") {
        let c = clean_ws(c);
        if plausible_name(&c) {
            return Some(c);
        }
    }
    let end = dom.subtree_end(id);
    for d in id + 1..end {
        if dom.attr(d, "itemprop").is_some_and(|p| p.trim().eq_ignore_ascii_case("name")) {
            let n = dom.attr(d, "content").map(clean_ws).unwrap_or_else(|| clean_ws(&dom.inner_text(d)));
            if plausible_name(&n) {
                return Some(n);
            }
        }
    }
    let t = clean_ws(&dom.inner_text(id));
    plausible_name(&t).then_some(t)
}

fn read_json_ld(raw: &str, out: &mut LdArticle) {
    let s = raw.trim();
    let s = s.strip_prefix("<![CDATA[").and_then(|x| x.strip_suffix("]]>")).unwrap_or(s).trim();
    let s = s.strip_prefix("//").map_or(s, |x| x.split_once('\n').map_or("", |(_, r)| r));
    let value: Value = match serde_json::from_str(s) {
        Ok(v) => v,
        Err(_) => {
            // Control characters inside strings are the commonest JSON-LD defect; browsers' consumers tolerate it.
            let fixed: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            match serde_json::from_str(&fixed) {
                Ok(v) => v,
                Err(_) => return,
            }
        }
    };
    let mut todo = vec![(&value, 0usize)];
    while let Some((v, depth)) = todo.pop() {
        if depth > 8 {
            continue;
        }
        match v {
            Value::Array(items) => todo.extend(items.iter().rev().map(|i| (i, depth + 1))),
            Value::Object(map) => {
                if let Some(g) = map.get("@graph") {
                    todo.push((g, depth + 1));
                }
                if let Some(m) = map.get("mainEntity") {
                    todo.push((m, depth + 1));
                }
                let rank = map.get("@type").map_or(0, type_rank);
                if rank == 0 || rank < out.rank {
                    continue;
                }
                let better = rank > out.rank;
                let get_str = |k: &str| map.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
                if better || out.date.is_none() {
                    out.date = get_str("datePublished").and_then(normalize_date).or(out.date.take());
                }
                if better || out.headline.is_none() {
                    out.headline =
                        get_str("headline").or_else(|| get_str("name")).map(clean_ws).or(out.headline.take());
                }
                if better || out.author.is_none() {
                    out.author = map.get("author").and_then(person_names).or(out.author.take());
                }
                if better || out.publisher.is_none() {
                    out.publisher = map
                        .get("publisher")
                        .and_then(|p| match p {
                            Value::Array(a) => a.first(),
                            other => Some(other),
                        })
                        .and_then(|p| p.get("name").and_then(Value::as_str).or_else(|| p.as_str()))
                        .map(clean_ws)
                        .filter(|s| !s.is_empty())
                        .or(out.publisher.take());
                }
                out.rank = rank;
            }
            _ => {}
        }
    }
}

/// How article-like a JSON-LD `@type` is: articles 3, web pages 1, anything else 0 (ignored).
fn type_rank(t: &Value) -> u8 {
    let one = |s: &str| -> u8 {
        let s = s.rsplit('/').next().unwrap_or(s);
        if s.ends_with("Article")
            || matches!(
                s,
                "BlogPosting" | "LiveBlogPosting" | "Report" | "ReportageNews" | "SocialMediaPosting" | "Review"
            )
        {
            3
        } else if s.ends_with("WebPage") || s == "ItemPage" {
            1
        } else {
            0
        }
    };
    match t {
        Value::String(s) => one(s),
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(one).max().unwrap_or(0),
        _ => 0,
    }
}

fn person_names(v: &Value) -> Option<String> {
    let name = |p: &Value| -> Option<String> {
        let n = match p {
            Value::String(s) => s.as_str(),
            Value::Object(o) => o.get("name").and_then(Value::as_str)?,
            _ => return None,
        };
        let n = clean_ws(n);
        plausible_name(&n).then_some(n)
    };
    match v {
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        other => name(other),
    }
}

/// Month-name prefixes (English, German, French, Spanish, Italian), longest first where one prefixes another.
const MONTHS: &[(&str, u32)] = &[
    ("juil", 7),
    ("juin", 6),
    ("janv", 1),
    ("jan", 1),
    ("ene", 1),
    ("gen", 1),
    ("feb", 2),
    ("fév", 2),
    ("fev", 2),
    ("mär", 3),
    ("maer", 3),
    ("mar", 3),
    ("apr", 4),
    ("avr", 4),
    ("abr", 4),
    ("may", 5),
    ("mai", 5),
    ("mag", 5),
    ("jun", 6),
    ("giu", 6),
    ("jul", 7),
    ("lug", 7),
    ("aug", 8),
    ("aoû", 8),
    ("ago", 8),
    ("sep", 9),
    ("set", 9),
    ("oct", 10),
    ("okt", 10),
    ("ott", 10),
    ("nov", 11),
    ("dec", 12),
    ("dez", 12),
    ("déc", 12),
    ("dic", 12),
];

fn valid_ymd(y: u32, m: u32, d: u32) -> bool {
    let dim = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => return false,
    };
    (1990..=2100).contains(&y) && d >= 1 && d <= dim
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A date as `YYYY-MM-DD`, or as RFC 3339 when the source has a time with an offset. Accepts ISO 8601
/// (also with `/` or `.` separators or none), `DD.MM.YYYY`, `Month D, YYYY`, `D Month YYYY` and RFC 2822.
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    let b = s.as_bytes();
    // ISO-like: YYYY[-/.]MM[-/.]DD or YYYYMMDD, optionally followed by a time.
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) {
        let (y, m, d, rest) = if b.len() >= 10 && matches!(b[4], b'-' | b'/' | b'.') && b[7] == b[4] {
            (num(s.get(..4)?)?, num(s.get(5..7)?)?, num(s.get(8..10)?)?, s.get(10..)?)
        } else if b[..8].iter().all(u8::is_ascii_digit) && b.get(8).is_none_or(|c| !c.is_ascii_digit()) {
            (num(s.get(..4)?)?, num(s.get(4..6)?)?, num(s.get(6..8)?)?, s.get(8..)?)
        } else {
            return None;
        };
        if !valid_ymd(y, m, d) {
            return None;
        }
        let date = format!("{y:04}-{m:02}-{d:02}");
        return Some(match rfc3339_time(rest) {
            Some(t) => format!("{date}T{t}"),
            None => date,
        });
    }
    // DD.MM.YYYY (and D.M.YYYY), the common German and Polish form.
    let parts: Vec<&str> = s.split([' ', ',']).filter(|p| !p.is_empty()).collect();
    if let Some(first) = parts.first() {
        let dm: Vec<&str> = first.split(['.', '/']).collect();
        if dm.len() == 3 {
            if let (Some(d), Some(m), Some(y)) = (num(dm[0]), num(dm[1]), num(dm[2])) {
                if dm[2].len() == 4 && valid_ymd(y, m, d) && first.contains('.') {
                    return Some(format!("{y:04}-{m:02}-{d:02}"));
                }
            }
        }
    }
    // Month names: "November 5, 2019", "5 November 2019", "Tue, 05 Nov 2019 10:00:00 GMT".
    let mut month = None;
    let mut day = None;
    let mut year = None;
    for p in &parts {
        let p = p.trim_end_matches(['.', ',']);
        let lower = p.to_lowercase();
        if month.is_none() && lower.len() >= 3 && lower.chars().all(char::is_alphabetic) {
            if let Some((_, mo)) = MONTHS.iter().find(|(m, _)| lower.starts_with(m)) {
                month = Some(*mo);
                continue;
            }
        }
        let digits = p.trim_end_matches(|c: char| c.is_ascii_alphabetic()); // 5th, 1st
        if let Some(n) = num(digits) {
            if digits.len() == 4 && year.is_none() {
                year = Some(n);
            } else if digits.len() <= 2 && day.is_none() && (1..=31).contains(&n) {
                day = Some(n);
            }
        }
    }
    match (year, month, day) {
        (Some(y), Some(m), Some(d)) if valid_ymd(y, m, d) => Some(format!("{y:04}-{m:02}-{d:02}")),
        _ => None,
    }
}

/// `THH:MM[:SS[.fff]](Z|±HH[:]MM)` after a date, as RFC 3339 `HH:MM:SS[.fff](Z|±HH:MM)`; `None` without an
/// offset (a local time cannot be placed on the timeline).
fn rfc3339_time(rest: &str) -> Option<String> {
    let r = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let b = r.as_bytes();
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    // `get`, not indexing: the bytes around the colon may be the middle of a multi-byte character.
    let h = num(r.get(..2)?)?;
    let mi = num(r.get(3..5)?)?;
    let mut p = 5;
    let mut sec = 0;
    let mut frac = "";
    if b.get(p) == Some(&b':') {
        sec = num(r.get(p + 1..p + 3)?)?;
        p += 3;
        if b.get(p) == Some(&b'.') {
            let fs = p;
            p += 1;
            while p < b.len() && b[p].is_ascii_digit() {
                p += 1;
            }
            frac = &r[fs..p];
        }
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let tz = r[p..].trim_start();
    let offset = if tz.starts_with(['Z', 'z']) {
        "Z".to_string()
    } else if tz.starts_with(['+', '-']) {
        let sign = &tz[..1];
        let digits: String =
            tz[1..].chars().take_while(|c| c.is_ascii_digit() || *c == ':').filter(|c| *c != ':').collect();
        if digits.len() != 4 {
            return None;
        }
        let (oh, om) = (num(&digits[..2])?, num(&digits[2..])?);
        if oh > 23 || om > 59 {
            return None;
        }
        format!("{sign}{oh:02}:{om:02}")
    } else {
        return None;
    };
    Some(format!("{h:02}:{mi:02}:{sec:02}{frac}{offset}"))
}

/// A date written in a line of the page ("Veröffentlicht am 08.11.2021", "November 5, 2019 at 3pm"): the
/// first run of two to four words that reads as a date.
pub(crate) fn date_from_text(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().take(40).collect();
    for i in 0..words.len() {
        // A date needs a digit; starting windows only at words with one keeps this cheap.
        if !words[i].bytes().any(|b| b.is_ascii_digit())
            && !words.get(i + 1).is_some_and(|w| w.bytes().any(|b| b.is_ascii_digit()))
        {
            continue;
        }
        for len in 1..=3 {
            let Some(window) = words.get(i..i + len) else { break };
            if let Some(d) = normalize_date(&window.join(" ")) {
                return Some(d[..10].to_string());
            }
        }
    }
    None
}

/// A date in the URL path: `/2019/11/05/`, `/2019-11-05`, `/20191105/`.
pub(crate) fn date_from_url(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, r)| r.split_once('/').map_or("", |(_, p)| p));
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').collect();
    for (i, seg) in segs.iter().enumerate() {
        if seg.len() == 4 {
            if let (Some(y), Some(m), Some(d)) = (num(seg), segs.get(i + 1).and_then(|s| num(s)), segs.get(i + 2)) {
                let dd: String = d.chars().take_while(char::is_ascii_digit).collect();
                if segs[i + 1].len() <= 2 && !dd.is_empty() && dd.len() <= 2 {
                    if let Some(d) = num(&dd) {
                        if valid_ymd(y, m, d) {
                            return Some(format!("{y:04}-{m:02}-{d:02}"));
                        }
                    }
                }
            }
        }
        // 2019-11-05 or 20191105 at the start of a segment (or as a whole segment).
        for cand in [seg.get(..10), seg.get(..8)].into_iter().flatten() {
            let bytes = cand.as_bytes();
            let iso = cand.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-';
            let compact = cand.len() == 8 && bytes.iter().all(u8::is_ascii_digit);
            let boundary = seg.as_bytes().get(cand.len()).is_none_or(|c| !c.is_ascii_digit());
            if (iso || compact) && boundary {
                if let Some(d) = normalize_date(cand) {
                    return Some(d);
                }
            }
        }
    }
    None
}

/// Resolves `href` against the page URL (absolute, scheme-relative, root-relative and relative forms).
pub(crate) fn resolve_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || href.starts_with("javascript:") {
        return None;
    }
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    if let Some(h) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{h}"));
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &base[..scheme.len() + 3 + host_end];
    if href.starts_with('/') {
        return Some(format!("{origin}{href}"));
    }
    let path = rest[host_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    Some(format!("{origin}{dir}/{href}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(html: &str, url: Option<&str>) -> Meta {
        extract_meta(&Dom::parse(html), url)
    }

    #[test]
    fn dates_normalise() {
        assert_eq!(normalize_date("2019-11-05T10:20:30+01:00").as_deref(), Some("2019-11-05T10:20:30+01:00"));
        assert_eq!(normalize_date("2019-11-05T10:20:30.123Z").as_deref(), Some("2019-11-05T10:20:30.123Z"));
        assert_eq!(normalize_date("2019-11-05 10:20 +0100").as_deref(), Some("2019-11-05T10:20:00+01:00"));
        assert_eq!(normalize_date("2019-11-05T10:20:30").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("2019/11/05").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("20191105").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("05.11.2019, 14:03 Uhr").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("November 5, 2019").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("Tue, 05 Nov 2019 10:00:00 GMT").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("2019-02-30"), None);
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(normalize_date("1234567890123"), None);
        // Found by fuzzing: multi-byte characters where the digits of a time would be.
        assert_eq!(normalize_date("2019-11-05 \u{FFFD}:\u{FFFD}").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("2019-11-05T1\u{e9}:00Z").as_deref(), Some("2019-11-05"));
        assert_eq!(normalize_date("2019-1\u{e9}-05"), None);
        assert_eq!(normalize_date("2019-11-0\u{e9}"), None);
        assert_eq!(normalize_date("5. März 2021").as_deref(), Some("2021-03-05"));
        assert_eq!(normalize_date("12 juillet 2020").as_deref(), Some("2020-07-12"));
        assert_eq!(date_from_text("Veröffentlicht am 08.11.2021 um 10:00").as_deref(), Some("2021-11-08"));
        assert_eq!(date_from_text("By Jane Roe | Nov. 5, 2019 at 3:10 pm").as_deref(), Some("2019-11-05"));
        assert_eq!(date_from_text("Seit 40 Jahren, 2019 im Mai"), None);
    }

    #[test]
    fn each_date_source() {
        let og =
            r#"<meta property="article:published_time" content="2019-11-05T08:00:00Z"><time datetime="2018-01-01">"#;
        assert_eq!(meta(og, None).date.as_deref(), Some("2019-11-05T08:00:00Z"));
        let item = r#"<span itemprop="datePublished" content="2019-11-06">Nov 6</span><time datetime="2018-01-01">"#;
        assert_eq!(meta(item, None).date.as_deref(), Some("2019-11-06"));
        let item_time = r#"<time itemprop="datePublished" datetime="2019-11-06T09:15:00-05:00">Nov 6</time>"#;
        assert_eq!(meta(item_time, None).date.as_deref(), Some("2019-11-06T09:15:00-05:00"));
        let ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
            "datePublished":"2019-11-07T12:00:00+00:00","headline":"LD head","author":[{"@type":"Person","name":"Ann Lee"},
            {"@type":"Person","name":"Bo Chen"}],"publisher":{"@type":"Organization","name":"The Daily"}}</script>"#;
        let m = meta(ld, None);
        assert_eq!(m.date.as_deref(), Some("2019-11-07T12:00:00+00:00"));
        assert_eq!(m.author.as_deref(), Some("Ann Lee, Bo Chen"));
        assert_eq!(m.site_name.as_deref(), Some("The Daily"));
        assert_eq!(m.title.as_deref(), Some("LD head"));
        let graph = r#"<script type="application/ld+json">{"@graph":[{"@type":"WebPage","datePublished":"2019-01-01"},
            {"@type":["Article"],"datePublished":"2019-11-08"}]}</script>"#;
        assert_eq!(meta(graph, None).date.as_deref(), Some("2019-11-08"));
        let named = r#"<meta name="pubdate" content="20191109">"#;
        assert_eq!(meta(named, None).date.as_deref(), Some("2019-11-09"));
        let time = r#"<p>x <time datetime="2019-11-10">10 Nov</time> <time pubdate datetime="2019-11-11">"#;
        assert_eq!(meta(time, None).date.as_deref(), Some("2019-11-11"));
        assert_eq!(
            meta("<p>no date</p>", Some("https://ex.com/news/2019/11/05/story-slug")).date.as_deref(),
            Some("2019-11-05")
        );
        assert_eq!(meta("<p>x</p>", Some("https://ex.com/2019-11-12-story.html")).date.as_deref(), Some("2019-11-12"));
        assert_eq!(meta("<p>x</p>", Some("https://ex.com/a/20191113/story")).date.as_deref(), Some("2019-11-13"));
        assert_eq!(meta("<p>x</p>", Some("https://ex.com/a/1234/5678/story")).date, None);
    }

    #[test]
    fn malformed_json_ld_is_skipped_not_fatal() {
        let m = meta(r#"<script type="application/ld+json">{"@type":"Article", "datePublished": </script><p>x"#, None);
        assert_eq!(m.date, None);
        let ctl = "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":\"a\tb\",\"datePublished\":\"2020-01-02\"}</script>";
        assert_eq!(meta(ctl, None).date.as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn title_author_site_canonical_lang() {
        let html = r#"<html lang="EN_us"><head><title>Big Story | The Paper</title>
            <meta property="og:site_name" content="The Paper"><meta name="author" content="Jane Roe">
            <link rel="canonical" href="/news/big-story"></head><body><h1>Big Story Headline</h1></body></html>"#;
        let m = meta(html, Some("https://paper.example/news/big-story?utm=x"));
        assert_eq!(m.title.as_deref(), Some("Big Story Headline"));
        assert_eq!(m.author.as_deref(), Some("Jane Roe"));
        assert_eq!(m.site_name.as_deref(), Some("The Paper"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://paper.example/news/big-story"));
        assert_eq!(m.lang.as_deref(), Some("en-us"));
        let t = meta("<title>Big Story | The Paper</title><meta property=og:site_name content='The Paper'>", None);
        assert_eq!(t.title.as_deref(), Some("Big Story"));
        let og = meta("<meta property='og:title' content='OG title'><h1>H1</h1><title>T</title>", None);
        assert_eq!(og.title.as_deref(), Some("OG title"));
        let fb = meta(
            "<meta property='article:author' content='https://facebook.com/x'><a rel=author href=/a>Sam Poe</a>",
            None,
        );
        assert_eq!(fb.author.as_deref(), Some("Sam Poe"));
    }

    #[test]
    fn urls_resolve() {
        let b = Some("https://ex.com/a/b/page.html?q=1");
        assert_eq!(resolve_url("https://x.org/p", b).as_deref(), Some("https://x.org/p"));
        assert_eq!(resolve_url("//cdn.ex.com/p", b).as_deref(), Some("https://cdn.ex.com/p"));
        assert_eq!(resolve_url("/root", b).as_deref(), Some("https://ex.com/root"));
        assert_eq!(resolve_url("rel.html", b).as_deref(), Some("https://ex.com/a/b/rel.html"));
        assert_eq!(resolve_url("rel.html", None), None);
    }
}
