"""`newsloom import`, `newsloom translate` and `newsloom models` as users run them, with translation configured."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from newsloom.enrich.translate import models
from newsloom.settings import Settings
from tests.enrich.translate.helpers import VI_ALT, VI_TITLE, answer_for, translation_server, vietnamese_page
from tests.support.cli import run_cli


def newsloom(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``newsloom --data-dir DATA ARGS`` in-process, with ``env`` set for the command."""
    return run_cli("--data-dir", str(data_dir), *args, env=env)


def said(result: subprocess.CompletedProcess[str]) -> str:
    """Everything a command printed: results go to stdout, reports and problems to stderr."""
    return result.stdout + result.stderr


def editions(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "newsloom.db") as conn:
        return conn.execute(
            "SELECT e.title, e.language, e.translated_from, o.language, e.translation_backend, e.images "
            "FROM articles e JOIN articles o ON o.id = e.translated_from"
        ).fetchall()


def test_import_with_libretranslate_stores_the_servers_title(tmp_path: Path) -> None:
    page = tmp_path / "vi.html"
    page.write_text(vietnamese_page(), encoding="utf-8")
    data = tmp_path / "data"
    with translation_server() as (url, _):
        env = {"NEWSLOOM_TRANSLATE_BACKEND": "libretranslate", "NEWSLOOM_TRANSLATE_URL": url}
        result = newsloom(data, "import", str(page), env=env)
    assert result.returncode == 0, result.stderr
    assert "translate: 1 editions" in said(result)
    [(title, language, _, original_language, backend, images)] = editions(data)
    assert title == answer_for(VI_TITLE) and language == "en" and original_language == "vi"
    assert backend == "libretranslate" and answer_for(VI_ALT) in [image["alt"] for image in json.loads(images)]
    # Reprocessing re-extracts originals only: an edition has no page of its own, and is kept.
    again = newsloom(data, "reprocess")
    assert again.returncode == 0 and "0 failed" in said(again) and "no stored HTML" not in said(again)
    assert len(editions(data)) == 1


def test_import_survives_a_down_server_and_translate_retries(tmp_path: Path) -> None:
    page = tmp_path / "vi.html"
    page.write_text(vietnamese_page(), encoding="utf-8")
    data = tmp_path / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {
        "NEWSLOOM_TRANSLATE_BACKEND": "libretranslate",
        "NEWSLOOM_TRANSLATE_URL": closed,
        "NEWSLOOM_TRANSLATE_RETRIES": "1",
        "NEWSLOOM_TRANSLATE_BACKOFF_SECONDS": "0.01",
    }
    result = newsloom(data, "import", str(page), env=env)
    assert result.returncode == 0, result.stderr
    assert "import: 1 new" in said(result) and "unreachable" in said(result) and "retried later" in said(result)
    assert editions(data) == []
    with translation_server() as (url, _):
        result = newsloom(data, "translate", env={**env, "NEWSLOOM_TRANSLATE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "jobs: 1 done" in said(result)
    assert editions(data)[0][0] == answer_for(VI_TITLE)


def _argos_package(tiny_models: Path, tmp_path: Path) -> Path:
    package = tmp_path / "translate-vi_en-tiny.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        root = tiny_models / "vi_en"
        archive.writestr(
            "translate-vi_en/metadata.json", '{"from_code": "vi", "to_code": "en", "package_version": "0"}'
        )
        for file in root.rglob("*"):
            if file.is_file():
                archive.write(file, f"translate-vi_en/{file.relative_to(root)}")
    return package


def test_models_install_from_file_then_import_translates_offline(tiny_models: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    package = _argos_package(tiny_models, tmp_path)
    result = newsloom(data, "models", "install", "vi", "en", "--file", str(package))
    assert result.returncode == 0, result.stderr
    assert (data / "models" / "vi_en" / "model" / "model.bin").is_file()
    listed = newsloom(data, "models", "list")
    assert listed.stdout.startswith("vi\ten\t")
    wrong = newsloom(data, "models", "install", "en", "vi", "--file", str(package))
    assert wrong.returncode == 1 and "translates vi→en, not en→vi" in wrong.stderr
    page = tmp_path / "vi.html"
    page.write_text(vietnamese_page(), encoding="utf-8")
    result = newsloom(data, "import", str(page), env={"NEWSLOOM_TRANSLATE_BACKEND": "ctranslate2"})
    assert result.returncode == 0, result.stderr
    [(title, language, _, _, backend, images)] = editions(data)
    assert language == "en" and backend == "ctranslate2" and title != VI_TITLE
    assert VI_ALT not in [image["alt"] for image in json.loads(images)]


def test_models_install_without_network_says_how_to_install_from_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setattr(models, "ARGOS_INDEX", f"http://127.0.0.1:{probe.getsockname()[1]}/index.json")
    with pytest.raises(models.ModelInstallError) as raised:
        models.install_from_index("vi", "en", tmp_path / "models", Settings(data_dir=tmp_path))
    assert "newsloom models install vi en --file PATH.argosmodel" in raised.value.reason


def test_translate_with_backend_none_says_so(tmp_path: Path) -> None:
    result = newsloom(tmp_path / "data", "translate")
    assert result.returncode == 0 and "translate_backend is 'none'" in result.stderr
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
