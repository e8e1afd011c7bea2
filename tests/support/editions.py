"""Language editions in a store, as the translation stage stores them: an original ``vi`` article and an ``en``
article with ``translated_from`` set, an untranslated ``vi`` article and an English original."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from newsloom.model import Block, BlockKind
from newsloom.store import SQLStore
from tests.support.articles import make_article
from tests.support.web import AppServer


@dataclass
class Editions:
    """The ``editions`` fixture's portal: ``client()`` in-process, ``url`` a real server started on first use."""

    server: AppServer
    store: SQLStore
    original: int  # vi, translated into en
    translation: int  # en, translated_from = original
    untranslated: int  # vi, no translation
    english: int  # en original

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, **headers: str) -> httpx.Client:
        return self.server.client(follow_redirects=False, timeout=10, headers=headers)


def vietnamese(number: int, title: str, **changes: object):  # type: ignore[no-untyped-def]
    return make_article(
        number,
        url=f"https://dantri.example/{number}.htm",
        canonical_url=f"https://dantri.example/{number}.htm",
        title=title,
        lead="Sapo của bài báo.",
        language="vi",
        site_name="Báo Dân trí",
        section="Thế giới",
        tags=["Bão"],
        authors=["Nguyễn Văn A"],
        published=datetime(2026, 11, 15, 1, 30, tzinfo=UTC),
        blocks=[
            Block(BlockKind.PARAGRAPH, text="Ngày 15/11, bão số 13 đổ bộ vào miền Trung."),
            Block(BlockKind.PARAGRAPH, text="Hơn 1.200 ngôi nhà bị tốc mái."),
        ],
        **changes,
    )


def store_editions(store: SQLStore) -> dict[str, int]:
    original = store.upsert_article(vietnamese(1, "Bão số 13 đổ bộ miền Trung")).article_id
    translation = make_article(
        2,
        url="https://portal.example/en/bao-so-13",
        canonical_url="https://portal.example/en/bao-so-13",
        title="Storm No. 13 makes landfall in central Vietnam",
        lead="The article's lead.",
        language="en",
        site_name="Báo Dân trí",
        section="Thế giới",
        tags=["Bão"],
        authors=["Nguyễn Văn A"],
        published=datetime(2026, 11, 15, 1, 30, tzinfo=UTC),
        blocks=[
            Block(BlockKind.PARAGRAPH, text="On November 15, storm No. 13 made landfall in central Vietnam."),
            Block(BlockKind.PARAGRAPH, text="More than 1,200 houses lost their roofs."),
        ],
        translated_from=original,
    )
    translated = store.upsert_article(translation).article_id
    untranslated = store.upsert_article(vietnamese(3, "Giá xăng giảm lần thứ ba")).article_id
    english = store.upsert_article(make_article(4, title="Markets rally in Asia")).article_id
    return {"original": original, "translation": translated, "untranslated": untranslated, "english": english}
