"""Layout tables that frame one picture are read as the picture with its caption; data tables stay tables."""

from __future__ import annotations

from lxml import html as lxml_html

from newsloom.extract import extract_article
from newsloom.extract.layout_tables import picture_frames_to_figures
from newsloom.model import Article, BlockKind

PARAGRAPH = "Đoạn {n}: Ủy ban Chứng khoán Nhà nước vừa có quyết định xử phạt vi phạm hành chính đối với một cá nhân."
URL = "https://bao.example.vn/xu-phat-thao-tung-co-phieu.html"


def _article(inset: str) -> Article:
    """Six paragraphs with ``inset`` after the third, as a CMS writes its article body."""
    paragraphs = [f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(6)]
    html = (
        "<html><head><title>Xử phạt thao túng cổ phiếu</title></head><body><article><h1>Xử phạt thao túng cổ phiếu</h1>"
        + "".join(paragraphs[:3]) + inset + "".join(paragraphs[3:]) + "</article></body></html>"
    )  # fmt: skip
    return extract_article(html.encode(), url=URL)


PICTURE_TABLE = """<table class="MASTERCMS_TPL_TABLE" border="0" cellpadding="0" cellspacing="0"><tbody>
<tr><td><img src="https://media.example.vn/2026/03/06/bieu-do-aat.png" alt="bieu-do.png"></td></tr>
<tr><td class="{cls}">Diễn biến cổ phiếu AAT trong giai đoạn 2021 - 2023</td></tr></tbody></table>"""


def test_picture_table_with_caption_cell_is_one_captioned_picture() -> None:
    for cls in ("media-caption", "desc"):  # a class naming a caption or not: the table alone says it is one
        article = _article(PICTURE_TABLE.format(cls=cls))
        kinds = [block.kind for block in article.blocks]
        assert BlockKind.TABLE not in kinds, cls
        pictures = [block.image for block in article.blocks if block.image is not None]
        assert [(p.url, p.caption) for p in pictures] == [
            (
                "https://media.example.vn/2026/03/06/bieu-do-aat.png",
                "Diễn biến cổ phiếu AAT trong giai đoạn 2021 - 2023",
            )
        ], cls
        assert kinds.index(BlockKind.IMAGE) == 3  # where the table stood: after the third paragraph
        assert "Diễn biến cổ phiếu" not in article.body


def test_caption_beside_the_picture_and_its_credit() -> None:
    inset = (
        '<table class="image center"><tr><td><img src="/anh/cang.jpg"></td>'
        "<td>Tàu dầu gần cảng Nakhodka tháng 12/2022. Ảnh: Reuters</td></tr></table>"
    )
    article = _article(inset)
    pictures = [block.image for block in article.blocks if block.image is not None]
    assert [(p.caption, p.credit) for p in pictures] == [("Tàu dầu gần cảng Nakhodka tháng 12/2022.", "Reuters")]
    assert not any(block.kind == BlockKind.TABLE for block in article.blocks)


def test_data_table_stays_a_table() -> None:
    inset = (
        "<table><tr><th>Mã</th><th>Giá</th><th>Thay đổi</th></tr>"
        "<tr><td>AAT</td><td>3.000</td><td>-2%</td></tr><tr><td>SJS</td><td>52.100</td><td>+1%</td></tr></table>"
    )
    article = _article(inset)
    tables = [block for block in article.blocks if block.kind == BlockKind.TABLE]
    assert [table.items for table in tables] == [["Mã\tGiá\tThay đổi", "AAT\t3.000\t-2%", "SJS\t52.100\t+1%"]]


def test_rewrite_leaves_data_tables_and_tables_with_several_pictures() -> None:
    page = lxml_html.fromstring(
        "<div><table id='data'><tr><td><img src='/logo.png'></td><td>AAT</td><td>3.000</td></tr></table>"
        "<table id='two'><tr><td><img src='/a.jpg'></td></tr><tr><td><img src='/b.jpg'></td></tr></table>"
        "<table id='advert'><tr><td><a href='https://shop.example/cd'><img src='/cd.jpg'></a></td></tr>"
        "<tr><td>Album: Purple</td></tr></table>"
        "<table id='thumb'><tr><td><img src='/t.gif' style='width:40px;height:40px'></td></tr>"
        "<tr><td>Leslie Clio</td></tr></table>"
        "<table id='teaser'><tr><td><img src='/u.jpg'></td></tr><tr><td><a href='/khac.html'>Bài khác</a></td></tr></table>"
        "<table id='long'><tr><td><img src='/c.jpg'></td></tr><tr><td>" + "Một đoạn dài. " * 40 + "</td></tr></table>"
        "<table id='frame'><tr><td><a href='/big.jpg'><img src='/d.jpg'></a><br>Chú thích</td></tr></table>after"
        "<table id='titled'><caption>Bản đồ khu vực</caption><tr><td><img src='/e.jpg'></td></tr></table></div>"
    )
    assert picture_frames_to_figures(page) == 2
    assert [table.get("id") for table in page.iter("table")] == ["data", "two", "advert", "thumb", "teaser", "long"]
    figure, titled = page.findall(".//figure")
    assert figure.get("id") == "frame" and figure.tail == "after"
    assert [child.tag for child in figure] == ["a", "figcaption"]
    assert figure[1].text_content().strip() == "Chú thích"
    assert [child.tag for child in titled] == ["img", "figcaption"]
    assert titled[1].text_content().strip() == "Bản đồ khu vực"
