//! Character references (`&amp;`, `&#8217;`, `&eacute;`).
//!
//! The table holds the HTML 4 set plus the HTML 5 names that news pages actually use; the remaining HTML 5
//! names (mostly mathematical symbols) are left as written, which costs a symbol, never a word.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Latin-1 names for U+00A0..=U+00FF, in code point order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy",
    "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm",
    "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
    "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

#[rustfmt::skip]
const OTHERS: &[(&str, u32)] = &[
    ("quot", 34), ("amp", 38), ("apos", 39), ("lt", 60), ("gt", 62), ("OElig", 338), ("oelig", 339), ("Scaron", 352),
    ("scaron", 353), ("Yuml", 376), ("fnof", 402), ("circ", 710), ("tilde", 732), ("Alpha", 913), ("Beta", 914),
    ("Gamma", 915), ("Delta", 916), ("Epsilon", 917), ("Zeta", 918), ("Eta", 919), ("Theta", 920), ("Iota", 921),
    ("Kappa", 922), ("Lambda", 923), ("Mu", 924), ("Nu", 925), ("Xi", 926), ("Omicron", 927), ("Pi", 928),
    ("Rho", 929), ("Sigma", 931), ("Tau", 932), ("Upsilon", 933), ("Phi", 934), ("Chi", 935), ("Psi", 936),
    ("Omega", 937), ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948), ("epsilon", 949), ("zeta", 950),
    ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955), ("mu", 956), ("nu", 957),
    ("xi", 958), ("omicron", 959), ("pi", 960), ("rho", 961), ("sigmaf", 962), ("sigma", 963), ("tau", 964),
    ("upsilon", 965), ("phi", 966), ("chi", 967), ("psi", 968), ("omega", 969), ("thetasym", 977), ("upsih", 978),
    ("piv", 982), ("ensp", 8194), ("emsp", 8195), ("thinsp", 8201), ("zwnj", 8204), ("zwj", 8205), ("lrm", 8206),
    ("rlm", 8207), ("ndash", 8211), ("mdash", 8212), ("lsquo", 8216), ("rsquo", 8217), ("sbquo", 8218),
    ("ldquo", 8220), ("rdquo", 8221), ("bdquo", 8222), ("dagger", 8224), ("Dagger", 8225), ("bull", 8226),
    ("hellip", 8230), ("permil", 8240), ("prime", 8242), ("Prime", 8243), ("lsaquo", 8249), ("rsaquo", 8250),
    ("oline", 8254), ("frasl", 8260), ("euro", 8364), ("image", 8465), ("weierp", 8472), ("real", 8476),
    ("trade", 8482), ("alefsym", 8501), ("larr", 8592), ("uarr", 8593), ("rarr", 8594), ("darr", 8595),
    ("harr", 8596), ("crarr", 8629), ("lArr", 8656), ("uArr", 8657), ("rArr", 8658), ("dArr", 8659), ("hArr", 8660),
    ("forall", 8704), ("part", 8706), ("exist", 8707), ("empty", 8709), ("nabla", 8711), ("isin", 8712),
    ("notin", 8713), ("ni", 8715), ("prod", 8719), ("sum", 8721), ("minus", 8722), ("lowast", 8727), ("radic", 8730),
    ("prop", 8733), ("infin", 8734), ("ang", 8736), ("and", 8743), ("or", 8744), ("cap", 8745), ("cup", 8746),
    ("int", 8747), ("there4", 8756), ("sim", 8764), ("cong", 8773), ("asymp", 8776), ("ne", 8800), ("equiv", 8801),
    ("le", 8804), ("ge", 8805), ("sub", 8834), ("sup", 8835), ("nsub", 8836), ("sube", 8838), ("supe", 8839),
    ("oplus", 8853), ("otimes", 8855), ("perp", 8869), ("sdot", 8901), ("lceil", 8968), ("rceil", 8969),
    ("lfloor", 8970), ("rfloor", 8971), ("lang", 10216), ("rang", 10217), ("loz", 9674), ("spades", 9824),
    ("clubs", 9827), ("hearts", 9829), ("diams", 9830), ("Tab", 9), ("NewLine", 10), ("excl", 33), ("QUOT", 34),
    ("num", 35), ("dollar", 36), ("percnt", 37), ("AMP", 38), ("lpar", 40), ("rpar", 41), ("ast", 42), ("plus", 43),
    ("comma", 44), ("period", 46), ("sol", 47), ("colon", 58), ("semi", 59), ("LT", 60), ("equals", 61), ("GT", 62),
    ("quest", 63), ("commat", 64), ("lsqb", 91), ("lbrack", 91), ("bsol", 92), ("rsqb", 93), ("rbrack", 93),
    ("Hat", 94), ("lowbar", 95), ("grave", 96), ("lcub", 123), ("lbrace", 123), ("verbar", 124), ("vert", 124),
    ("rcub", 125), ("rbrace", 125), ("NonBreakingSpace", 160), ("COPY", 169), ("REG", 174), ("half", 189),
    ("dash", 8208), ("hyphen", 8208), ("horbar", 8213), ("Vert", 8214), ("lsquor", 8218), ("rsquor", 8217),
    ("ldquor", 8222), ("rdquor", 8221), ("nldr", 8229), ("mldr", 8230), ("bullet", 8226), ("hairsp", 8202),
    ("puncsp", 8200), ("numsp", 8199), ("MediumSpace", 8287), ("ZeroWidthSpace", 8203), ("NoBreak", 8288),
    ("check", 10003), ("cross", 10007), ("star", 9734), ("starf", 9733), ("phone", 9742), ("female", 9792),
    ("male", 9794), ("sharp", 9839), ("flat", 9837), ("natural", 9838), ("TRADE", 8482), ("incare", 8453),
    ("numero", 8470), ("copysr", 8471), ("ohm", 937), ("angst", 197), ("frac13", 8531), ("frac23", 8532),
    ("frac15", 8533), ("frac18", 8539), ("frac38", 8540), ("frac58", 8541), ("frac78", 8542), ("larrb", 8676),
    ("rarrb", 8677), ("uarr2", 8648), ("laquo", 171), ("raquo", 187), ("Ccaron", 268), ("ccaron", 269),
    ("Zcaron", 381), ("zcaron", 382), ("Rcaron", 344), ("rcaron", 345), ("Ecaron", 282), ("ecaron", 283),
    ("Lstrok", 321), ("lstrok", 322), ("Nacute", 323), ("nacute", 324), ("Sacute", 346), ("sacute", 347),
    ("Zacute", 377), ("zacute", 378), ("Zdot", 379), ("zdot", 380), ("Aogon", 260), ("aogon", 261), ("Eogon", 280),
    ("eogon", 281), ("Cacute", 262), ("cacute", 263), ("gbreve", 287), ("Gbreve", 286), ("inodot", 305),
    ("imath", 305), ("Idot", 304), ("scedil", 351), ("Scedil", 350), ("Odblac", 336), ("odblac", 337),
    ("Udblac", 368), ("udblac", 369), ("Uring", 366), ("uring", 367), ("Amacr", 256), ("amacr", 257), ("Emacr", 274),
    ("emacr", 275), ("Imacr", 298), ("imacr", 299), ("Omacr", 332), ("omacr", 333), ("Umacr", 362), ("umacr", 363),
    ("Dstrok", 272), ("dstrok", 273), ("Tcaron", 356), ("tcaron", 357), ("Dcaron", 270), ("dcaron", 271),
    ("Ncaron", 327), ("ncaron", 328), ("Lcaron", 317), ("lcaron", 318), ("Abreve", 258), ("abreve", 259),
    ("Tcedil", 354), ("tcedil", 355), ("ENG", 330), ("eng", 331), ("OHgr", 911), ("ohgr", 974), ("middot", 183),
    ("centerdot", 183), ("CenterDot", 183), ("times", 215), ("divide", 247), ("div", 247), ("pm", 177), ("deg", 176),
    ("micro", 181), ("trade", 8482), ("lsaquo", 8249), ("rsaquo", 8250), ("OpenCurlyQuote", 8216),
    ("CloseCurlyQuote", 8217), ("OpenCurlyDoubleQuote", 8220), ("CloseCurlyDoubleQuote", 8221), ("leftarrow", 8592),
    ("rightarrow", 8594), ("uparrow", 8593), ("downarrow", 8595), ("nbsp", 160), ("shy", 173), ("blank", 9251),
    ("squ", 9633), ("square", 9633), ("rect", 9645), ("marker", 9646), ("utri", 9653), ("dtri", 9663), ("ltri", 9667),
    ("rtri", 9657), ("cir", 9675), ("heartsuit", 9829), ("spadesuit", 9824), ("diamondsuit", 9830),
    ("clubsuit", 9827), ("sext", 10038), ("lozenge", 9674), ("ell", 8467), ("planck", 8463), ("euro", 8364),
    ("iukcy", 1110), ("Iukcy", 1030), ("yicy", 1111), ("YIcy", 1031), ("jukcy", 1108), ("Jukcy", 1028),
];

/// Names a browser also decodes without the `;` (the legacy set); matched as a prefix of the name run.
const LEGACY: &[&str] = &[
    "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "AMP", "LT", "GT", "QUOT", "COPY", "REG", "eacute", "egrave",
    "agrave", "aacute", "ouml", "uuml", "auml", "Ouml", "Uuml", "Auml", "szlig", "ccedil", "iacute", "oacute",
    "uacute", "ntilde", "deg", "middot", "laquo", "raquo", "times", "para", "sect", "pound", "euro", "yen", "cent",
];

fn table() -> &'static HashMap<&'static str, char> {
    static T: OnceLock<HashMap<&'static str, char>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::with_capacity(LATIN1.len() + OTHERS.len());
        for (i, n) in LATIN1.iter().enumerate() {
            if let Some(c) = char::from_u32(0xA0 + i as u32) {
                m.insert(*n, c);
            }
        }
        for (n, cp) in OTHERS {
            if let Some(c) = char::from_u32(*cp) {
                m.entry(*n).or_insert(c);
            }
        }
        m
    })
}

/// Windows-1252 meanings of the C1 code points, which browsers apply to `&#128;`..`&#159;`.
const C1: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D,
    0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
    0x017E, 0x0178,
];

fn numeric_char(cp: u32) -> char {
    match cp {
        0 => '\u{FFFD}',
        0x80..=0x9F => char::from_u32(C1[(cp - 0x80) as usize]).unwrap_or('\u{FFFD}'),
        _ => char::from_u32(cp).unwrap_or('\u{FFFD}'),
    }
}

/// Appends `s` to `out` with character references decoded. In attribute values a legacy reference
/// followed by `=` or an alphanumeric is left alone (`?a=1&copy=2` stays a URL), as browsers do.
pub(crate) fn decode_into(out: &mut String, s: &str, in_attr: bool) {
    let bytes = s.as_bytes();
    let mut last = 0usize;
    let mut p = 0usize;
    while let Some(i) = memchr::memchr(b'&', &bytes[p..]) {
        let amp = p + i;
        p = amp + 1;
        let Some((c, end)) = reference_at(s, amp, in_attr) else { continue };
        out.push_str(&s[last..amp]);
        out.push(c);
        last = end;
        p = end;
    }
    out.push_str(&s[last..]);
}

/// The reference starting at `amp` (which holds `&`): its character and the position after it.
fn reference_at(s: &str, amp: usize, in_attr: bool) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let mut p = amp + 1;
    if b.get(p) == Some(&b'#') {
        p += 1;
        let hex = matches!(b.get(p), Some(b'x' | b'X'));
        if hex {
            p += 1;
        }
        let ds = p;
        let mut cp: u32 = 0;
        while let Some(&c) = b.get(p) {
            let d = match (hex, c) {
                (_, b'0'..=b'9') => (c - b'0') as u32,
                (true, b'a'..=b'f') => (c - b'a' + 10) as u32,
                (true, b'A'..=b'F') => (c - b'A' + 10) as u32,
                _ => break,
            };
            cp = cp.saturating_mul(if hex { 16 } else { 10 }).saturating_add(d);
            p += 1;
        }
        if p == ds {
            return None;
        }
        if b.get(p) == Some(&b';') {
            p += 1;
        }
        return Some((numeric_char(cp), p));
    }
    let ns = p;
    while p < b.len() && p - ns < 32 && b[p].is_ascii_alphanumeric() {
        p += 1;
    }
    if p == ns {
        return None;
    }
    let name = &s[ns..p];
    if b.get(p) == Some(&b';') {
        if let Some(&c) = table().get(name) {
            return Some((c, p + 1));
        }
    }
    // Without `;`: the longest legacy name that prefixes the run.
    let best = LEGACY.iter().filter(|l| name.starts_with(**l)).max_by_key(|l| l.len())?;
    let end = ns + best.len();
    if in_attr && b.get(end).is_some_and(|&c| c == b'=' || c.is_ascii_alphanumeric()) {
        return None;
    }
    table().get(best).map(|&c| (c, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str, attr: bool) -> String {
        let mut o = String::new();
        decode_into(&mut o, s, attr);
        o
    }

    #[test]
    fn references() {
        assert_eq!(
            dec("a &amp; b &lt;c&gt; &eacute;&Eacute; &#233;&#xE9;&#XE9; &rsquo;&hellip;", false),
            "a & b <c> éÉ ééé \u{2019}\u{2026}"
        );
        assert_eq!(
            dec("&#150; &#0; &#x110000; &#; &#x; &bogus; & x", false),
            "\u{2013} \u{FFFD} \u{FFFD} &#; &#x; &bogus; & x"
        );
        assert_eq!(dec("&copy2019 &ampx", false), "©2019 &x");
        assert_eq!(dec("?a=1&copy=2&amp;b", true), "?a=1&copy=2&b");
        assert_eq!(dec("&nbsp;&NonBreakingSpace;", false), "\u{a0}\u{a0}");
    }
}
