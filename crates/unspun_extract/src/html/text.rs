//! The page's visible text, as a browser would lay it out in lines, cut into blocks.
//!
//! A block is a run of inline content between two block boundaries (a block-level element starting or
//! ending, a `<br>`), with whitespace collapsed. Blocks are the unit the extractor keeps or drops, and
//! each one is a line of the visible text, so the article's paragraphs are slices of it by construction.

use super::dom::{Dom, Tag, NONE};
use std::ops::Range;

#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// Byte range in the visible text (never empty, no surrounding whitespace).
    pub range: Range<usize>,
    /// Innermost block-level element around the block's text.
    pub owner: u32,
    /// Characters that are not whitespace.
    pub chars: u32,
    /// Of those, characters inside links.
    pub link_chars: u32,
    /// The block ends at a `<br>` rather than at its owner's edge.
    pub br_after: bool,
}

pub(crate) struct Rendered {
    pub text: String,
    pub blocks: Vec<Block>,
}

pub(crate) fn is_block(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Address
            | Article
            | Aside
            | Blockquote
            | Body
            | Caption
            | Center
            | Dd
            | Details
            | Dialog
            | Dir
            | Div
            | Dl
            | Dt
            | Fieldset
            | Figcaption
            | Figure
            | Footer
            | Form
            | Frameset
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | Header
            | Hgroup
            | Hr
            | Html
            | Legend
            | Li
            | Listing
            | Main
            | Menu
            | Nav
            | Ol
            | P
            | Pre
            | Search
            | Section
            | Summary
            | Table
            | Tbody
            | Td
            | Tfoot
            | Th
            | Thead
            | Tr
            | Ul
            | Option
            | Plaintext
            | Xmp
            | Document
    )
}

/// Elements whose content is never shown, whatever their styling.
fn never_shown(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Head | Script
            | Style
            | Template
            | Noscript
            | Title
            | Meta
            | Link
            | Svg
            | Math
            | Iframe
            | Object
            | Embed
            | Select
            | Textarea
            | Canvas
            | Video
            | Audio
            | Map
            | Input
            | Noembed
            | Noframes
            | Frameset
            | Base
            | Param
            | Source
            | Track
            | Xmp
    )
}

/// Hidden by markup: `hidden`, inline `display:none` / `visibility:hidden`, a closed `<dialog>`.
pub(crate) fn hidden(dom: &Dom, id: u32) -> bool {
    let tag = dom.tag(id);
    if never_shown(tag) {
        return true;
    }
    let mut open = false;
    for (name, value) in dom.attrs(id) {
        match name {
            "hidden" => return true,
            "style" if style_hides(value) => return true,
            "open" => open = true,
            _ => {}
        }
    }
    tag == Tag::Dialog && !open
}

fn style_hides(style: &str) -> bool {
    if !style.contains("none") && !style.contains("hidden") {
        return false;
    }
    let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    s.contains("display:none") || s.contains("visibility:hidden")
}

struct Renderer<'d> {
    dom: &'d Dom,
    out: String,
    blocks: Vec<Block>,
    line_start: usize,
    has_text: bool,
    pending_space: bool,
    owners: Vec<u32>,
    cur_owner: u32,
    link_depth: u32,
    pre_depth: u32,
    chars: u32,
    link_chars: u32,
}

impl Renderer<'_> {
    fn flush(&mut self, br: bool) {
        if self.has_text {
            self.blocks.push(Block {
                range: self.line_start..self.out.len(),
                owner: self.cur_owner,
                chars: self.chars,
                link_chars: self.link_chars,
                br_after: br,
            });
            self.out.push('\n');
        }
        self.line_start = self.out.len();
        self.has_text = false;
        self.pending_space = false;
        self.chars = 0;
        self.link_chars = 0;
    }

    fn push_word(&mut self, w: &str) {
        if !self.has_text {
            self.cur_owner = self.owners.last().copied().unwrap_or(0);
            self.has_text = true;
        } else if self.pending_space {
            self.out.push(' ');
        }
        self.pending_space = false;
        self.out.push_str(w);
        let n = if w.is_ascii() { w.len() } else { w.chars().count() } as u32;
        self.chars += n;
        if self.link_depth > 0 {
            self.link_chars += n;
        }
    }

    fn text(&mut self, s: &str) {
        if self.pre_depth > 0 {
            let mut lines = s.split('\n');
            if let Some(first) = lines.next() {
                self.inline(first);
            }
            for l in lines {
                self.flush(true);
                self.inline(l);
            }
        } else {
            self.inline(s);
        }
    }

    fn inline(&mut self, s: &str) {
        for (i, w) in s.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if !w.is_empty() {
                self.push_word(w);
            }
        }
    }

    fn enter(&mut self, id: u32) -> bool {
        let tag = self.dom.tag(id);
        match tag {
            Tag::Text => {
                let t = self.dom.text(id);
                self.text(t);
                return false;
            }
            Tag::Br | Tag::Hr => {
                self.flush(tag == Tag::Br);
                return false;
            }
            _ => {}
        }
        if hidden(self.dom, id) {
            return false;
        }
        if is_block(tag) {
            self.flush(false);
            self.owners.push(id);
        }
        match tag {
            Tag::A => self.link_depth += 1,
            Tag::Pre | Tag::Listing | Tag::Plaintext => self.pre_depth += 1,
            _ => {}
        }
        true
    }

    fn leave(&mut self, id: u32) {
        let tag = self.dom.tag(id);
        if is_block(tag) {
            self.flush(false);
            self.owners.pop();
        }
        match tag {
            Tag::A => self.link_depth -= 1,
            Tag::Pre | Tag::Listing | Tag::Plaintext => self.pre_depth -= 1,
            _ => {}
        }
    }
}

pub(crate) fn render(dom: &Dom) -> Rendered {
    let mut r = Renderer {
        dom,
        out: String::new(),
        blocks: Vec::new(),
        line_start: 0,
        has_text: false,
        pending_space: false,
        owners: Vec::with_capacity(64),
        cur_owner: 0,
        link_depth: 0,
        pre_depth: 0,
        chars: 0,
        link_chars: 0,
    };
    // Iterative pre-order walk over first-child / next-sibling links: the tree may be 512 levels deep.
    let mut n = dom.node(0).first_child;
    while n != NONE {
        let node = dom.node(n);
        if r.enter(n) {
            if node.first_child != NONE {
                n = node.first_child;
                continue;
            }
            r.leave(n);
        }
        let mut cur = n;
        loop {
            let c = dom.node(cur);
            if c.next_sibling != NONE {
                n = c.next_sibling;
                break;
            }
            cur = c.parent;
            if cur == 0 || cur == NONE {
                n = NONE;
                break;
            }
            r.leave(cur);
        }
    }
    r.flush(false);
    // The last line's newline is not part of any block; drop it so the text ends with content.
    if r.out.ends_with('\n') {
        r.out.pop();
    }
    Rendered { text: r.out, blocks: r.blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        let d = Dom::parse(html);
        let r = render(&d);
        for b in &r.blocks {
            assert!(!r.text[b.range.clone()].is_empty());
        }
        r.blocks.iter().map(|b| r.text[b.range.clone()].to_string()).collect()
    }

    #[test]
    fn blocks_are_lines_with_collapsed_whitespace() {
        assert_eq!(
            lines("<div>Intro <b>bold</b>\n text<p>Para\tone</p>tail<br>after br</div><ul><li>a</li><li> b </li></ul>"),
            ["Intro bold text", "Para one", "tail", "after br", "a", "b"]
        );
        assert_eq!(lines("<p>x<span style='display: none'>hidden</span>y<script>var a</script></p>"), ["xy"]);
        assert_eq!(lines("<pre>a  b\nc\n\nd</pre>"), ["a b", "c", "d"]);
        let d = Dom::parse("<head><title>T</title></head><body><p>one <a href=x>two</a></p></body>");
        let r = render(&d);
        assert_eq!(r.text, "one two");
        assert_eq!((r.blocks[0].chars, r.blocks[0].link_chars), (6, 3));
    }
}
