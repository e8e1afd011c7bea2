"""Pictures on pages come from /media/ (stored renditions, WebP + fallback, width/height, srcset), the lead
picture is not lazy, unstored pictures are placeholders, and the files are served immutable."""

from __future__ import annotations

import re

from newsloom.media.stage import store_image
from newsloom.media.storage import open_storage
from newsloom.store.media import MediaStore
from tests.media.cdn import picture
from tests.web.conftest import Site


def test_pages_show_stored_pictures_from_media(site: Site) -> None:
    settings = site.app.state.portal.settings
    stored = store_image("https://img.example.com/1.jpg", picture("cover"), settings, open_storage(settings),
                         MediaStore(site.store.engine))  # fmt: skip
    assert stored.ok
    with site.client() as client:
        page = client.get(f"/article/{site.ids[0]}", follow_redirects=True).text
        home = client.get("/").text
        images = re.findall(r"<img [^>]*>", page)
        assert images, page
        for tag in images:
            assert re.search(r'src="/media/[0-9a-f]{2}/[0-9a-f]{64}-\d+\.(jpg|png)"', tag)
            assert re.search(r'width="\d+" height="\d+"', tag) and "srcset=" in tag
        assert 'fetchpriority="high"' in images[0] and 'loading="lazy"' not in images[0]
        assert '<source type="image/webp"' in page
        assert "https://img.example.com" not in re.sub(
            r"<a [^>]*>|<link [^>]*>|<meta [^>]*>|<script.*?</script>", "", page, flags=re.S
        )
        assert 'class="thumb-link"' in home
        assert re.search(r'<a class="thumb-link"[^>]*><picture class="pic pic-thumbnail"><source', home)
        src = re.search(r'src="(/media/[^"]+)"', page).group(1)  # type: ignore[union-attr]
        response = client.get(src)
        assert response.status_code == 200 and response.headers["content-type"] in ("image/jpeg", "image/png")
        assert "immutable" in response.headers["cache-control"]
        assert client.get("/media/zz/../../etc/passwd").status_code == 404
        assert client.get("/media/ab/" + "0" * 64 + "-320.webp").status_code == 404


def test_unstored_pictures_are_placeholders(site: Site) -> None:
    with site.client() as client:
        page = client.get(f"/article/{site.ids[0]}", follow_redirects=True).text
        home = client.get("/").text
    assert "<img " not in page and "pic-placeholder" in page
    assert "<img " not in home and "pic-placeholder" in home


def test_videos_are_posters_with_a_play_link_unless_a_host_is_allowed(settings, store) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from newsloom.model import Block, BlockKind, Image
    from newsloom.web import create_app
    from tests.conftest import LiveServer
    from tests.support.articles import make_article

    poster = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    article = make_article(9)
    article.blocks.insert(1, Block(BlockKind.VIDEO, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                                   image=Image(url=poster)))  # fmt: skip
    article_id = store.upsert_article(article).article_id
    store.upsert_article(make_article(10))
    assert store_image(poster, picture("poster"), settings, open_storage(settings), MediaStore(store.engine)).ok
    with LiveServer(create_app(settings, store)) as server:
        page = httpx.get(f"{server.url}/article/{article_id}", follow_redirects=True)
        listing = httpx.get(f"{server.url}/videos").text
        vietnamese = httpx.get(f"{server.url}/vi/article/{article_id}/x", follow_redirects=True).text
    video = page.text.split('<figure class="video">', 1)[1].split("</figure>", 1)[0]
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in video and 'class="play"' in video
    assert re.search(r'<img src="/media/[^"]+" [^>]*width="\d+" height="\d+"', video)
    # The link's text names the video; the poster does not repeat it (axe: image-redundant-alt).
    assert 'alt=""' in video and '<span class="video-label">Watch the video on youtube.com</span>' in video
    assert "<iframe" not in page.text and "frame-src" not in page.headers["content-security-policy"]
    assert f"/article/{article_id}/" in listing and listing.count('class="article-link"') == 1
    assert "Xem video trên youtube.com" in vietnamese
    allowed = settings.model_copy(update={"video_hosts": "www.youtube.com"})
    with LiveServer(create_app(allowed, store)) as server:
        page = httpx.get(f"{server.url}/article/{article_id}", follow_redirects=True)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page.text
    assert "frame-src https://www.youtube-nocookie.com" in page.headers["content-security-policy"]
