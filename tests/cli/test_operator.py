"""The operator's commands as a new user runs them, piped: results on stdout, whole; diagnostics on stderr; one
clear line when the database is out of reach; `sources add` saying what it found. In-process through the CLI
runner (tests/support/cli.py), which pipes the output as a process's would be."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from newsloom.settings import Settings
from newsloom.store import open_store
from tests.conftest import free_port
from tests.fetch.site import FaultSite, Reply
from tests.sources.newsite import NewsSite
from tests.support.articles import make_article
from tests.support.cli import newsloom_in as newsloom
from tests.support.cli import run_cli

LONG_NAME = "The Extraordinarily Long-Named Provincial Gazette of Everything That Happens " * 2


def seeded(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    store = open_store(Settings(data_dir=data))
    for number in range(1, 4):
        store.upsert_article(make_article(number, site_name=LONG_NAME.strip(), section=f"Section {number} " * 12))
    store.close()
    return data


def narrow(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """As `| cat` on an 80-column terminal would run it: stdout a pipe, COLUMNS=80."""
    return run_cli("--data-dir", str(data), *args, columns=80)


def test_stats_piped_is_complete_and_unwrapped(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    result = narrow(data, "stats")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "articles: 3" in lines
    assert f"{LONG_NAME.strip()}\t3" in lines  # a 157-character name, whole, on one line
    assert "…" not in result.stdout and result.stderr == ""
    assert all(len(line.split("\t")) == 2 for line in lines[2:])
    as_json = json.loads(narrow(data, "stats", "--json").stdout)
    assert as_json["articles"] == 3 and as_json["by_source"][LONG_NAME.strip()] == 3
    assert sum(as_json["by_section"].values()) == 3


def test_settings_piped_and_json(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env_url = "postgresql+psycopg://newsloom:s3cret-pass@127.0.0.1:5432/news"
    result = run_cli("--data-dir", str(data), "settings", env={"NEWSLOOM_DATABASE_URL": env_url}, columns=80)
    assert result.returncode == 0, result.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert rows["database_url"][1] == "NEWSLOOM_DATABASE_URL" and "s3cret" not in result.stdout
    assert rows["trusted_proxies"][1] == "NEWSLOOM_TRUSTED_PROXIES"
    assert all(len(row) == 4 for row in rows.values())
    for name, field in Settings.model_fields.items():  # every meaning whole, none cut to fit 80 columns
        assert rows[name][3] == field.description, name
    parsed = json.loads(narrow(data, "settings", "--json").stdout)
    by_name = {item["setting"]: item for item in parsed}
    assert by_name["metrics_allow"]["value"] == "127.0.0.0/8,::1/128"
    assert by_name["page_cache_mb"]["value"] == 128


def test_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://newsloom:s3cret-pass@127.0.0.1:{free_port()}/news"
    result = run_cli("--data-dir", str(tmp_path / "d"), "--database-url", url, "init")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr
    assert "newsloom:***@127.0.0.1" in lines[0] and "cannot open the store" in lines[0]


def test_init_says_where_on_stdout(tmp_path: Path) -> None:
    result = narrow(tmp_path / "data", "init")
    assert result.returncode == 0 and result.stdout.startswith("store ready: sqlite:///")


def test_sources_add_refuses_a_page_it_cannot_classify(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultSite() as site:
        site.route("/", Reply(body=b"<html><head><title>Plain</title></head><body><a href='/x'>x</a></body></html>"))
        site.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
        refused = newsloom(data, "sources", "add", site.url("/"))
        assert refused.returncode != 0
        assert "no feed" in refused.stderr and "--as section_page" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert newsloom(data, "sources", "list", "--json").stdout.strip() == "[]"
        forced = newsloom(data, "sources", "add", site.url("/"), "--as", "section_page")
    assert forced.returncode == 0, forced.stderr
    assert f"section_page\t{site.url('/')}" in forced.stdout and "added Plain" in forced.stdout


def test_sources_add_takes_a_feed_url_as_a_feed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultSite() as site:
        NewsSite(site, count=2)
        added = newsloom(data, "sources", "add", site.url("/feed.xml"))
    assert added.returncode == 0, added.stderr
    assert f"rss\t{site.url('/feed.xml')}" in added.stdout and "section_page" not in added.stdout


def test_a_source_whose_entry_point_is_taken_stays_listed(tmp_path: Path) -> None:
    """The section_page bug: adding a second source for the same URL used to move the entry point silently and
    the first source vanished from `sources list` (its outlet page stayed)."""
    data = tmp_path / "data"
    with FaultSite() as site:
        NewsSite(site, count=2)
        first = newsloom(data, "sources", "add", site.url("/"), "--name", "First")
        assert first.returncode == 0, first.stderr
        second = newsloom(data, "sources", "add", site.url("/"), "--name", "Second")
        assert second.returncode != 0 and "already followed by First" in second.stderr
        listed = json.loads(newsloom(data, "sources", "list", "--json").stdout)
    assert [source["name"] for source in listed] == ["First"]
    assert {point["url"] for point in listed[0]["entry_points"]} == {site.url("/feed.xml"), site.url("/sitemap.xml")}


def test_sources_list_json_and_piped_rows_are_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    toml = tmp_path / "sources.toml"
    long_url = "http://127.0.0.1:9/" + "very-long-path-segment/" * 8 + "feed.xml"
    toml.write_text(
        f'[[source]]\nname = "{LONG_NAME.strip()}"\nhomepage = "http://127.0.0.1:9/"\n'
        f'[[source.feed]]\nurl = "{long_url}"\nkind = "rss"\n'
        '[[source]]\nname = "Empty"\nhomepage = "http://127.0.0.1:9/empty/"\n'
    )
    assert newsloom(data, "sources", "import", str(toml)).returncode == 0
    piped = narrow(data, "sources", "list")
    assert piped.returncode == 0, piped.stderr
    row = next(line.split("\t") for line in piped.stdout.splitlines() if long_url in line)
    assert row[0] == LONG_NAME.strip() and row[2] == long_url
    assert "Empty" not in piped.stdout and "1 more publishers with no entry point" in piped.stderr
    listed = json.loads(narrow(data, "sources", "list", "--json").stdout)
    assert {source["name"] for source in listed} == {LONG_NAME.strip(), "Empty"}
    assert next(s for s in listed if s["name"] == "Empty")["entry_points"] == []


def test_run_and_serve_help_agree_with_the_readme() -> None:
    top, run = run_cli("--help"), run_cli("run", "--help")
    assert "usual way" not in top.stdout + run.stdout
    assert "serve --workers" in " ".join(run.stdout.split())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "newsloom serve" in readme and "usual way" not in readme
