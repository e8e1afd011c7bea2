"""Scale-out on real services: Celery workers on a loopback Redis and PostgreSQL crawl a loopback site of real pages.

- parity: the embedded default (SQLite, in-process ``crawl --once``) and two workers on PostgreSQL store the same
  articles, stories, copies and search results;
- faults: a worker SIGKILLed mid-ingest, Redis restarted, PostgreSQL refusing connections for seconds: the run
  completes, nothing lost, nothing stored twice;
- politeness: two workers together keep one host's spacing and concurrency (timestamps taken by the server).
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from newsloom.copy_signatures import copy_groups
from newsloom.queue.app import configure
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store, schema
from tests.fetch.site import FaultSite
from tests.postgres import PostgresCluster
from tests.queue.conftest import (
    CorpusSite,
    Workers,
    crawl_states,
    newsloom,
    newsloom_here,
    open_scale_store,
    service_env,
    wait_until,
)
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.services, pytest.mark.slow]  # Redis, PostgreSQL, worker processes


def articles_by_url(store: SQLStore) -> dict[str, tuple[object, ...]]:
    table = schema.articles
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                table.c.canonical_url,
                table.c.title,
                table.c.body,
                table.c.language,
                table.c.published_at,
                table.c.section_slug,
                table.c.tags,
                table.c.authors,
                table.c.content_hash,
            )
        ).all()
    return {str(row[0]): tuple(row[1:]) for row in rows}


def stories_by_url(store: SQLStore) -> set[frozenset[str]]:
    table = schema.articles
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.story_id, table.c.canonical_url).where(table.c.story_id.is_not(None))
        ).all()
    groups: dict[int, set[str]] = {}
    for story_id, url in rows:
        groups.setdefault(int(story_id), set()).add(str(url))
    return {frozenset(group) for group in groups.values()}


def copies_by_url(store: SQLStore) -> set[frozenset[str]]:
    """Groups of reports that are one text, over all stored articles, by URL."""
    articles = [a for a in (store.get_article(i) for i in _ids(store)) if a is not None]
    by_id = {a.id: a.canonical_url for a in articles}
    return {frozenset(by_id[i] for i in group) for group in copy_groups(articles)}


def _ids(store: SQLStore) -> list[int]:
    with store.engine.connect() as conn:
        return [int(i) for i in conn.execute(sa.select(schema.articles.c.id)).scalars()]


def search_results(store: SQLStore, query: str) -> set[str]:
    """What a query finds (the order is each engine's own relevance score: bm25 on SQLite, ts_rank_cd here)."""
    return {hit.article.canonical_url for hit in store.search(query, limit=100)}


def settled(store: SQLStore, expected: int) -> bool:
    states = crawl_states(store)
    return len(states) == expected and all(status != "queued" for status in states.values())


def run_stories_task(broker_url: str, store: SQLStore) -> None:
    app = configure(Settings(broker_url=broker_url))
    app.send_task("newsloom.update_stories")

    def all_checked() -> bool:  # grouped into stories, then given entity tags and sections
        table = schema.articles
        waiting = sa.or_(table.c.story_checked_at.is_(None), table.c.enriched_at.is_(None))
        with store.engine.connect() as conn:
            left = conn.execute(sa.select(sa.func.count()).where(waiting)).scalar()
        return left == 0

    wait_until(all_checked, 180, "the stories and enrichment task")


def test_parity_embedded_sqlite_and_two_workers_on_postgres(
    tmp_path: Path, loopback_site: FaultSite, redis_server: RedisServer, pg_url: str, workers: list[Workers]
) -> None:
    redis.Redis.from_url(redis_server.url).flushall()
    site = CorpusSite(loopback_site, 27, copies=3)

    embedded_dir = tmp_path / "embedded"
    embedded = open_store(Settings(data_dir=embedded_dir))
    site.add_source(embedded)
    crawled = newsloom_here(service_env(embedded_dir, None, None), "crawl", "--once")
    assert crawled.returncode == 0, crawled.stderr

    scale_dir = tmp_path / "scale"
    scaled = open_scale_store(pg_url, scale_dir)
    site.add_source(scaled)
    env = service_env(scale_dir, pg_url, redis_server.url)
    group = Workers(env, [], tmp_path)
    workers.append(group)
    group.start()
    group.start()
    beat = newsloom_here(env, "beat", "--once")
    assert beat.returncode == 0, beat.stderr
    assert "sent 1 entry points" in beat.stdout
    wait_until(lambda: settled(scaled, 30), 240, "30 pages through the workers", group.logs)
    run_stories_task(redis_server.url, scaled)

    assert crawl_states(scaled) == crawl_states(embedded)
    expected = articles_by_url(embedded)
    assert len(expected) >= 20
    assert articles_by_url(scaled) == expected
    stories = stories_by_url(embedded)
    assert stories and stories_by_url(scaled) == stories
    copies = copies_by_url(embedded)
    assert copies and copies_by_url(scaled) == copies
    titles = [expected[url][0] for url in sorted(expected)][:6]
    queries = ["the", " ".join(str(titles[0]).split()[:2])]
    queries += [max(str(title).split(), key=len) for title in titles[1:]]  # a rare word: few, exact hits
    for query in queries:
        found = search_results(embedded, query)
        assert found and search_results(scaled, query) == found, query


def test_killed_worker_restarted_redis_and_refused_store_lose_nothing(
    tmp_path: Path,
    loopback_site: FaultSite,
    redis_server: RedisServer,
    cluster: PostgresCluster,
    pg_url: str,
    workers: list[Workers],
) -> None:
    redis.Redis.from_url(redis_server.url).flushall()
    site = CorpusSite(loopback_site, 40, delay=0.3)
    store = open_scale_store(pg_url, tmp_path)
    site.add_source(store)
    env = service_env(
        tmp_path,
        pg_url,
        redis_server.url,
        NEWSLOOM_QUEUE_VISIBILITY_TIMEOUT="5",
        NEWSLOOM_FETCH_CONNECT_TIMEOUT="2",
        NEWSLOOM_FETCH_READ_TIMEOUT="5",
    )
    group = Workers(env, [], tmp_path)
    workers.append(group)
    doomed = group.start()
    group.start()
    assert newsloom_here(env, "beat", "--once").returncode == 0

    def stored() -> int:
        return sum(1 for status in crawl_states(store).values() if status != "queued")

    wait_until(lambda: stored() >= 4, 120, "first pages", group.logs)
    group.kill(doomed)  # SIGKILL, pool children included: its task in hand goes back to the queue
    group.start()
    wait_until(lambda: stored() >= 12, 120, "pages after the kill", group.logs)
    redis_server.restart(down_seconds=1.0)
    wait_until(lambda: stored() >= 20, 120, "pages after the Redis restart", group.logs)
    cluster.stop()
    time.sleep(3)
    cluster.start()
    wait_until(lambda: settled(store, 40), 150, "every page", lambda: f"{crawl_states(store)}\n{group.logs()}")

    states = crawl_states(store)
    assert set(states.values()) <= {"stored", "skipped"}, states
    stored_urls = articles_by_url(store)
    assert len(stored_urls) == sum(1 for status in states.values() if status == "stored")
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar()
    assert rows == len(stored_urls)  # one row per article: nothing stored twice


def test_two_workers_together_keep_a_hosts_pace(
    tmp_path: Path, loopback_site: FaultSite, redis_server: RedisServer, pg_url: str, workers: list[Workers]
) -> None:
    redis.Redis.from_url(redis_server.url).flushall()
    site = CorpusSite(loopback_site, 14, delay=0.05)
    store = open_scale_store(pg_url, tmp_path)
    site.add_source(store)
    delay = 0.25
    env = service_env(
        tmp_path,
        pg_url,
        redis_server.url,
        NEWSLOOM_CRAWL_MIN_DELAY=str(delay),
        NEWSLOOM_CRAWL_PER_HOST_CONCURRENCY="1",
    )
    group = Workers(env, [], tmp_path)
    workers.append(group)
    group.start(concurrency=2)
    group.start(concurrency=2)
    assert newsloom_here(env, "beat", "--once").returncode == 0
    wait_until(lambda: settled(store, 14), 180, "every page", group.logs)

    starts = sorted(request.received_at for request in loopback_site.log)
    assert len(starts) >= 16  # robots.txt, the sitemap and 14 pages
    # Arrival times carry the client's scheduling jitter (tens of ms on a loaded machine), which does not add up
    # over several requests: any five arrivals span at least four delays less one jitter. Two workers pacing on
    # their own would fit two requests in each delay and fail both checks.
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= delay * 0.3, gaps
    spans = [starts[i + 4] - starts[i] for i in range(len(starts) - 4)]
    assert min(spans) >= 4 * delay - 0.15, spans
    assert loopback_site.max_in_flight == 1


def test_worker_names_an_unreachable_broker_in_one_line(tmp_path: Path) -> None:
    env = service_env(tmp_path, None, "redis://:s3cret@127.0.0.1:9/0")
    result = newsloom(env, "worker", timeout=60)
    assert result.returncode != 0
    assert "cannot reach the broker at redis://:***@127.0.0.1:9/0" in result.stderr
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr


def test_poison_messages_do_not_block_the_queue_and_metrics_show_it(
    tmp_path: Path, loopback_site: FaultSite, redis_server: RedisServer, pg_url: str, workers: list[Workers]
) -> None:
    redis.Redis.from_url(redis_server.url).flushall()
    site = CorpusSite(loopback_site, 3)
    store = open_scale_store(pg_url, tmp_path)
    site.add_source(store)
    env = service_env(tmp_path, pg_url, redis_server.url)
    app = configure(Settings(broker_url=redis_server.url))
    app.send_task("newsloom.ingest_url", args=["too few arguments"])  # a malformed message
    app.send_task("newsloom.no_such_task", args=[1])  # a task nobody knows
    app.send_task("newsloom.poll_feed", args=["not a feed id"])  # arguments that make the task raise
    group = Workers(env, [], tmp_path)
    workers.append(group)
    group.start()
    assert newsloom_here(env, "beat", "--once").returncode == 0
    wait_until(lambda: settled(store, 3), 120, "the pages behind the poison", group.logs)
    assert set(crawl_states(store).values()) == {"stored"}
    client = redis.Redis.from_url(redis_server.url)
    wait_until(lambda: int(client.get("newsloom:metrics:task_failures") or 0) >= 2, 30, "failures counted")

    from newsloom.queue.metrics import queue_metric_lines

    lines = queue_metric_lines(Settings(broker_url=redis_server.url))
    assert "newsloom_queue_up 1" in lines
    assert "newsloom_queue_depth 0" in lines
    failures = next(line for line in lines if line.startswith("newsloom_task_failures_total"))
    assert int(failures.split()[1]) >= 2
    assert queue_metric_lines(Settings(broker_url="redis://127.0.0.1:9/0"))[-1] == "newsloom_queue_up 0"


def test_a_dead_workers_task_is_looked_for_within_its_visibility_timeout() -> None:
    """Kombu's scan for tasks past their timeout runs on every look (its default, every tenth: 100 s apart), and
    looks come at least twice per timeout: a killed worker's task is handed out about when the timeout says."""
    for timeout in (5, 600, 3600):
        options = configure(Settings(queue_visibility_timeout=timeout)).conf.broker_transport_options
        assert options["visibility_timeout"] == timeout
        assert options["unacked_restore_throttle"] == 1
        assert 1 <= options["unacked_restore_interval"] <= min(10, timeout / 2)
