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


def _paragraph(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, text=text)


def test_teasers_after_a_related_header_near_the_end_are_cut() -> None:
    story = [_paragraph("The storm reached the coast early on Tuesday, bringing heavy rain. " * 3) for _ in range(4)]
    tail = [_paragraph("You may also like..."), _paragraph("Who will win the cup in 2020?")]
    assert drop_chrome(story + tail) == story


def test_a_related_header_early_in_the_text_cuts_nothing_after_it() -> None:
    blocks = [_paragraph("Related"), *[_paragraph("The storm reached the coast early on Tuesday. " * 3)] * 3]
    assert [b.text for b in drop_chrome(blocks)] == [blocks[1].text] * 3


def test_the_pages_keywords_printed_as_a_line_are_not_text() -> None:
    from newsloom.extract.chrome import drop_tag_lists

    tags = ["stock car 2018", "stock car brasil", "interlagos", "cascavel"]
    blocks = [
        _paragraph("The season opens at Interlagos, then moves to Cascavel, Curitiba and Goiânia."),
        _paragraph("stock car 2018, stock car brasil, interlagos, cascavel"),
    ]
    assert drop_tag_lists(blocks, tags) == blocks[:1]


@pytest.mark.parametrize(
    "text",
    [
        "SEE MORE: Hong Kong protests: 800 students under siege in university",
        "Related: Possible Water Plumes on Europa: The Discovery in Images",
        "DON'T MISS",
        "Mike Wall's book is out now. Follow him on Twitter @michaeldwall.",
        "There's plenty more where that came from. Sign up for The Water Coolest to get the free daily newsletter.",
    ],
)
def test_calls_to_action_are_not_text(text: str) -> None:
    assert is_chrome(text)


def test_sentences_about_the_same_things_are_text() -> None:
    assert not is_chrome("More than 800 students were under siege in the university on Monday, police said.")
    assert not is_chrome("The company said it would follow the rules on Twitter accounts set by regulators.")


def test_a_run_of_labelled_teasers_inside_a_paragraph_leaves_the_body() -> None:
    run = (
        "China furious at Macron for Hong Kong protest jibe [INSIGHT]| Lakers vs Nets: NBA make final decision on "
        "game amid China turmoil [VIDEO] Hong Kong 'threatened with Chinese military intervention' [REACTION]"
    )
    sentence = (
        "Chris Tang, the new police commissioner, said in an interview that police alone cannot end the violence."
    )
    blocks = [
        Block(BlockKind.PARAGRAPH, text=sentence),
        Block(BlockKind.PARAGRAPH, text=run),
        Block(BlockKind.PARAGRAPH, text=f"{sentence} {run}"),
    ]
    assert [block.text for block in drop_chrome(blocks)] == [sentence, sentence]


def test_one_bracketed_word_in_a_sentence_is_text() -> None:
    text = "The minister said the plan was [SIC] final and that talks on the [EU] budget would resume on Monday."
    assert [block.text for block in drop_chrome([Block(BlockKind.PARAGRAPH, text=text)])] == [text]


def test_a_list_of_page_actions_is_chrome_a_list_with_one_real_item_is_not() -> None:
    text = Block(BlockKind.PARAGRAPH, text="Home Depot reported $2.53 in per-share earnings for the third quarter.")
    actions = Block(BlockKind.LIST, items=["Order Reprints", "Print Article"])
    mixed = Block(BlockKind.LIST, items=["Print Article", "Sales grew 4% in the quarter"])
    assert drop_chrome([actions, text, mixed]) == [text, mixed]
