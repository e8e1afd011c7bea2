"""Lines at the body's edges that name the outlet or sign the article: a masthead line ("BÁO ĐIỆN TỬ CHÍNH PHỦ")
leaves the body, a closing signature ("Hà Thu (tổng hợp)") becomes the byline. Run on the blocks after chrome and
attribution lines have left them (``extract/article.py``).
"""

from __future__ import annotations

from newsloom.domains import registrable_domain_of_host
from newsloom.extract.authors import names_an_outlet, signature_names
from newsloom.known_outlets import core_name, known_outlet
from newsloom.model import Block, BlockKind
from newsloom.urls import host_of

MASTHEAD_SCAN = 2
MAX_MASTHEAD_CHARS = 80


def drop_mastheads(blocks: list[Block], outlets: list[str | None], url: str | None) -> list[Block]:
    """A short line at the body's start or end that only names the outlet ("BÁO ĐIỆN TỬ CHÍNH PHỦ" beside an
    app-download box) is its masthead, not text. The outlet's names: the page's own and, for a paper newsloom
    knows, its spellings of itself (``known_outlets``)."""
    known = known_outlet(registrable_domain_of_host(host_of(url or "")))
    names = [*outlets, *((known.name, *known.aliases) if known else ())]
    cores = {core for name in names if name and (core := core_name(name))}
    if not cores:
        return blocks
    edge = set(range(MASTHEAD_SCAN)) | set(range(len(blocks) - MASTHEAD_SCAN, len(blocks)))
    return [
        block
        for index, block in enumerate(blocks)
        if not (
            index in edge
            and block.kind == BlockKind.PARAGRAPH
            and len(block.text) <= MAX_MASTHEAD_CHARS
            and core_name(block.text) in cores
        )
    ]


def take_signature(blocks: list[Block], authors: list[str], outlets: list[str | None]) -> tuple[list[Block], list[str]]:
    """A last paragraph that only signs the article ("Hà Thu (tổng hợp)") leaves the body; its names are the
    authors where the page's metadata names none or only the outlet ("VnExpress")."""
    last = blocks[-1] if blocks else None
    names = signature_names(last.text) if last is not None and last.kind == BlockKind.PARAGRAPH else []
    if not names:
        return blocks, authors
    if not authors or names_an_outlet(authors, outlets):
        return blocks[:-1], names
    if {name.casefold() for name in names} <= {name.casefold() for name in authors}:
        return blocks[:-1], authors
    return blocks, authors
