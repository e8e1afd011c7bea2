"""Publisher tags as readers would name topics: CMS flags (``ctp_video``, ``autoplay_video``, "Standard", "GEN"),
wire labels ("AP", "A Wire", "MC Complete - State & National"), ids, URLs and phrases ("giảm 900.000 đồng/lượng")
dropped, one spelling per tag (case and diacritics folded). How many are kept is the store's bound
(``newsloom/size_caps.py``, reported as a cut).
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
        "standard",  # an article template's name
        "gen",  # a wire's "general news" code
        "top news",
        "topnews",
        "medium",  # a length or layout flag
        "red",  # an editorial desk's code
        "tin tức",
        "tin nóng",
        "tin mới",
        "nổi bật",
    )
)
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")  # ctp_video, autoplay_video, section_front
_ID = re.compile(r"^(?=(?:\D*\d){3})[\w-]+$|^[0-9a-f-]{8,}$", re.IGNORECASE)  # a1b2c3, 123-456, 3f2a… ("G7" is no id)
_URLISH = re.compile(r"(?:://|^www\.|\.(?:com|net|org|html?|php)\b)", re.IGNORECASE)
# A phrase rather than a topic: a quantity ("giảm 900.000 đồng/lượng", "tăng 3,5%") in a tag of several words
# ("50 Mbit/s", "Euro 2024" are topics).
_QUANTITY = re.compile(r"\d[.,]\d|%")
MAX_TAG_WORDS = 6
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")  # a wire's subject code: GEN, INDG08, ASXPAC (or NATO, a topic)
_PREFIXED_CODE = re.compile(r"^[A-Z]+:[A-Z0-9-]+$")  # RSBI:HUMAN-RIGHTS, PACKAGE:US-TOP-NEWS
MIN_CODE_LIST = 5  # "Olympische Spiele 2024 in Paris" is a topic; a longer tag is a sentence
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
    if _PREFIXED_CODE.match(tag):
        return True
    words = len(tag.split())
    if words > MAX_TAG_WORDS or (words >= 2 and _QUANTITY.search(tag)):
        return True
    # "MC Complete - State & National": a feed's label, not a topic.
    return " - " in tag and bool(_WIRE_FEED.search(tag))


def clean_publisher_tags(tags: list[str]) -> list[str]:
    """The page's topics; where most of its tags are capital-letter codes (a wire's subject codes: "AER", "INDG08",
    "MEAST"), its codes are all dropped, a real acronym among them too."""
    tags = [" ".join(tag.split()) for tag in tags]
    codes = {tag for tag in tags if _CODE.match(tag)}
    coded = len(codes) >= MIN_CODE_LIST and 2 * len(codes) >= len(tags)
    kept: dict[str, str] = {}
    for tag in tags:
        if is_noise(tag) or (coded and tag in codes):
            continue
        kept.setdefault(fold(tag), tag)
    return list(kept.values())
