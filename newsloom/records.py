"""Article records: one JSON object per article, the shape ``newsloom export`` writes and ``newsloom import`` reads.

A record needs ``url``, ``title`` and a body (``body`` text, or the ``blocks`` export writes); it may give
``published``, ``lead``, ``outlet``, ``site_name``, ``language``, ``authors``, ``section`` (or ``category``),
``tags``, ``images`` and ``attribution``. Keys it does not know (a corpus's ``event``, ``id``, ``is_vietnamese``)
are ignored. Such a record is an article as extraction would give it, and goes through enrichment like a page.

A record written by ``newsloom export`` carries what the store decided as well (its section placement, tag kinds,
story, translation link, comments, whether it is hidden, when it was listed): importing it keeps those decisions
rather than deciding again, so ``export`` then ``import`` moves a store without loss (SQLite to PostgreSQL). It
is told apart by the ``section_rule`` key, which only ``export`` writes.

Pure conversions, no I/O: reading lines is ``newsloom/fetch/records.py``, storing ``newsloom/store/records.py``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsloom.errors import InputError
from newsloom.model import Article, Block, BlockKind, Image, attribution_from_dict, block_from_dict
from newsloom.text import split_sentences

_PARAGRAPHS = re.compile(r"\n\s*\n")
FLAT_BODY_CHARS = 1_000  # a body this long on one line lost its paragraphs on the way (a corpus flattened it)
_QUOTE_MARKS = re.compile(r'["“”]')
PARAGRAPH_CHARS = 400  # about two or three sentences of a news paragraph
COMMENT_STATUSES = ("pending", "published", "rejected")  # another status is held for moderation
_IMAGE_FIELDS = {item.name for item in dataclasses.fields(Image)}


@dataclass(slots=True)
class StoredComment:
    """A reader comment as export writes it; ``parent`` is the exporting store's id of the comment it answers."""

    author_name: str
    body: str
    status: str
    created_at: datetime | None
    key: int | None = None
    parent: int | None = None


@dataclass(slots=True)
class Record:
    """One line of an import: the article, and (from ``export``) the store's decisions about it."""

    article: Article
    settled: bool = False  # written by export: language, tags, section are kept as given
    enriched: bool = False  # the batch enrichment had seen it: not again
    story_key: str | None = None  # canonical URL of the story's first report
    story_title: str | None = None
    translation_of: str | None = None  # an edition: its original's canonical URL
    translation_status: str | None = None  # done | partial
    translation_flags: list[dict[str, str]] = field(default_factory=list)
    comments: list[StoredComment] = field(default_factory=list)
    decisions: dict[str, Any] = field(default_factory=dict)

    def keep_decisions(self, article: Article) -> Article:
        """After enrichment: what an exported record says about language, tags and section wins (the store that
        exported it had decided, maybe by its classifier or entity tagger, which would not decide the same)."""
        for name, value in self.decisions.items():
            setattr(article, name, value)
        return article


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key}: expected text, got {type(value).__name__}")
    return value.strip() or None


def _strings(data: dict[str, Any], key: str) -> list[str]:
    """A list of names; a single text is one name (``"authors": "Huỳnh Anh"``)."""
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(f"{key}: expected a list of texts")
    return [item.strip() for item in value if item.strip()]


def parse_date(value: object, key: str) -> datetime | None:
    """ISO 8601 (``Z`` or an offset; a date without one is taken as UTC), or a Unix time in seconds."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        if not isinstance(value, str):
            raise TypeError
        parsed = datetime.fromisoformat(value.strip())
    except (TypeError, ValueError, OverflowError, OSError):
        raise InputError(f"{key}: not a date: {str(value)[:60]!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _blocks(data: dict[str, Any]) -> list[Block]:
    raw = data.get("blocks")
    if raw:
        if not isinstance(raw, list):
            raise InputError("blocks: expected a list")
        try:
            return [block_from_dict(item) for item in raw]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InputError(f"blocks: not blocks as export writes them ({type(error).__name__}: {error})") from None
    body = data.get("body")
    if body is None:
        return []
    if not isinstance(body, str):
        raise InputError(f"body: expected text, got {type(body).__name__}")
    paragraphs = _PARAGRAPHS.split(body.strip())
    if len(paragraphs) == 1:
        paragraphs = body.strip().splitlines()
    texts = [text for part in paragraphs if (text := " ".join(part.split()))]
    if len(texts) == 1:
        texts = split_flat_text(texts[0])
    return [Block(BlockKind.PARAGRAPH, text=text) for text in texts]


def _inside_quotation(text: str) -> bool:
    """Whether ``text`` ends inside a quotation. Writers mix the marks (a straight one opened, a curly one
    closing), so a straight mark turns the quotation on or off, “ opens and ” closes."""
    inside = False
    for mark in _QUOTE_MARKS.findall(text):
        inside = (not inside) if mark == '"' else mark == "“"
    return inside


def split_flat_text(text: str) -> list[str]:
    """A long body without a single line break into paragraphs of a few sentences each, so the page is not one
    wall of text. Cuts only between sentences (``split_sentences``) where the next starts with a capital or a digit,
    outside quotation marks, and never after a short capitalised word ("TP. HCM", "Mr. Smith"); the words are kept
    as they are, only the breaks are new."""
    if len(text) < FLAT_BODY_CHARS:
        return [text]
    sentences, separators = split_sentences(text)
    parts: list[str] = []
    current = ""
    for sentence, separator, following in zip(sentences, separators, [*sentences[1:], ""], strict=True):
        current += sentence
        if len(current) >= PARAGRAPH_CHARS and _paragraph_may_end(current, following):
            parts.append(current)
            current = ""
        else:
            current += separator
    tail = current.strip()
    if parts and len(tail) < PARAGRAPH_CHARS // 3:
        parts[-1] = f"{parts[-1]} {tail}"
    elif tail:
        parts.append(tail)
    return parts


def _paragraph_may_end(text: str, following: str) -> bool:
    starts = following.lstrip('"“‘(')[:1]
    if not (starts.isupper() or starts.isdigit()):
        return False
    last_word = text.rsplit(maxsplit=1)[-1].rstrip('.!?…"”’)')
    return not (len(last_word) <= 3 and last_word[:1].isupper()) and not _inside_quotation(text)


def _images(data: dict[str, Any]) -> list[Image]:
    raw = data.get("images") or []
    if not isinstance(raw, list):
        raise InputError("images: expected a list")
    images = []
    for item in raw:
        if isinstance(item, str):
            images.append(Image(url=item))
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            images.append(Image(**{key: value for key, value in item.items() if key in _IMAGE_FIELDS}))
        else:
            raise InputError("images: each one an address or an object with a url")
    return images


def _attribution(data: dict[str, Any]) -> list[Any]:
    raw = data.get("attribution") or []
    try:
        return [attribution_from_dict(item) for item in raw]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError("attribution: not attribution as export writes it") from None


def _comments(data: dict[str, Any]) -> list[StoredComment]:
    raw = data.get("comments") or []
    if not isinstance(raw, list):
        raise InputError("comments: expected a list")
    comments = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("body"), str):
            raise InputError("comments: each one an object with a body")
        comments.append(
            StoredComment(
                author_name=str(item.get("author_name") or "")[:100],
                body=item["body"],
                status=item["status"] if item.get("status") in COMMENT_STATUSES else "pending",
                created_at=parse_date(item.get("created_at"), "comments.created_at"),
                key=item.get("id") if isinstance(item.get("id"), int) else None,
                parent=item.get("parent_id") if isinstance(item.get("parent_id"), int) else None,
            )
        )
    return comments


def record_from_dict(data: object) -> Record:
    """The article a record describes; an ``InputError`` says why a record is unusable."""
    if not isinstance(data, dict):
        raise InputError(f"not an article: a JSON {type(data).__name__}, not an object")
    url = _text(data, "url") or _text(data, "canonical_url")
    if not url:
        raise InputError("no url")
    title = _text(data, "title")
    if not title:
        raise InputError("no title")
    blocks = _blocks(data)
    if not any(block.plain_text().strip() for block in blocks):
        raise InputError("no body")
    tags = _strings(data, "tags")
    article = Article(
        url=url,
        canonical_url=_text(data, "canonical_url") or url,
        title=" ".join(title.split()),
        lead=_text(data, "lead"),
        authors=_strings(data, "authors"),
        published=parse_date(data.get("published"), "published"),
        modified=parse_date(data.get("modified"), "modified"),
        language=_text(data, "language"),
        site_name=_text(data, "site_name"),
        section=_text(data, "section") or _text(data, "category"),
        tags=tags,
        blocks=blocks,
        images=_images(data),
        attribution=_attribution(data),
    )
    outlet = _text(data, "outlet")
    # The outlet is still decided by the registrable domain (as for pages); the record's name is its best evidence.
    article.outlet_evidence = [("json-ld", outlet)] if outlet else []
    if article.site_name:
        article.outlet_evidence.append(("site", article.site_name))
    record = Record(article)
    if "section_rule" in data:
        _settle(record, data)
    return record


def _settle(record: Record, data: dict[str, Any]) -> None:
    """What an exported record carries beyond the extracted article."""
    article = record.article
    kinds = data.get("tag_kinds") or {}
    if not isinstance(kinds, dict):
        raise InputError("tag_kinds: expected an object")
    confidence = data.get("section_confidence")
    record.settled = True
    record.decisions = {
        "language": article.language,
        "tags": list(article.tags),
        "tag_kinds": {tag: str(kinds.get(tag, "topic")) for tag in article.tags},
        "section": article.section,
        "section_rule": _text(data, "section_rule"),
        "section_confidence": float(confidence) if isinstance(confidence, int | float) else None,
        "publisher_section": _text(data, "publisher_section"),
    }
    article.hidden = bool(data.get("hidden"))
    article.listed_at = parse_date(data.get("listed_at"), "listed_at")
    article.fetched_at = parse_date(data.get("fetched_at"), "fetched_at")
    article.translation_backend = _text(data, "translation_backend")
    article.translation_model = _text(data, "translation_model")
    record.enriched = bool(data.get("enriched"))
    story = data.get("story")
    if isinstance(story, dict) and isinstance(story.get("key"), str):
        record.story_key = story["key"]
        record.story_title = story.get("title") if isinstance(story.get("title"), str) else None
    record.translation_of = _text(data, "translation_of")
    record.translation_status = _text(data, "translation_status") or ("done" if record.translation_of else None)
    flags = data.get("translation_flags") or []
    if not isinstance(flags, list) or not all(isinstance(flag, dict) for flag in flags):
        raise InputError("translation_flags: expected a list of objects")
    record.translation_flags = [
        {name: str(flag.get(name) or "") for name in ("part", "kind", "original", "translated", "detail")}
        for flag in flags
    ]
    record.comments = _comments(data)
