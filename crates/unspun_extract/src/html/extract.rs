//! Choosing the article's blocks.
//!
//! 1. **Furniture first**: subtrees whose names say furniture (`nav`, `comments`, `related`, `cookie`...)
//!    and that hold no named article container are set aside, as readability does, so a long comment
//!    thread or link list cannot win the next step. A wrapper holding most of the page's text is never set
//!    aside by name (`mastergridBanner` wraps whole pages).
//! 2. **Container scoring**: every paragraph-like block votes for its ancestors (readability's scheme:
//!    one point, one per comma, one per 100 characters up to three; the parent gets it all, the
//!    grandparent half, further ancestors a third per level). A container's score is then adjusted by its
//!    names and tag, a bonus for holding the page's headline, a penalty for holding several `<article>`s
//!    (a listing), and scaled by its share of non-link text. The best container wins; siblings that score
//!    close to it or are plain prose join it, and so do blocks named like it elsewhere on the page (bodies
//!    split into one rich-text block per section).
//! 3. **Cleaning inside**: within the chosen containers, blocks under furniture, bylines, captions and
//!    headers are dropped, as are link lists and link-dominated paragraphs, the headline, and short labels
//!    left alone between dropped blocks. A standfirst printed between the headline and the body is taken
//!    back.
//! 4. **Fallback**: when no container gathers enough text, the page's prose blocks are kept on their own
//!    merits (length, punctuation, link density, names), like boilerpipe.

use super::dom::{Dom, Tag, NONE};
use super::hints::{hint, Hint};
use super::text::{Block, Rendered};

/// Why a block was kept or dropped, for `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Kept,
    OutsideContent,
    Furniture,
    Byline,
    Links,
    Headline,
    Short,
}

pub(crate) struct Selection {
    pub verdicts: Vec<Verdict>,
    /// The element that decided each block's verdict (`NONE` when the block decided alone).
    pub why: Vec<u32>,
    /// The chosen container(s), for explain output.
    pub roots: Vec<u32>,
    /// The best-scoring candidates (element, score), for explain output.
    pub candidates: Vec<(u32, f32)>,
}

struct Ctx<'a> {
    dom: &'a Dom,
    blocks: &'a [Block],
    text: &'a str,
    hints: Vec<Hint>,
    /// Set-aside furniture (the element or an ancestor).
    unlikely: Vec<bool>,
    /// Non-whitespace characters of live blocks in the subtree, and of those inside links.
    chars: Vec<u32>,
    link_chars: Vec<u32>,
    /// Whether the element's subtree holds a block owned by a strict descendant.
    has_block_desc: Vec<bool>,
    /// Characters of prose blocks (long, few links) in the subtree: what furniture rarely has.
    prose: Vec<u32>,
}

fn commas(s: &str) -> u32 {
    s.chars().filter(|c| matches!(c, ',' | '，' | '、' | '،')).count() as u32
}

fn ends_sentence(s: &str) -> bool {
    let s = s.trim_end_matches(['"', '\'', '”', '’', ')', '»', ' ']);
    s.ends_with(['.', '!', '?', '…', '。', '！', '？', ':'])
}

pub(crate) fn select(dom: &Dom, rendered: &Rendered, headline: Option<&str>) -> Selection {
    let n = dom.nodes.len();
    let blocks = &rendered.blocks;
    let mut ctx = Ctx {
        dom,
        blocks,
        text: &rendered.text,
        hints: vec![Hint::default(); n],
        unlikely: vec![false; n],
        chars: vec![0; n],
        link_chars: vec![0; n],
        has_block_desc: vec![false; n],
        prose: vec![0; n],
    };

    // Names only matter on elements that hold text; computing them elsewhere is wasted work.
    let mut holds_text = vec![false; n];
    for b in blocks {
        holds_text[b.owner as usize] = true;
    }
    for i in (1..n).rev() {
        if holds_text[i] {
            let p = dom.parent(i as u32);
            if p != NONE {
                holds_text[p as usize] = true;
            }
        }
    }
    let mut scratch = Vec::new();
    let mut strong_pos_desc = vec![false; n];
    for (i, holds) in holds_text.iter().enumerate().skip(1) {
        if *holds && dom.tag(i as u32) != Tag::Text {
            ctx.hints[i] = hint(dom, i as u32, &mut scratch);
        }
    }
    for i in (1..n).rev() {
        if ctx.hints[i].positive >= 3 || strong_pos_desc[i] {
            let p = dom.parent(i as u32);
            if p != NONE {
                strong_pos_desc[p as usize] = true;
            }
        }
    }
    // A page-wide wrapper is not furniture whatever it is called (`mastergridBanner`): nothing that holds
    // most of the page's text is set aside by name.
    let mut raw_chars = vec![0u32; n];
    for b in blocks {
        raw_chars[b.owner as usize] += b.chars;
    }
    for i in (1..n).rev() {
        let p = dom.parent(i as u32);
        if p != NONE {
            raw_chars[p as usize] += raw_chars[i];
        }
    }
    let page_chars = raw_chars[0].max(1);
    for i in 1..n {
        let p = dom.parent(i as u32);
        let h = ctx.hints[i];
        // Generic words (`content`, `main`) do not redeem a furniture name (`footer-content`).
        let own = h.furniture
            && h.positive == 0
            && !strong_pos_desc[i]
            && raw_chars[i] * 5 < page_chars * 3
            && !matches!(dom.tag(i as u32), Tag::Body | Tag::Html | Tag::Article | Tag::Main);
        ctx.unlikely[i] = own || (p != NONE && ctx.unlikely[p as usize]);
    }

    for b in blocks {
        let o = b.owner as usize;
        if !ctx.unlikely[o] {
            ctx.chars[o] += b.chars;
            ctx.link_chars[o] += b.link_chars;
        }
        if is_prose(b) {
            ctx.prose[o] += b.chars;
        }
    }
    let mut owns = vec![false; n];
    for b in blocks {
        owns[b.owner as usize] = true;
    }
    for i in (1..n).rev() {
        let p = dom.parent(i as u32);
        if p == NONE {
            continue;
        }
        ctx.chars[p as usize] += ctx.chars[i];
        ctx.link_chars[p as usize] += ctx.link_chars[i];
        ctx.prose[p as usize] += ctx.prose[i];
        if owns[i] || ctx.has_block_desc[i] {
            ctx.has_block_desc[p as usize] = true;
        }
    }

    let (roots, candidates) = choose_roots(&ctx);
    let mut verdicts = vec![Verdict::OutsideContent; blocks.len()];
    let mut why = vec![NONE; blocks.len()];
    if !roots.is_empty() {
        clean(&ctx, &roots, headline, &mut verdicts, &mut why);
        recover_lede(&ctx, &mut verdicts);
        drop_isolated_labels(&ctx, &mut verdicts);
    }
    let kept: u32 = blocks.iter().zip(&verdicts).filter(|(_, v)| **v == Verdict::Kept).map(|(b, _)| b.chars).sum();
    if kept < 200 {
        let fb = fallback(&ctx, headline);
        let fb_chars: u32 = blocks.iter().zip(&fb).filter(|(_, v)| **v == Verdict::Kept).map(|(b, _)| b.chars).sum();
        if fb_chars > kept {
            return Selection { verdicts: fb, why, roots: Vec::new(), candidates };
        }
    }
    Selection { verdicts, why, roots, candidates }
}

fn is_prose(b: &Block) -> bool {
    b.chars >= 80 && (b.link_chars as f32) < 0.3 * b.chars as f32
}

fn link_density(ctx: &Ctx, id: u32) -> f32 {
    let c = ctx.chars[id as usize];
    if c == 0 {
        0.0
    } else {
        ctx.link_chars[id as usize] as f32 / c as f32
    }
}

fn class_weight(h: &Hint) -> f32 {
    let mut w = 0.0;
    if h.positive > 0 {
        w += 25.0;
    }
    if h.negative > 0 {
        w -= 25.0;
    }
    w
}

fn tag_weight(tag: Tag) -> f32 {
    use Tag::*;
    match tag {
        Div | Article | Main | Section => 5.0,
        Pre | Td | Blockquote => 3.0,
        Address | Ol | Ul | Dl | Dd | Dt | Li | Form => -3.0,
        H1 | H2 | H3 | H4 | H5 | H6 | Th => -5.0,
        _ => 0.0,
    }
}

/// Tags whose text counts as a paragraph when scoring containers.
fn scores_as_paragraph(ctx: &Ctx, owner: u32) -> bool {
    use Tag::*;
    match ctx.dom.tag(owner) {
        P | Pre | Td | H2 | H3 | H4 | H5 | H6 | Blockquote => true,
        Div | Section | Article | Main | Center | Other | Span | Font => !ctx.has_block_desc[owner as usize],
        _ => false,
    }
}

fn choose_roots(ctx: &Ctx) -> (Vec<u32>, Vec<(u32, f32)>) {
    let dom = ctx.dom;
    let n = dom.nodes.len();
    let mut score = vec![0f32; n];
    let mut candidate = vec![false; n];
    for b in ctx.blocks {
        if ctx.unlikely[b.owner as usize] || b.chars < 25 {
            continue;
        }
        let text = &ctx.text[b.range.clone()];
        let w = 1.0 + commas(text) as f32 + (b.chars / 100).min(3) as f32;
        let mut target = if scores_as_paragraph(ctx, b.owner) { dom.parent(b.owner) } else { b.owner };
        let mut level = 0u32;
        while target != NONE && target != 0 && level < 5 {
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[target as usize] += w / div;
            candidate[target as usize] = true;
            target = dom.parent(target);
            level += 1;
        }
    }
    // Containers of several <article>s are listings (teasers, "you may also like"), not an article.
    let mut articles_below = vec![0u16; n];
    for i in (1..n).rev() {
        let p = dom.parent(i as u32);
        if p != NONE {
            let add = articles_below[i] + u16::from(dom.tag(i as u32) == Tag::Article);
            articles_below[p as usize] = articles_below[p as usize].saturating_add(add);
        }
    }
    // Between look-alike candidates (a post and its related posts), the one under the page's headline wins.
    let mut has_headline = vec![false; n];
    if let Some(h1) = (1..n as u32).find(|&i| dom.tag(i) == Tag::H1 && !ctx.unlikely[i as usize]) {
        let mut a = dom.parent(h1);
        while a != NONE {
            has_headline[a as usize] = true;
            a = dom.parent(a);
        }
    }
    let final_score = |i: usize| -> f32 {
        let tag = dom.tag(i as u32);
        let listing = if articles_below[i] >= 2 { 0.3 } else { 1.0 };
        let headline = if has_headline[i] { 10.0 } else { 0.0 };
        (score[i] + tag_weight(tag) + class_weight(&ctx.hints[i]) + headline)
            * (1.0 - link_density(ctx, i as u32))
            * listing
    };
    let mut best = NONE;
    let mut best_score = f32::MIN;
    let mut finals = vec![0f32; n];
    for i in 0..n {
        if candidate[i] && !matches!(dom.tag(i as u32), Tag::Html | Tag::Body) {
            finals[i] = final_score(i);
            if finals[i] > best_score {
                best_score = finals[i];
                best = i as u32;
            }
        }
    }
    if best == NONE {
        return (Vec::new(), Vec::new());
    }
    let mut top_candidates: Vec<(u32, f32)> = (0..n).filter(|&i| candidate[i]).map(|i| (i as u32, finals[i])).collect();
    top_candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    top_candidates.truncate(8);
    // Several near-best candidates under one ancestor: the article is split, take the ancestor.
    let mut alternatives: Vec<u32> = (0..n)
        .filter(|&i| candidate[i] && i as u32 != best && finals[i] >= best_score * 0.75)
        .map(|i| i as u32)
        .collect();
    alternatives.truncate(16);
    if alternatives.len() >= 3 {
        let mut parent = dom.parent(best);
        while parent != NONE && !matches!(dom.tag(parent), Tag::Body | Tag::Html | Tag::Document) {
            if articles_below[parent as usize] >= 2 {
                break;
            }
            let contains = alternatives.iter().filter(|&&a| is_ancestor(dom, parent, a)).count();
            if contains >= 3 {
                best = parent;
                break;
            }
            parent = dom.parent(parent);
        }
    }
    let core = best;
    // An only child adds nothing; its parent may carry siblings' text.
    loop {
        let p = dom.parent(best);
        if p == NONE || matches!(dom.tag(p), Tag::Body | Tag::Html | Tag::Document) {
            break;
        }
        if ctx.chars[p as usize] != ctx.chars[best as usize] {
            break;
        }
        best = p;
    }
    let top = finals[best as usize].max(score[best as usize]);
    let parent = dom.parent(best);
    if parent == NONE {
        return (vec![best], top_candidates);
    }
    let threshold = (top * 0.2).max(10.0);
    let best_class = dom.attr(best, "class");
    let mut roots = Vec::new();
    for s in dom.children(parent) {
        if s == best {
            roots.push(s);
            continue;
        }
        let si = s as usize;
        let sh = &ctx.hints[si];
        if dom.tag(s) == Tag::Text || ctx.unlikely[si] || ctx.chars[si] == 0 || (sh.furniture && sh.positive < 3) {
            continue;
        }
        // Sibling <article>s are other stories (a listing, "more from the site"), not the article's parts.
        if dom.tag(s) == Tag::Article && dom.tag(best) == Tag::Article {
            continue;
        }
        let mut bonus = 0.0;
        if best_class.is_some() && dom.attr(s, "class") == best_class {
            bonus = top * 0.2;
        }
        let ld = link_density(ctx, s);
        let ok = if candidate[si] && finals[si] + bonus >= threshold {
            true
        } else if matches!(dom.tag(s), Tag::P) || !ctx.has_block_desc[si] {
            let len = ctx.chars[si];
            let t = ctx.dom.inner_text(s);
            (len > 80 && ld < 0.25) || (len < 80 && len > 0 && ld == 0.0 && ends_sentence(&t))
        } else {
            false
        };
        if ok {
            roots.push(s);
        }
    }
    // Article bodies split into several same-named blocks (a rich-text block per section) are one article
    // wherever the blocks sit.
    if let Some(class) = dom.attr(core, "class").filter(|c| !c.trim().is_empty()) {
        for i in 0..n as u32 {
            let iu = i as usize;
            if candidate[iu]
                && finals[iu] >= threshold
                && dom.tag(i) == dom.tag(core)
                && dom.attr(i, "class") == Some(class)
                && !ctx.unlikely[iu]
                && !roots.iter().any(|&r| is_ancestor(dom, r, i) || is_ancestor(dom, i, r))
            {
                roots.push(i);
            }
        }
    }
    (roots, top_candidates)
}

fn is_ancestor(dom: &Dom, anc: u32, mut node: u32) -> bool {
    let mut steps = 0;
    while node != NONE && steps < 1024 {
        if node == anc {
            return true;
        }
        node = dom.parent(node);
        steps += 1;
    }
    false
}

fn clean(ctx: &Ctx, roots: &[u32], headline: Option<&str>, verdicts: &mut [Verdict], why: &mut [u32]) {
    let dom = ctx.dom;
    let headline_norm = headline.map(norm_words);
    let root_prose: u32 = roots.iter().map(|&r| ctx.prose[r as usize]).sum();
    for (bi, b) in ctx.blocks.iter().enumerate() {
        // Find which root holds the block, judging each element on the way up.
        let mut node = b.owner;
        let mut verdict = None;
        let mut inside = false;
        while node != NONE && node != 0 {
            if roots.contains(&node) {
                inside = true;
                break;
            }
            if verdict.is_none() {
                verdict = judge_element(ctx, node, root_prose, true);
                if verdict.is_some() {
                    why[bi] = node;
                }
            }
            node = dom.parent(node);
        }
        if !inside {
            verdicts[bi] = Verdict::OutsideContent;
            continue;
        }
        if let Some(v) = verdict {
            verdicts[bi] = v;
            continue;
        }
        let text = &ctx.text[b.range.clone()];
        if dom.tag(b.owner) == Tag::H1
            || headline_norm.as_deref().is_some_and(|h| !h.is_empty() && norm_words(text) == h)
        {
            verdicts[bi] = Verdict::Headline;
            continue;
        }
        // Lines of one paragraph (split by <br>) are judged together: a bare URL under its description
        // belongs to the paragraph. Sentences with a few links are prose; "Read more: <link>" is not.
        let o = b.owner as usize;
        let (chars, links, limit) = if !ctx.has_block_desc[o] && ctx.chars[o] > 0 {
            (ctx.chars[o], ctx.link_chars[o], if dom.tag(b.owner) == Tag::P { 0.65 } else { 0.5 })
        } else {
            (b.chars, b.link_chars, 0.5)
        };
        if chars > 0 && links as f32 / chars as f32 > limit {
            verdicts[bi] = Verdict::Links;
            continue;
        }
        verdicts[bi] = Verdict::Kept;
    }
}

/// An element inside the content that takes all its blocks out, and why. `link_lists` judges containers
/// by link density too, which only makes sense below a chosen container (page wrappers are link-heavy).
fn judge_element(ctx: &Ctx, id: u32, root_prose: u32, link_lists: bool) -> Option<Verdict> {
    let i = id as usize;
    let h = &ctx.hints[i];
    let prose = ctx.prose[i];
    // A layout wrapper named after its sidebar (`has-sidebar`, `zen-one-sidebar-second`) holds most of the
    // article's prose; real furniture inside an article holds little of it, except comments.
    let tag = ctx.dom.tag(id);
    let wrapper = prose * 2 > root_prose && prose >= 400 && !h.comments;
    if h.furniture && (h.positive == 0 || prose < 200) && !wrapper {
        return Some(Verdict::Furniture);
    }
    // Weak names (`widget`, `player`, `tools`) only condemn small, prose-free elements; table rows are
    // data whatever their class says.
    if h.negative > 0
        && h.positive == 0
        && prose == 0
        && ctx.chars[i] < 100
        && !matches!(tag, Tag::Tr | Tag::Td | Tag::Th | Tag::Tbody | Tag::Table)
    {
        return Some(Verdict::Furniture);
    }
    // Sub-headings inside the body are often classed `title` or `heading`; only explicit bylines and
    // sub-headline names take them out.
    let heading = matches!(tag, Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6);
    if h.caption && h.positive < 3 {
        return Some(Verdict::Byline);
    }
    if h.byline && h.positive < 3 && ctx.chars[i] < 400 && (!heading || h.subhead) {
        return Some(Verdict::Byline);
    }
    if link_lists && matches!(tag, Tag::Ul | Tag::Ol | Tag::Dl | Tag::Table | Tag::Div | Tag::Section) {
        let ld = link_density(ctx, id);
        // Link lists have no prose; a container whose menus outweigh its few long paragraphs keeps them.
        if (ld > 0.5 || (ld > 0.25 && ctx.chars[i] < 200)) && prose * 4 < ctx.chars[i] {
            return Some(Verdict::Links);
        }
    }
    None
}

/// Templates often put the standfirst (the article's first, summarising paragraph) in the header with the
/// headline, outside the body container. Prose between the headline and the body is taken back, unless it
/// sits in furniture or a caption.
fn recover_lede(ctx: &Ctx, verdicts: &mut [Verdict]) {
    let Some(first) = verdicts.iter().position(|v| *v == Verdict::Kept) else { return };
    let Some(h1) = (0..first).rev().find(|&i| ctx.dom.tag(ctx.blocks[i].owner) == Tag::H1) else { return };
    if first - h1 > 12 {
        return;
    }
    for (bi, b) in ctx.blocks.iter().enumerate().take(first).skip(h1 + 1) {
        let text = &ctx.text[b.range.clone()];
        let tag = ctx.dom.tag(b.owner);
        if b.chars < 100
            || b.link_chars * 5 > b.chars
            || !ends_sentence(text)
            || ctx.unlikely[b.owner as usize]
            || !matches!(tag, Tag::P | Tag::Div)
        {
            continue;
        }
        let mut node = b.owner;
        let mut ok = true;
        while node != NONE && node != 0 {
            let h = &ctx.hints[node as usize];
            if h.caption || h.subhead || (h.furniture && h.positive == 0) {
                ok = false;
                break;
            }
            node = ctx.dom.parent(node);
        }
        if ok {
            verdicts[bi] = Verdict::Kept;
        }
    }
}

/// A short line kept between dropped blocks is the label of what was dropped ("Recent articles" over a
/// link list, "Advertisement" over an ad slot), not a sub-heading, which has its section's text after it.
fn drop_isolated_labels(ctx: &Ctx, verdicts: &mut [Verdict]) {
    let n = verdicts.len();
    for i in 0..n {
        if verdicts[i] != Verdict::Kept {
            continue;
        }
        let b = &ctx.blocks[i];
        if b.chars >= 40 || ends_sentence(&ctx.text[b.range.clone()]) {
            continue;
        }
        let prev_dropped = i == 0 || !matches!(verdicts[i - 1], Verdict::Kept | Verdict::Short);
        let next_dropped = i + 1 >= n || verdicts[i + 1] != Verdict::Kept;
        if prev_dropped && next_dropped {
            verdicts[i] = Verdict::Short;
        }
    }
}

fn norm_words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Block-by-block selection for pages where no container stands out.
fn fallback(ctx: &Ctx, headline: Option<&str>) -> Vec<Verdict> {
    let headline_norm = headline.map(norm_words);
    ctx.blocks
        .iter()
        .map(|b| {
            if ctx.unlikely[b.owner as usize] {
                return Verdict::Furniture;
            }
            let mut node = b.owner;
            while node != NONE && node != 0 {
                if let Some(v) = judge_element(ctx, node, ctx.prose[0], false) {
                    return v;
                }
                node = ctx.dom.parent(node);
            }
            let text = &ctx.text[b.range.clone()];
            if headline_norm.as_deref().is_some_and(|h| !h.is_empty() && norm_words(text) == h) {
                return Verdict::Headline;
            }
            let ld = if b.chars == 0 { 1.0 } else { b.link_chars as f32 / b.chars as f32 };
            if ld > 0.3 {
                return Verdict::Links;
            }
            if b.chars < 80 && !(b.chars >= 30 && ends_sentence(text)) {
                return Verdict::Short;
            }
            Verdict::Kept
        })
        .collect()
}
