"""Text the body would show twice: paragraphs repeated word for word, a caption repeated as body text.

Pages carry copies a reader never sees twice: a photo story's captions written once hidden (``display: none``, for
the gallery viewer) and once visible, a picture's caption in a cell or paragraph the body finder keeps while the
picture comes back (``placement.py``) with that same caption. Judged after the figures are placed, on exact text
(a caption's whitespace and case aside): a run of up to ``MAX_RUN`` paragraphs (``MIN_REPEAT_CHARS`` or more) repeated right
after itself loses its second copy; a paragraph or table next to a picture (``CAPTION_REACH`` blocks either side)
that only says the picture's caption (credit aside) goes, and the picture keeps it.
"""

from __future__ import annotations

from newsloom.extract.attribution import split_caption_credit
from newsloom.model import Block, BlockKind
from newsloom.text import normalize_space

MIN_REPEAT_CHARS = 40
MAX_RUN = 6
CAPTION_REACH = 2
MAX_CREDIT_CHARS = 100
_ECHO_KINDS = (BlockKind.PARAGRAPH, BlockKind.TABLE)


def _key(text: str) -> str:
    return normalize_space(text).casefold().rstrip(" .")


def _caption_echoes(blocks: list[Block]) -> set[int]:
    """Indexes of the text blocks near a picture that only repeat its caption."""
    echoes: set[int] = set()
    for index, block in enumerate(blocks):
        if block.image is None or not block.image.caption:
            continue
        caption = _key(block.image.caption)
        for near in range(max(0, index - CAPTION_REACH), min(len(blocks), index + CAPTION_REACH + 1)):
            text = blocks[near].plain_text() if blocks[near].kind in _ECHO_KINDS else ""
            if not text or len(text) > len(caption) + MAX_CREDIT_CHARS:  # longer than a caption and its credit
                continue
            if caption in (_key(text), _key(split_caption_credit(text)[0])):
                echoes.add(near)
    return echoes


def _repeated_runs(blocks: list[Block]) -> set[int]:
    """Indexes of the second copy of each run of paragraphs that the page repeats right after itself (A B A B):
    the hidden and the shown copy of the same text. Paragraphs said again further on (a meal plan's "Drink within
    30 minutes after your workout" each day) are the text's own and stay."""
    keys = [block.text if block.kind == BlockKind.PARAGRAPH else None for block in blocks]  # spaced as read
    copies: set[int] = set()
    start = 0
    while start < len(blocks):
        for size in range(1, MAX_RUN + 1):
            if keys[start] is None or start + 2 * size > len(keys) or keys[start + size] != keys[start]:
                continue
            run, again = keys[start : start + size], keys[start + size : start + 2 * size]
            texts = [key for key in run if key is not None]
            if len(again) == size and run == again and len(texts) == size and sum(map(len, texts)) >= MIN_REPEAT_CHARS:
                copies.update(range(start + size, start + 2 * size))
                start += 2 * size
                break
        else:
            start += 1
    return copies


def drop_repeats(blocks: list[Block]) -> list[Block]:
    """``blocks`` without repeated runs of paragraphs and without text blocks that repeat a neighbouring caption."""
    gone = _caption_echoes(blocks) | _repeated_runs(blocks)
    return [block for index, block in enumerate(blocks) if index not in gone]
