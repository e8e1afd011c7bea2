"""The store on a real PostgreSQL server: migrations, idempotent upserts, search, portal queries, stories, change
token. SQLite is the default; these keep the "PostgreSQL for scale" path honest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from newsloom.model import Block, BlockKind, Comment
from newsloom.pipeline import update_stories
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store, schema
from newsloom.store import engine as engine_module
from newsloom.store.bulk import upsert_articles
from newsloom.store.change_counter import PostgresSnapshot, change_counter_for
from newsloom.store.comments import CommentStore
from newsloom.store.engine import current_revision, head_revision
from newsloom.store.portal_queries import PortalQueries
from newsloom.store.sql import in_edition_clause
from newsloom.store.stories import StoryStore
from tests.postgres import PostgresCluster
from tests.support.articles import FLOOD, OTHER, check_copy_groups, make_article

pytestmark = pytest.mark.services


@pytest.fixture
def server(pg_cluster: PostgresCluster) -> str:
    """The URL of the session cluster's ``newsloom`` database (tests make their own databases beside it)."""
    return pg_cluster.url


@pytest.fixture
def pg_store(pg_database: Callable[[], str], tmp_path: Path) -> Iterator[SQLStore]:
    store = open_store(Settings(data_dir=tmp_path / "data", database_url=pg_database()))
    yield store
    store.close()


def test_migrations_reach_the_newest_schema(pg_store: SQLStore) -> None:
    assert current_revision(pg_store.engine) == head_revision()


def test_upserts_are_idempotent_and_round_trip(pg_store: SQLStore) -> None:
    first = pg_store.upsert_article(make_article(1), raw_html=b"<html>one</html>")
    again = pg_store.upsert_article(make_article(1), raw_html=b"<html>one</html>")
    assert again.article_id == first.article_id and again.outcome.value == "unchanged"
    stored = pg_store.get_article(first.article_id)
    assert stored is not None and stored.title == "Article number 1 about Hà Nội"
    assert stored.tags == ["Climate", "Storms"] and stored.images[0].caption == "A storm"
    with pg_store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar() == 1


def test_search_finds_words_and_applies_filters(pg_store: SQLStore) -> None:
    for number in range(1, 4):
        pg_store.upsert_article(make_article(number))
    hits = pg_store.search("article", limit=10)
    assert len(hits) == 3
    assert pg_store.search("nonexistentword", limit=10) == []
    assert len(pg_store.search("article", limit=10, section="world")) == 3
    assert pg_store.search("article", limit=10, section="sport") == []


def test_portal_queries_and_change_token(pg_store: SQLStore) -> None:
    ids = [pg_store.upsert_article(make_article(number)).article_id for number in range(1, 4)]
    token = pg_store.change_token()
    queries = PortalQueries(pg_store.engine)
    story_id = StoryStore(pg_store.engine).create_story("Storms", ids[:2], datetime.now(UTC))
    assert pg_store.change_token() != token  # caches see the change
    found = queries.story(story_id)
    assert found is not None and [a.id for a in found[1]] == ids[:2]
    assert [a.id for a in pg_store.latest_articles(3)] == ids[::-1]


def test_stories_stage_runs_on_postgres(pg_store: SQLStore) -> None:
    start = datetime(2024, 5, 1, 8, tzinfo=UTC)
    texts = [FLOOD.format(town="Dresden", day="Monday"), FLOOD.format(town="Meissen", day="Tuesday"), *OTHER]
    for number, text in enumerate(texts, start=1):
        article = make_article(number, title=text[:40], blocks=[Block(BlockKind.PARAGRAPH, text=text)], lead=None)
        article.published = start + timedelta(hours=number)
        pg_store.upsert_article(article)
    changes = update_stories(pg_store)
    assert (changes.stories_created, changes.articles_linked) == (1, 2)
    assert update_stories(pg_store).articles_linked == 0


def test_change_token_is_the_snapshot_and_moves_with_every_kind_of_write_and_nothing_else(pg_store: SQLStore) -> None:
    """Pages are cached until the token moves: a comment, a hidden article or a story must each move it; reads and
    vacuum (which writes to the log, and ran for minutes after a prerender) must not drop every page kept."""
    assert isinstance(change_counter_for(pg_store.engine), PostgresSnapshot)
    article_id = pg_store.upsert_article(make_article(1)).article_id
    before = pg_store.change_token()
    pg_store.get_article(article_id)
    pg_store.latest_articles(5)
    time.sleep(PostgresSnapshot.FRESH_FOR)  # read again, not kept
    assert pg_store.change_token() == before  # reads move nothing
    CommentStore(pg_store.engine).add(Comment(article_id, "Reader", "A comment", status="published"))
    after_comment = pg_store.change_token()
    assert after_comment != before
    with pg_store.engine.begin() as conn:
        conn.execute(sa.update(schema.articles).where(schema.articles.c.id == article_id).values(hidden=True))
    after_hiding = pg_store.change_token()
    assert after_hiding != after_comment
    with pg_store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM articles"))
    time.sleep(PostgresSnapshot.FRESH_FOR)
    assert pg_store.change_token() == after_hiding


def test_change_token_is_read_once_per_moment_and_at_once_after_this_process_writes(
    pg_store: SQLStore, tmp_path: Path
) -> None:
    """Hot pages are answered from memory faster than a round trip to the server: the position is read at most
    every ``FRESH_FOR`` seconds, except that this process's own commits make the next read a real one, and another
    process's writes show within ``FRESH_FOR``."""
    article_id = pg_store.upsert_article(make_article(1)).article_id
    reads: list[str] = []
    sa.event.listen(
        pg_store.engine,
        "before_cursor_execute",
        lambda *args: reads.append(args[2]) if "snapshot" in args[2] else None,
    )
    token = pg_store.change_token()
    assert [pg_store.change_token() for _ in range(50)] == [token] * 50 and len(reads) == 1
    CommentStore(pg_store.engine).add(Comment(article_id, "Reader", "A comment", status="published"))
    assert pg_store.change_token() != token and len(reads) == 2  # its own write: read again at once
    other = open_store(
        Settings(data_dir=tmp_path / "other", database_url=pg_store.engine.url.render_as_string(hide_password=False))
    )
    try:
        before = pg_store.change_token()
        other.upsert_article(make_article(2))
        time.sleep(PostgresSnapshot.FRESH_FOR)
        assert pg_store.change_token() != before  # another process's write, within FRESH_FOR
    finally:
        other.close()


def test_a_position_read_while_this_process_commits_is_not_kept(pg_store: SQLStore) -> None:
    """The ``commit`` event comes before the commit: a read in another thread between the two sees the position
    before it, and must not be served for the next ``FRESH_FOR`` as if it were after."""
    counter = change_counter_for(pg_store.engine)
    try:
        counter.current()
        in_commit, read = threading.Event(), threading.Event()

        def read_during_commit(connection: sa.Connection) -> None:
            in_commit.set()
            read.wait(5)

        sa.event.listen(pg_store.engine, "commit", read_during_commit)
        writer = threading.Thread(target=pg_store.upsert_article, args=(make_article(3),))
        writer.start()
        assert in_commit.wait(5)
        time.sleep(PostgresSnapshot.FRESH_FOR)
        during = counter.current()  # before the commit is done
        read.set()
        writer.join(5)
        sa.event.remove(pg_store.engine, "commit", read_during_commit)
        assert counter.current() != during
    finally:
        counter.close()


def test_reads_run_outside_a_transaction_and_writes_inside_one(pg_store: SQLStore) -> None:
    """A read in a transaction was BEGIN, the read and ROLLBACK: three round trips where one does. The portal's
    reads go without one (``reading``; stored pages' rows through ``row_readers``); writes stay one transaction
    each."""
    article_id = pg_store.upsert_article(make_article(1)).article_id
    seen: list[tuple[str, bool]] = []
    sa.event.listen(
        pg_store.engine,
        "before_cursor_execute",
        lambda conn, _cursor, statement, *_: seen.append((statement.split()[0], conn.connection.autocommit)),
    )
    assert pg_store.get_article(article_id) is not None
    PortalQueries(pg_store.engine).newest_of("tag", "storms", 5)
    pg_store.change_token()
    reads = [autocommit for verb, autocommit in seen if verb == "SELECT"]
    assert len(reads) >= 3 and all(reads)
    seen.clear()
    pg_store.upsert_article(make_article(2))
    assert seen and not any(autocommit for _, autocommit in seen)


def test_a_connection_dropped_while_idle_is_replaced_before_use(
    pg_store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool checks a connection that sat unused (the server restarted meanwhile, a proxy dropped it) before
    handing it out; one in use is not checked, and a break then raises once while the pool replaces it."""
    article_id = pg_store.upsert_article(make_article(1)).article_id

    def drop_pooled() -> None:
        with pg_store.engine.connect() as conn:
            mine = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with psycopg.connect(
            pg_store.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (mine,))
        time.sleep(0.1)

    monkeypatch.setattr(engine_module, "IDLE_CHECK_SECONDS", 0.0)
    drop_pooled()
    assert pg_store.get_article(article_id) is not None  # checked, found dead, replaced
    monkeypatch.setattr(engine_module, "IDLE_CHECK_SECONDS", 3600.0)
    drop_pooled()
    with pytest.raises(sa.exc.OperationalError):
        pg_store.get_article(article_id)
    assert pg_store.get_article(article_id) is not None


def test_edition_listings_probe_translations_per_listed_row(pg_store: SQLStore) -> None:
    """An edition lists what its readers can read; with ``untranslated`` (``editions_readable_only`` off) also the
    originals without a translation into it. Run as a hashed subplan, that test read every visible article of the
    edition's language before the first row (0.5 s at 77,000 articles); it must be an index probe per listed row,
    whatever the statistics say."""
    original = pg_store.upsert_article(make_article(1, language="vi")).article_id
    translation = pg_store.upsert_article(make_article(2, language="en", translated_from=original)).article_id
    untranslated = pg_store.upsert_article(make_article(3, language="vi")).article_id
    upsert_articles(pg_store, [make_article(number, language="en") for number in range(4, 2004)])
    readable = {a.id for a in pg_store.latest_articles(2004, edition="en")}
    assert translation in readable and untranslated not in readable and original not in readable
    assert len(readable) == 2001
    listed = pg_store.latest_articles(2004, edition="en", untranslated=True)
    assert translation in {a.id for a in listed} and untranslated in {a.id for a in listed}
    assert original not in {a.id for a in listed} and len(listed) == 2002
    assert [a.id for a in pg_store.latest_articles(10, other_than="en")] == [untranslated]
    table = schema.articles
    clause = in_edition_clause(table, "en", untranslated=True)
    query = sa.select(table.c.id).where(clause).order_by(table.c.listed_at.desc()).limit(20)
    with pg_store.engine.connect() as conn:
        conn.execute(sa.text("ANALYZE articles"))
        plan = "\n".join(
            conn.execute(
                sa.text(f"EXPLAIN {query.compile(pg_store.engine, compile_kwargs={'literal_binds': True})}")
            ).scalars()
        )
    assert "hashed SubPlan" not in plan and "ix_articles_translated_from" in plan, plan


def test_copy_groups_on_postgres(pg_store: SQLStore) -> None:
    check_copy_groups(pg_store)
