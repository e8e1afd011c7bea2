"""Outlets by registrable domain (and "carried by"), undated articles after dated ones, the batch enrichment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsloom.enrich import enrich_article
from newsloom.model import UNDATED, Article, Block, BlockKind, Source
from newsloom.pipeline.enrichment import enrich_stored
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.enrichment import EnrichmentStore
from newsloom.store.portal_queries import PortalQueries
from newsloom.store.sources import SourceStore

TEXT = "President Joe Biden met Vladimir Putin in Geneva. Biden said Geneva was a good place to talk. " * 3


def _article(url: str, published: datetime | None, **fields: object) -> Article:
    article = Article(
        url=url,
        canonical_url=url,
        title=f"Talks in Geneva {url[-6:]}",
        published=published,
        language="en",
        blocks=[Block(BlockKind.PARAGRAPH, TEXT)],
        **fields,  # type: ignore[arg-type]
    )
    return enrich_article(article)


def test_one_outlet_per_registrable_domain_named_from_the_best_evidence(store: SQLStore) -> None:
    day = datetime(2024, 5, 1, tzinfo=UTC)
    store.upsert_article(_article("https://fr.euronews.com/a-1", day, outlet_evidence=[("og", "euronews")]))
    store.upsert_article(_article("https://www.euronews.com/a-2", day, outlet_evidence=[("json-ld", "Euronews")]))
    outlets = PortalQueries(store.engine).outlets()
    assert [(o.name, o.articles) for o in outlets] == [("Euronews", 2)]


def test_a_feed_listing_another_outlets_article_is_recorded_as_carrier(store: SQLStore) -> None:
    carrier = SourceStore(store.engine).add_source(Source(name="Aggregator", homepage="https://agg.example.org/"))
    article = _article(
        "https://edition.cnn.com/2024/x",
        datetime(2024, 5, 1, tzinfo=UTC),
        outlet_evidence=[("og", "MSN"), ("json-ld", "CNN")],
        source_id=carrier.id,
    )
    store.upsert_article(article)
    outlets = PortalQueries(store.engine).outlet_names(None)
    stored = store.get_article_by_url("https://edition.cnn.com/2024/x")
    assert stored is not None and stored.source_id is not None
    assert outlets[stored.source_id].name == "CNN"
    with store.engine.connect() as conn:
        carried = conn.exec_driver_sql("SELECT carried_by_source_id FROM articles").scalar()
    assert carried == carrier.id


def test_undated_articles_list_after_dated_ones_and_keep_no_date(store: SQLStore) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    for number in range(3):
        store.upsert_article(_article(f"https://undated.example.com/u-{number}", None))
    store.upsert_article(_article("https://dated.example.com/d-1", old))
    latest = store.latest_articles(10)
    assert latest[0].canonical_url == "https://dated.example.com/d-1"
    assert all(a.published is None and a.listed_at == UNDATED for a in latest[1:])
    window = PortalQueries(store.engine).published_since(UNDATED - timedelta(days=1))  # summaries: no body
    assert [(a.id, a.title, a.published) for a in window] == [(a.id, a.title, a.published) for a in latest[:1]]


def test_batch_enrichment_adds_entity_tags_with_kinds(store: SQLStore, settings: Settings) -> None:
    store.upsert_article(
        _article("https://news.example.com/world/talks", datetime(2024, 5, 1, tzinfo=UTC), tags=["ctp_video", "AP"])
    )
    changes = enrich_stored(store, settings)
    assert changes.articles == 1
    assert EnrichmentStore(store.engine).count_pending() == 0
    with store.engine.connect() as conn:
        rows = dict(conn.exec_driver_sql("SELECT tag_name, tag_kind FROM article_tags").all())
    if changes.entity_tags == 0:  # no spaCy English model installed: publisher tags only (none survive here)
        assert rows == {}
        return
    assert rows["Joe Biden"] == "person" and rows["Geneva"] == "place"
    assert "ctp_video" not in rows and "AP" not in rows


def test_two_domains_with_one_name_are_told_apart(store: SQLStore) -> None:
    day = datetime(2024, 5, 1, tzinfo=UTC)
    store.upsert_article(_article("https://www.express.co.uk/news/a-1", day, outlet_evidence=[("og", "Express")]))
    store.upsert_article(_article("https://www.express.de/news/a-2", day, outlet_evidence=[("og", "Express")]))
    names = sorted(o.name for o in PortalQueries(store.engine).outlets())
    assert names == ["Express", "Express (DE)"]


def test_the_store_trains_its_own_classifier_from_rule_placed_articles(store: SQLStore, settings: Settings) -> None:
    texts = {
        "sport": "The striker scored twice and the goalkeeper saved a penalty as the club won the league match.",
        "kinh-doanh": "Shares rose as the bank raised interest rates and exporters reported record profits and trade.",
    }
    day = datetime(2024, 5, 1, tzinfo=UTC)
    for number in range(6):
        path = list(texts)[number % 2]
        article = _article(f"https://news.example.com/{path}/story-{number}", day)
        article.blocks = [Block(BlockKind.PARAGRAPH, texts[path] * 3)]
        store.upsert_article(article)
    loose = _article("https://news.example.com/story-99", day)
    loose.blocks = [Block(BlockKind.PARAGRAPH, texts["sport"] * 3)]
    store.upsert_article(loose)
    assert EnrichmentStore(store.engine).count_unplaced() == 1
    tuned = settings.model_copy(
        update={"section_autotrain_min": 4, "section_min_confidence": 0.3, "entity_tags": False}
    )
    changes = enrich_stored(store, tuned)
    assert changes.model_trained and (settings.data_dir / "sections-model.joblib").is_file()
    placed = store.get_article_by_url("https://news.example.com/story-99")
    assert placed is not None and (placed.section, placed.section_rule) == ("sports", "classifier")
