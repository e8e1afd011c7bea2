"""A crawl round makes the translated editions of what it stored, and a down translation server never stops it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from newsloom.pipeline import Outcome
from newsloom.store import open_store, schema
from tests.enrich.translate.helpers import answer_for, translation_server
from tests.fetch.site import FaultSite
from tests.sources.newsite import NewsSite
from tests.support.crawl import crawl, crawl_settings, register


def _editions(store) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    a = schema.articles
    with store.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(sa.select(a.c.title, a.c.language).where(a.c.translated_from.is_not(None)))
        ]


def test_crawl_round_translates_new_articles_and_survives_a_down_server(tmp_path: Path) -> None:
    with FaultSite() as site, translation_server("fail") as (url, state):
        settings = crawl_settings(tmp_path).model_copy(
            update={
                "translate_backend": "libretranslate",
                "translate_url": url,
                "translate_targets": "vi",
                "translate_retries": 0,
            }
        )
        store = open_store(settings)
        NewsSite(site, count=3, feed_size=5)
        register(store, "Loopback Times", site, ("/feed.xml", "rss"))
        down = crawl(settings, store)
        assert down.articles[Outcome.NEW] == 3 and store.count_articles() == 3  # stored, untranslated
        assert down.translation is not None and down.translation.failed >= 1
        assert _editions(store) == []
        state.mode = "ok"
        # The failed jobs wait for their retry time; `newsloom translate` (retry_now) or a later round makes them.
        from newsloom.pipeline.translation import translate_pending

        stats = translate_pending(store, settings, retry_now=True)
        assert stats.editions == 3
        editions = _editions(store)
        assert len(editions) == 3 and all(language == "vi" for _, language in editions)
        assert {title for title, _ in editions} == {answer_for(f"Storm report {n}") for n in range(3)}
        store.close()
