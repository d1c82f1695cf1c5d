use serde::{Deserialize, Serialize};

/// One input document, as the user gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    /// The text as given; every offset unspun reports points into it.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Byline and outlet name, where an HTML page states them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// Where it came from (`file:line` or a path), for messages.
    #[serde(skip)]
    pub origin: String,
    /// Article spans (byte ranges into `text`) already found by the reader: for HTML, `text` is the
    /// page's visible text and these are the article's paragraphs in it. `None`: clean `text` itself.
    #[serde(skip)]
    pub article: Option<Vec<std::ops::Range<usize>>>,
}

impl Document {
    /// A plain-text document.
    pub fn plain(id: String, text: String, origin: String) -> Self {
        Document {
            id,
            text,
            url: None,
            date: None,
            section: None,
            lang: None,
            title: None,
            author: None,
            site_name: None,
            origin,
            article: None,
        }
    }

    /// A document from an HTML page: the visible text, with the article found in the page's tree and
    /// the page's own metadata where the record gave none.
    pub fn from_html(id: String, html: &str, url: Option<String>, origin: String) -> Self {
        let a = unspun_extract::extract_html(html, url.as_deref());
        Document {
            id,
            url: url.or(a.canonical_url),
            date: a.date,
            section: None,
            lang: a.lang,
            title: a.title,
            author: a.author,
            site_name: a.site_name,
            origin,
            text: a.visible_text,
            article: Some(a.spans),
        }
    }
}

impl Document {
    /// The outlet: the URL's host without `www.`.
    pub fn host(&self) -> Option<&str> {
        self.url.as_deref().and_then(host_of)
    }
}

/// Host of a URL, lower-case, without a leading `www.`; `None` if there is none.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://www.reuters.com/article/x?y=1"), Some("reuters.com"));
        assert_eq!(host_of("http://user@news.example.org:8080/a"), Some("news.example.org"));
        assert_eq!(host_of(""), None);
    }
}
