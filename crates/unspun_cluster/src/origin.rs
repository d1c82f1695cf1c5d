//! Who published first. Dates decide where they exist; otherwise (and to break ties) the text's own
//! evidence: a credit another member gives it by its headline, a dateline credit on the agency's own
//! site, a wire dateline or credit, a breaking story's first version, then the copy that contains the
//! other (copies get cut, rarely extended), then the id for a stable answer.

use std::cmp::Ordering;

/// A publication time: the day, and the second of the day when the input gave a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateKey {
    pub day: i64,
    pub second: Option<i64>,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm: days since 1970-01-01 for a proleptic Gregorian date.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Parse `YYYY-MM-DD` or RFC 3339 (`YYYY-MM-DDTHH:MM[:SS][.fff](Z|±HH:MM)`), normalised to UTC.
pub fn parse_date(s: &str) -> Option<DateKey> {
    let s = s.trim();
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut it = date.split('-');
    let (y, m, d) = (num(it.next()?)?, num(it.next()?)?, num(it.next()?)?);
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut day = days_from_civil(y, m, d);
    let Some(time) = time.filter(|t| !t.is_empty()) else {
        return Some(DateKey { day, second: None });
    };
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let clock = clock.split('.').next()?;
    let mut parts = clock.split(':');
    let h = num(parts.next()?)?;
    let mi = num(parts.next().unwrap_or("0"))?;
    let se = num(parts.next().unwrap_or("0"))?;
    let mut sec = h * 3600 + mi * 60 + se;
    if let Some(sign) = offset.chars().next().filter(|c| *c == '+' || *c == '-') {
        let o = offset[1..].replace(':', "");
        let (oh, om) = (num(o.get(..2)?)?, num(o.get(2..4).unwrap_or("00"))?);
        let off = oh * 3600 + om * 60;
        sec -= if sign == '+' { off } else { -off };
    }
    day += sec.div_euclid(86_400);
    Some(DateKey { day, second: Some(sec.rem_euclid(86_400)) })
}

/// Order two dates; a date without a time is only ordered against another day, never within its own.
pub fn compare_dates(a: DateKey, b: DateKey) -> Ordering {
    match a.day.cmp(&b.day) {
        Ordering::Equal => match (a.second, b.second) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        },
        o => o,
    }
}

/// How strongly a text presents itself as the wire original: 2 for a dateline with an agency credit
/// near the start (`LONDON, March 23 (Reuters) -`, `(AP) —`), 1 for an attribution to a wire elsewhere
/// (`according to Reuters`, `Reporting by`), 0 for none.
pub fn wire_evidence(text: &str) -> u8 {
    wire_and_credit(text).0
}

/// The evidence and the dateline's agency, if any. Asked of every document, so the searches run only
/// where the bytes they need are present.
fn wire_and_credit(text: &str) -> (u8, Option<&str>) {
    let b = text.as_bytes();
    let paren = b.contains(&b'(');
    if paren {
        let head = &text[..char_cut(text, 600)];
        if let Some(agency) = credit(head) {
            return (2, Some(agency));
        }
    }
    // One pass over the opening parentheses rather than a substring search of the text per agency.
    let credited = paren
        && text.match_indices('(').any(|(i, _)| {
            let after = &b[i + 1..];
            after.starts_with(b"Reuters)") || after.starts_with(b"AP)") || after.starts_with(b"AFP)")
        });
    // "Reporting by", "Editing by", "Writing by".
    // The common suffix first, with a vectorised search: most texts have none.
    let byline = || {
        memchr::memmem::find(b, b"ing by").is_some()
            && ["Reporting by", "Editing by", "Writing by"].iter().any(|a| text.contains(a))
    };
    (u8::from(credited || byline()), None)
}

/// Byte offset of the `n`-th character (the end when there are fewer).
fn char_cut(text: &str, n: usize) -> usize {
    if text.len() <= n {
        return text.len();
    }
    if text.as_bytes()[..n].is_ascii() {
        // One byte a character: a word-at-a-time check instead of decoding n characters.
        return n;
    }
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// As [`wire_evidence`], and 3 when the credited agency writes first in the text's language.
///
/// Agencies run services in other languages that translate their main wire and keep its credit
/// (`TÓQUIO (Reuters) -` on Reuters' Portuguese service, `(AFP) -` on AFP's English one), so two members
/// of a family may both carry a dateline; the one in the agency's working language is the first.
pub fn wire_evidence_in(text: &str, lang: Option<&str>) -> u8 {
    let (w, agency) = wire_and_credit(text);
    if w < 2 {
        return w;
    }
    let home = agency.and_then(agency_language);
    if home.is_some() && home == lang {
        3
    } else {
        2
    }
}

/// The working language of the large wire agencies, whose other-language services translate.
fn agency_language(agency: &str) -> Option<&'static str> {
    let a = agency.trim().to_ascii_lowercase();
    let lang = match a.as_str() {
        "reuters" | "ap" | "associated press" | "bloomberg" | "upi" | "pa" | "aap" | "cnn" => "en",
        "afp" => "fr",
        "efe" | "europa press" => "es",
        "dpa" => "de",
        "ansa" => "it",
        "lusa" => "pt",
        "anp" => "nl",
        "tt" => "sv",
        _ => return None,
    };
    Some(lang)
}

/// Whether the publisher is the agency its dateline credits: `(Reuters) -` on reuters.com, `(AP) —` on
/// apnews.com, `(CPS) -` on the site of Continental Press Service. A wire is republished under its
/// own credit by every outlet that buys it, so a credit alone does not tell the agency's page from a
/// subscriber's; the host does. `head` is the start of the article (where the dateline is), `page`
/// the whole text (where an acronym's spelled-out name is found: the masthead, the copyright line),
/// `host` the URL's host. An agency's page in another language than the agency's own is one of its
/// translation services (see [`wire_evidence_in`]) and does not count.
pub fn house_credit(head: &str, page: &str, lang: Option<&str>, host: &str) -> bool {
    // The registrable part and the subdomains, not the public suffix ("co.uk", "com").
    let labels: Vec<String> = host.split('.').map(str::to_ascii_lowercase).collect();
    let labels = &labels[..labels.len().saturating_sub(1)];
    credits(head).any(|agency| agency_is_host(agency, page, lang, labels))
}

fn agency_is_host(agency: &str, page: &str, lang: Option<&str>, labels: &[String]) -> bool {
    if let (Some(home), Some(lang)) = (agency_language(agency), lang) {
        if home != lang {
            return false;
        }
    }
    let name: String = agency.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    if name.len() < 2 {
        return false;
    }
    let by_name = labels.iter().any(|label| {
        if name.len() <= 3 {
            // Short names are prefixes of too many words ("ap" of "apple"): the label is the name, or
            // the name and a word saying what it is (apnews.com).
            *label == name || HOUSE_SUFFIXES.iter().any(|s| label.strip_prefix(name.as_str()) == Some(s))
        } else {
            label.starts_with(&name)
        }
    });
    by_name || {
        let spelled = acronym_expansions(agency, page);
        labels.iter().any(|label| spelled.iter().any(|s| label.starts_with(s.as_str())))
    }
}

/// What an agency's own domain adds to a short name.
const HOUSE_SUFFIXES: [&str; 6] = ["news", "wire", "online", "media", "press", "world"];

/// For an all-capitals credit of 2 to 6 letters, the runs of capitalised words in `page` whose
/// initials spell it, joined and lower-cased ("Continental Press Service" for `CPS`:
/// "continentalpressservice"). The page names its publisher; a subscriber's page names the agency
/// rarely, and then its host is not spelled by it.
fn acronym_expansions(agency: &str, page: &str) -> Vec<String> {
    let letters: Vec<char> = agency.chars().collect();
    if !(2..=6).contains(&letters.len()) || !letters.iter().all(char::is_ascii_uppercase) {
        return Vec::new();
    }
    let words: Vec<&str> = page.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let k = letters.len();
    let mut out: Vec<String> = Vec::new();
    for w in words.windows(k) {
        let spells = w.iter().zip(&letters).all(|(word, &l)| {
            let mut cs = word.chars();
            cs.next() == Some(l) && cs.next().is_some_and(char::is_lowercase)
        });
        if spells {
            let joined = w.concat().to_lowercase();
            if !out.contains(&joined) {
                out.push(joined);
            }
        }
    }
    out
}

/// The agency of a `(Agency) -` credit: a capitalised name of at most 3 words with a dash after it.
fn credit(head: &str) -> Option<&str> {
    credits(head).next()
}

/// Every `(Agency) -` credit of `head`, in order: a headline's `(Corrected)-` or `(UPDATE 1)-` can
/// come before the dateline's.
fn credits(head: &str) -> impl Iterator<Item = &str> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < head.len() {
            let open = i + head[i..].find('(')?;
            let close = open + head[open..].find(')')?;
            i = close + 1;
            let inner = &head[open + 1..close];
            let agency_like = inner.len() <= 30 && {
                let mut words = 0;
                let capitalised = inner.split_whitespace().all(|w| {
                    words += 1;
                    w.chars().next().is_some_and(char::is_uppercase)
                });
                capitalised && (1..=3).contains(&words)
            };
            let after = head[close + 1..].trim_start();
            let dash = after.starts_with('-') || after.starts_with('\u{2013}') || after.starts_with('\u{2014}');
            if agency_like && dash {
                return Some(inner);
            }
        }
        None
    })
}

/// What is known of one family member for choosing the original.
/// Phrases a breaking story's first version ends (or starts) with, lower case.
const FIRST_VERSION_MARKERS: [&str; 7] = [
    "more details to follow",
    "more to follow",
    "details to follow",
    "this story is developing",
    "this is a developing story",
    "this story will be updated",
    "this is a breaking news story",
];

/// Characters at each end of an article searched for a marker.
const MARKER_WINDOW: usize = 160;

/// Whether an article says it is the first version of a breaking story ("More details to follow
/// ...", "This is a developing story"), near its end or its start. Between two copies of one text,
/// the one that still says so was taken before the update that the other carries: the longer text
/// is then the later one, not the one the shorter was cut from.
pub fn first_version(article: &str) -> bool {
    let head = &article[..char_cut(article, MARKER_WINDOW)];
    let tail_start = article.char_indices().rev().nth(MARKER_WINDOW).map_or(0, |(i, _)| i);
    let found = |s: &str| {
        let s = s.to_lowercase();
        FIRST_VERSION_MARKERS.iter().any(|m| s.contains(m))
    };
    found(head) || (tail_start > 0 && found(&article[tail_start..]))
}

#[derive(Debug, Clone)]
pub struct OriginEvidence<'a> {
    pub id: &'a str,
    pub date: Option<DateKey>,
    /// Another member credits this text as its source, by its headline (see
    /// `unspun_align::credited_headline`): the copy says where it came from.
    pub credited: bool,
    /// The publisher is the agency its dateline credits ([`house_credit`]).
    pub house: bool,
    pub wire: u8,
    /// The article says it is a breaking story's first version ([`first_version`]).
    pub first_version: bool,
    /// Article length in tokens: a copy is cut more often than extended.
    pub length: usize,
}

/// Index (into `members`) of the likely original.
pub fn pick_original(members: &[OriginEvidence<'_>]) -> usize {
    let mut best = 0;
    for i in 1..members.len() {
        if earlier(&members[i], &members[best]) {
            best = i;
        }
    }
    best
}

/// The rule that decides between two members, strongest first (the order of [`pick_original`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OriginRule {
    /// The earlier publication date.
    Date,
    /// Another member credits it by its headline.
    Credit,
    /// Published by the agency its dateline credits.
    House,
    /// A wire dateline or credit (one in the agency's language first).
    Wire,
    /// It says it is a breaking story's first version.
    FirstVersion,
    /// The longer text: copies are cut more often than extended.
    Length,
    /// Nothing told them apart: the smaller id, for a stable answer.
    Id,
}

impl OriginRule {
    /// The name written in `clusters.jsonl` (`original_by`).
    pub fn as_str(self) -> &'static str {
        match self {
            OriginRule::Date => "date",
            OriginRule::Credit => "credit",
            OriginRule::House => "house",
            OriginRule::Wire => "wire",
            OriginRule::FirstVersion => "first_version",
            OriginRule::Length => "length",
            OriginRule::Id => "id",
        }
    }
}

/// Why `members[best]` (from [`pick_original`]) is the original: the weakest rule it needed, over
/// the other members, to come first (`Date` when its date alone puts it before every other member).
/// `None` for a family of one.
pub fn original_rule(members: &[OriginEvidence<'_>], best: usize) -> Option<OriginRule> {
    members.iter().enumerate().filter(|&(i, _)| i != best).map(|(_, m)| decide(&members[best], m).1).max()
}

fn earlier(a: &OriginEvidence<'_>, b: &OriginEvidence<'_>) -> bool {
    decide(a, b).0 == Ordering::Greater
}

/// Whether `a` comes before `b` (`Greater`), and the rule that decided.
fn decide(a: &OriginEvidence<'_>, b: &OriginEvidence<'_>) -> (Ordering, OriginRule) {
    if let (Some(x), Some(y)) = (a.date, b.date) {
        match compare_dates(x, y) {
            Ordering::Less => return (Ordering::Greater, OriginRule::Date),
            Ordering::Greater => return (Ordering::Less, OriginRule::Date),
            Ordering::Equal => {}
        }
    }
    // A dated member beats an undated one only through the evidence below: a missing date says nothing.
    let rules = [
        (a.credited.cmp(&b.credited), OriginRule::Credit),
        (a.house.cmp(&b.house), OriginRule::House),
        (a.wire.cmp(&b.wire), OriginRule::Wire),
        (a.first_version.cmp(&b.first_version), OriginRule::FirstVersion),
        (a.length.cmp(&b.length), OriginRule::Length),
    ];
    rules.into_iter().find(|r| r.0 != Ordering::Equal).unwrap_or((b.id.cmp(a.id), OriginRule::Id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_normalise_to_utc() {
        let a = parse_date("2017-09-13").unwrap();
        assert_eq!(a.second, None);
        let b = parse_date("2017-09-13T23:30:00-02:00").unwrap();
        assert_eq!((b.day - a.day, b.second), (1, Some(5400)));
        assert!(parse_date("2017-13-01").is_none());
        assert!(parse_date("yesterday").is_none());
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(DateKey { day: 0, second: Some(0) }));
    }

    #[test]
    fn date_only_is_not_earlier_than_a_time_on_the_same_day() {
        let d = parse_date("1987-03-23").unwrap();
        let t = parse_date("1987-03-23T14:00:00Z").unwrap();
        assert_eq!(compare_dates(d, t), Ordering::Equal);
        assert_eq!(compare_dates(parse_date("1987-03-22").unwrap(), t), Ordering::Less);
    }

    #[test]
    fn wire_credit_detection() {
        assert_eq!(wire_evidence("LONDON, March 23 (Atlas) - Shares fell."), 2);
        assert_eq!(wire_evidence("MOSCOW (Reuters) \u{2014} Kaspersky said"), 2);
        assert_eq!(wire_evidence("The firm (which is based in Moscow) said. Reporting by Jack Stubbs"), 1);
        assert_eq!(wire_evidence("Kaspersky Lab said on Tuesday (in a statement) that"), 0);
        // A credit in parentheses anywhere, without a dateline's dash: an attribution.
        assert_eq!(wire_evidence("Shares fell (in early trade), the agency said (AFP). More"), 1);
        assert_eq!(wire_evidence("As first reported (AP)"), 1);
        assert_eq!(wire_evidence("As first reported (Reuters"), 0);
        assert_eq!(wire_evidence("Writing by Jack Stubbs; editing"), 1);
    }

    #[test]
    fn a_credit_in_the_agency_language_is_stronger() {
        let en = "TOKYO (Reuters) - Toshiba said on Wednesday it agreed to sell its chip unit.";
        let pt = "TÓQUIO (Reuters) - A japonesa Toshiba disse nesta quarta-feira que aceitou vender.";
        assert_eq!(wire_evidence_in(en, Some("en")), 3);
        assert_eq!(wire_evidence_in(pt, Some("pt")), 2);
        assert_eq!(wire_evidence_in("PARIS (AFP) - Le groupe a annoncé", Some("fr")), 3);
        assert_eq!(wire_evidence_in("PARIS (Atlas) - The group said", Some("en")), 2, "unknown agency");
        assert_eq!(wire_evidence_in(en, None), 2, "unknown language");
        assert_eq!(wire_evidence_in("Reporting by Jack Stubbs", Some("en")), 1);
    }

    #[test]
    fn a_dateline_credit_on_the_agency_own_site_is_a_house_credit() {
        let head = "LONDON, March 23 (Reuters) - Shares fell.";
        assert!(house_credit(head, head, Some("en"), "uk.reuters.com"));
        assert!(house_credit(head, head, None, "reuters.com"));
        assert!(!house_credit(head, head, Some("en"), "dailymail.co.uk"), "a subscriber");
        let ap = "ST. JOSEPH, Mich. (AP) \u{2014} Health authorities said.";
        assert!(house_credit(ap, ap, Some("en"), "apnews.com"));
        assert!(!house_credit(ap, ap, Some("en"), "apple.com"), "a short name is not any prefix");
        assert!(!house_credit(ap, ap, Some("en"), "japantimes.co.jp"));
        // The agency's translation service keeps the credit; its first language is elsewhere.
        let pt = "T\u{d3}QUIO (Reuters) - A japonesa Toshiba disse.";
        assert!(!house_credit(pt, pt, Some("pt"), "br.reuters.com"));
        // An acronym is spelled out by the page's own masthead or copyright line.
        let cps = "WASHINGTON, March 30 (CPS) - The SEC is investigating.";
        let page = format!("Business\n{cps}\nCopyright \u{a9} 1987 Continental Press Service");
        assert!(house_credit(cps, &page, Some("en"), "www.continentalpressservice.net"));
        assert!(!house_credit(cps, cps, Some("en"), "continentalpressservice.net"), "no name on the page");
        // Letters that merely occur in order in a subscriber's host do not spell it.
        let sub = format!("The Capital Argus\n{cps}");
        assert!(!house_credit(cps, &sub, Some("en"), "capitalargus.ie"));
        // A headline's correction notice before the dateline.
        let corr = "(Corrected)-Ivory Coast at talks\nABIDJAN, March 15 (Northstar) - An official said.";
        assert!(house_credit(corr, corr, Some("en"), "newswire.northstarmedia.com"));
        assert!(!house_credit("Shares fell (Reuters).", "", Some("en"), "reuters.com"), "no dateline");
    }

    #[test]
    fn the_agency_own_page_is_the_original_of_undated_copies() {
        let copy = |id| OriginEvidence {
            id,
            date: None,
            credited: false,
            house: false,
            wire: 3,
            first_version: false,
            length: 400,
        };
        let own = OriginEvidence { house: true, length: 300, ..copy("z-own") };
        assert_eq!(pick_original(&[copy("a-copy"), own.clone(), copy("b-copy")]), 1);
        // A date still decides first, and a credit by headline before the host.
        let dated = OriginEvidence { date: parse_date("2017-09-13"), ..copy("dated") };
        let own_later = OriginEvidence { date: parse_date("2017-09-14"), ..own.clone() };
        assert_eq!(pick_original(&[own_later, dated]), 1);
        let cited = OriginEvidence { credited: true, wire: 0, ..copy("cited") };
        assert_eq!(pick_original(&[own, cited]), 1);
    }

    #[test]
    fn original_by_date_then_evidence() {
        let m = [
            OriginEvidence {
                id: "copy",
                date: parse_date("2017-09-14"),
                credited: false,
                house: false,
                wire: 2,
                first_version: false,
                length: 500,
            },
            OriginEvidence {
                id: "wire",
                date: parse_date("2017-09-13"),
                credited: false,
                house: false,
                wire: 0,
                first_version: false,
                length: 100,
            },
        ];
        assert_eq!(pick_original(&m), 1);
        let m = [
            OriginEvidence {
                id: "a",
                date: None,
                credited: false,
                house: false,
                wire: 0,
                first_version: false,
                length: 500,
            },
            OriginEvidence {
                id: "b",
                date: None,
                credited: false,
                house: false,
                wire: 2,
                first_version: false,
                length: 300,
            },
            OriginEvidence {
                id: "c",
                date: None,
                credited: false,
                house: false,
                wire: 2,
                first_version: false,
                length: 400,
            },
        ];
        assert_eq!(pick_original(&m), 2);
        // A breaking story's first version beats a longer copy that carries the update, not a
        // wire credit; a date still comes first.
        let m = [
            OriginEvidence {
                id: "later",
                date: None,
                credited: false,
                house: false,
                wire: 0,
                first_version: false,
                length: 400,
            },
            OriginEvidence {
                id: "first",
                date: None,
                credited: false,
                house: false,
                wire: 0,
                first_version: true,
                length: 150,
            },
            OriginEvidence {
                id: "credited",
                date: None,
                credited: false,
                house: false,
                wire: 1,
                first_version: false,
                length: 100,
            },
        ];
        assert_eq!(pick_original(&m[..2]), 1);
        assert_eq!(pick_original(&m), 2);
        let dated = OriginEvidence { id: "dated", date: parse_date("2017-09-21"), ..m[0].clone() };
        let first = OriginEvidence { date: parse_date("2017-09-22"), ..m[1].clone() };
        assert_eq!(pick_original(&[first, dated.clone()]), 1);
        // A text another member credits by its headline beats a wire credit, not a date.
        let cited = OriginEvidence { id: "cited", credited: true, ..m[0].clone() };
        assert_eq!(pick_original(&[m[2].clone(), cited.clone(), m[1].clone()]), 1);
        assert_eq!(pick_original(&[OriginEvidence { date: parse_date("2017-09-22"), ..cited }, dated]), 1);
    }

    #[test]
    fn the_rule_named_is_the_weakest_the_original_needed() {
        let m = |id, date: Option<&str>, wire| OriginEvidence {
            id,
            date: date.and_then(parse_date),
            credited: false,
            house: false,
            wire,
            first_version: false,
            length: 100,
        };
        let by_date = [m("b", Some("2017-09-14"), 3), m("a", Some("2017-09-13"), 0)];
        assert_eq!(pick_original(&by_date), 1);
        assert_eq!(original_rule(&by_date, 1), Some(OriginRule::Date));
        // Dated before one member, tied on the day with another that the dateline separates.
        let both = [m("x", Some("2017-09-13"), 0), m("y", Some("2017-09-13"), 2), m("z", Some("2017-09-15"), 3)];
        assert_eq!(pick_original(&both), 1);
        assert_eq!(original_rule(&both, 1), Some(OriginRule::Wire));
        let same = [m("q", None, 0), m("p", None, 0)];
        assert_eq!(original_rule(&same, pick_original(&same)), Some(OriginRule::Id));
        assert_eq!(original_rule(&same[..1], 0), None);
        assert_eq!(OriginRule::FirstVersion.as_str(), "first_version");
    }

    #[test]
    fn first_version_markers_at_either_end_only() {
        assert!(first_version(
            "Uber loses its licence.\n\nThe firm has 21 days to appeal.\n\nMore details to follow ..."
        ));
        assert!(first_version("This is a developing story. Uber has lost its licence in London."));
        assert!(first_version("BREAKING: this story will be updated. Uber loses licence."));
        assert!(!first_version("Uber loses its licence. The firm has 21 days to appeal."));
        // Far from both ends it is part of the story, not a marker.
        let mid = format!("{} There is more to follow, the mayor said. {}", "Word ".repeat(60), "Word ".repeat(60));
        assert!(!first_version(&mid));
        assert!(!first_version(""));
        // Multi-byte text at the window's edges.
        let wide = format!("{}More to follow", "é".repeat(400));
        assert!(first_version(&wide));
        assert!(!first_version(&"é".repeat(400)));
    }
}
