"""A line at the body's edge that only names the outlet is its masthead; a name in the middle is text."""

from __future__ import annotations

from newsloom.extract.edges import drop_mastheads
from newsloom.model import Block, BlockKind


def paragraph(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, text=text)


TEXT = [paragraph(f"Đoạn {n} của bài viết, đủ dài để là một câu văn thật sự của bài báo.") for n in range(4)]


def test_the_outlets_name_at_the_start_or_end_leaves_the_body() -> None:
    blocks = [paragraph("BÁO ĐIỆN TỬ CHÍNH PHỦ"), *TEXT, paragraph("Báo Chính phủ")]
    kept = drop_mastheads(blocks, ["baochinhphu.vn"], "https://baochinhphu.vn/x-1.htm")  # known: its spellings
    assert [block.text for block in kept] == [block.text for block in TEXT]
    own = drop_mastheads([paragraph("Coast Herald"), *TEXT], ["Coast Herald"], "https://herald.example/x")
    assert own == TEXT  # the page's own name for itself, outlet unknown to the registry


def test_a_name_inside_the_text_or_another_line_stays() -> None:
    middle = [*TEXT[:2], paragraph("Báo Chính phủ"), *TEXT[2:]]
    assert drop_mastheads(middle, [], "https://baochinhphu.vn/x-1.htm") == middle
    other = [paragraph("Chính phủ ban hành nghị định mới"), *TEXT]
    assert drop_mastheads(other, [], "https://baochinhphu.vn/x-1.htm") == other
    assert drop_mastheads(TEXT, [], None) == TEXT
