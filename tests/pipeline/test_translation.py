"""The translation stage on a real SQLite store with the tiny CTranslate2 model and loopback HTTP servers."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from newsloom.enrich.stories import WINDOW
from newsloom.enrich.translate.offline import CTranslate2Translator
from newsloom.model import Article, Block, BlockKind, FetchedPage
from newsloom.pipeline import process_page, update_stories
from newsloom.pipeline.translation import translate_pending
from newsloom.settings import Settings
from newsloom.store import schema
from newsloom.store.sql import SQLStore
from newsloom.store.translations import TranslationStore
from tests.enrich.translate.helpers import (
    EN_REFERENCE,
    VI_ALT,
    VI_SENTENCES,
    VI_TITLE,
    answer_for,
    translation_server,
    vietnamese_page,
)


def _import(store: SQLStore, html: str, origin: str = "page.html") -> int:
    result = process_page(FetchedPage(content=html.encode(), origin=origin), store)
    assert result.article_id is not None, result
    return result.article_id


def _edition(store: SQLStore, original_id: int):  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        edition_id = conn.execute(
            sa.select(schema.articles.c.id).where(schema.articles.c.translated_from == original_id)
        ).scalar()
    return store.get_article(edition_id) if edition_id else None


def test_tiny_model_makes_an_english_edition_beside_the_original(
    store: SQLStore, settings: Settings, tiny_models: Path
) -> None:
    original_id = _import(store, vietnamese_page())
    configured = settings.model_copy(update={"translate_backend": "ctranslate2", "translate_model_dir": tiny_models})
    stats = translate_pending(store, configured)
    assert stats.editions == 1 and stats.failed == 0
    original = store.get_article(original_id)
    edition = _edition(store, original_id)
    assert original is not None and edition is not None
    assert original.title == VI_TITLE and original.language == "vi"  # the original is untouched
    assert edition.language == "en" and edition.translated_from == original_id
    assert edition.translation_backend == "ctranslate2" and edition.translation_model == "vi_en"
    # What the model says, through the same tokeniser and decoder: loading and decoding are real.
    direct = CTranslate2Translator(tiny_models)
    assert edition.title == direct.translate([VI_TITLE], "vi", "en")[0]
    alts = [image.alt for image in edition.images]
    assert VI_ALT in [image.alt for image in original.images]
    assert VI_ALT not in alts and direct.translate([VI_ALT], "vi", "en")[0] in alts
    assert len(edition.blocks) == len(original.blocks)
    # Done once: a second run has nothing due, the memory answers for an identical page elsewhere.
    assert translate_pending(store, configured).editions == 0
    _import(store, vietnamese_page(url="https://syndicated.example.vn/musk-putin"), "copy.html")
    again = translate_pending(store, configured)
    assert again.editions == 1 and again.hit_rate == 1.0


def test_libretranslate_edition_title_is_the_servers_answer(store: SQLStore, settings: Settings) -> None:
    original_id = _import(store, vietnamese_page())
    with translation_server() as (url, state):
        configured = settings.model_copy(
            update={"translate_backend": "libretranslate", "translate_url": url, "translate_api_key": "k3y"}
        )
        stats = translate_pending(store, configured)
    assert stats.editions == 1
    edition = _edition(store, original_id)
    assert edition is not None and edition.title == answer_for(VI_TITLE)
    assert answer_for(VI_ALT) in [image.alt for image in edition.images]
    assert state.api_keys and set(state.api_keys) == {"k3y"}
    assert all(request["source"] == "vi" and request["target"] == "en" for request in state.requests)


@pytest.mark.parametrize("mode", ["fail", "short", "slow"])
def test_a_failing_server_leaves_the_original_and_a_retry(store: SQLStore, settings: Settings, mode: str) -> None:
    original_id = _import(store, vietnamese_page())
    with translation_server(mode) as (url, _):
        configured = settings.model_copy(
            update={
                "translate_backend": "libretranslate",
                "translate_url": url,
                "translate_retries": 1,
                "translate_backoff_seconds": 0.01,
                "translate_timeout": 0.5,
            }
        )
        stats = translate_pending(store, configured)
    assert stats.editions == 0 and stats.failed == 1
    reason = stats.failures[0][1]
    expected = {"fail": "answered 500", "short": "returned", "slow": "within 0.5 s (translate_timeout)"}[mode]
    assert expected in reason
    assert store.get_article(original_id) is not None and _edition(store, original_id) is None
    jobs = TranslationStore(store.engine)
    assert [job.status for job in jobs.jobs_for(original_id)] == ["failed"]
    # Not due again at once on import/crawl, due on `newsloom translate` (retry_now): and then it works.
    with translation_server() as (url, _):
        configured = configured.model_copy(update={"translate_url": url})
        assert translate_pending(store, configured).editions == 0
        assert translate_pending(store, configured, retry_now=True).editions == 1
    assert [job.status for job in jobs.jobs_for(original_id)] == ["done"]


def test_openai_backend_keeps_segments_and_rejects_a_bad_answer(store: SQLStore, settings: Settings) -> None:
    original_id = _import(store, vietnamese_page())
    with translation_server() as (url, state):
        configured = settings.model_copy(
            update={
                "translate_backend": "openai",
                "translate_url": url + "/v1",
                "translate_model": "qwen-7b",
                "translate_api_key": "sk-test",
                "translate_batch_size": 4,
            }
        )
        assert translate_pending(store, configured).editions == 1
    edition = _edition(store, original_id)
    assert edition is not None and edition.title == answer_for(VI_TITLE)
    assert edition.translation_backend == "openai" and edition.translation_model == "qwen-7b"
    assert len(state.requests) > 1 and all(r["model"] == "qwen-7b" for r in state.requests)
    assert set(state.api_keys) == {"Bearer sk-test"}
    _import(store, vietnamese_page(url="https://other.example.vn/a", paragraphs=["Một câu hoàn toàn mới ở đây."]))
    with translation_server("bad-json") as (url, _):
        stats = translate_pending(store, configured.model_copy(update={"translate_url": url + "/v1"}))
    assert stats.failed == 1 and "JSON array" in stats.failures[0][1]


def test_a_missing_model_is_a_skip_until_one_is_installed_and_a_corrupt_one_fails_clearly(
    store: SQLStore, settings: Settings, tmp_path: Path, tiny_models: Path
) -> None:
    original_id = _import(store, vietnamese_page())
    configured = settings.model_copy(
        update={"translate_backend": "ctranslate2", "translate_model_dir": tmp_path / "nowhere"}
    )
    stats = translate_pending(store, configured)
    assert stats.failed == 0 and stats.skipped == {"no model for vi→en": 1} and stats.stopped is None
    job = TranslationStore(store.engine).jobs_for(original_id)[0]
    assert job.status == "skipped" and job.reason == "no model for vi→en"
    # Not retried while no model is installed, not even by `newsloom translate` (retry_now).
    again = translate_pending(store, configured, retry_now=True)
    assert again.skipped == {} and again.failed == 0 and again.editions == 0
    corrupt = tmp_path / "models" / "vi_en"
    (corrupt / "model").mkdir(parents=True)
    (corrupt / "model" / "model.bin").write_bytes(b"not a model")
    (corrupt / "sentencepiece.model").write_bytes(b"not a tokeniser")
    stats = translate_pending(
        store, configured.model_copy(update={"translate_model_dir": tmp_path / "models"}), retry_now=True
    )
    assert stats.failed == 1 and "cannot load the vi→en model" in stats.failures[0][1]
    assert store.get_article(original_id) is not None and _edition(store, original_id) is None
    # A working model installed: the article is translated on the next run.
    stats = translate_pending(store, configured.model_copy(update={"translate_model_dir": tiny_models}), retry_now=True)
    assert stats.editions == 1 and _edition(store, original_id) is not None


def test_bad_input_script_cap_and_skipped_sources(store: SQLStore, settings: Settings, tiny_models: Path) -> None:
    configured = settings.model_copy(update={"translate_backend": "ctranslate2", "translate_model_dir": tiny_models})
    # An article declared Vietnamese whose text is Chinese: not sent to a vi→en model.
    chinese = "俄罗斯否认马斯克与普京秘密通话的报道。克里姆林宫发言人表示这是虚假信息。"
    mislabelled = Article(
        url="https://dantri.example.vn/zh",
        canonical_url="https://dantri.example.vn/zh",
        title="俄罗斯否认马斯克与普京秘密通话",
        language="vi",
        blocks=[Block(BlockKind.PARAGRAPH, chinese * 4), Block(BlockKind.PARAGRAPH, "")],
    )
    zh_id = store.upsert_article(mislabelled).article_id
    # A 100k-word page: translated up to the cap, the rest kept as written.
    long_paragraphs = [f"Đoạn văn số {n} kể lại diễn biến cuộc họp báo tại Hà Nội hôm nay. " * 40 for n in range(250)]
    long_id = _import(store, vietnamese_page(url="https://dantri.example.vn/long", paragraphs=long_paragraphs), "l")
    stats = translate_pending(store, configured.model_copy(update={"translate_max_chars": 3000}))
    # Skipped with its reason, not failed: a page's own problem says nothing about the backend.
    assert stats.failed == 0 and stats.skipped == {"text is mostly in Cjk script, not the script of language 'vi'": 1}
    assert TranslationStore(store.engine).jobs_for(zh_id)[0].status == "skipped"
    assert store.get_article(zh_id) is not None and _edition(store, zh_id) is None
    edition = _edition(store, long_id)
    original = store.get_article(long_id)
    assert edition is not None and original is not None and stats.partial == 1
    assert edition.blocks[-1].text == original.blocks[-1].text  # past the cap: as written
    assert edition.title != original.title
    job = TranslationStore(store.engine).jobs_for(long_id)[0]
    assert job.status == "partial" and "translate_max_chars" in job.reason
    # Skipped sources are never translated.
    skipped_id = _import(store, vietnamese_page(url="https://skipped.example.vn/a"), "s.html")
    source_id = store.get_article(skipped_id).source_id  # type: ignore[union-attr]
    with store.engine.connect() as conn:
        slug = conn.execute(sa.select(schema.sources.c.slug).where(schema.sources.c.id == source_id)).scalar()
    translate_pending(store, configured.model_copy(update={"translate_skip_sources": slug}))
    assert _edition(store, skipped_id) is None


class ReferenceTranslator:
    """A backend that knows the reference page's sentences: the Protocol is the seam, this is its smallest
    implementation, so the stories test reads real English and not a model's noise."""

    name = "reference"
    model = "reference-page"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        known = dict(
            zip([VI_TITLE, *VI_SENTENCES], ["Russia denies Musk and Putin secret contacts", *EN_REFERENCE], strict=True)
        )
        return [known.get(text, text) for text in texts]


def test_a_translated_edition_meets_its_original_and_english_coverage_in_one_story(
    store: SQLStore, settings: Settings
) -> None:
    original_id = _import(store, vietnamese_page())
    coverage = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Kremlin denies report that Musk secretly contacted Putin</title>"
        "<link rel='canonical' href='https://news.example.com/world/kremlin-denies-musk-putin'>"
        "<meta property='article:published_time' content='2026-11-29T10:00:00+00:00'></head><body><article>"
        "<h1>Kremlin denies report that Musk secretly contacted Putin</h1>"
        "<p>The Kremlin on Friday denied a Wall Street Journal report that billionaire Elon Musk had been in secret "
        "contact with Russian President Vladimir Putin and senior Russian officials.</p>"
        "<p>Spokesman Dmitry Peskov said the false information was spread because of Musk's role in the US "
        "presidential election, and that the billionaire and the Russian president had one phone call before the "
        "war in Ukraine.</p><p>Musk has donated more than $100 million to support Donald Trump's campaign.</p>"
        "</article></body></html>"
    )
    coverage_id = _import(store, coverage, "coverage.html")
    # Without the translation, the Vietnamese original shares no words with the English coverage.
    from newsloom.enrich.stories import group_into_stories
    from newsloom.store.stories import StoryStore

    raw = group_into_stories(StoryStore(store.engine).pending_window(WINDOW))
    assert raw[original_id] != raw[coverage_id]
    stats = translate_pending(store, settings, translator=ReferenceTranslator())
    assert stats.editions == 1
    edition = _edition(store, original_id)
    assert edition is not None
    update_stories(store)
    stories = {a: store.get_article(a).story_id for a in (original_id, edition.id, coverage_id)}  # type: ignore[union-attr]
    assert None not in stories.values() and len(set(stories.values())) == 1, stories


def test_a_server_without_the_pair_is_a_skip_not_a_failure(store: SQLStore, settings: Settings) -> None:
    """LibreTranslate lists what it translates (GET /languages) and answers 400 "pt is not supported" otherwise:
    Portuguese articles stored first are skipped as "no model for pt→en", never stopping the run before the
    Vietnamese one."""
    from newsloom.enrich.translate.base import NoModelError
    from newsloom.enrich.translate.remote import LibreTranslateTranslator

    portuguese = [
        store.upsert_article(
            Article(
                url=f"https://pt.example/{n}",
                canonical_url=f"https://pt.example/{n}",
                language="pt-BR",
                title=f"O governo anunciou medidas {n}",
                blocks=[Block(BlockKind.PARAGRAPH, "A inflação caiu.")],
            )
        ).article_id
        for n in range(4)
    ]
    original_id = _import(store, vietnamese_page())
    with translation_server() as (url, state):
        configured = settings.model_copy(update={"translate_backend": "libretranslate", "translate_url": url})
        stats = translate_pending(store, configured)
        with pytest.raises(NoModelError) as raised:  # a server that does not list its pairs still says so
            LibreTranslateTranslator(url).translate(["A inflação caiu."], "pt", "en")
    assert stats.editions == 1 and stats.failed == 0 and stats.stopped is None
    assert stats.skipped == {"no model for pt→en": 4} and _edition(store, original_id) is not None
    assert all(request["source"] == "vi" for request in state.requests[:-1])  # none sent for the skipped ones
    assert raised.value.reason == "no model for pt→en" and "pt is not supported" in raised.value.hint
    assert {job.status for a in portuguese for job in TranslationStore(store.engine).jobs_for(a)} == {"skipped"}
