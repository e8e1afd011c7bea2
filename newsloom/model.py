"""The one vocabulary of newsloom: every stage takes and returns these objects.

Plain dataclasses, no I/O. ``Article`` is what extraction produces and the portal shows; its ``body`` is derived
from ``blocks`` so the two never disagree. ``to_dict`` gives the JSON shape of ``newsloom extract`` and
``newsloom export`` (the CLI contract): keys ``url, canonical_url, title, lead, authors, published, modified,
language, site_name, section, tags, body, blocks, images, attribution, outlet``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

# Where an article of unknown date sorts: after every dated one. Only a live feed's first sighting dates an undated
# article (``listed_at``); the time an archive was imported never does. Shown as no date, never in the news sitemap.
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    QUOTE = "quote"
    LIST = "list"
    IMAGE = "image"
    VIDEO = "video"
    TABLE = "table"


class AttributionKind(StrEnum):
    ACCORDING_TO = "according_to"
    SOURCE_URL = "source_url"
    DATELINE = "dateline"
    PHOTO_CREDIT = "photo_credit"


@dataclass(slots=True)
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    width: int | None = None
    height: int | None = None
    is_cover: bool = False


@dataclass(slots=True)
class Block:
    """One unit of the body in reading order.

    ``text`` holds the text of paragraphs, headings and quotes; ``items`` the entries of a list (or table rows,
    cells joined by tabs); ``image`` the picture of an image block; ``url`` the source of a video embed.
    """

    kind: BlockKind
    text: str = ""
    items: list[str] = field(default_factory=list)
    level: int | None = None
    image: Image | None = None
    url: str | None = None

    def plain_text(self) -> str:
        if self.kind in (BlockKind.LIST, BlockKind.TABLE):
            return "\n".join(self.items)
        if self.kind == BlockKind.IMAGE:
            return ""
        return self.text


@dataclass(slots=True)
class Attribution:
    kind: AttributionKind
    name: str | None = None
    url: str | None = None
    text: str | None = None


@dataclass(slots=True)
class Article:
    url: str
    canonical_url: str
    title: str
    lead: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    attribution: list[Attribution] = field(default_factory=list)
    # Set by the store and later stages, not by extraction.
    id: int | None = None
    source_id: int | None = None
    story_id: int | None = None
    fetched_at: datetime | None = None
    hidden: bool = False
    translated_from: int | None = None
    translation_backend: str | None = None  # on a translated edition: the backend and model that made it
    translation_model: str | None = None
    listed_at: datetime | None = None  # where listings sort it: published, else first seen in a live feed
    # The publisher, as enrichment settles it (``newsloom/outlets.py``): its normalised name (exported as
    # ``outlet``), the page's evidence for it (``(kind, name)``, most trusted first) and its logo.
    outlet: str | None = None
    outlet_evidence: list[tuple[str, str]] = field(default_factory=list)
    outlet_logo: str | None = None
    # Placement in the portal's section scheme (``newsloom/enrich/sections``): ``section`` is the scheme section;
    # what the publisher called it, the feed's mapping and the page's breadcrumb are kept as evidence.
    publisher_section: str | None = None
    feed_section: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    section_rule: str | None = None  # feed | publisher | breadcrumb | url | classifier | editor; None: unplaced
    section_confidence: float | None = None
    tag_kinds: dict[str, str] = field(default_factory=dict)  # tag -> person | organisation | place | topic

    @property
    def body(self) -> str:
        """Plain text: one paragraph per text block, blocks separated by a blank line."""
        return "\n\n".join(text for block in self.blocks if (text := block.plain_text().strip()))

    @property
    def cover_image(self) -> Image | None:
        for image in self.images:
            if image.is_cover:
                return image
        return self.images[0] if self.images else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "lead": self.lead,
            "authors": list(self.authors),
            "published": _iso(self.published),
            "modified": _iso(self.modified),
            "language": self.language,
            "site_name": self.site_name,
            "section": self.section,
            "tags": list(self.tags),
            "body": self.body,
            "blocks": [block_to_dict(block) for block in self.blocks],
            "images": [dataclasses.asdict(image) for image in self.images],
            "attribution": [attribution_to_dict(item) for item in self.attribution],
            "outlet": self.outlet,
        }


@dataclass(slots=True)
class FetchedPage:
    """Bytes of one page as fetched or read from disk, before extraction.

    ``origin`` says where the bytes came from (a path, ``file.warc.gz#offset`` or the fetched URL) for reports.
    """

    content: bytes
    origin: str
    url: str | None = None
    final_url: str | None = None
    content_type: str | None = None
    fetched_at: datetime | None = None
    source_id: int | None = None
    section: str | None = None


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """A page that could not be read, with where and why: a line in an import or crawl report."""

    origin: str
    reason: str


@dataclass(slots=True)
class Section:
    slug: str
    name: str
    id: int | None = None
    parent_slug: str | None = None


@dataclass(slots=True)
class Feed:
    """An entry point of a source: a feed, a sitemap or a section page, polled on its own schedule."""

    url: str
    kind: str  # rss | atom | jsonfeed | sitemap | news_sitemap | section_page
    section: str | None = None
    id: int | None = None
    source_id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_streak: int = 0
    next_poll_at: datetime | None = None
    poll_interval_seconds: int = 900


@dataclass(slots=True)
class Source:
    """A publisher."""

    name: str
    homepage: str
    language: str | None = None
    country: str | None = None
    logo_url: str | None = None
    feeds: list[Feed] = field(default_factory=list)
    id: int | None = None
    slug: str | None = None


@dataclass(slots=True)
class Story:
    """A cluster of articles from one or more outlets on the same event."""

    title: str
    id: int | None = None
    first_published: datetime | None = None
    last_published: datetime | None = None
    article_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Media:
    """A picture the portal stores: where it came from, its content hash (naming its files), its size and the
    widths of its renditions (WebP and the original format at each). ``status`` is "ok" or "failed"."""

    url: str
    status: str
    digest: str | None = None
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    widths: tuple[int, ...] = ()
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.digest is not None and bool(self.widths)


@dataclass(slots=True)
class Comment:
    article_id: int
    author_name: str
    body: str
    status: str = "pending"  # pending | published | rejected
    parent_id: int | None = None
    id: int | None = None
    created_at: datetime | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


_BLOCK_KINDS = {kind.value: kind for kind in BlockKind}


def block_to_dict(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": block.kind.value}
    if block.text:
        data["text"] = block.text
    if block.items:
        data["items"] = list(block.items)
    if block.level is not None:
        data["level"] = block.level
    if block.image is not None:
        data["image"] = dataclasses.asdict(block.image)
    if block.url:
        data["url"] = block.url
    return data


def block_from_dict(data: dict[str, Any]) -> Block:
    image = data.get("image")
    kind = data["kind"]
    return Block(
        kind=_BLOCK_KINDS.get(kind) or BlockKind(kind),  # a dict lookup: an article page reads ~25 blocks
        text=data.get("text", ""),
        items=list(data.get("items", [])),
        level=data.get("level"),
        image=Image(**image) if image else None,
        url=data.get("url"),
    )


def attribution_to_dict(item: Attribution) -> dict[str, Any]:
    return {"kind": item.kind.value, "name": item.name, "url": item.url, "text": item.text}


def attribution_from_dict(data: dict[str, Any]) -> Attribution:
    return Attribution(
        kind=AttributionKind(data["kind"]), name=data.get("name"), url=data.get("url"), text=data.get("text")
    )
