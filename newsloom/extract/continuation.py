"""Articles the page cuts into chunks around adverts and newsletter boxes.

Several CMSs render one article as a run of identical containers (``<div class="body__container">`` three or four
times, an ad slot between each). The body finder scores containers and keeps the best one, so it returns the first
chunk and loses the rest. The page tells us which containers belong together: the same tag with the same class
under a close common ancestor. Their prose after the chunk we found is the rest of the article.
"""

from __future__ import annotations

from itertools import islice

from lxml import etree
from lxml import html as lxml_html

from newsloom.model import Block, BlockKind
from newsloom.text import normalize_space

MIN_ANCHOR_CHARS = 80
MAX_ANCESTOR_STEPS = 4
MAX_LINK_SHARE = 0.3
# Paragraphs outside quotes, h2, h3 and quotes, in one walk of the chunk (= .//p[…] | .//h2 | .//h3 | .//blockquote).
_TEXT_ELEMENTS = etree.XPath(
    "descendant::*[(self::p and not(ancestor::blockquote)) or self::h2 or self::h3 or self::blockquote]"
)


def _anchor(tree: lxml_html.HtmlElement, blocks: list[Block]) -> lxml_html.HtmlElement | None:
    """The page's ``<p>`` holding the first substantial paragraph we extracted."""
    first = next(
        (b.text for b in blocks if b.kind == BlockKind.PARAGRAPH and len(b.text) >= MIN_ANCHOR_CHARS),
        None,
    )
    if first is None:
        return None
    for paragraph in tree.iter("p"):
        if normalize_space(paragraph.text_content()) == first:
            return paragraph
    return None


def _peers(chunk: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Containers with the chunk's tag and class under its nearest ancestor that has more than one."""
    classes = chunk.get("class")
    if not classes:
        return []
    for ancestor in islice(chunk.iterancestors(), MAX_ANCESTOR_STEPS):
        peers = [element for element in ancestor.iter(chunk.tag) if element.get("class") == classes]
        if len(peers) > 1:
            return peers
    return []


def _prose(element: lxml_html.HtmlElement) -> str | None:
    text = normalize_space(element.text_content())
    if not text:
        return None
    linked = sum(len(normalize_space(link.text_content())) for link in element.iter("a"))
    return text if linked <= MAX_LINK_SHARE * len(text) else None


def _blocks_of(chunk: lxml_html.HtmlElement, known: set[str]) -> list[Block]:
    found: list[Block] = []
    for element in _TEXT_ELEMENTS(chunk):
        text = _prose(element)
        if text is None or text in known:
            continue
        if element.tag in ("h2", "h3"):
            found.append(Block(BlockKind.HEADING, text=text, level=int(element.tag[1])))
        elif element.tag == "blockquote":
            found.append(Block(BlockKind.QUOTE, text=text))
        else:
            found.append(Block(BlockKind.PARAGRAPH, text=text))
    if not any(b.kind == BlockKind.PARAGRAPH and len(b.text) >= MIN_ANCHOR_CHARS for b in found):
        return []
    return found


def continue_chunks(tree: lxml_html.HtmlElement, blocks: list[Block]) -> list[Block]:
    """``blocks`` followed by the prose of the chunks that continue the article on the page."""
    anchor = _anchor(tree, blocks)
    if anchor is None:
        return blocks
    chunk = anchor.getparent()
    if chunk is None:
        return blocks
    peers = _peers(chunk)
    if not peers or chunk not in peers:
        return blocks
    known = {normalize_space(block.plain_text()) for block in blocks}
    extra: list[Block] = []
    for peer in peers[peers.index(chunk) + 1 :]:
        found = _blocks_of(peer, known)
        known.update(block.text for block in found)
        extra.extend(found)
    return blocks + extra if extra else blocks
