"""Embedded videos of the page (YouTube, Vimeo, Dailymotion, publishers' ``<video>`` and player frames), kept as
video blocks where they stand in the body: the source to watch and, when the page or the host gives one, a poster
picture (fetched and stored like any other picture by the media stage).

Read from the whole page before the body extractor runs (it drops frames and ``<video>``), and placed by anchor
text like figures: before the first paragraph that follows the video on the page. The portal shows a poster and
a link to the source; it embeds no third-party player unless an operator allows its host (``video_hosts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import html as lxml_html

from newsloom.extract.figures import anchor_after, anchor_key
from newsloom.model import Block, BlockKind, Image
from newsloom.text import normalize_space

YOUTUBE_ID = re.compile(r"^[\w-]{11}$")
MAX_VIDEOS = 12
# Embedded charts and maps ("flo.uri.sh/visualisation/9054508/embed"): a frame to look at, not a video to watch.
_NOT_VIDEO = re.compile(r"/(?:visuali[sz]ations?|charts?|infographics?|maps?|graphs?)(?:/|$)", re.IGNORECASE)


@dataclass(slots=True)
class VideoInfo:
    url: str
    poster: str | None
    title: str | None
    anchor: str | None


def watch_url(src: str) -> tuple[str, str | None] | None:
    """(URL to watch the video at, poster URL or None) for a player or file address, or None if not a video."""
    parts = urlsplit(src)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    path = parts.path
    if host in ("youtube.com", "youtube-nocookie.com") and path.startswith(("/embed/", "/v/", "/shorts/")):
        video_id = path.rstrip("/").rsplit("/", 1)[-1]
    elif host == "youtube.com" and path == "/watch":
        video_id = (parse_qs(parts.query).get("v") or [""])[0]
    elif host == "youtu.be":
        video_id = path.strip("/")
    else:
        video_id = ""
    if video_id:
        if not YOUTUBE_ID.match(video_id):
            return None
        return f"https://www.youtube.com/watch?v={video_id}", f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"
    if host == "player.vimeo.com" and path.startswith("/video/"):
        return f"https://vimeo.com/{path.rstrip('/').rsplit('/', 1)[-1]}", None
    if host == "dailymotion.com" and path.startswith("/embed/video/"):
        return f"https://www.dailymotion.com/video/{path.rstrip('/').rsplit('/', 1)[-1]}", None
    if parts.scheme in ("http", "https") and re.search(r"\.(mp4|webm|m3u8|mov)$", path, re.I):
        return src, None
    if parts.scheme in ("http", "https") and re.search(r"(player|video|embed)", host + path, re.I):
        return None if _NOT_VIDEO.search(path) else (src, None)
    return None


def find_videos(tree: lxml_html.HtmlElement, base_url: str | None) -> list[VideoInfo]:
    found: dict[str, VideoInfo] = {}
    for element in tree.iter("iframe", "video"):
        if len(found) >= MAX_VIDEOS:
            break
        src = element.get("src") or element.get("data-src") or ""
        if element.tag == "video" and not src:
            sources = element.xpath("./source/@src")
            src = sources[0] if sources else ""
        if not src.strip():
            continue
        resolved = urljoin(base_url or "", src.strip())
        if resolved.startswith("//"):
            resolved = "https:" + resolved
        watched = watch_url(resolved)
        if watched is None:
            continue
        url, poster = watched
        own_poster = element.get("poster")
        if own_poster:
            poster = urljoin(base_url or "", own_poster.strip())
        title = normalize_space(element.get("title") or element.get("aria-label") or "") or None
        found.setdefault(url, VideoInfo(url, poster, title, anchor_after(element)))
    return list(found.values())


def place_videos(blocks: list[Block], videos: list[VideoInfo]) -> list[Block]:
    """Each video before the body paragraph that follows it on the page; a video whose paragraph is not in the
    body belongs to something else (a teaser, a sidebar) and is left out."""
    by_anchor: dict[str, list[VideoInfo]] = {}
    for video in videos:
        if video.anchor:
            by_anchor.setdefault(video.anchor, []).append(video)
    if not by_anchor:
        return blocks
    placed: list[Block] = []
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH:
            for video in by_anchor.pop(anchor_key(block.text), []):
                poster = Image(url=video.poster, alt=video.title) if video.poster else None
                placed.append(Block(BlockKind.VIDEO, url=video.url, image=poster))
        placed.append(block)
    return placed
