"""Every command that takes a URL, fed bad ones: one clear error line, a non-zero exit, never a traceback.

A URL on the command line reaches code that parses it in its own way (httpx, the idna codec, SQLAlchemy's URL
parser): each of those raised its own exception, which reached the terminal as a Python traceback. Run in
process with click's runner, so an exception that escapes the command is seen as such (``result.exception``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsloom.cli import cli
from tests.conftest import article_html

BAD_URLS = [
    "http://0177.0.0.1:8650/a/1",
    "http://1.2.3.999/x",
    "http://127.1/",
    "http://xn--/x",
    "http://\U0001f4a9.la/",
    "http://" + "a" * 300 + ".example/",
    "http://[::1/x",
    "http://[::g]/x",
    "http://example.com:99999/a",
    "http://example.com:port/a",
    "http://exa mple.com/a",
    "http://",
    "https://example.com/" + "a" * 5000,
    "javascript:alert(1)",
    "ftp://example.com/a",
    "",
]

BAD_DATABASE_URLS = [
    "postgresql://u:p@[::1/db",
    "mysql://nobody@127.0.0.1/x",
    "garbage://",
    "not a url",
    "http://0177.0.0.1/",
]


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "page.html"
    page.write_text(article_html())
    return page


def _source_list(tmp_path: Path, url: str) -> Path:
    listing = tmp_path / "sources.toml"
    listing.write_text(
        f'[[source]]\nname = "Example"\nhomepage = "https://example.com/"\n\n[[source.feed]]\nurl = "{url}"\n'
        'kind = "rss"\n'.replace("\\", "\\\\"),
        encoding="utf-8",
    )
    return listing


Command = Callable[[Path, str], list[str]]
COMMANDS: dict[str, Command] = {
    "extract URL": lambda tmp, url: ["extract", url],
    "extract FILE --url": lambda tmp, url: ["extract", str(_page(tmp)), "--url", url],
    "import FILE --url": lambda tmp, url: ["import", str(_page(tmp)), "--url", url],
    "sources add": lambda tmp, url: ["sources", "add", url],
    "sources import": lambda tmp, url: ["sources", "import", str(_source_list(tmp, url))],
}


def run(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), *args], catch_exceptions=True)


def assert_one_line_error(result: Result, url: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (url, repr(result.exception))
    assert result.exit_code != 0, (url, result.output)
    assert "Traceback" not in result.output and 'File "' not in result.output, result.output
    errors = [line for line in result.output.splitlines() if "rror" in line]
    assert len(errors) == 1, (url, result.output)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_bad_urls_are_one_error_line_for_every_command(tmp_path: Path, command: str) -> None:
    for number, url in enumerate(BAD_URLS):
        directory = tmp_path / str(number)
        directory.mkdir()
        result = run(directory, *COMMANDS[command](directory, url))
        assert_one_line_error(result, url)


@pytest.mark.parametrize("database_url", BAD_DATABASE_URLS)
def test_a_bad_database_url_is_one_error_line(tmp_path: Path, database_url: str) -> None:
    result = run(tmp_path, "--database-url", database_url, "stats")
    assert_one_line_error(result, database_url)
    assert "cannot open the store" in result.output
    assert ":p@" not in result.output  # the password stays hidden
