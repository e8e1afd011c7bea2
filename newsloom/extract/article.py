"""Article extraction: one parse of the page, our news layer around trafilatura's body finder.

Steps: decode → parse once → read metadata → tables that only frame a picture become figures
(``layout_tables.py``) → read figures (before anything else mutates the tree) → trafilatura finds the main text on
the same tree (``fast``: its fallbacks cost more than they add on news pages, so they run only when the fast pass
finds too little) → blocks in reading order, figures and videos placed → drop text said twice (``repeats.py``),
put back headings the body finder lost → drop chrome and repeated headline/deck → take attribution lines out →
cross-check with JSON-LD ``articleBody`` → assemble the Article.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence

from lxml import etree
from lxml import html as lxml_html

from newsloom.errors import ExtractError, NotAnArticle
from newsloom.extract.attribution import attribution_line, dateline, is_source_element, named_source, source_texts
from newsloom.extract.authors import split_authors
from newsloom.extract.blocks import blocks_from_tree
from newsloom.extract.bounds import cap_elements
from newsloom.extract.chrome import drop_chrome, drop_tag_lists
from newsloom.extract.classed import PageElements
from newsloom.extract.continuation import continue_chunks
from newsloom.extract.cover import PageImage, find_cover
from newsloom.extract.decode import decode_html
from newsloom.extract.edges import drop_mastheads, take_signature
from newsloom.extract.figures import FigureInfo, add_captioned_images, is_caption_element, read_figure_elements
from newsloom.extract.htmlparse import load_html
from newsloom.extract.jsonld_body import reconcile_with_json_ld
from newsloom.extract.layout_tables import picture_frames_to_figures
from newsloom.extract.metadata import PageMetadata, read_machine_fields, read_metadata
from newsloom.extract.overrides import SiteOverride, SiteOverrides
from newsloom.extract.placement import place_figures
from newsloom.extract.publisher import read_publisher
from newsloom.extract.related import PageCues, drop_related_boxes, mark_subheadings, read_page_cues, restore_headings
from newsloom.extract.repeats import drop_repeats
from newsloom.extract.title import choose_title
from newsloom.extract.tree import TreeElement
from newsloom.extract.videos import VideoInfo, find_videos, place_videos
from newsloom.identity import article_key
from newsloom.model import Article, Attribution, AttributionKind, Block, BlockKind, Image
from newsloom.text import normalize_space
from newsloom.urls import host_of, strip_userinfo

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MIN_BODY_CHARS = 200
MAX_HTML_CHARS = 15_000_000
_HTML_MARKERS = ("<html", "<!doctype", "<head", "<body", "<div", "<p", "<meta", "<article")


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return any(marker in head for marker in _HTML_MARKERS)


def _to_text(data: bytes | str, content_type: str | None, where: str | None) -> str:
    if isinstance(data, bytes):
        if not data.strip():
            raise NotAnArticle("empty page", where)
        if b"\x00" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ExtractError("binary data, not HTML", where)
        data, _encoding = decode_html(data, content_type)
    if not data.strip():
        raise NotAnArticle("empty page", where)
    if len(data) > MAX_HTML_CHARS:
        raise ExtractError(f"page too large ({len(data)} characters)", where)
    if not _looks_like_html(data):
        raise ExtractError("not HTML", where)
    return data


def _parse(text: str, where: str | None) -> lxml_html.HtmlElement:
    """Parse as the body finder itself would (comments and processing instructions dropped), once; with element
    classes chosen in C (``extract/htmlparse.py``), which every later walk of the tree profits from."""
    try:
        tree = load_html(text)
    except (ValueError, etree.ParserError) as error:
        raise ExtractError(f"unparseable HTML: {error}", where) from error
    if tree is None or tree.find(".//body") is None:
        raise NotAnArticle("no body", where)
    return tree


def _main_text(
    tree: lxml_html.HtmlElement, url: str | None, where: str | None, fast: bool = True
) -> TreeElement | None:
    import trafilatura  # here: its import (and numpy's, through its language finder) is start-up of every process

    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            include_comments=False,
            include_images=False,
            include_tables=True,
            with_metadata=False,
        )
    except Exception as error:  # the body finder raises assorted parser errors on hostile input
        raise ExtractError(f"extractor failed: {type(error).__name__}", where) from error
    if document is None or isinstance(document, dict):  # a dict only with as_dict=True, which is not asked for
        return None
    body: TreeElement | None = document.body  # trafilatura's Document types its body as lxml's (untyped) element
    return body


def _apply_site_fields(site: SiteOverride, tree: lxml_html.HtmlElement, meta: PageMetadata) -> None:
    if authors := site.text(tree, "authors"):
        meta.authors = split_authors(authors)
    if section := site.text(tree, "section"):
        meta.section = section[0]


def _drop_leading_heads(blocks: list[Block], title: str | None, description: str | None) -> list[Block]:
    """Headline and deck often open the extracted text (they are fields, not body), and a stack of two or more
    headings before any paragraph is a list of teaser headlines, not the article's structure."""
    repeated = {normalize_space(t).casefold() for t in (title, description) if t}
    start = 0
    while start < len(blocks) and blocks[start].kind == BlockKind.HEADING:
        if normalize_space(blocks[start].text).casefold() not in repeated:
            break
        start += 1
    run = start
    while run < len(blocks) and blocks[run].kind == BlockKind.HEADING:
        run += 1
    if run - start >= 2:
        start = run
    return blocks[start:]


BYLINE_SCAN = 3


def _drop_byline_paragraphs(blocks: list[Block], authors: list[str]) -> list[Block]:
    """A paragraph near the top that only names the authors ("By Jane Roe", "Mathatisi Sebusi/Mohalenyane
    Phakela") is the byline, a field of its own, not body text."""
    wanted = {name.casefold() for name in authors}
    if not wanted:
        return blocks
    kept = []
    for index, block in enumerate(blocks):
        if index < BYLINE_SCAN and block.kind == BlockKind.PARAGRAPH and len(block.text) <= 120:
            names = {name.casefold() for name in split_authors([block.text])}
            if names and names <= wanted:
                continue
        kept.append(block)
    return kept


def _take_attribution(blocks: list[Block]) -> tuple[list[Block], list[Attribution]]:
    found: list[Attribution] = []
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        near_end = index >= len(blocks) - 4
        if block.kind == BlockKind.PARAGRAPH and near_end and (item := attribution_line(block.text)):
            found.append(item)
            continue
        kept.append(block)
    for block in kept[:2]:
        if block.kind == BlockKind.PARAGRAPH and (item := dateline(block.text)):
            found.insert(0, item)
            break
    return kept, found


def _cover_image(cover: PageImage, figures: dict[str, FigureInfo]) -> Image:
    """The cover at its widest rendition, with the caption and credit the page gives that picture."""
    info = next((figures[url] for url in cover.renditions if url in figures), None)
    alt = normalize_space(cover.element.get("alt") or "") or (info.alt if info else None)
    if info is None:
        return Image(url=cover.best, alt=alt, is_cover=True)
    return Image(url=cover.best, caption=info.caption, credit=info.credit, alt=alt, is_cover=True)


def _images(
    blocks: list[Block], meta: PageMetadata, cover: PageImage | None, figures: dict[str, FigureInfo]
) -> list[Image]:
    """The article's pictures, cover first, each once. A body block showing the cover is pointed at the cover's
    widest rendition, so the article page can tell that the body already shows it."""
    images: list[Image] = []
    seen: set[str] = set()
    if cover is not None:
        cover_image = _cover_image(cover, figures)
        images.append(cover_image)
        seen.update(cover.renditions)
        for block in blocks:  # the body shows the cover at the same (widest) rendition
            if block.image is not None and block.image.url in seen:
                block.image.url, block.image.width = cover_image.url, None
    elif meta.image:
        images.append(Image(url=meta.image, is_cover=True))
        seen.add(meta.image)
    for block in blocks:
        if block.image is not None and block.image.url not in seen:
            seen.add(block.image.url)
            images.append(block.image)
    if images and not any(image.is_cover for image in images):
        images[0].is_cover = True
    return images


_SENTENCE_END = re.compile(r"[.!?。！？…»”\"](?:\s|$)")
MENU_CHARS_PER_SENTENCE = 600


def _chars_per_sentence(blocks: list[Block]) -> float:
    text = " ".join(block.plain_text() for block in blocks)
    return len(text) / max(1, len(_SENTENCE_END.findall(text)))


def _reads_like_a_menu(blocks: list[Block], body_chars: int) -> bool:
    """Thousands of characters with hardly a full stop: the fast pass took a navigation tree for the text."""
    return body_chars >= 2000 and _chars_per_sentence(blocks) >= MENU_CHARS_PER_SENTENCE


# Hover cards: a politician's name that pops up their latest headlines is not text of the article. (Hidden
# elements are not dropped: paywalled bodies and streamed server renders arrive ``hidden`` and are shown by script.)
_CARD_CLASSES = ("tooltip", "popover", "rollover", "hovercard")


def _is_hover_card(element: lxml_html.HtmlElement) -> bool:
    """A body element whose class names a card (``contains(@class, <a card word>)``)."""
    classes = element.get("class")
    return classes is not None and any(name in classes for name in _CARD_CLASSES)


# Three readers look for body elements by class after the figures' credit lines have left their captions: loose
# captions, elements naming the source, hover cards. One search of the page's list serves all three, in document
# order, as each reader's own XPath gives them; the readers in between change nothing in the page.
_SCANNED_CLASS_WORDS = ("caption", "Caption", "source", *_CARD_CLASSES)  # is_caption/source_element, _is_hover_card


def _class_scan(page: PageElements) -> list[lxml_html.HtmlElement]:
    """``//body/descendant::*[self::figcaption or contains(@class, <one of the words>)]`` after the figures'
    readers removed credit lines: the page's list from before, less what left the page."""
    return page.attached(page.body_classed(_SCANNED_CLASS_WORDS, "figcaption"))


def _drop_hover_cards(cards: list[lxml_html.HtmlElement]) -> None:
    """The innermost card elements carrying links or pictures go; the word they hang on stays. ``cards``: the
    body's card elements in document order (``_class_scan``)."""
    marked = set(cards)
    for element in cards:
        if any(inner in marked for inner in element.iterdescendants()):
            continue
        if element.getparent() is not None and (element.find(".//a") is not None or element.find(".//img") is not None):
            element.drop_tree()


def _body(
    page: lxml_html.HtmlElement,
    body: TreeElement | None,
    figures: dict[str, FigureInfo],
    base_url: str | None,
    title: str | None,
    meta: PageMetadata,
    videos: list[VideoInfo] | None = None,
    cues: PageCues | None = None,
) -> tuple[list[Block], list[Attribution]]:
    cues = cues or PageCues()
    blocks = place_figures(continue_chunks(page, blocks_from_tree(body, figures, base_url)), figures)
    blocks = drop_repeats(place_videos(blocks, videos or []))
    blocks = restore_headings(blocks, cues.headings, (title, meta.description))
    blocks = drop_related_boxes(drop_chrome(blocks), cues.headlines)
    blocks = _drop_leading_heads(drop_tag_lists(blocks, meta.tags), title, meta.description)
    blocks = mark_subheadings(_drop_byline_paragraphs(blocks, meta.authors), cues.bold_lines)
    blocks, attribution = _take_attribution(blocks)
    if meta.json_ld_body:
        blocks = reconcile_with_json_ld(blocks, meta.json_ld_body)
    return blocks, attribution


def _with_sources(
    blocks: list[Block], attribution: list[Attribution], sources: list[str]
) -> tuple[list[Block], list[Attribution]]:
    """The body's last paragraph leaves it when it is only the name of a source the page attributes elsewhere."""
    last = blocks[-1] if sources and blocks else None
    if last is not None and last.kind == BlockKind.PARAGRAPH and (item := named_source(last.text, sources)):
        return blocks[:-1], [*attribution, item]
    return blocks, attribution


def extract_article(
    data: bytes | str,
    url: str | None = None,
    content_type: str | None = None,
    overrides: SiteOverrides | None = None,
    canonical_aliases: Sequence[frozenset[str]] = (),
) -> Article:
    """Extract one article; raises ``NotAnArticle``/``ExtractError`` with a reason for anything else.

    ``overrides`` are operators' per-site selectors (``extract/overrides.py``), applied when the URL's host has one.
    The article's ``canonical_url`` is the page's declared one only where ``identity`` believes it (same registrable
    domain as ``url``, or one of ``canonical_aliases``), else ``url``.
    """
    where = url
    text = _to_text(data, content_type, where)
    tree = _parse(text, where)
    cap_elements(tree.find(".//body"))  # _parse made sure there is one
    machine = read_machine_fields(tree)  # meta values and JSON-LD, parsed once for both readers below
    page = PageElements(tree)  # the readers of metadata and publisher change nothing in the tree
    meta = read_metadata(tree, url, machine, page)
    base_url = url or meta.canonical
    publisher = read_publisher(tree, base_url, machine, page)
    site = overrides.for_url(base_url) if overrides else None
    if site is not None:
        site.prune(tree)
        _apply_site_fields(site, tree, meta)
        page = PageElements(tree)  # elements left the page
    picture_frames_to_figures(tree)  # before the figures are read: a table framing a picture is its figure
    figures = read_figure_elements(tree, base_url)
    scanned = _class_scan(page)
    figures = add_captioned_images(figures, base_url, [e for e in scanned if is_caption_element(e)])
    sources = source_texts([element for element in scanned if is_source_element(element)])
    cards = [element for element in scanned if _is_hover_card(element)]
    videos = find_videos(tree, base_url)
    container = site.body_element(tree) if site else None
    root = container if container is not None else tree
    cues = read_page_cues(root, base_url)
    cover = find_cover(tree, meta.image, base_url, frozenset(cues.headline_targets))
    titles = site.text(tree, "title") if site else []
    title = (titles[0] if titles else None) or choose_title(tree, meta)
    _drop_hover_cards(cards)
    main = _main_text(root, base_url, where)
    blocks, attribution = _body(root, main, figures, base_url, title, meta, videos, cues)
    body_chars = sum(len(block.plain_text()) for block in blocks)
    if body_chars < MIN_BODY_CHARS or _reads_like_a_menu(blocks, body_chars):
        second = _body(
            root, _main_text(root, base_url, where, fast=False), figures, base_url, title, meta, videos, cues
        )
        second_chars = sum(len(block.plain_text()) for block in second[0])
        better = second_chars >= MIN_BODY_CHARS and _chars_per_sentence(second[0]) < _chars_per_sentence(blocks)
        if better or body_chars < MIN_BODY_CHARS:
            (blocks, attribution), body_chars = second, second_chars
    if body_chars < MIN_BODY_CHARS:
        raise NotAnArticle(f"too short ({body_chars} characters of text)", where)
    blocks, attribution = _with_sources(blocks, attribution, sources)
    outlets = [meta.site_name, *(name for _, name in publisher.names), host_of(base_url or "") or None]
    blocks, meta.authors = take_signature(drop_mastheads(blocks, outlets, base_url), meta.authors, outlets)
    has_dateline = any(item.kind == AttributionKind.DATELINE for item in attribution)
    if meta.description and not has_dateline and (item := dateline(meta.description)):
        attribution.insert(0, item)  # "(Dân trí) - …": the deck opens with the dateline
    key = article_key(meta.canonical, url, canonical_aliases)
    page_url = strip_userinfo(url) if url else key  # shown on the "Source:" link: never a password
    credits = dict.fromkeys(b.image.credit for b in blocks if b.image is not None and b.image.credit)
    attribution += [Attribution(AttributionKind.PHOTO_CREDIT, name=credit) for credit in credits if credit]
    for block in blocks:  # NFC throughout, as the decoded page is (a JSON-LD body's escapes may spell accents apart)
        if not unicodedata.is_normalized("NFC", block.text):
            block.text = unicodedata.normalize("NFC", block.text)
        if any(not unicodedata.is_normalized("NFC", item) for item in block.items):
            block.items = [unicodedata.normalize("NFC", item) for item in block.items]
    return Article(
        url=page_url,
        canonical_url=key,
        title=unicodedata.normalize("NFC", title) if title else "(untitled)",
        lead=meta.description or None,  # unescaped once and NFC (metadata.clean_text)
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=meta.language,
        site_name=meta.site_name,
        section=meta.section,
        tags=meta.tags,
        blocks=blocks,
        images=_images(blocks, meta, cover, figures),
        attribution=attribution,
        outlet_evidence=publisher.names,
        outlet_logo=publisher.logo_url,
        breadcrumbs=publisher.breadcrumbs,
    )
