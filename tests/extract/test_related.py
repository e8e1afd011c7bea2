"""Related-headline boxes leave the body; bold-only paragraphs are subheadings; a closing signature is the byline."""

from __future__ import annotations

from newsloom.extract import extract_article
from newsloom.model import BlockKind

URL = "https://baodautu.example.vn/xu-phat-giam-doc-tai-chinh-d538952.html"
TEXT = (
    "Uỷ ban Chứng khoán Nhà nước vừa có quyết định xử phạt vi phạm hành chính đối với hành vi thao túng thị "
    "trường chứng khoán, theo thông báo phát đi chiều qua. Đoạn {n} nêu thêm chi tiết của vụ việc."
)
HEADLINES = [
    "Giao dịch Hợp đồng tương lai VN30 giảm gần 20% trong tháng 2/2026",
    "Khi bảo hiểm trở thành đòn bẩy kiến tạo gia sản",
    "Chứng khoán phiên 6/3: Rung lắc mạnh",
]


def page(body: str, head: str = "") -> bytes:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Xử phạt Giám đốc tài chính</title><link rel="canonical" href="{URL}">
<meta property="og:site_name" content="Báo Đầu tư">{head}</head><body>
<header><a href="/">Trang chủ</a></header>
<article><h1>Xử phạt Giám đốc tài chính</h1>{body}</article></body></html>""".encode()


def paragraphs(count: int, start: int = 0) -> str:
    return "".join(f"<p>{TEXT.format(n=n)}</p>" for n in range(start, start + count))


def links(path: str = "https://baodautu.example.vn/") -> list[str]:
    return [f'<a href="{path}tin-{n}-d5389{n}.html">{text}</a>' for n, text in enumerate(HEADLINES)]


def test_a_list_of_the_sites_other_headlines_leaves_the_body() -> None:
    box = "<ul>" + "".join(f'<li><article><a href="#"></a>{link}</article></li>' for link in links()) + "</ul>"
    article = extract_article(page(box + paragraphs(5)), url=URL)
    assert not any(headline in article.body for headline in HEADLINES), article.body[:300]
    assert article.body.startswith("Uỷ ban Chứng khoán")


def test_a_list_of_links_elsewhere_or_of_sentences_stays() -> None:
    """Sources on another site are references, and a list with text around its links is the article's."""
    elsewhere = "<ul>" + "".join(f"<li>{link}</li>" for link in links("https://other.example.org/")) + "</ul>"
    assert HEADLINES[0] in extract_article(page(paragraphs(3) + elsewhere + paragraphs(2, 3)), url=URL).body
    mixed = "<ul>" + "".join(f"<li>Theo bài {link}, thị trường giảm.</li>" for link in links()) + "</ul>"
    assert HEADLINES[1] in extract_article(page(paragraphs(3) + mixed + paragraphs(2, 3)), url=URL).body


def test_xem_them_lines_and_runs_of_headline_paragraphs_leave_the_body() -> None:
    first, second, third = links()
    body = paragraphs(3) + f"<p>Xem thêm: {first}</p>" + paragraphs(2, 3) + f"<p>{second}</p><p>{third}</p>"
    text = extract_article(page(body + paragraphs(1, 5)), url=URL).body
    assert not any(headline in text for headline in HEADLINES), text
    assert "Xem thêm" not in text and "Đoạn 5" in text
    alone = paragraphs(3) + f"<p>{second}</p>" + paragraphs(2, 3)  # one linked line may be the article's own
    assert HEADLINES[1] in extract_article(page(alone), url=URL).body


def test_bold_only_paragraphs_followed_by_text_are_subheadings() -> None:
    body = (
        paragraphs(3)
        + '<p><span style="color:#2c3e50"><strong>Đồng USD duy trì đà tăng</strong></span></p>'
        + paragraphs(2, 3)
        + "<p><strong>PV: Ông đánh giá thế nào về diễn biến này</strong></p>"
        + "<p><b>Đây là một câu văn in đậm.</b></p>"
        + paragraphs(1, 5)
        + "<p><strong>Cuối bài không có gì theo sau</strong></p>"
    )
    blocks = extract_article(page(body), url=URL).blocks
    headings = [(block.text, block.level) for block in blocks if block.kind == BlockKind.HEADING]
    assert headings == [("Đồng USD duy trì đà tăng", 2)]
    texts = [block.text for block in blocks]
    assert "PV: Ông đánh giá thế nào về diễn biến này" in texts and "Đây là một câu văn in đậm." in texts


def test_a_closing_signature_is_the_byline_not_text() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Báo Đầu tư"}}</script>'
    article = extract_article(
        page(paragraphs(5) + '<p style="text-align:right"><strong>Hà Thu</strong> (tổng hợp)</p>', head), url=URL
    )
    assert article.authors == ["Hà Thu"]
    assert "(tổng hợp)" not in article.body and article.body.endswith("chi tiết của vụ việc.")
    pair = extract_article(page(paragraphs(5) + "<p>Giang Huy - Hoàng Phương</p>"), url=URL)
    assert pair.authors == ["Giang Huy", "Hoàng Phương"] and "Giang Huy" not in pair.body
    sentence = extract_article(page(paragraphs(5) + "<p>Thị trường Giảm Mạnh Hôm Nay.</p>"), url=URL)
    assert sentence.body.endswith("Hôm Nay.") and sentence.authors != ["Thị trường Giảm Mạnh Hôm Nay."]


def test_app_download_calls_are_chrome() -> None:
    body = "<p>Tải ứng dụng:</p>" + paragraphs(5)
    assert "Tải ứng dụng" not in extract_article(page(body), url=URL).body


def test_drop_related_boxes_keeps_everything_else() -> None:
    from newsloom.extract.related import drop_related_boxes
    from newsloom.model import Block

    headlines = {text.casefold() for text in HEADLINES}
    blocks = [
        Block(BlockKind.LIST, items=list(HEADLINES)),
        Block(BlockKind.PARAGRAPH, text="Đoạn văn của bài."),
        Block(BlockKind.LIST, items=[HEADLINES[0], "Một mục khác của danh sách"]),
        Block(BlockKind.PARAGRAPH, text=f"Tin liên quan: {HEADLINES[2]}"),
    ]
    kept = drop_related_boxes(blocks, headlines)
    assert [block.plain_text() for block in kept] == [
        "Đoạn văn của bài.",
        f"{HEADLINES[0]}\nMột mục khác của danh sách",
    ]
    assert drop_related_boxes(blocks, set()) == blocks


def test_headings_the_body_lost_come_back_before_their_paragraph() -> None:
    """Where the body finder gathers paragraphs alone it drops ``<h2>``: each returns before the paragraph that
    follows it on the page; the deck (a heading followed by no paragraph), linked headings and the title do not."""
    from lxml import html as lxml_html

    from newsloom.extract.related import read_page_cues, restore_headings
    from newsloom.model import Block

    def numbered(count: int, start: int = 0) -> str:  # paragraphs whose opening words differ
        return "".join(f"<p>Đoạn {n}. {TEXT.format(n=n)}</p>" for n in range(start, start + count))

    tree = lxml_html.fromstring(
        page(
            '<h2 class="sapo">Tháng 3 có nhiều chính sách mới</h2><div class="time">01/03/2026</div>'
            f"<figure><img src='/a.jpg'></figure><h2>3 hình thức khai thác thông tin</h2>{numbered(2)}"
            f"<h3><b>Quy định mới về cư trú</b></h3><figure><img src='/b.jpg'></figure>{numbered(1, 2)}"
            f"<h2>Xử phạt Giám đốc tài chính</h2>{numbered(1, 3)}"
            f'<h4><a href="/khac.html">Tin khác của chuyên mục</a></h4>{numbered(1, 4)}'
        ).decode()
    )
    cues = read_page_cues(tree, URL)
    body = [Block(BlockKind.PARAGRAPH, text=f"Đoạn {n}. " + " ".join(TEXT.format(n=n).split())) for n in range(5)]
    restored = restore_headings(body, cues.headings, ("Xử phạt Giám đốc tài chính", None))
    assert [(b.text, b.level) for b in restored if b.kind == BlockKind.HEADING] == [
        ("3 hình thức khai thác thông tin", 2),
        ("Quy định mới về cư trú", 3),
    ]
    assert [b.kind for b in restored][:4] == [BlockKind.HEADING, *[BlockKind.PARAGRAPH] * 2, BlockKind.HEADING]
    again = restore_headings(restored, cues.headings, ("Xử phạt Giám đốc tài chính", None))
    assert again == restored  # a heading already there is not added again
