"""Publisher tags as readers would name topics: CMS flags (``ctp_video``, ``autoplay_video``), wire labels ("AP",
"A Wire", "MC Complete - State & National"), ids and URLs dropped, one spelling per tag (case and diacritics
folded). How many are kept is the store's bound (``newsloom/size_caps.py``, reported as a cut).
"""

from __future__ import annotations

import re

from newsloom.section_scheme import fold
from newsloom.wires import WIRE_LABELS

MAX_TAG_CHARS = 60
CMS_WORDS = frozenset(
    fold(word)
    for word in (
        "featured",
        "feature",
        "breaking",
        "breaking news",
        "top story",
        "top stories",
        "homepage",
        "home page",
        "home",
        "news",
        "latest",
        "latest news",
        "trending",
        "must read",
        "editor's pick",
        "editors picks",
        "sponsored",
        "sponsored content",
        "partner content",
        "advertorial",
        "paid post",
        "premium",
        "free",
        "paywall",
        "subscriber",
        "subscribers only",
        "plus",
        "video",
        "videos",
        "photo",
        "photos",
        "gallery",
        "slideshow",
        "live",
        "live blog",
        "liveblog",
        "amp",
        "article",
        "story",
        "default",
        "uncategorized",
        "uncategorised",
        "general",
        "misc",
        "none",
        "null",
        "undefined",
        "test",
        "nofollow",
        "noindex",
        "tin tức",
        "tin nóng",
        "tin mới",
        "nổi bật",
    )
)
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")  # ctp_video, autoplay_video, section_front
_ID = re.compile(r"^(?=(?:\D*\d){3})[\w-]+$|^[0-9a-f-]{8,}$", re.IGNORECASE)  # a1b2c3, 123-456, 3f2a… ("G7" is no id)
_URLISH = re.compile(r"(?:://|^www\.|\.(?:com|net|org|html?|php)\b)", re.IGNORECASE)
_WIRE_FEED = re.compile(r"\b(?:complete|wire|feed|import|syndicat\w*|autopost\w*|ingest\w*)\b", re.IGNORECASE)


def is_noise(tag: str) -> bool:
    """Whether a publisher tag is a CMS flag, a wire label, an id or a URL rather than a topic."""
    tag = tag.strip()
    folded = fold(tag)
    if not folded or len(tag) > MAX_TAG_CHARS or len(folded) < 2:
        return True
    if folded in WIRE_LABELS or folded in CMS_WORDS:
        return True
    if _SNAKE.match(tag) or _URLISH.search(tag) or ("_" in tag and " " not in tag):
        return True
    if _ID.match(tag) and not tag.isalpha() and " " not in tag and not re.match(r"^[A-Za-z]+-\d{2}$", tag):
        return True  # an id; "COVID-19", "G7", "4G" are not
    # "MC Complete - State & National": a feed's label, not a topic.
    return " - " in tag and bool(_WIRE_FEED.search(tag))


def clean_publisher_tags(tags: list[str]) -> list[str]:
    kept: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(tag.split())
        if is_noise(tag):
            continue
        kept.setdefault(fold(tag), tag)
    return list(kept.values())
