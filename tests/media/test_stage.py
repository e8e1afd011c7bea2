"""The media stage against a real loopback image server: pictures stored once by content hash in renditions,
failures recorded with reasons, known URLs never fetched again, hosts that cannot be reached failing fast."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from newsloom.media.images import ImageRejected, make_renditions
from newsloom.media.stage import run_media_stage
from newsloom.media.storage import LocalMediaStorage
from newsloom.model import Block, BlockKind
from newsloom.model import Image as ArticleImage
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.media import MediaStore
from tests.media.cdn import ImageServer, LoopbackCDN, picture
from tests.support.articles import make_article


@pytest.fixture
def image_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"crawl_min_delay": 0.0, "allow_networks": "127.0.0.0/8", "fetch_retries": 0})


def _article_with_images(store: SQLStore, number: int, urls: list[str]) -> int:
    article = make_article(number)
    article.images = [ArticleImage(url=urls[0], is_cover=True)]
    kept = [block for block in article.blocks if block.kind != BlockKind.IMAGE]
    article.blocks = [*kept, *(Block(BlockKind.IMAGE, image=ArticleImage(url=url)) for url in urls[1:])]
    return store.upsert_article(article).article_id


def test_images_stored_in_renditions_and_failures_recorded(image_settings: Settings, store: SQLStore) -> None:
    urls = [
        "https://cdn.example.com/a/cover.jpg",
        "https://img.example.org/body.jpg?w=1200",
        "https://img.example.org/missing.jpg",
        "https://img.example.org/broken.jpg",
    ]
    article_id = _article_with_images(store, 1, urls)
    with ImageServer() as server:
        report = run_media_stage([article_id], image_settings, store, transport=LoopbackCDN(server.port))
        # The outlet (news.example.com) gives no logo: its favicon is fetched as its logo.
        assert report.counts["stored"] == 3 and report.counts["failed"] == 2
        again = run_media_stage([article_id], image_settings, store, transport=LoopbackCDN(server.port))
    assert again.counts["known"] == 5 and again.counts["stored"] == 0
    favicon = "https://news.example.com/favicon.ico"
    assert MediaStore(store.engine).lookup([favicon])[favicon].ok
    assert server.hits["/cdn.example.com/a/cover.jpg"] == 1, server.hits  # tried once, never again
    found = MediaStore(store.engine).lookup(urls)
    cover = found[urls[0]]
    assert cover.ok and (cover.width, cover.height) == (960, 540) and cover.widths == (320, 640, 960)
    assert found[urls[2]].status == "failed" and "404" in (found[urls[2]].reason or "")
    assert found[urls[3]].status == "failed" and "not an image" in (found[urls[3]].reason or "")
    storage = LocalMediaStorage(image_settings.resolved_media_dir)
    for width in cover.widths:
        for extension in ("webp", "jpg"):
            data = storage.read(f"{cover.digest[:2]}/{cover.digest}-{width}.{extension}")
            assert data is not None
            with Image.open(io.BytesIO(data)) as rendition:
                assert rendition.width == width and rendition.format == ("WEBP" if extension == "webp" else "JPEG")
    assert MediaStore(store.engine).covers([article_id]) == {article_id: cover}


def test_unreachable_host_fails_its_other_images_at_once(image_settings: Settings, store: SQLStore) -> None:
    urls = [f"https://images.invalid/{n}.jpg" for n in range(6)]  # .invalid never resolves (RFC 2606)
    article_id = _article_with_images(store, 2, urls)
    started = time.monotonic()
    report = run_media_stage([article_id], image_settings, store)
    assert report.counts["failed"] == 7  # and the outlet's favicon (news.example.com: not on this machine)
    assert time.monotonic() - started < 10
    assert all(m.status == "failed" for m in MediaStore(store.engine).lookup(urls).values())


def test_decompression_bombs_and_svg_are_refused() -> None:
    huge = picture("bomb", size=(5000, 5000), kind="PNG")
    with pytest.raises(ImageRejected, match="exceeds"):
        make_renditions(huge, max_bytes=10**8, max_pixels=1_000_000)
    with pytest.raises(ImageRejected, match="not an image"):
        make_renditions(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", max_bytes=10**6,
                        max_pixels=10**7)  # fmt: skip
    with pytest.raises(ImageRejected, match="larger than"):
        make_renditions(picture("big"), max_bytes=100, max_pixels=10**7)
    same = make_renditions(picture("x"), max_bytes=10**7, max_pixels=10**7)
    assert same.digest == make_renditions(picture("x"), max_bytes=10**7, max_pixels=10**7).digest
