"""The one place remote HTML is made safe for our pages (nh3, a maintained Rust sanitiser)."""

from __future__ import annotations

import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "figure",
    "figcaption",
    "img",
    "sub",
    "sup",
    "mark",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def sanitize_html(html: str) -> Markup:
    """HTML with scripts, handlers, styles and unsafe URLs removed; links get rel=noopener nofollow."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener nofollow ugc",
    )
    return Markup(cleaned)


def highlight_snippet(snippet: str) -> Markup:
    """Search snippets mark matches with \\x02…\\x03; escape everything, then turn the markers into <mark>."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace("\x02", "<mark>").replace("\x03", "</mark>"))
