//! What an element's tag, `class`, `id`, `role` and `itemprop` say about its content.
//!
//! Publishers name their containers after what they hold (`article-body`, `related-stories`,
//! `cookie-banner`), so these names are the cheapest strong evidence an extractor has. Names are split into
//! lower-case words at every non-alphanumeric character and at camel-case joins, and words are matched
//! whole (or as prefixes for long words), so `ad` matches `ad-slot` but not `header` or `download`.

use super::dom::{Dom, Tag};

/// Evidence from one element.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Hint {
    /// Names the article container (`article-body`, `entry-content`, `itemprop=articleBody`).
    pub positive: i16,
    /// Names furniture (`share`, `related`, `comments`, `cookie`, `nav`).
    pub negative: i16,
    /// Names something that is never article text whatever surrounds it (comments, cookie banners,
    /// share bars, ads): removed even inside a positive container.
    pub furniture: bool,
    /// Names a caption, byline or similar article-adjacent text that the body excludes.
    pub byline: bool,
    /// Names a caption or photo credit: prose-like sentences that still are not the article.
    pub caption: bool,
    /// Names a byline or a sub-headline (`dek`, `subtitle`): the header parts that are not a standfirst.
    pub subhead: bool,
    /// Names comments, which are prose too and so need their name to be recognised.
    pub comments: bool,
}

/// Stems that name furniture however they are compounded (`relatedpoststitle`, `sharebuttons`).
const FURNITURE_STEMS: &[&str] = &[
    "related",
    "sharing",
    "share-",
    "social",
    "newsletter",
    "subscribe",
    "cookie",
    "advert",
    "sponsor",
    "breadcrumb",
    "sidebar",
    "outbrain",
    "taboola",
    "disqus",
    "recommend",
    "comment-",
    "comments",
];

/// Quoted posts (tweets, Instagram posts) are part of the story even inside a "social" wrapper.
const EMBED: &[&str] = &["embed", "tweet", "twitter-tweet", "instagram-media", "tiktok-embed", "embedded-post"];

/// Words naming the article container. Weighted: `articlebody` is stronger than `content`.
const POSITIVE: &[(&str, i16)] = &[
    ("articlebody", 3),
    ("article-body", 3),
    ("articletext", 3),
    ("storybody", 3),
    ("story-body", 3),
    ("postbody", 3),
    ("post-body", 3),
    ("entry-content", 3),
    ("entrycontent", 3),
    ("post-content", 3),
    ("postcontent", 3),
    ("article-content", 3),
    ("articlecontent", 3),
    ("story-content", 3),
    ("storycontent", 3),
    ("article-text", 3),
    ("story-text", 3),
    ("body-text", 2),
    ("bodytext", 2),
    ("rich-text", 2),
    ("richtext", 2),
    ("article", 2),
    ("story", 2),
    ("entry", 1),
    ("post", 1),
    ("content", 1),
    ("main", 1),
    ("text", 1),
    ("body", 1),
    ("blog", 1),
    ("prose", 1),
    ("hentry", 1),
    ("copy", 1),
];

/// Words naming furniture that is removed wherever it is (inside the article container too).
const FURNITURE: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "replies",
    "respond",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "sociallinks",
    "related",
    "relatedposts",
    "recommended",
    "recommendations",
    "recirc",
    "recirculation",
    "outbrain",
    "taboola",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "dfp",
    "sponsor",
    "sponsored",
    "promo",
    "popup",
    "modal",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "footer",
    "masthead",
    "banner",
    "mostread",
    "most-read",
    "most-popular",
    "more-stories",
    "morestories",
    "author-bio",
    "authorbio",
    "about-author",
    "sr-only",
    "screen-reader-text",
    "visually-hidden",
    "skip",
    "login",
    "signin",
];

/// Words that make furniture likely but also occur on article containers (`elementor-widget`).
const WEAK: &[&str] = &[
    "widget",
    "hidden",
    "offscreen",
    "tools",
    "toolbar",
    "print",
    "trending",
    "popular",
    "tags",
    "tag",
    "taglist",
    "keywords",
    "topics",
    "follow",
    "bio",
    "rating",
    "vote",
    "donate",
    "teaser",
    "teasers",
    "video",
    "player",
    "gallery",
    "slideshow",
    "carousel",
    "jump",
    "gpt",
    "extra",
    "supplemental",
    "contact",
    "promotion",
    "readmore",
    "read-more",
];

/// Words naming article-adjacent text that the article body leaves out.
const BYLINE: &[&str] = &[
    "byline",
    "bylines",
    "author",
    "authors",
    "dateline",
    "timestamp",
    "date",
    "time",
    "published",
    "caption",
    "captions",
    "credit",
    "credits",
    "figcaption",
    "meta",
    "metadata",
    "header",
    "headline",
    "title",
    "kicker",
    "eyebrow",
    "subtitle",
    "subhead",
    "deck",
    "dek",
    "sub-head",
    "standfirst",
    "lede",
    "photo",
    "image",
    "img",
    "media",
    "figure",
    "source",
];

/// Splits a `class`/`id` value into lower-case words (at non-alphanumerics and camel-case joins) and also
/// yields each hyphenated class whole, so both `article-body` and its parts can match.
fn words(value: &str, out: &mut Vec<String>) {
    for class in value.split_ascii_whitespace() {
        if class.len() > 80 {
            continue;
        }
        let lower = class.to_ascii_lowercase();
        out.push(lower.clone());
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in class.chars() {
            if c.is_ascii_alphanumeric() {
                if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                cur.push(c.to_ascii_lowercase());
            } else {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev_lower = false;
            }
        }
        if !cur.is_empty() && cur != lower {
            out.push(cur);
        }
    }
}

pub(crate) fn hint(dom: &Dom, id: u32, scratch: &mut Vec<String>) -> Hint {
    let tag = dom.tag(id);
    let mut h = Hint::default();
    match tag {
        Tag::Article => h.positive += 3,
        Tag::Main => h.positive += 2,
        Tag::Nav | Tag::Footer | Tag::Aside | Tag::Button | Tag::Select | Tag::Dialog | Tag::Menu => {
            h.negative += 3;
            h.furniture = true;
        }
        // ASP.NET and shop pages wrap whole articles in a form; only the name of a form says more.
        Tag::Form => h.negative += 1,
        Tag::Figcaption => {
            h.byline = true;
            h.caption = true;
        }
        Tag::Figure => h.byline = true,
        Tag::Header | Tag::Address | Tag::Label | Tag::Legend | Tag::Time => {
            h.byline = true;
        }
        Tag::Other => {
            // Custom elements (AMP and ad components) name themselves.
            let name = dom.tag_name(id);
            if name.starts_with("amp-ad") || name.contains("-ad") || name.starts_with("ad-") || name.contains("related")
            {
                h.negative += 3;
                h.furniture = true;
            }
        }
        _ => {}
    }
    scratch.clear();
    let mut any = false;
    for (name, value) in dom.attrs(id) {
        match name {
            "class" | "id" => {
                words(value, scratch);
                any = true;
            }
            "role" => match value.trim().to_ascii_lowercase().as_str() {
                "navigation" | "menu" | "menubar" | "banner" | "contentinfo" | "complementary" | "dialog"
                | "alertdialog" | "search" | "toolbar" | "tablist" => {
                    h.negative += 3;
                    h.furniture = true;
                }
                "main" | "article" => h.positive += 2,
                _ => {}
            },
            "itemprop" => {
                let v = value.trim();
                if v.eq_ignore_ascii_case("articleBody") || v.eq_ignore_ascii_case("text") {
                    h.positive += 5;
                } else if v.eq_ignore_ascii_case("author") || v.eq_ignore_ascii_case("datePublished") {
                    h.byline = true;
                }
            }
            "aria-hidden" if value.trim().eq_ignore_ascii_case("true") => h.byline = true,
            _ => {}
        }
    }
    if any {
        let mut pos = 0i16;
        let mut embed = false;
        for w in scratch.iter() {
            let w = w.as_str();
            if EMBED.contains(&w) {
                embed = true;
            }
            if w.len() > 8 && FURNITURE_STEMS.iter().any(|s| w.starts_with(s) || w.ends_with(s)) {
                h.furniture = true;
                h.negative += 2;
            }
            if let Some((_, s)) = POSITIVE.iter().find(|(p, _)| *p == w) {
                pos = pos.max(*s);
            } else if w.len() > 10 && POSITIVE.iter().any(|(p, s)| *s == 3 && w.contains(p)) {
                // Compound names carry a prefix or suffix (`c-article-body`, `article-body__inner`).
                pos = pos.max(3);
            }
            if FURNITURE.contains(&w) {
                h.furniture = true;
                h.negative += 2;
                if matches!(w, "comment" | "comments" | "commentlist" | "disqus" | "replies" | "respond") {
                    h.comments = true;
                }
            } else if WEAK.contains(&w) {
                h.negative += 1;
            } else if BYLINE.contains(&w) {
                h.byline = true;
                h.negative += 1;
                // Not `media` or `image`: `media-body` is Bootstrap's text column beside a thumbnail.
                if matches!(w, "caption" | "captions" | "figcaption" | "credit" | "credits") {
                    h.caption = true;
                }
                if matches!(w, "byline" | "bylines" | "author" | "authors" | "subtitle" | "subhead" | "kicker" | "deck")
                {
                    h.subhead = true;
                }
            }
        }
        h.positive += pos;
        if embed {
            h.furniture = false;
            h.byline = false;
            h.caption = false;
            h.negative = 0;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(html: &str) -> Hint {
        let d = Dom::parse(html);
        let mut s = Vec::new();
        hint(&d, 1, &mut s)
    }

    #[test]
    fn class_words_match_whole() {
        assert!(h("<div class='ad-slot'>").furniture);
        assert!(!h("<div class='header-download'>").furniture);
        assert!(h("<div class='header-download'>").byline);
        assert!(h("<div id='relatedStories'>").furniture);
        assert!(h("<div class='c-article-body'>").positive >= 3);
        assert!(h("<div itemprop='articleBody'>").positive >= 5);
        assert!(h("<nav>").furniture);
        assert!(!h("<div class='commentary'>").furniture);
    }
}
