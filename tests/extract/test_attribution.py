import pytest

from newsloom.extract.attribution import attribution_line, dateline, split_caption_credit
from newsloom.model import AttributionKind


@pytest.mark.parametrize(
    ("line", "kind", "name", "url"),
    [
        ("According to RT/Dantri.com.vn", AttributionKind.ACCORDING_TO, "RT/Dantri.com.vn", None),
        ("Theo RT", AttributionKind.ACCORDING_TO, "RT", None),
        ("Theo Reuters.", AttributionKind.ACCORDING_TO, "Reuters", None),
        (
            "Source: https://dantri.com.vn/the-gioi/x.htm",
            AttributionKind.SOURCE_URL,
            None,
            "https://dantri.com.vn/the-gioi/x.htm",
        ),
        ("Nguồn: https://vnexpress.net/a.html", AttributionKind.SOURCE_URL, None, "https://vnexpress.net/a.html"),
    ],
)
def test_attribution_lines(line: str, kind: AttributionKind, name: str | None, url: str | None) -> None:
    found = attribution_line(line)
    assert found is not None and found.kind == kind and found.name == name and found.url == url


@pytest.mark.parametrize(
    "line",
    [
        "Theo ông Peskov, thông tin sai lệch này nhiều khả năng được lan truyền.",
        "According to the report, the company lost money in every quarter of the year and plans cuts.",
        "The source of the leak remains unknown to investigators, officials said on Tuesday afternoon.",
    ],
)
def test_sentences_are_not_attribution(line: str) -> None:
    assert attribution_line(line) is None


def test_datelines() -> None:
    vietnamese = dateline("(Dân trí) - Điện Kremlin lên tiếng")
    assert vietnamese is not None and vietnamese.name == "Dân trí"
    wire = dateline("WASHINGTON (Reuters) - The Senate voted")
    assert wire is not None and wire.name == "Reuters" and wire.text == "WASHINGTON"
    assert dateline("The Senate (upper house) voted on Tuesday") is None


@pytest.mark.parametrize(
    ("caption", "text", "credit"),
    [
        ("Tỷ phú Mỹ Elon Musk (Ảnh: AFP).", "Tỷ phú Mỹ Elon Musk.", "AFP"),
        ("American billionaire Elon Musk (Photo: AFP).", "American billionaire Elon Musk.", "AFP"),
        ("Crowds in Hanoi. Photo: Reuters", "Crowds in Hanoi.", "Reuters"),
        ("Donald Trump bleibt vage. (Foto: REUTERS)", "Donald Trump bleibt vage.", "REUTERS"),
        ("A quiet street at dawn", "A quiet street at dawn", None),
        ("© BART DEWAELE", "", "BART DEWAELE"),
        ("Image Credits: Strava", "", "Strava"),
        (
            "Forests such as the Amazon.Credit: Pablo Porciuncula/AFP",
            "Forests such as the Amazon.",
            "Pablo Porciuncula/AFP",
        ),
        ("Swedish police officer - Copyright Fredrik Persson/AP", "Swedish police officer", "Fredrik Persson/AP"),
        ("Một bó hoa hồng từ 10 - 20 bông - Ảnh: H.Y.T.", "Một bó hoa hồng từ 10 - 20 bông.", "H.Y.T."),  # initials
        ("Cảnh sát tuần tra. Ảnh: T.T. Dũng", "Cảnh sát tuần tra.", "T.T. Dũng"),
        ("Giá vàng tăng. Ảnh: Mạnh Quân.", "Giá vàng tăng.", "Mạnh Quân"),
        ("Ông Phớc, Bộ trưởng Tài chính. Ảnh: Hoàng Phong", "Ông Phớc, Bộ trưởng Tài chính.", "Hoàng Phong"),
    ],
)
def test_caption_credits(caption: str, text: str, credit: str | None) -> None:
    assert split_caption_credit(caption) == (text, credit)
