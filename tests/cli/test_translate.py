"""`newsloom import`, `newsloom translate` and `newsloom models` as users run them, with translation configured."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from newsloom.enrich.translate import models
from newsloom.settings import Settings
from tests.enrich.translate.helpers import (
    VI_ALT,
    VI_TITLE,
    DrippingServer,
    answer_for,
    translation_server,
    vietnamese_page,
)
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
    assert said(result).strip() == "translate: 1 editions made, 0 sentences from the translation memory; skipped: none"
    assert editions(data)[0][0] == answer_for(VI_TITLE)


@pytest.mark.slow
def test_import_and_translate_end_despite_a_dripping_server(tmp_path: Path) -> None:
    """A translation server sending a byte every quarter second (well within each read's timeout): each request
    ends at ``translate_timeout``, so ``import`` stores the page and ends, and ``translate`` says what failed and
    ends (both hung before)."""
    page = tmp_path / "vi.html"
    page.write_text(vietnamese_page(), encoding="utf-8")
    data = tmp_path / "data"
    with DrippingServer(interval=0.25) as server:
        env = {
            "NEWSLOOM_TRANSLATE_BACKEND": "libretranslate",
            "NEWSLOOM_TRANSLATE_URL": server.url,
            "NEWSLOOM_TRANSLATE_TIMEOUT": "1",
            "NEWSLOOM_TRANSLATE_RETRIES": "1",
        }
        started = time.monotonic()
        imported = newsloom(data, "import", str(page), env=env)
        translated = newsloom(data, "translate", env=env)
        elapsed = time.monotonic() - started
    assert imported.returncode == 0 and "import: 1 new" in said(imported), said(imported)
    assert "within 1 s (translate_timeout)" in said(imported) + said(translated)
    assert elapsed < 90, elapsed
    assert editions(data) == []


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


def test_translate_with_no_model_or_backend_none_says_so(tmp_path: Path) -> None:
    # The default (auto) with no model installed: translation is off, and the way to turn it on is named.
    result = newsloom(tmp_path / "data", "translate")
    assert result.returncode == 0 and "no translation model in" in result.stderr
    assert "newsloom models install vi en" in result.stderr
    result = newsloom(tmp_path / "data", "translate", env={"NEWSLOOM_TRANSLATE_BACKEND": "none"})
    assert result.returncode == 0 and "translate_backend is 'none'" in result.stderr
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


SIX_LANGUAGES = {
    # Portuguese and Italian first: with no model for them, they once failed every run, three in a row, and
    # stopped it before the Vietnamese articles.
    "pt": ["O governo anunciou hoje novas medidas para a economia.", "A inflação caiu pelo terceiro mês."],
    "it": ["Il governo ha annunciato oggi nuove misure per l'economia.", "L'inflazione è scesa ancora."],
    "de": ["Die Regierung hat heute neue Maßnahmen angekündigt.", "Die Inflation ist erneut gesunken."],
    "sv": ["Regeringen presenterade i dag nya åtgärder för ekonomin.", "Inflationen sjönk igen."],
    "es": ["El gobierno anunció hoy nuevas medidas para la economía.", "La inflación bajó otra vez."],
    "vi": [VI_TITLE, "Điện Kremlin bác bỏ thông tin tỷ phú Elon Musk bí mật liên lạc với ông Putin."],
}


def test_translate_makes_every_vi_en_edition_and_skips_pairs_without_a_model(tiny_models: Path, tmp_path: Path) -> None:
    """The acceptance run: the tiny model installed from a file (no network) with every setting at its default,
    articles in six languages stored; `newsloom translate` makes every vi→en edition, reports the other pairs as
    "no model", and exits 0. A second run makes nothing new and skips nothing again."""
    from newsloom.model import Article, Block, BlockKind, Image
    from newsloom.store.sql import open_store

    data = tmp_path / "data"
    installed = newsloom(data, "models", "install", "vi", "en", "--file", str(_argos_package(tiny_models, tmp_path)))
    assert installed.returncode == 0, installed.stderr
    store = open_store(Settings(data_dir=data))
    vietnamese = []
    for language, (title, text) in SIX_LANGUAGES.items():
        for copy in range(3 if language in ("pt", "it", "vi") else 1):
            url = f"https://{language}.example/{copy}"
            picture = Image(url=f"{url}.jpg", caption=text, alt=title)
            article = Article(url=url, canonical_url=url, title=f"{title} {copy}", language=language, images=[picture],
                              blocks=[Block(BlockKind.PARAGRAPH, text), Block(BlockKind.IMAGE, image=picture)])  # fmt: skip
            stored = store.upsert_article(article).article_id
            if language == "vi":
                vietnamese.append(stored)
    store.close()
    result = newsloom(data, "translate")
    assert result.returncode == 0, said(result)
    # The second and third Vietnamese articles repeat the first's text, caption and alt (5 sentences each): the
    # memory's; each title differs.
    assert said(result).strip() == (
        "translate: 3 editions made, 10 sentences from the translation memory; skipped: 3 (no model for it→en), "
        "3 (no model for pt→en), 1 (no model for de→en), 1 (no model for es→en), 1 (no model for sv→en)"
    )
    made = editions(data)
    assert sorted(original for _, _, original, _, _, _ in made) == vietnamese
    assert {(language, source, backend) for _, language, _, source, backend, _ in made} == {("en", "vi", "ctranslate2")}
    for _, _, _, _, _, images in made:  # captions and alt text are translated with the body
        [picture] = json.loads(images)
        assert picture["caption"] not in SIX_LANGUAGES["vi"] and picture["alt"] not in SIX_LANGUAGES["vi"]
    again = newsloom(data, "translate")
    assert again.returncode == 0
    assert said(again).strip() == "translate: 0 editions made, 0 sentences from the translation memory; skipped: none"


def test_models_install_fetches_the_package_the_argos_index_names(
    tiny_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index and the package served on 127.0.0.1 (the real ones are off this machine): the pair is found in the
    index, its package downloaded and installed where `auto` finds it."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    served = tmp_path / "served"
    served.mkdir()
    _argos_package(tiny_models, served).rename(served / "translate-vi_en-1_0.argosmodel")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    index = [
        {"from_code": "en", "to_code": "vi", "links": [f"{base}/missing.argosmodel"]},
        {"from_code": "vi", "to_code": "en", "links": [f"{base}/translate-vi_en-1_0.argosmodel"]},
    ]
    (served / "index.json").write_text(json.dumps(index), encoding="utf-8")
    monkeypatch.setattr(models, "ARGOS_INDEX", f"{base}/index.json")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = Settings(data_dir=tmp_path / "data")
        installed = models.install_from_index("vi", "en", settings.resolved_model_dir, settings)
        with pytest.raises(models.ModelInstallError) as raised:
            models.install_from_index("pt", "en", settings.resolved_model_dir, settings)
        assert raised.value.reason == "the Argos index has no pt→en package"
    finally:
        server.shutdown()
        server.server_close()
    assert installed == settings.resolved_model_dir / "vi_en" and (installed / "model" / "model.bin").is_file()
    from newsloom.pipeline.translation import active_backend

    assert active_backend(settings) == "ctranslate2"
