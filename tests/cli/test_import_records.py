"""`newsloom import` of article records and `newsloom export` back, in process (click's runner) on real SQLite files
and a real PostgreSQL server: the round trip keeps articles, editions, tags, sections, stories and comments."""

from __future__ import annotations

import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from newsloom.cli import cli
from newsloom.cli import context as cli_context
from newsloom.model import Comment
from newsloom.settings import Settings
from newsloom.store import open_store, schema
from newsloom.store.comments import CommentStore
from newsloom.store.enrichment import Enriched, EnrichmentStore
from tests.enrich.translate.helpers import VI_SENTENCES, translation_server
from tests.support.pages import article_html, corpus

STORM = (
    "The storm reached the coast early on Tuesday, bringing heavy rain and strong winds to several towns. Officials "
    "said emergency crews were working through the night to restore power to thousands of homes along the coast."
)


Target = Path | tuple[Path, str]


def run(target: Target, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    """The CLI in this process; ``target`` a data directory, or one and a database URL (PostgreSQL)."""
    where = ["--data-dir", str(target)] if isinstance(target, Path) else ["--data-dir", str(target[0])]
    if isinstance(target, tuple):
        where += ["--database-url", target[1]]
    env = {"NEWSLOOM_FETCH_IMAGES": "0", **(env or {})}
    return CliRunner().invoke(cli, [*where, *args], input=stdin, env=env, catch_exceptions=False)


def storm_records() -> list[dict[str, Any]]:
    """Three outlets' reports of one storm, a Vietnamese article and an unrelated one: foreign records, no ids."""
    reports = [
        {
            "url": f"https://{host}/world/storm-hits-the-coast",
            "title": "Storm hits the coast, thousands without power",
            "body": f"{STORM}\n\n{STORM} Report by {host}.",
            "published": f"2026-01-29T0{n}:00:00+00:00",
            "outlet": outlet,
            "tags": ["Storms", "Weather"],
            "section": "World",
            "authors": ["Jane Roe"],
            "event": "storm",
        }
        for n, (host, outlet) in enumerate(
            [("news.example.com", "Example News"), ("wire.example.org", "Wire"), ("daily.example.net", "Daily")]
        )
    ]
    vietnamese = {
        "url": "https://vnexpress.net/nga-bac-tin-elon-musk-4810000.html",
        "title": "Nga bác tin tỷ phú Elon Musk và ông Putin trao đổi bí mật",
        "body": "\n\n".join(VI_SENTENCES),
        "published": "2026-01-30T08:00:00+07:00",
        "outlet": "VnExpress",
        "category": "Thế giới",
        "id": "vi-1",
        "is_vietnamese": True,
    }
    football = {
        "url": "https://sport.example.com/football/final",
        "title": "Cup final ends in a late winner",
        "lead": "A header in stoppage time decided the final.",
        "body": "The final was goalless until stoppage time, when the captain headed in a corner kick. " * 4,
        "published": 1769900000,
        "images": ["https://img.example.com/final.jpg"],
    }
    return [*reports, vietnamese, football]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def build_source_store(tmp_path: Path) -> Path:
    """A store with everything export must carry: a story, a translated edition with its job and flags, comments
    with a reply, a hidden article, a classifier's placement and entity tags with kinds."""
    data = tmp_path / "source"
    records = write_jsonl(tmp_path / "records.jsonl", storm_records())
    with translation_server() as (url, _):
        env = {"NEWSLOOM_TRANSLATE_BACKEND": "libretranslate", "NEWSLOOM_TRANSLATE_URL": url}
        result = run(data, "import", str(records), env=env)
    assert result.exit_code == 0, result.output
    # the storm's three reports are one story, the Vietnamese original and its edition another
    assert "import: 5 new" in result.stdout and "stories: 2 new, 5 articles linked" in result.stdout
    store = open_store(Settings(data_dir=data))
    try:
        ids = {article.canonical_url: article.id for article in store.iter_articles()}
        final = ids["https://sport.example.com/football/final"]
        first = ids["https://news.example.com/world/storm-hits-the-coast"]
        store.set_hidden(ids["https://daily.example.net/world/storm-hits-the-coast"], True)
        comments = CommentStore(store.engine)
        thread = comments.add(
            Comment(first, "An", "Good report.", "published", created_at=datetime(2026, 2, 1, tzinfo=UTC))
        )
        comments.add(
            Comment(first, "Bo", "Agreed.", "pending", parent_id=thread, created_at=datetime(2026, 2, 2, tzinfo=UTC))
        )
        with store.engine.begin() as conn:
            conn.execute(schema.articles.update().where(schema.articles.c.id == final).values(enriched_at=None))
        tags = ["Cup final", "Marta Vieira"]
        EnrichmentStore(store.engine).save(
            [Enriched(final, tags, {"Marta Vieira": "person"}, "Sport", 0.61)], {final: None}
        )
        assert any(article.translated_from for article in store.iter_articles()), "the edition was made"
    finally:
        store.close()
    return data


def snapshot(engine: sa.Engine) -> dict[str, Any]:
    """The store's articles and everything hanging on them, by canonical URL (ids differ between stores)."""
    a = schema.articles
    skip = {"id", "source_id", "story_id", "translated_from", "created_at", "updated_at", "story_checked_at"}
    skip |= {"enriched_at", "content_hash", "carried_by_source_id"}
    with engine.connect() as conn:
        urls = dict(conn.execute(sa.select(a.c.id, a.c.canonical_url)).all())
        outlets = dict(conn.execute(sa.select(schema.sources.c.id, schema.sources.c.name)).all())
        titles = dict(conn.execute(sa.select(schema.stories.c.id, schema.stories.c.title)).all())
        articles, stories = {}, {}
        for row in conn.execute(sa.select(a)):
            values = {key: value for key, value in row._mapping.items() if key not in skip}
            values.update(
                outlet=outlets.get(row.source_id),
                original=urls.get(row.translated_from),
                enriched=row.enriched_at is not None,
                checked=row.story_checked_at is not None,
            )
            articles[row.canonical_url] = values
            if row.story_id is not None:
                stories.setdefault(row.story_id, set()).add(row.canonical_url)
        t = schema.article_tags
        tags = {(urls[r.article_id], r.tag_slug, r.tag_name, r.tag_kind) for r in conn.execute(sa.select(t))}
        au = schema.article_authors
        authors = {(urls[r.article_id], r.author_slug, r.author_name) for r in conn.execute(sa.select(au))}
        c = schema.comments
        rows = conn.execute(sa.select(c)).all()
        bodies = {r.id: r.body for r in rows}
        comments = {
            (urls[r.article_id], r.author_name, r.body, r.status, r.created_at, bodies.get(r.parent_id)) for r in rows
        }
        j = schema.translation_jobs
        hashes = dict(conn.execute(sa.select(a.c.id, a.c.content_hash)).all())
        jobs = {
            (urls[r.article_id], r.target, r.status, urls.get(r.translation_id), r.source_hash == hashes[r.article_id])
            for r in conn.execute(sa.select(j))
        }
        f = schema.translation_flags
        flags = {(urls[r.article_id], r.part, r.kind, r.original, r.translated) for r in conn.execute(sa.select(f))}
        used = sa.select(a.c.section_slug)  # a section no article is on is not the articles' (nor exported)
        names = sa.select(schema.sections.c.slug, schema.sections.c.name).where(schema.sections.c.slug.in_(used))
        sections = {(slug, name) for slug, name in conn.execute(names)}
    return {
        "articles": articles,
        "stories": sorted((titles[key], sorted(members)) for key, members in stories.items()),
        "tags": tags,
        "authors": authors,
        "comments": comments,
        "jobs": jobs,
        "flags": flags,
        "sections": sections,
    }


def sqlite_engine(data: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{data / 'newsloom.db'}")


def without_ids(export: str) -> list[dict[str, Any]]:
    """Export lines with the exporting store's ids left out, in URL order: what must survive a move."""
    records = []
    for line in export.splitlines():
        record = json.loads(line)
        for key in ("id", "source_id", "story_id"):
            record.pop(key)
        for comment in record["comments"]:
            comment.pop("id"), comment.pop("parent_id")
        records.append(record)
    return sorted(records, key=lambda record: record["canonical_url"])


def check_round_trip(source: Path, target: Target, target_engine: sa.Engine) -> None:
    exported = run(source, "export")
    assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == 6  # 5 articles and an edition
    unreachable = {"NEWSLOOM_TRANSLATE_BACKEND": "libretranslate", "NEWSLOOM_TRANSLATE_URL": "http://127.0.0.1:9"}
    moved = run(target, "import", "-", stdin=exported.stdout, env=unreachable)
    assert moved.exit_code == 0, moved.output
    assert "import: 6 new, 0 updated, 0 skipped, 0 failed" in moved.stdout
    assert "translate:" not in moved.output  # the edition's job came along: nothing is due, the server is not asked
    assert "stories: 0 new" in moved.stdout  # the story came along too: the stories stage has nothing to group
    source_engine = sqlite_engine(source)
    before, after = snapshot(source_engine), snapshot(target_engine)
    source_engine.dispose()
    assert after["articles"].keys() == before["articles"].keys()
    for url, values in before["articles"].items():
        assert after["articles"][url] == values, url
    for part in ("stories", "tags", "authors", "comments", "jobs", "flags", "sections"):
        assert after[part] == before[part], part
    assert len(after["comments"]) == 2 and sorted(len(members) for _, members in after["stories"]) == [2, 3]
    assert any(kind == "person" for *_, kind in after["tags"]) and after["flags"]
    assert without_ids(run(target, "export").stdout) == without_ids(exported.stdout)
    again = run(target, "import", "-", stdin=exported.stdout)
    assert "import: 0 new, 0 updated, 6 skipped, 0 failed" in again.stdout


def test_export_then_import_moves_a_store_to_sqlite_without_loss(tmp_path: Path) -> None:
    source = build_source_store(tmp_path)
    target = tmp_path / "target"
    run(target, "init")
    engine = sqlite_engine(target)
    check_round_trip(source, target, engine)
    engine.dispose()


@pytest.fixture
def postgres(pg_database: Callable[[], str]) -> str:
    """A new empty database on the session's PostgreSQL cluster."""
    return pg_database()


def test_export_then_import_moves_a_store_to_postgresql_without_loss(tmp_path: Path, postgres: str) -> None:
    source = build_source_store(tmp_path)
    engine = sa.create_engine(postgres)
    check_round_trip(source, (tmp_path / "pg-data", postgres), engine)
    engine.dispose()


def test_bad_lines_are_reported_by_number_and_the_rest_imported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    good = storm_records()
    run(data, "import", str(write_jsonl(tmp_path / "first.jsonl", good[:1])))
    before = sqlite3.connect(data / "newsloom.db").execute("SELECT id, title, content_hash FROM articles").fetchall()
    changed = {**good[0], "body": None}  # the stored article again, without a body: refused, the stored one kept
    lines = [
        json.dumps(good[1]),
        "{not json",
        json.dumps({**good[2], "title": ""}),
        json.dumps(changed),
        json.dumps({**good[3], "published": "yesterday"}),
        json.dumps({**good[4], "body": "x" * 10_000_000}),
        "",
        json.dumps(good[2]),
    ]
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress("\n".join(lines).encode()))
    result = run(data, "import", str(bad))
    assert result.exit_code == 1
    report = result.stdout
    assert "import: 2 new, 0 updated, 0 skipped, 5 failed" in report, report
    for number, reason in [
        (2, "not JSON"),
        (3, "no title"),
        (4, "no body"),
        (5, "published: not a date: 'yesterday'"),
        (6, "line too long: 10,000,"),
    ]:
        assert f"failed: {bad}:{number}: {reason}" in report, (number, report)
    assert "5 records failed (exit status 1" in result.stderr
    with sqlite3.connect(data / "newsloom.db") as conn:
        after = conn.execute("SELECT id, title, content_hash FROM articles").fetchall()
    assert set(before) <= set(after) and len(after) == 3


def test_records_and_pages_in_one_import_with_progress_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_context, "PROGRESS_EVERY", 0.0)  # stderr is not a terminal here: a line each time
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(2):
        canonical = f"https://news.example.com/page-{number}"
        (pages / f"{number}.html").write_text(article_html(title=f"Page {number} among records", canonical=canonical))
    records = write_jsonl(tmp_path / "in.jsonl", storm_records()[3:])
    result = run(tmp_path / "data", "import", str(pages), str(records))
    assert result.exit_code == 0, result.output
    assert "import: 4 new, 0 updated, 0 skipped, 0 failed" in result.stdout
    # a line per unfinished task, each time; a finished one is followed by the summary instead
    assert re.search(r"^importing: 1 of 2 \(50%\), \d+ s$", result.stderr, re.MULTILINE), result.stderr
    assert re.search(r"^importing in.jsonl: 1 of 2 \(50%\), \d+ s$", result.stderr, re.MULTILINE), result.stderr
    assert "2 of 2" not in result.stderr
    languages = dict(
        sqlite3.connect(tmp_path / "data" / "newsloom.db").execute("SELECT canonical_url, language FROM articles")
    )
    assert languages["https://vnexpress.net/nga-bac-tin-elon-musk-4810000.html"] == "vi"  # detected: none given
    assert languages["https://sport.example.com/football/final"] == "en"


@pytest.mark.slow
@pytest.mark.corpus
def test_the_vietnamese_stream_imports_as_it_is_and_round_trips(tmp_path: Path) -> None:
    articles = corpus("vietnamese-stream") / "articles.jsonl"
    lines = articles.read_text(encoding="utf-8").splitlines()
    first = run(tmp_path / "one", "import", str(articles))
    assert first.exit_code == 0, first.output
    assert f"import: {len(lines)} new, 0 updated, 0 skipped, 0 failed" in first.stdout
    with sqlite3.connect(tmp_path / "one" / "newsloom.db") as conn:
        outlets = dict(conn.execute("SELECT domain, name FROM sources"))
        stored = dict(conn.execute("SELECT canonical_url, language FROM articles"))
    assert outlets == {"dantri.com.vn": "Dân trí", "vnexpress.net": "VnExpress", "24h.com.vn": "24h"}
    assert set(stored.values()) == {"vi"} and len(stored) == len(lines)
    exported = run(tmp_path / "one", "export").stdout
    moved = run(tmp_path / "two", "import", "-", stdin=exported)
    assert f"import: {len(lines)} new" in moved.stdout, moved.output
    assert without_ids(run(tmp_path / "two", "export").stdout) == without_ids(exported)
    again = run(tmp_path / "two", "import", "-", stdin=exported)
    assert "import: 0 new, 0 updated, 402 skipped" in again.stdout


@pytest.mark.slow  # real processes, piped
def test_export_piped_into_import_in_real_processes(tmp_path: Path) -> None:
    """The documented move, `newsloom export | newsloom --database-url ... import -`, with a real pipe."""
    records = write_jsonl(tmp_path / "in.jsonl", storm_records())
    source, target = tmp_path / "source", tmp_path / "target"
    target.mkdir()
    moved_url = f"sqlite:///{target / 'moved.db'}"  # a database URL, as for PostgreSQL
    env = {**os.environ, "NEWSLOOM_FETCH_IMAGES": "0", "PYTHONPATH": os.pathsep.join(sys.path)}
    first = run(source, "import", str(records))  # the store to move, made in this process: the pipe is the point
    assert first.exit_code == 0, first.output
    exporting = subprocess.Popen(
        [sys.executable, "-m", "newsloom", "--data-dir", str(source), "export"], stdout=subprocess.PIPE, env=env
    )
    importing = subprocess.run(
        [sys.executable, "-m", "newsloom", "--data-dir", str(target), "--database-url", moved_url, "import", "-"],
        stdin=exporting.stdout,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert exporting.stdout is not None
    exporting.stdout.close()
    assert exporting.wait(timeout=60) == 0
    assert importing.returncode == 0, importing.stderr
    assert "import: 5 new, 0 updated, 0 skipped, 0 failed" in importing.stdout
    with sqlite3.connect(target / "moved.db") as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone() == (5, 1)
