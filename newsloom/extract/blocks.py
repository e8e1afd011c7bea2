"""trafilatura's XML body (``p``, ``head``, ``list/item``, ``quote``, ``graphic``, ``table``) to our blocks, with
captions and credits restored from the page's figures (the body finder keeps images but drops figcaptions)."""

from __future__ import annotations

from newsloom.extract.attribution import split_caption_credit
from newsloom.extract.figures import FigureInfo
from newsloom.extract.tree import TreeElement
from newsloom.model import Block, BlockKind, Image
from newsloom.text import normalize_space
from newsloom.urls import join_url


def _text(element: TreeElement) -> str:
    return normalize_space("".join(element.itertext()))


def blocks_from_tree(
    body: TreeElement | None, figures: dict[str, FigureInfo] | None = None, base_url: str | None = None
) -> list[Block]:
    if body is None:
        return []
    figures = figures or {}
    blocks: list[Block] = []
    for element in body:
        tag = element.tag
        if tag == "p":
            blocks.extend(_graphics(element, figures, base_url))
            if text := _text(element):
                blocks.append(Block(BlockKind.PARAGRAPH, text=text))
        elif tag == "head":
            rend = element.get("rend", "h2")
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
            if text := _text(element):
                blocks.append(Block(BlockKind.HEADING, text=text, level=level))
        elif tag == "quote":
            if text := _text(element):
                blocks.append(Block(BlockKind.QUOTE, text=text))
        elif tag == "list":
            items = [text for item in element.iter("item") if (text := _text(item))]
            if items:
                blocks.append(Block(BlockKind.LIST, items=items))
        elif tag == "table":
            rows = ["\t".join(_text(cell) for cell in row.iter("cell")) for row in element.iter("row")]
            if rows := [row for row in rows if row.strip()]:
                blocks.append(Block(BlockKind.TABLE, items=rows))
        elif tag == "graphic":
            blocks.extend(_graphics(element, figures, base_url))
        elif text := _text(element):
            blocks.append(Block(BlockKind.PARAGRAPH, text=text))
    return _dedupe_images(blocks)


def _graphics(element: TreeElement, figures: dict[str, FigureInfo], base_url: str | None) -> list[Block]:
    found = [element] if element.tag == "graphic" else list(element.iter("graphic"))
    blocks = []
    for graphic in found:
        src = graphic.get("src")
        if not src:
            continue
        url = join_url(base_url, src)
        info = figures.get(url) or figures.get(src)
        alt = normalize_space(graphic.get("alt") or "") or None
        if info is not None:
            image = Image(url=info.url, caption=info.caption, credit=info.credit, alt=info.alt or alt, width=info.width)
        else:
            caption, credit = split_caption_credit(normalize_space(graphic.get("title") or ""))
            image = Image(url=url, caption=caption or None, credit=credit, alt=alt)
        blocks.append(Block(BlockKind.IMAGE, image=image))
    return blocks


def _dedupe_images(blocks: list[Block]) -> list[Block]:
    seen: set[str] = set()
    kept = []
    for block in blocks:
        if block.image is not None:
            if block.image.url in seen:
                continue
            seen.add(block.image.url)
        kept.append(block)
    return kept
