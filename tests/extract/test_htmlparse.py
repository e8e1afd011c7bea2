"""The C class lookup must give the tree lxml.html's own parser gives: same nodes, same classes, same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html
from trafilatura.utils import load_html as trafilatura_load_html

from newsloom.extract.htmlparse import load_html

PAGES = sorted((Path(__file__).parent / "pages").glob("*.html"))
FORM_PAGE = """<!DOCTYPE html><html><head><title>t</title></head><body><!-- c -->
<form action="/s"><label for="q">Q</label><input id="q" name="q"><select><option>a</option></select>
<textarea>x</textarea></form><p>Đà Nẵng &amp; Huế</p><?pi x?></body></html>"""


def _shape(tree: lxml_html.HtmlElement) -> list[tuple[str, str, str | None, str | None]]:
    return [(type(node).__name__, str(node.tag), node.text, node.tail) for node in tree.iter()]


@pytest.mark.parametrize("text", [FORM_PAGE, *(path.read_text(encoding="utf-8") for path in PAGES)])
def test_same_tree_and_classes_as_trafilatura(text: str) -> None:
    ours, theirs = load_html(text), trafilatura_load_html(text)
    assert ours is not None and theirs is not None
    assert _shape(ours) == _shape(theirs)
    assert lxml_html.tostring(ours) == lxml_html.tostring(theirs)


def test_form_elements_keep_their_classes() -> None:
    tree = load_html(FORM_PAGE)
    assert tree is not None
    assert isinstance(tree.find(".//form"), lxml_html.FormElement)
    assert isinstance(tree.find(".//input"), lxml_html.InputElement)
    assert isinstance(tree.find(".//select"), lxml_html.SelectElement)
    assert isinstance(tree.find(".//textarea"), lxml_html.TextareaElement)
    assert isinstance(tree.find(".//label"), lxml_html.LabelElement)


def test_not_html_is_none_as_in_trafilatura() -> None:
    assert load_html("just text, no markup") == trafilatura_load_html("just text, no markup")
