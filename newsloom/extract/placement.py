"""Putting figures back into the body: each figure goes before the paragraph that follows it on the page.

The body finder runs without images (asking it for images makes it keep more page furniture), so images are
placed afterwards by anchor text. A figure whose anchor paragraph is not in the body belongs to something else
on the page (a teaser, a sidebar) and is left out.
"""

from __future__ import annotations

from newsloom.extract.figures import FigureInfo, anchor_key
from newsloom.model import Block, BlockKind, Image


def place_figures(blocks: list[Block], figures: dict[str, FigureInfo]) -> list[Block]:
    by_anchor: dict[str, list[FigureInfo]] = {}
    seen: set[int] = set()
    for info in figures.values():
        if info.anchor and id(info) not in seen:
            seen.add(id(info))
            by_anchor.setdefault(info.anchor, []).append(info)
    if not by_anchor:
        return blocks
    placed: list[Block] = []
    used: set[str] = set()
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH:
            key = anchor_key(block.text)
            for info in by_anchor.get(key, []):
                if info.url not in used:
                    used.add(info.url)
                    image = Image(
                        url=info.url, caption=info.caption, credit=info.credit, alt=info.alt, width=info.width
                    )
                    placed.append(Block(BlockKind.IMAGE, image=image))
        placed.append(block)
    return placed
