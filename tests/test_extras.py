"""`pip install newsloom` without extras: the optional packages (pyproject's `nlp`, `translation`, `scale` and
`postgres` extras) are made unimportable in a real `newsloom` process, which must still import, crawl, enrich,
store and serve, and must name the extra to install where a feature needs one, without a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from newsloom.enrich.translate.base import TranslationError
from newsloom.enrich.translate.offline import CTranslate2Translator
from tests.conftest import article_html, free_port
from tests.fetch.site import FaultSite
from tests.sources.newsite import NewsSite
from tests.support.cli import FAST

# Top-level packages the extras bring (and what they pull in that the code imports directly).
EXTRAS = "spacy,thinc,underthesea,ctranslate2,sentencepiece,celery,kombu,redis,psycopg,psycopg2"

# A finder in front of every other: importing a blocked package fails as it does when it is not installed.
RUNNER = """
import sys
blocked = set(sys.argv[1].split(","))

class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
sys.argv = ["newsloom", *sys.argv[2:]]
from newsloom.cli import main
main()
"""


pytestmark = pytest.mark.slow  # each test a fresh interpreter with the extras made unimportable


def command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, EXTRAS, "--data-dir", str(data_dir), *args]


def without_extras(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(data_dir, *args),
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def test_crawl_and_serve_work_without_any_extra(tmp_path: Path) -> None:
    data = tmp_path / "data"
    loopback = {**FAST, "NEWSLOOM_ALLOW_NETWORKS": "127.0.0.0/8"}
    with FaultSite() as site:
        NewsSite(site, count=3, feed_size=3)
        added = without_extras(data, "sources", "add", site.url("/"), env=loopback)
        assert added.returncode == 0, added.stderr
        crawled = without_extras(data, "crawl", "--once", env=loopback)
        assert crawled.returncode == 0, crawled.stderr
        assert "3 new" in crawled.stdout
        assert "Traceback" not in crawled.stderr
    port = free_port()
    server = subprocess.Popen(
        command(data, "serve", "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEWSLOOM_BASE_URL": f"http://127.0.0.1:{port}"},
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        assert home.status_code == 200
        assert "Loopback Times" in home.text
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors


def test_import_and_enrich_work_without_any_extra(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(article_html(title="Storm hits the coast of Vietnam"), encoding="utf-8")
    data = tmp_path / "data"
    imported = without_extras(data, "import", str(page))
    assert imported.returncode == 0, imported.stderr
    assert "Traceback" not in imported.stderr
    with sqlite3.connect(data / "newsloom.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    enriched = without_extras(data, "enrich")
    assert enriched.returncode == 0, enriched.stderr
    assert "Traceback" not in enriched.stderr


def test_worker_without_the_scale_extra_names_it(tmp_path: Path) -> None:
    result = without_extras(tmp_path / "data", "worker", env={"NEWSLOOM_BROKER_URL": "redis://127.0.0.1:9/0"})
    assert result.returncode == 1
    assert "newsloom[scale]" in result.stderr
    assert "Traceback" not in result.stderr


def test_postgres_without_its_driver_names_the_extra_and_hides_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://reader:s3cret@127.0.0.1:9/news"
    result = without_extras(tmp_path / "data", "stats", env={"NEWSLOOM_DATABASE_URL": url})
    assert result.returncode == 1
    assert "newsloom[postgres]" in result.stderr
    assert "s3cret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_offline_translation_without_its_extra_is_a_translation_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = tmp_path / "vi_en"
    pair.mkdir()
    for name in ("model.bin", "source.spm", "target.spm"):
        (pair / name).write_bytes(b"")
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # None in sys.modules: `import` raises ImportError
    with pytest.raises(TranslationError, match=r"newsloom\[translation\]"):
        CTranslate2Translator(tmp_path).translate(["Xin chào."], "vi", "en")
