"""Trafilatura's XML body (``p``, ``head``, ``list/item``, ``quote``, ``graphic``, ``table``) to our blocks."""

from __future__ import annotations

from lxml import etree

from newsloom.model import Block, BlockKind, Image
from newsloom.text import normalize_space


def _text(element: etree._Element) -> str:
    return normalize_space("".join(element.itertext()))


def blocks_from_tree(body: etree._Element | None) -> list[Block]:
    if body is None:
        return []
    blocks: list[Block] = []
    for element in body:
        tag = element.tag
        if tag == "p":
            blocks.extend(_graphics(element))
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
            rows = []
            for row in element.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                blocks.append(Block(BlockKind.TABLE, items=rows))
        elif tag == "graphic":
            blocks.extend(_graphics(element))
        elif text := _text(element):
            blocks.append(Block(BlockKind.PARAGRAPH, text=text))
    return blocks


def _graphics(element: etree._Element) -> list[Block]:
    found = [element] if element.tag == "graphic" else list(element.iter("graphic"))
    blocks = []
    for graphic in found:
        src = graphic.get("src")
        if not src:
            continue
        caption = normalize_space(graphic.get("title") or "") or None
        alt = normalize_space(graphic.get("alt") or "") or None
        blocks.append(Block(BlockKind.IMAGE, image=Image(url=src, caption=caption or alt, alt=alt)))
    return blocks
