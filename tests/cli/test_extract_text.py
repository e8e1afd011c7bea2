"""`newsloom extract --format text`: what a reader sees, each piece once."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import article_html
from tests.support.cli import run_cli

DECK = "Emergency crews worked through the night as the storm cut power to thousands of homes on the coast."


def with_deck(html: str) -> str:
    return html.replace("A storm brought rain and wind to the coast.", DECK)


def extract_text(tmp_path: Path, html: str) -> str:
    page = tmp_path / "p.html"
    page.write_text(html)
    result = run_cli("--data-dir", str(tmp_path / "d"), "extract", str(page), "--format", "text")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_lead_repeated_as_the_first_paragraph_is_printed_once(tmp_path: Path) -> None:
    html = with_deck(article_html(body_prefix=f"<p>{DECK}</p>"))
    text = extract_text(tmp_path, html)
    assert text.count(DECK) == 1, text


def test_a_lead_the_body_does_not_repeat_is_printed(tmp_path: Path) -> None:
    html = with_deck(article_html())
    text = extract_text(tmp_path, html)
    assert text.count(DECK) == 1, text
    assert text.index(DECK) < text.index("The storm reached the coast")
