"""Pictures and their captions read from the page: a caption shared by a group of pictures."""

from __future__ import annotations

from newsloom.extract import extract_article
from newsloom.model import BlockKind

PARAGRAPH = "Đoạn {n}: các đoàn đại biểu đã đến dâng hoa, thắp hương tưởng niệm các anh hùng liệt sĩ tại nghĩa trang."
LAZY = 'src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==" data-src="/anh/{name}.jpg"'


def _article(inset: str) -> list[tuple[str, str | None, str | None]]:
    paragraphs = [f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(6)]
    html = (
        "<html><head><title>Dâng hoa tưởng niệm</title></head><body><article><h1>Dâng hoa tưởng niệm</h1>"
        + "".join(paragraphs[:2]) + inset + "".join(paragraphs[2:]) + "</article></body></html>"
    )  # fmt: skip
    article = extract_article(html.encode(), url="https://bao.example.vn/dang-hoa.html")
    return [
        (block.image.url.rsplit("/", 1)[-1], block.image.caption, block.image.credit)
        for block in article.blocks
        if block.kind == BlockKind.IMAGE and block.image is not None
    ]


def test_a_caption_under_a_group_of_figures_goes_with_the_last_picture() -> None:
    group = "".join(f"<figure><img {LAZY.format(name=name)}></figure>" for name in ("a", "b", "c"))
    caption = "<figcaption>Đoàn đại biểu dâng hoa tại nghĩa trang. Ảnh: THUẬN VĂN</figcaption>"
    assert _article(f'<div class="layout-image-3">{group}{caption}</div>') == [
        ("a.jpg", None, None),
        ("b.jpg", None, None),
        ("c.jpg", "Đoàn đại biểu dâng hoa tại nghĩa trang.", "THUẬN VĂN"),
    ]


def test_a_caption_before_its_pictures_or_over_too_many_is_left_alone() -> None:
    group = "".join(f"<figure><img {LAZY.format(name=name)}></figure>" for name in ("a", "b"))
    caption = "<figcaption>Đoàn đại biểu dâng hoa tại nghĩa trang.</figcaption>"
    assert all(found[1] is None for found in _article(f"<div>{caption}{group}</div>"))
    many = "".join(f"<figure><img {LAZY.format(name=n)}></figure>" for n in range(7))
    assert all(found[1] is None for found in _article(f"<div>{many}{caption}</div>"))
