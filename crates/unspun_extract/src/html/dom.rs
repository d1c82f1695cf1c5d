//! A small HTML tokenizer and tree builder, made for text extraction.
//!
//! Why not a crate: `tl` is fast but builds wrong trees on everyday markup (an unclosed `<p>` or a stray
//! `</div>` nests the rest of the page inside a paragraph), and html5ever (through scraper) spends most of
//! the 3 ms a page the extractor may take. Extraction needs the *shape* a browser would build (blocks,
//! lists, tables, where a paragraph ends), not spec-exact DOM details, so this builder implements the
//! tree-construction rules that shape it: void and raw-text elements, implied end tags (`p`, `li`, `dd`,
//! table parts, `option`, headings), scoped end-tag matching, and a head that closes when body content
//! starts. It skips the adoption agency, foster parenting and formatting-element reconstruction, whose
//! effects on the text of a page are a few misplaced inline words at worst.
//!
//! The tree is an arena of nodes in document order (a parent always precedes its children), which lets
//! later passes aggregate bottom-up by walking the arena backwards, with no recursion anywhere: the
//! nesting depth is capped at [`MAX_DEPTH`] like browsers do (deeper start tags become siblings).

use super::entities::decode_into;
use memchr::{memchr, memchr3};

pub(crate) const NONE: u32 = u32::MAX;
/// Blink and Gecko stop nesting at 512 open elements; so do we, which bounds every walk over ancestors.
pub(crate) const MAX_DEPTH: usize = 512;

macro_rules! tags {
    ($($v:ident = $s:literal),* $(,)?) => {
        /// Element kinds the builder and the extractor treat specially; everything else is `Other`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub(crate) enum Tag { Document, Text, Other, $($v),* }

        fn tag_of(name: &[u8]) -> Tag {
            match name { $($s => Tag::$v,)* _ => Tag::Other }
        }
    };
}

tags! {
    A = b"a", Abbr = b"abbr", Address = b"address", Applet = b"applet", Area = b"area", Article = b"article",
    Aside = b"aside", Audio = b"audio", B = b"b", Base = b"base", Basefont = b"basefont", Bgsound = b"bgsound",
    Big = b"big", Blockquote = b"blockquote", Body = b"body", Br = b"br", Button = b"button", Canvas = b"canvas",
    Caption = b"caption", Center = b"center", Cite = b"cite", Code = b"code", Col = b"col", Colgroup = b"colgroup",
    Dd = b"dd", Del = b"del", Details = b"details", Dialog = b"dialog", Dir = b"dir", Div = b"div", Dl = b"dl",
    Dt = b"dt", Em = b"em", Embed = b"embed", Fieldset = b"fieldset", Figcaption = b"figcaption",
    Figure = b"figure", Font = b"font", Footer = b"footer", Form = b"form", Frame = b"frame",
    Frameset = b"frameset", H1 = b"h1", H2 = b"h2", H3 = b"h3", H4 = b"h4", H5 = b"h5", H6 = b"h6",
    Head = b"head", Header = b"header", Hgroup = b"hgroup", Hr = b"hr", Html = b"html", I = b"i",
    Iframe = b"iframe", Img = b"img", Input = b"input", Ins = b"ins", Kbd = b"kbd", Keygen = b"keygen",
    Label = b"label", Legend = b"legend", Li = b"li", Link = b"link", Listing = b"listing", Main = b"main",
    Map = b"map", Mark = b"mark", Marquee = b"marquee", Math = b"math", Menu = b"menu", Meta = b"meta",
    Nav = b"nav", Nobr = b"nobr", Noembed = b"noembed", Noframes = b"noframes", Noscript = b"noscript",
    Object = b"object", Ol = b"ol", Optgroup = b"optgroup", Option = b"option", P = b"p", Param = b"param",
    Picture = b"picture", Plaintext = b"plaintext", Pre = b"pre", Q = b"q", S = b"s", Samp = b"samp",
    Script = b"script", Search = b"search", Section = b"section", Select = b"select", Small = b"small",
    Source = b"source", Span = b"span", Strike = b"strike", Strong = b"strong", Style = b"style", Sub = b"sub",
    Summary = b"summary", Sup = b"sup", Svg = b"svg", Table = b"table", Tbody = b"tbody", Td = b"td",
    Template = b"template", Textarea = b"textarea", Tfoot = b"tfoot", Th = b"th", Thead = b"thead",
    Time = b"time", Title = b"title", Tr = b"tr", Track = b"track", Tt = b"tt", U = b"u", Ul = b"ul",
    Var = b"var", Video = b"video", Wbr = b"wbr", Xmp = b"xmp",
}

impl Tag {
    pub(crate) fn is_void(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Area | Base
                | Basefont
                | Bgsound
                | Br
                | Col
                | Embed
                | Frame
                | Hr
                | Img
                | Input
                | Keygen
                | Link
                | Meta
                | Param
                | Source
                | Track
                | Wbr
        )
    }

    pub(crate) fn is_heading(self) -> bool {
        matches!(self, Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
    }

    /// Start tags that end an open `<p>`.
    fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Section
                | Search
                | Summary
                | Table
                | Ul
                | Li
                | Dd
                | Dt
                | Listing
                | Plaintext
                | Xmp
        )
    }

    /// The HTML "special" category: an unmatched inline end tag does not close these.
    fn is_special(self) -> bool {
        use Tag::*;
        self.closes_p()
            || matches!(
                self,
                Applet
                    | Area
                    | Base
                    | Body
                    | Br
                    | Button
                    | Caption
                    | Col
                    | Colgroup
                    | Embed
                    | Frame
                    | Frameset
                    | Head
                    | Html
                    | Iframe
                    | Img
                    | Input
                    | Link
                    | Marquee
                    | Meta
                    | Noembed
                    | Noframes
                    | Noscript
                    | Object
                    | Param
                    | Script
                    | Select
                    | Source
                    | Style
                    | Tbody
                    | Td
                    | Template
                    | Textarea
                    | Tfoot
                    | Th
                    | Thead
                    | Title
                    | Tr
                    | Track
                    | Wbr
            )
    }

    /// Boundaries of the default scope: an end tag never closes elements across them.
    fn scope_boundary(self) -> bool {
        use Tag::*;
        matches!(self, Applet | Caption | Html | Table | Td | Th | Marquee | Object | Template)
    }

    fn is_formatting(self) -> bool {
        use Tag::*;
        matches!(self, A | B | Big | Code | Em | Font | I | Nobr | S | Small | Strike | Strong | Tt | U)
    }

    /// Elements whose content is not markup. `noscript` is among them because pages are rendered with
    /// scripting on (its content is what a script-less crawler would see instead, usually an image).
    fn raw_text(self) -> bool {
        use Tag::*;
        matches!(self, Script | Style | Xmp | Iframe | Noembed | Noframes | Noscript | Textarea | Title | Svg | Math)
    }

    fn allowed_in_head(self) -> bool {
        use Tag::*;
        matches!(self, Base | Basefont | Bgsound | Link | Meta | Title | Style | Script | Noscript | Template)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub tag: Tag,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next_sibling: u32,
    /// Text nodes: byte range of the decoded text in [`Dom::buf`]. Elements: range in [`Dom::attrs`].
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Attr {
    /// Ranges into [`Dom::buf`]; an empty name marks the pseudo-attribute that holds an unknown tag's name.
    name: (u32, u32),
    value: (u32, u32),
}

/// The parsed page: nodes in document order (node 0 is the document), attributes and text in one buffer.
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    attrs: Vec<Attr>,
    buf: String,
}

impl Dom {
    pub(crate) fn parse(html: &str) -> Dom {
        let mut b = Builder {
            dom: Dom {
                nodes: Vec::with_capacity(html.len() / 40 + 8),
                attrs: Vec::with_capacity(html.len() / 60 + 8),
                buf: String::with_capacity(html.len() / 3 + 64),
            },
            stack: Vec::with_capacity(64),
            has_html: false,
            has_head: false,
            has_body: false,
        };
        b.dom.nodes.push(Node {
            tag: Tag::Document,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            start: 0,
            end: 0,
        });
        tokenize(html, &mut b);
        b.dom
    }

    #[inline]
    pub(crate) fn node(&self, id: u32) -> &Node {
        &self.nodes[id as usize]
    }

    #[inline]
    pub(crate) fn tag(&self, id: u32) -> Tag {
        self.nodes[id as usize].tag
    }

    #[inline]
    pub(crate) fn parent(&self, id: u32) -> u32 {
        self.nodes[id as usize].parent
    }

    /// Decoded text of a text node (empty for elements).
    pub(crate) fn text(&self, id: u32) -> &str {
        let n = &self.nodes[id as usize];
        if n.tag == Tag::Text {
            &self.buf[n.start as usize..n.end as usize]
        } else {
            ""
        }
    }

    /// Attributes of an element as (lower-case name, decoded value); the first of duplicates wins, as in HTML.
    pub(crate) fn attrs(&self, id: u32) -> impl Iterator<Item = (&str, &str)> + '_ {
        let n = &self.nodes[id as usize];
        let range = if matches!(n.tag, Tag::Text | Tag::Document) { 0..0 } else { n.start as usize..n.end as usize };
        self.attrs[range].iter().filter(|a| a.name.0 != a.name.1).map(|a| {
            (&self.buf[a.name.0 as usize..a.name.1 as usize], &self.buf[a.value.0 as usize..a.value.1 as usize])
        })
    }

    pub(crate) fn attr(&self, id: u32, name: &str) -> Option<&str> {
        self.attrs(id).find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Lower-case name of an element (for `Tag::Other`, the name as written).
    pub(crate) fn tag_name(&self, id: u32) -> &str {
        let n = &self.nodes[id as usize];
        if n.tag == Tag::Other && n.start < n.end {
            let a = self.attrs[n.start as usize];
            return &self.buf[a.value.0 as usize..a.value.1 as usize];
        }
        ""
    }

    pub(crate) fn children(&self, id: u32) -> Children<'_> {
        Children { dom: self, next: self.nodes[id as usize].first_child }
    }

    /// All text below `id`, concatenated as written (no block separation).
    pub(crate) fn inner_text(&self, id: u32) -> String {
        let mut out = String::new();
        let end = self.subtree_end(id);
        for i in id + 1..end {
            if self.nodes[i as usize].tag == Tag::Text {
                out.push_str(self.text(i));
            }
        }
        out
    }

    /// One past the last descendant of `id`: descendants are the contiguous run after it in the arena.
    pub(crate) fn subtree_end(&self, id: u32) -> u32 {
        let mut n = id;
        loop {
            let node = &self.nodes[n as usize];
            if node.next_sibling != NONE {
                return node.next_sibling;
            }
            if node.parent == NONE {
                return self.nodes.len() as u32;
            }
            n = node.parent;
        }
    }
}

pub(crate) struct Children<'a> {
    dom: &'a Dom,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.nodes[id as usize].next_sibling;
        Some(id)
    }
}

struct Builder {
    dom: Dom,
    /// Open elements, innermost last (the document is implicit below it).
    stack: Vec<u32>,
    has_html: bool,
    has_head: bool,
    has_body: bool,
}

impl Builder {
    fn current(&self) -> u32 {
        self.stack.last().copied().unwrap_or(0)
    }

    fn append(&mut self, tag: Tag, start: u32, end: u32) -> u32 {
        let parent = self.current();
        let id = self.dom.nodes.len() as u32;
        self.dom.nodes.push(Node { tag, parent, first_child: NONE, last_child: NONE, next_sibling: NONE, start, end });
        let p = &mut self.dom.nodes[parent as usize];
        let prev = p.last_child;
        p.last_child = id;
        if prev == NONE {
            p.first_child = id;
        } else {
            self.dom.nodes[prev as usize].next_sibling = id;
        }
        id
    }

    fn text(&mut self, raw: &str, decode: bool) {
        if raw.is_empty() {
            return;
        }
        if self.dom.tag(self.current()) == Tag::Head && raw.bytes().any(|b| !b.is_ascii_whitespace()) {
            // Text cannot live in <head>: a browser closes it and starts the body here.
            self.stack.pop();
        }
        let start = self.dom.buf.len();
        if decode {
            decode_into(&mut self.dom.buf, raw, false);
        } else {
            self.dom.buf.push_str(raw);
        }
        let end = self.dom.buf.len();
        let cur = self.current();
        let last = self.dom.nodes[cur as usize].last_child;
        // Text split by a comment or a dropped tag is one text run, as in a browser.
        if last != NONE {
            let l = &mut self.dom.nodes[last as usize];
            if l.tag == Tag::Text && l.end as usize == start {
                l.end = end as u32;
                return;
            }
        }
        self.append(Tag::Text, start as u32, end as u32);
    }

    /// Position (in `stack`) of the innermost open element matching `want`, not looking past `stop`.
    fn find_in_scope(&self, want: impl Fn(Tag) -> bool, stop: impl Fn(Tag) -> bool) -> Option<usize> {
        for i in (0..self.stack.len()).rev() {
            let t = self.dom.tag(self.stack[i]);
            if want(t) {
                return Some(i);
            }
            if stop(t) {
                return None;
            }
        }
        None
    }

    fn close_p(&mut self) {
        if let Some(i) = self.find_in_scope(|t| t == Tag::P, |t| t.scope_boundary() || t == Tag::Button) {
            self.stack.truncate(i);
        }
    }

    fn start_tag(&mut self, tag: Tag, attr_start: usize, _self_closing: bool) {
        use Tag::*;
        match tag {
            Html if self.has_html => {
                self.dom.attrs.truncate(attr_start);
                return;
            }
            Head if self.has_head || self.has_body => {
                self.dom.attrs.truncate(attr_start);
                return;
            }
            Body if self.has_body => {
                self.dom.attrs.truncate(attr_start);
                return;
            }
            _ => {}
        }
        if self.dom.tag(self.current()) == Head && !tag.allowed_in_head() {
            self.stack.pop();
        }
        if tag.closes_p() {
            self.close_p();
        }
        match tag {
            Li => self.close_list_item(|t| t == Li),
            Dd | Dt => self.close_list_item(|t| t == Dd || t == Dt),
            H1 | H2 | H3 | H4 | H5 | H6 if self.dom.tag(self.current()).is_heading() => {
                self.stack.pop();
            }
            A => {
                if let Some(i) = self.find_in_scope(|t| t == A, |t| t.scope_boundary()) {
                    self.stack.truncate(i);
                }
            }
            Button => {
                if let Some(i) = self.find_in_scope(|t| t == Button, |t| t.scope_boundary()) {
                    self.stack.truncate(i);
                }
            }
            Option if self.dom.tag(self.current()) == Option => {
                self.stack.pop();
            }
            Optgroup => {
                if self.dom.tag(self.current()) == Option {
                    self.stack.pop();
                }
                if self.dom.tag(self.current()) == Optgroup {
                    self.stack.pop();
                }
            }
            Td | Th => {
                if let Some(i) = self.find_in_scope(|t| matches!(t, Td | Th | Tr), |t| matches!(t, Table | Html)) {
                    let t = self.dom.tag(self.stack[i]);
                    self.stack.truncate(if t == Tr { i + 1 } else { i });
                }
            }
            Tr => {
                if let Some(i) = self.find_in_scope(|t| matches!(t, Tbody | Thead | Tfoot | Table), |t| t == Html) {
                    self.stack.truncate(i + 1);
                }
            }
            Tbody | Thead | Tfoot | Caption | Colgroup => {
                if let Some(i) = self.find_in_scope(|t| t == Table, |t| t == Html) {
                    self.stack.truncate(i + 1);
                }
            }
            _ => {}
        }
        let id = self.append(tag, attr_start as u32, self.dom.attrs.len() as u32);
        match tag {
            Html => self.has_html = true,
            Head => self.has_head = true,
            Body => self.has_body = true,
            _ => {}
        }
        // Past the depth cap the element is still kept, as a sibling of what follows.
        if !tag.is_void() && self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
        }
    }

    fn close_list_item(&mut self, item: impl Fn(Tag) -> bool) {
        for i in (0..self.stack.len()).rev() {
            let t = self.dom.tag(self.stack[i]);
            if item(t) {
                self.stack.truncate(i);
                return;
            }
            if t.is_special() && !matches!(t, Tag::Address | Tag::Div | Tag::P) {
                return;
            }
        }
    }

    fn end_tag(&mut self, tag: Tag, name: &[u8]) {
        use Tag::*;
        let found = match tag {
            Body | Html | Document | Text => return,
            Br => {
                self.append(Br, self.dom.attrs.len() as u32, self.dom.attrs.len() as u32);
                return;
            }
            P => self.find_in_scope(|t| t == P, |t| t.scope_boundary() || t == Button),
            Li => self.find_in_scope(|t| t == Li, |t| t.scope_boundary() || matches!(t, Ol | Ul)),
            Head => self.find_in_scope(|t| t == Head, |_| false),
            H1 | H2 | H3 | H4 | H5 | H6 => self.find_in_scope(Tag::is_heading, Tag::scope_boundary),
            Td | Th | Tr | Tbody | Thead | Tfoot | Caption | Colgroup => {
                self.find_in_scope(|t| t == tag, |t| matches!(t, Table | Html | Template))
            }
            Table => self.find_in_scope(|t| t == Table, |t| matches!(t, Html | Template)),
            Other => {
                let dom = &self.dom;
                self.stack
                    .iter()
                    .rposition(|&id| dom.tag(id).is_special() || dom.tag_name(id).as_bytes() == name)
                    .filter(|&i| dom.tag(self.stack[i]) == Other)
            }
            t if t.is_formatting() => self.find_in_scope(|x| x == t, Tag::scope_boundary),
            t if t.is_special() => self.find_in_scope(|x| x == t, Tag::scope_boundary),
            t => {
                // Any other end tag closes the innermost matching element unless a special element is in the way.
                let dom = &self.dom;
                self.stack
                    .iter()
                    .rposition(|&id| dom.tag(id) == t || dom.tag(id).is_special())
                    .filter(|&i| dom.tag(self.stack[i]) == t)
            }
        };
        if let Some(i) = found {
            self.stack.truncate(i);
        }
    }
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Lower-cases an ASCII tag name into `out` (names longer than the buffer are unknown tags anyway).
fn lower_name<'b>(name: &[u8], out: &'b mut [u8; 16]) -> &'b [u8] {
    let n = name.len().min(16);
    for (o, c) in out.iter_mut().zip(&name[..n]) {
        *o = c.to_ascii_lowercase();
    }
    &out[..n]
}

fn tokenize(html: &str, b: &mut Builder) {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let mut pos = 0usize;
    let mut text_start = 0usize;
    while pos < len {
        let Some(off) = memchr(b'<', &bytes[pos..]) else { break };
        let lt = pos + off;
        let next = bytes.get(lt + 1).copied().unwrap_or(0);
        if next.is_ascii_alphabetic() {
            b.text(&html[text_start..lt], true);
            match start_tag(html, lt, b) {
                Some(end) => pos = end,
                None => return, // EOF inside a tag: the tag is dropped, as in a browser
            }
            text_start = pos;
        } else if next == b'/' {
            let after = bytes.get(lt + 2).copied().unwrap_or(0);
            b.text(&html[text_start..lt], true);
            if after.is_ascii_alphabetic() {
                let name_end = name_end(bytes, lt + 2);
                let mut lb = [0u8; 16];
                let name = &bytes[lt + 2..name_end];
                let tag = if name.len() > 16 { Tag::Other } else { tag_of(lower_name(name, &mut lb)) };
                let lname = if tag == Tag::Other { name.to_ascii_lowercase() } else { Vec::new() };
                let Some(end) = skip_attributes(bytes, name_end) else { return };
                b.end_tag(tag, &lname);
                pos = end;
            } else if after == b'>' {
                pos = lt + 3; // `</>` is dropped
            } else {
                pos = memchr(b'>', &bytes[lt..]).map_or(len, |i| lt + i + 1); // bogus comment
            }
            text_start = pos;
        } else if next == b'!' {
            b.text(&html[text_start..lt], true);
            let rest = &bytes[lt + 2..];
            pos = if rest.starts_with(b"--") {
                comment_end(bytes, lt + 4)
            } else {
                memchr(b'>', rest).map_or(len, |i| lt + 2 + i + 1)
            };
            text_start = pos;
        } else if next == b'?' {
            b.text(&html[text_start..lt], true);
            pos = memchr(b'>', &bytes[lt..]).map_or(len, |i| lt + i + 1);
            text_start = pos;
        } else {
            pos = lt + 1; // a lone '<' is text
        }
    }
    b.text(&html[text_start..len.max(text_start)], true);
}

fn comment_end(bytes: &[u8], from: usize) -> usize {
    // `<!-->` and `<!--->` are complete (empty) comments.
    let rest = &bytes[from.min(bytes.len())..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let mut p = from;
    while let Some(i) = memchr(b'-', &bytes[p.min(bytes.len())..]) {
        let at = p + i;
        if bytes[at..].starts_with(b"-->") {
            return at + 3;
        }
        if bytes[at..].starts_with(b"--!>") {
            return at + 4;
        }
        p = at + 1;
    }
    bytes.len()
}

fn name_end(bytes: &[u8], from: usize) -> usize {
    let mut p = from;
    while p < bytes.len() && !is_ws(bytes[p]) && bytes[p] != b'/' && bytes[p] != b'>' {
        p += 1;
    }
    p
}

/// Skips the attributes of an end tag; `None` at EOF.
fn skip_attributes(bytes: &[u8], mut p: usize) -> Option<usize> {
    loop {
        let i = memchr3(b'>', b'"', b'\'', &bytes[p..])?;
        let at = p + i;
        match bytes[at] {
            b'>' => return Some(at + 1),
            q => {
                // A quote opens a value only after `=`; elsewhere it is part of a (bogus) name.
                let mut k = at;
                while k > p && is_ws(bytes[k - 1]) {
                    k -= 1;
                }
                if k > p && bytes[k - 1] == b'=' {
                    p = at + 1 + memchr(q, &bytes[at + 1..])? + 1;
                } else {
                    p = at + 1;
                }
            }
        }
    }
}

/// Parses a start tag at `lt` (`<` followed by a letter), feeds it to the builder, and consumes raw-text
/// content. Returns the position after it, or `None` at EOF inside the tag.
fn start_tag(html: &str, lt: usize, b: &mut Builder) -> Option<usize> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let ne = name_end(bytes, lt + 1);
    let raw_name = &bytes[lt + 1..ne];
    let mut lb = [0u8; 16];
    let tag = if raw_name.len() > 16 { Tag::Other } else { tag_of(lower_name(raw_name, &mut lb)) };
    let attr_start = b.dom.attrs.len();
    if tag == Tag::Other {
        // The unknown tag's name, kept as a nameless pseudo-attribute so end tags can match it.
        let s = b.dom.buf.len() as u32;
        for &c in raw_name {
            b.dom.buf.push(c.to_ascii_lowercase() as char);
        }
        let e = b.dom.buf.len() as u32;
        b.dom.attrs.push(Attr { name: (s, s), value: (s, e) });
        // Non-ASCII names are rare enough to store lossily; they only need to match themselves.
        if !raw_name.is_ascii() {
            b.dom.buf.truncate(s as usize);
            b.dom.buf.push_str(&html[lt + 1..ne].to_ascii_lowercase());
            let e = b.dom.buf.len() as u32;
            b.dom.attrs.last_mut()?.value = (s, e);
        }
    }
    let mut p = ne;
    let mut self_closing = false;
    let mut n_attrs = 0usize;
    loop {
        while p < len && (is_ws(bytes[p]) || bytes[p] == b'/') {
            self_closing = bytes[p] == b'/';
            p += 1;
        }
        if p >= len {
            b.dom.attrs.truncate(attr_start);
            return None;
        }
        if bytes[p] == b'>' {
            p += 1;
            break;
        }
        self_closing = false;
        let ns = p;
        p += 1; // the first character of a name may be `=`
        while p < len && !is_ws(bytes[p]) && !matches!(bytes[p], b'/' | b'>' | b'=') {
            p += 1;
        }
        let name = &html[ns..p];
        while p < len && is_ws(bytes[p]) {
            p += 1;
        }
        let mut value = "";
        if p < len && bytes[p] == b'=' {
            p += 1;
            while p < len && is_ws(bytes[p]) {
                p += 1;
            }
            if p >= len {
                b.dom.attrs.truncate(attr_start);
                return None;
            }
            match bytes[p] {
                q @ (b'"' | b'\'') => {
                    let Some(i) = memchr(q, &bytes[p + 1..]) else {
                        b.dom.attrs.truncate(attr_start);
                        return None;
                    };
                    value = &html[p + 1..p + 1 + i];
                    p += i + 2;
                }
                b'>' => {}
                _ => {
                    let vs = p;
                    while p < len && !is_ws(bytes[p]) && bytes[p] != b'>' {
                        p += 1;
                    }
                    value = &html[vs..p];
                }
            }
        }
        // Pages with thousands of attributes on one element exist only to hurt parsers.
        if n_attrs < 256 {
            n_attrs += 1;
            let buf = &mut b.dom.buf;
            let s = buf.len() as u32;
            if name.bytes().any(|c| c.is_ascii_uppercase()) {
                buf.push_str(&name.to_ascii_lowercase());
            } else {
                buf.push_str(name);
            }
            let m = buf.len() as u32;
            if memchr(b'&', value.as_bytes()).is_some() {
                decode_into(buf, value, true);
            } else {
                buf.push_str(value);
            }
            let e = buf.len() as u32;
            b.dom.attrs.push(Attr { name: (s, m), value: (m, e) });
        }
    }
    b.start_tag(tag, attr_start, self_closing);
    if tag == Tag::Plaintext {
        b.text(&html[p..], false);
        return Some(len);
    }
    if tag.raw_text() {
        let end_name = if tag == Tag::Other { raw_name } else { lower_name(raw_name, &mut lb) };
        let (content_end, after) = raw_text_end(bytes, p, end_name);
        let keep = match tag {
            Tag::Title | Tag::Textarea => Some(true),
            Tag::Script => {
                let ld = b
                    .dom
                    .attr(b.current(), "type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                ld.then_some(false)
            }
            _ => None,
        };
        if let Some(decode) = keep {
            b.text(&html[p..content_end], decode);
        }
        // Raw-text elements end here whatever the nesting rules say.
        if b.dom.tag(b.current()) == tag {
            b.stack.pop();
        }
        return Some(after);
    }
    Some(p)
}

/// End of a raw-text element's content: the position of `</name` (followed by a delimiter) and the position
/// after its `>`. Unterminated content runs to EOF.
fn raw_text_end(bytes: &[u8], from: usize, name: &[u8]) -> (usize, usize) {
    let len = bytes.len();
    let mut p = from;
    while let Some(i) = memchr(b'<', &bytes[p.min(len)..]) {
        let at = p + i;
        let ns = at + 2;
        if bytes.get(at + 1) == Some(&b'/')
            && ns + name.len() <= len
            && bytes[ns..ns + name.len()].eq_ignore_ascii_case(name)
            && bytes.get(ns + name.len()).is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>')
        {
            let after = skip_attributes(bytes, ns + name.len()).unwrap_or(len);
            return (at, after);
        }
        p = at + 1;
    }
    (len, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outline of the tree: `tag(children)`, text as `"..."`.
    fn outline(d: &Dom, id: u32) -> String {
        let n = d.node(id);
        if n.tag == Tag::Text {
            return format!("{:?}", d.text(id));
        }
        let name = if n.tag == Tag::Other { d.tag_name(id).to_string() } else { format!("{:?}", n.tag).to_lowercase() };
        let kids: Vec<String> = d.children(id).map(|c| outline(d, c)).collect();
        if kids.is_empty() {
            name
        } else {
            format!("{name}({})", kids.join(","))
        }
    }

    fn tree(html: &str) -> String {
        let d = Dom::parse(html);
        d.children(0).map(|c| outline(&d, c)).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn implied_end_tags_shape_the_tree_like_a_browser() {
        assert_eq!(tree("<div><p>a<p>b</div><div>c</div>"), r#"div(p("a"),p("b")),div("c")"#);
        assert_eq!(tree("<ul><li>x<li>y</ul><p>z"), r#"ul(li("x"),li("y")),p("z")"#);
        assert_eq!(
            tree("<table><tr><td>1<td>2<tr><td>3</table>after"),
            r#"table(tr(td("1"),td("2")),tr(td("3"))),"after""#
        );
        assert_eq!(tree("<dl><dt>a<dd>b<dt>c</dl>"), r#"dl(dt("a"),dd("b"),dt("c"))"#);
        assert_eq!(tree("<h2>a<h3>b</h3>"), r#"h2("a"),h3("b")"#);
    }

    #[test]
    fn stray_end_tags_do_not_close_blocks() {
        assert_eq!(tree("<div><span>a</div>b"), r#"div(span("a")),"b""#);
        assert_eq!(tree("<div>a</span>b</div>"), r#"div("ab")"#);
        assert_eq!(tree("<td><div>a</td></div>b"), r#"td(div("a")),"b""#);
        assert_eq!(tree("<x-card><span>a</x-card>b"), r#"x-card(span("a")),"b""#);
        // An open <p> is special: a custom element's end tag cannot close it (as in browsers).
        assert_eq!(tree("<x-card><p>a</x-card>b"), r#"x-card(p("ab"))"#);
    }

    #[test]
    fn raw_text_comments_and_entities() {
        assert_eq!(
            tree("<script>if (a<b) x('</div>')</script><p>q<!-- c </p> --> &amp; &eacute;&#233;&#x2019;</p>"),
            "script,p(\"q & éé\u{2019}\")"
        );
        assert_eq!(tree("<title>A &amp; B</title>"), r#"title("A & B")"#);
        assert_eq!(tree("<p title='a > b' data-x=1>t"), r#"p("t")"#);
        let d = Dom::parse("<p title='a > b' data-x=1 CLASS=\"K&amp;L\">t");
        assert_eq!(d.attr(1, "title"), Some("a > b"));
        assert_eq!(d.attr(1, "class"), Some("K&L"));
        assert_eq!(d.attr(1, "data-x"), Some("1"));
    }

    #[test]
    fn head_closes_when_body_content_starts() {
        let d = Dom::parse("<html><head><title>t</title><div>body text</div>");
        let div = (0..d.nodes.len() as u32).find(|&i| d.tag(i) == Tag::Div).unwrap();
        assert_eq!(d.tag(d.parent(div)), Tag::Html);
    }

    #[test]
    fn nesting_is_capped_and_nothing_recurses() {
        let html = "<div>".repeat(20_000) + "x";
        let d = Dom::parse(&html);
        assert_eq!(d.nodes.len(), 20_002);
        let mut depth = 0;
        let mut n = d.nodes.len() as u32 - 1;
        while n != NONE {
            depth += 1;
            n = d.parent(n);
        }
        assert!(depth <= MAX_DEPTH + 2, "{depth}");
    }

    #[test]
    fn eof_inside_a_tag_drops_it() {
        assert_eq!(tree("<p>a<b class=\"x"), r#"p("a")"#);
        assert_eq!(tree("a<"), r#""a<""#);
        assert_eq!(tree("a</"), r#""a""#);
    }
}
