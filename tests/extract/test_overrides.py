"""Operators' per-site selector files: applied by host, never needed for other sites, broken files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.errors import ConfigError
from newsloom.extract import extract_article
from newsloom.extract.overrides import load_overrides

PAGE = (Path(__file__).parent / "pages" / "dantri.html").read_bytes()
URL = "https://dantri.com.vn/the-gioi/x.htm"


def write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "dantri.toml"
    path.write_text(text, encoding="utf-8")
    return directory


def test_override_selectors_win_for_their_host(tmp_path: Path) -> None:
    overrides = load_overrides(
        write(
            tmp_path / "sites",
            """
hosts = ["dantri.com.vn"]
remove = ["//p[starts-with(normalize-space(), 'Tỷ phú Mỹ và Tổng thống Nga')]"]
title = "//article/h1"
authors = "//div[@class='author-name']"
section = "//ul[@class='breadcrumbs']/li[last()]"
body = "//article"
""",
        )
    )
    article = extract_article(PAGE, url=URL, overrides=overrides)
    assert article.title == "Nga bác tin tỷ phú Elon Musk và ông Putin trao đổi bí mật"
    assert article.authors == ["Thành Đạt"] and article.section == "Thế giới"
    assert "Tỷ phú Mỹ và Tổng thống Nga chỉ có" not in article.body
    assert "Người phát ngôn" in article.body
    generic = extract_article(PAGE, url=URL)
    assert "Tỷ phú Mỹ và Tổng thống Nga chỉ có" in generic.body
    other_site = extract_article(PAGE, url="https://other.example/x", overrides=overrides)
    assert other_site.body == generic.body


def test_broken_override_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bad XPath"):
        load_overrides(write(tmp_path / "a", 'hosts = ["x.example"]\nbody = "//div[@class="'))
    with pytest.raises(ConfigError, match="hosts"):
        load_overrides(write(tmp_path / "b", 'body = "//article"'))
    with pytest.raises(ConfigError, match="unreadable"):
        load_overrides(write(tmp_path / "c", "hosts = [unterminated"))


def test_cli_applies_overrides_from_settings(tmp_path: Path) -> None:
    import json

    from tests.support.cli import run_cli

    sites = write(
        tmp_path / "sites",
        'hosts = ["dantri.com.vn"]\nremove = ["//p[starts-with(normalize-space(), \'Người phát ngôn\')]"]\n',
    )
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    command = ["--data-dir", str(tmp_path / "d"), "extract", str(page), "--url", URL]
    with_override = json.loads(run_cli(*command, env={"NEWSLOOM_EXTRACT_OVERRIDES_DIR": str(sites)}).stdout)
    without = json.loads(run_cli(*command, env={"NEWSLOOM_EXTRACT_OVERRIDES_DIR": None}).stdout)
    assert "Người phát ngôn" not in with_override["body"] and "Người phát ngôn" in without["body"]
