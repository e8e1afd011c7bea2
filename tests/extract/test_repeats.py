"""Text a reader would see twice leaves the body: a run of paragraphs the page repeats right after itself (a hidden
and a shown copy), a paragraph or table that only repeats the caption of the picture beside it."""

from __future__ import annotations

from newsloom.extract.repeats import drop_repeats
from newsloom.model import Block, BlockKind, Image

FIRST = "Miền Bắc bước vào ngày thứ sáu của đợt rét đậm, rét hại, nhiệt độ xuống âm ở nhiều tỉnh."
SECOND = "Cuộc họp trước giờ tuần tra đêm của tổ công tác mốc giới 457 có sáu người."
OTHER = "Bộ đội kiểm tra đèn pin chiếu sáng, dùi cui hỗ trợ trong trường hợp xảy ra chống đối."


def _paragraphs(*texts: str) -> list[Block]:
    return [Block(BlockKind.PARAGRAPH, text=text) for text in texts]


def test_a_run_repeated_right_after_itself_loses_its_copy() -> None:
    kept = drop_repeats(_paragraphs(FIRST, SECOND, FIRST, SECOND, OTHER, OTHER))
    assert [block.text for block in kept] == [FIRST, SECOND, OTHER]


def test_a_paragraph_said_again_further_on_stays() -> None:
    """A meal plan says "drink within 30 minutes" every day: text of its own, not a copy."""
    blocks = _paragraphs(FIRST, SECOND, OTHER, SECOND, FIRST)
    blocks.insert(2, Block(BlockKind.HEADING, text="Ngày 2"))
    assert drop_repeats(blocks) == blocks
    short = _paragraphs("Có.", "Có.")  # short lines repeat in dialogue and lists
    assert drop_repeats(short) == short


def test_text_repeating_the_neighbouring_caption_goes_and_the_picture_keeps_it() -> None:
    caption = "Diễn biến cổ phiếu AAT trong giai đoạn 2021 - 2023"
    picture = Block(BlockKind.IMAGE, image=Image(url="https://media.example.vn/aat.png", caption=caption, credit="BĐT"))
    blocks = [
        *_paragraphs(FIRST),
        Block(BlockKind.TABLE, items=[caption]),
        picture,
        Block(BlockKind.PARAGRAPH, text=f"{caption}. Ảnh: BĐT"),
        *_paragraphs(SECOND, OTHER, OTHER[:30], caption),
    ]
    kept = drop_repeats(blocks)
    assert [block.kind for block in kept][:3] == [BlockKind.PARAGRAPH, BlockKind.IMAGE, BlockKind.PARAGRAPH]
    assert [block.plain_text() for block in kept if block.kind == BlockKind.PARAGRAPH] == [
        FIRST,
        SECOND,
        OTHER,
        OTHER[:30],
        caption,  # out of the picture's reach: the text's own sentence
    ]
