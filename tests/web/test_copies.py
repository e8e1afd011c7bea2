"""Syndicated copies as a reader meets them: two outlets run one text, every listing shows it once, naming the
other outlet under "Also published by" (imported with the real CLI, served by a real server)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from newsloom.settings import Settings
from newsloom.store import open_store
from newsloom.web import create_app
from tests.support.cli import run_cli
from tests.support.web import AppServer

PARAGRAPHS = [
    "The Red Cross said on Wednesday that flood waters along the Mekong had forced more than twelve thousand families "
    "from their homes in three provinces, and that the agency had opened forty shelters in schools and pagodas.",
    "Rain gauges in Can Tho recorded the wettest October since records began in 1978, the national hydrology "
    "centre said, adding that the river would stay above the third alarm level until at least the weekend.",
    "Farmers in An Giang told reporters they had lost most of their second rice crop, and the provincial "
    "government promised seed and fertiliser for the winter season once the water recedes from the fields.",
    "Engineers worked through the night to reinforce an earth dyke near Long Xuyen after a section slumped, "
    "and soldiers filled sandbags along the road to the ferry crossing under floodlights.",
    "Aid groups warned that clean water was running short in several districts, where wells were flooded "
    "and families were drinking river water boiled over wood fires, raising the risk of disease.",
]


def _page(outlet: str, host: str, title: str, paragraphs: list[str], published: str, chrome: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<link rel="canonical" href="https://{host}/news/mekong-floods">
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="World"><meta property="article:tag" content="Floods">
</head><body><nav><a href="/">Home</a> {chrome}</nav><article><h1>{title}</h1>{body}</article>
<footer>{chrome} Copyright {outlet}</footer></body></html>"""
    return gzip.compress(html.encode())


def titles(html: str) -> list[str]:
    return re.findall(r'(?:class="article-link"|id="lead-title"><a) href="[^"]+"[^>]*>([^<]+)<', html)


def test_two_outlets_running_one_text_show_once_with_also_published_by(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    original = _page(
        "Mekong Daily",
        "mekongdaily.example",
        "Mekong floods drive 12,000 families from their homes",
        PARAGRAPHS,
        "2024-10-23T07:00:00+07:00",
        "Weather | Markets",
    )
    copy = _page(  # a new headline, a dateline, the last paragraph cut, two paragraphs swapped, other chrome
        "Saigon Wire",
        "saigonwire.example",
        "Floods: thousands flee as Mekong rises",
        ["CAN THO (Saigon Wire) - " + PARAGRAPHS[0], PARAGRAPHS[2], PARAGRAPHS[1], PARAGRAPHS[3]],
        "2024-10-23T11:30:00+07:00",
        "Subscribe | Podcasts",
    )
    (pages / "a.html.gz").write_bytes(original)
    (pages / "b.html.gz").write_bytes(copy)
    data = tmp_path / "data"
    result = run_cli("--data-dir", str(data), "import", str(pages))
    assert result.returncode == 0, result.stderr
    assert "2 new" in result.stdout + result.stderr
    store = open_store(Settings(data_dir=data))
    try:
        with (
            AppServer(create_app(Settings(data_dir=data), store)) as server,
            server.client() as client,
        ):
            outlets = list(dict.fromkeys(re.findall(r'href="/outlet/([^"]+)"', client.get("/outlets").text)))
            listings = ["/", "/section/world", "/tag/floods", "/search?q=Mekong", *(f"/outlet/{o}" for o in outlets)]
            assert len(outlets) == 2
            for path in listings:
                html = client.get(path).text
                if path == "/":  # the home page's front (lead story, latest news), before the side column
                    html = html.split('class="front-main"', 1)[1].split('class="front-side"', 1)[0]
                shown = [t for t in (titles(html)) if "Mekong" in t or "Floods" in t]
                assert len(shown) == 1, (path, shown)
                also = re.search(r'class="also-published">(.*?)</p>', html, re.S)
                assert also is not None, path
                other = "Saigon Wire" if "Mekong floods" in shown[0] else "Mekong Daily"
                assert other in also.group(1), (path, also.group(1))
            outlet_page = client.get("/outlet/" + next(o for o in outlets if "saigon" in o)).text
            assert re.search(r'Also published by <a href="/article/\d+">Mekong Daily</a> \(original\)', outlet_page)
    finally:
        store.close()
