"""Markup that the portal builds from untrusted text.

Publishers' HTML never reaches a page: extraction keeps text blocks, and Jinja escapes them. The only markup
made from stored text is the search highlight below, escaped first.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def highlight_snippet(snippet: str) -> Markup:
    """Search snippets mark matches with \\x02…\\x03; escape everything, then turn the markers into <mark>."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace("\x02", "<mark>").replace("\x03", "</mark>"))
