"""Boxes of other articles' headlines inside the body, and subheadings the page writes as bold paragraphs.

Related boxes: a news page lists its other articles ("Tin nóng", "Tin liên quan", "Xem thêm: …") in lists and runs
of one-link paragraphs that the body finder keeps when they sit near the text. Their words are links to other
pages of the same site, and every entry is a whole headline. So a list whose every item is such a headline, a run
of two or more paragraphs that are each one, and a "Xem thêm:" line naming one leave the body. A single paragraph
that is only a link stays (it may be the article's own reference).

Subheadings: many CMSs (Dân trí, VnExpress, Báo Chính phủ) write an in-body subheading as a paragraph holding one
bold run (``<p><strong>Đồng USD duy trì đà tăng</strong></p>``), and the body finder, which drops formatting,
returns it as a paragraph. A short bold-only paragraph without a sentence's end, followed by more text, is a
heading.

Lost subheadings: where the body finder misses the article's container it gathers the page's paragraphs alone
and drops every ``<h2>``–``<h4>`` between them. A heading the page puts right before a paragraph (its next sibling
with text) comes back before that paragraph when the paragraph is in the body and the heading is not.

All three read the page once (``read_page_cues``) before the body finder runs, then act on the blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from newsloom.extract.figures import anchor_key
from newsloom.model import Block, BlockKind
from newsloom.text import normalize_space

MIN_HEADLINE_WORDS = 4
MAX_HEADLINE_CHARS = 250
MAX_SUBHEADING_CHARS = 120
MIN_SUBHEADING_CHARS = 3
# "Xem thêm: <headline>": a pointer to another article, with the words that announce it.
_POINTER = re.compile(
    r"^(?:xem\s+thêm|đọc\s+thêm|tin\s+liên\s+quan|bài\s+liên\s+quan|read\s+(?:more|also)|see\s+also|related)"
    r"\s*[:>»\-–—]+\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.:;,…]$")
_BOLD = frozenset({"b", "strong"})
# Links whose text could be a headline (four words take more than ten characters), chosen in C: most of a page's
# links are menus, tags and share buttons.
_LONG_LINKS = etree.XPath("//a[@href][string-length(normalize-space()) > 10]")


@dataclass(slots=True)
class PageCues:
    """What the page's markup says that the body finder's output forgets."""

    headlines: set[str] = field(default_factory=set)  # texts of links to other pages of the site
    headline_targets: set[str] = field(default_factory=set)  # where those links lead (absolute, no fragment)
    bold_lines: set[str] = field(default_factory=set)  # paragraphs that are one bold run, no link
    # anchor_key of the paragraph a heading stands right before → (heading text, level)
    headings: dict[str, tuple[str, int]] = field(default_factory=dict)


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _other_page(href: str, base_url: str, origin: str, host: str) -> str | None:
    """The absolute address (no fragment) of a link to another page of the site, else ``None``. Most links are
    absolute or root-relative: those are read without a URL parser (a page holds hundreds)."""
    href = href.strip()
    if not href or href[0] == "#" or href.startswith(("javascript:", "mailto:", "tel:")):
        return None
    if href.startswith(("http://", "https://")):
        target = href
        if _host(href[: href.find("/", 8) if href.find("/", 8) > 0 else len(href)]) != host:
            return None
    elif href[0] == "/" and not href.startswith("//"):
        target = origin + href
    else:
        try:
            target = urljoin(base_url, href)
        except ValueError:
            return None
        if _host(target) != host:
            return None
    target = target.split("#", 1)[0]
    return None if target.rstrip("/") == base_url.split("#", 1)[0].rstrip("/") else target


def _bold_only(paragraph: lxml_html.HtmlElement, text: str) -> bool:
    """Whether all the paragraph's text sits in bold (``<b>``/``<strong>``, however deep in spans)."""
    bold = "".join(
        "".join(element.itertext())
        for element in paragraph.iter("b", "strong")
        if not any(ancestor.tag in _BOLD for ancestor in element.iterancestors() if ancestor is not paragraph)
    )
    return normalize_space(bold) == text


MIN_ANCHORED_PARAGRAPH = 40
MAX_HEADING_CHARS = 200  # a heading the page marks as one may be longer than a bold line taken for one


def _headings(tree: lxml_html.HtmlElement) -> dict[str, tuple[str, int]]:
    """Each in-text heading (no link, subheading length) keyed by the anchor of the paragraph right after it: its
    next sibling with text, past pictures and empty wrappers."""
    found: dict[str, tuple[str, int]] = {}
    for heading in tree.iter("h2", "h3", "h4"):
        text = normalize_space(heading.text_content())
        if not MIN_SUBHEADING_CHARS <= len(text) <= MAX_HEADING_CHARS or heading.find(".//a") is not None:
            continue
        for sibling in heading.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag == "figure":
                continue
            following = normalize_space(sibling.text_content())
            if not following:
                continue
            if sibling.tag == "p" and len(following) >= MIN_ANCHORED_PARAGRAPH:
                found.setdefault(anchor_key(following), (text, int(heading.tag[1])))
            break
    return found


def read_page_cues(tree: lxml_html.HtmlElement, base_url: str | None) -> PageCues:
    """The site's headline links (text and target), the page's bold-only paragraphs and its in-text headings, read
    once before the body finder runs (it drops links and formatting, and at times headings)."""
    cues = PageCues()
    host = _host(base_url)
    if host and base_url:
        origin = base_url[: base_url.find("/", base_url.find("//") + 2)] if base_url.count("/") >= 3 else base_url
        for link in _LONG_LINKS(tree):
            target = _other_page(link.get("href") or "", base_url, origin, host)
            if target is None:
                continue
            text = normalize_space(link.text_content())
            if len(text) <= MAX_HEADLINE_CHARS and len(text.split()) >= MIN_HEADLINE_WORDS:
                cues.headlines.add(text.casefold())
                cues.headline_targets.add(target)
    seen: set[lxml_html.HtmlElement] = set()
    for bold in tree.iter("b", "strong"):  # far fewer than paragraphs: from each bold run up to its paragraph
        paragraph = next((a for _, a in zip(range(3), bold.iterancestors(), strict=False) if a.tag == "p"), None)
        if paragraph is None or paragraph in seen:
            continue
        seen.add(paragraph)
        if any(True for _ in paragraph.iter("a")):
            continue
        text = normalize_space(paragraph.text_content())
        if MIN_SUBHEADING_CHARS <= len(text) <= MAX_SUBHEADING_CHARS and _bold_only(paragraph, text):
            cues.bold_lines.add(text)
    cues.headings = _headings(tree)
    return cues


def _is_headline(text: str, headlines: set[str]) -> bool:
    return normalize_space(_POINTER.sub("", text)).casefold() in headlines


def drop_related_boxes(blocks: list[Block], headlines: set[str]) -> list[Block]:
    """The body without lists of other articles' headlines, runs of headline paragraphs and "Xem thêm" lines."""
    if not headlines:
        return blocks
    related = [False] * len(blocks)
    for index, block in enumerate(blocks):
        if block.kind == BlockKind.LIST:
            related[index] = len(block.items) >= 2 and all(_is_headline(item, headlines) for item in block.items)
        elif block.kind == BlockKind.PARAGRAPH and _is_headline(block.text, headlines):
            related[index] = bool(_POINTER.match(block.text))
    for index, block in enumerate(blocks):  # a run of two or more one-headline paragraphs
        if block.kind == BlockKind.PARAGRAPH and _is_headline(block.text, headlines):
            neighbours = (blocks[i] for i in (index - 1, index + 1) if 0 <= i < len(blocks))
            if any(n.kind == BlockKind.PARAGRAPH and _is_headline(n.text, headlines) for n in neighbours):
                related[index] = True
    return [block for block, drop in zip(blocks, related, strict=True) if not drop]


def _is_subheading(text: str) -> bool:
    if _SENTENCE_END.search(text) or ":" in text[:20]:  # "PV: …", "Ông Nam:": an interview's speaker
        return False
    return not (text.endswith("?") and len(text) > 80)  # a long bold question is the interviewer's


def mark_subheadings(blocks: list[Block], bold_lines: set[str]) -> list[Block]:
    """Bold-only short paragraphs that more text follows become headings (in place; the list is returned)."""
    if not bold_lines:
        return blocks
    for index, block in enumerate(blocks):
        if block.kind != BlockKind.PARAGRAPH or block.text not in bold_lines or not _is_subheading(block.text):
            continue
        following = next((b for b in blocks[index + 1 :] if b.kind not in (BlockKind.IMAGE, BlockKind.VIDEO)), None)
        if following is not None and following.kind in (BlockKind.PARAGRAPH, BlockKind.LIST, BlockKind.QUOTE):
            block.kind, block.level = BlockKind.HEADING, 2
    return blocks


def restore_headings(
    blocks: list[Block], headings: dict[str, tuple[str, int]], fields: tuple[str | None, ...] = ()
) -> list[Block]:
    """The page's headings the body lost, each back before the paragraph it stands before on the page; never one
    that repeats a text already there or one of the article's ``fields`` (its title and deck, which the page may
    repeat as a heading)."""
    if not headings:
        return blocks
    found = [headings.get(anchor_key(b.text)) if b.kind == BlockKind.PARAGRAPH else None for b in blocks]
    if not any(found):
        return blocks
    present = {normalize_space(text).casefold() for text in fields if text}
    present |= {normalize_space(block.plain_text()).casefold() for block in blocks}
    restored: list[Block] = []
    for block, heading in zip(blocks, found, strict=True):
        if heading is not None and heading[0].casefold() not in present:
            present.add(heading[0].casefold())
            restored.append(Block(BlockKind.HEADING, text=heading[0], level=heading[1]))
        restored.append(block)
    return restored
