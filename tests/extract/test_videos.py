"""Embedded videos become video blocks where they stand in the body, with a poster when one is known."""

from __future__ import annotations

from newsloom.extract import extract_article
from newsloom.extract.videos import watch_url
from newsloom.model import BlockKind

PARAGRAPH = "Report {n}: the flood barrier held through the night, officials said, as water rose along the river bank."


def _page(embed: str) -> str:
    paragraphs = [f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(6)]
    return (
        "<html><head><title>Flood barrier holds | Example</title></head><body><article><h1>Flood barrier holds</h1>"
        + "".join(paragraphs[:2]) + embed + "".join(paragraphs[2:]) + "</article></body></html>"
    )  # fmt: skip


def test_youtube_frame_and_video_element_become_blocks_in_reading_order() -> None:
    html = _page(
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" title="Barrier at dawn"></iframe>'
        '<video poster="/posters/barrier.jpg"><source src="/clips/barrier.mp4"></video>'
    )
    article = extract_article(html.encode(), url="https://news.example.com/flood")
    kinds = [block.kind for block in article.blocks]
    videos = [block for block in article.blocks if block.kind == BlockKind.VIDEO]
    assert [v.url for v in videos] == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://news.example.com/clips/barrier.mp4",
    ]
    assert videos[0].image is not None and videos[0].image.url == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    assert videos[1].image is not None and videos[1].image.url == "https://news.example.com/posters/barrier.jpg"
    first_video = kinds.index(BlockKind.VIDEO)
    assert kinds[:first_video].count(BlockKind.PARAGRAPH) == 2  # between the second and third paragraphs
    assert "youtube" not in article.body  # a video adds no text


def test_watch_urls() -> None:
    assert watch_url("https://player.vimeo.com/video/76979871") == ("https://vimeo.com/76979871", None)
    assert watch_url("https://www.youtube.com/embed/not-an-id") is None
    assert watch_url("https://ads.example.com/banner.html") is None
    assert watch_url("https://flo.uri.sh/visualisation/9054508/embed") is None  # a chart, not a video
    assert watch_url("https://e.example.com/charts/embed/412") is None
    assert watch_url("https://www.telegraph.co.uk/video/embed/123") == (
        "https://www.telegraph.co.uk/video/embed/123",
        None,
    )
