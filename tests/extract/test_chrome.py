import pytest

from newsloom.extract.chrome import drop_chrome, is_chrome
from newsloom.model import Block, BlockKind


@pytest.mark.parametrize(
    "text",
    ["Comment (0)", "No data", "Same tag", "Same category", "Bình luận (3)", "Share on Facebook", "Advertisement"],
)
def test_portal_chrome_is_recognised(text: str) -> None:
    assert is_chrome(text)


def test_real_sentences_are_kept() -> None:
    assert not is_chrome("Share prices fell sharply on Monday after the central bank raised interest rates again.")
    assert not is_chrome("No data was lost, the company said.")


def test_trailing_heading_of_a_removed_widget_goes_too() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, text="Real text."),
        Block(BlockKind.HEADING, text="Most read"),
        Block(BlockKind.PARAGRAPH, text="No data"),
    ]
    assert [b.text for b in drop_chrome(blocks)] == ["Real text."]
