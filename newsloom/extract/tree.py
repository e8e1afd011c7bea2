"""The part of an lxml element our code reads, as a type.

lxml keeps its element class private (``etree._Element``) and ships no types, so a hint naming it leans on a name
lxml may move in any release. ``TreeElement`` names what we rely on instead; every element lxml builds (HTML or XML
parser, trafilatura's output tree) has it. At run time, ``lxml.etree.iselement`` is the public test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, overload


class TreeElement(Protocol):
    """An element of a parsed tree: its tag (a string, or a function for comments and processing instructions),
    attributes, text and children."""

    @property
    def tag(self) -> object: ...

    @property
    def text(self) -> str | None: ...

    @overload
    def get(self, key: str) -> str | None: ...

    @overload
    def get(self, key: str, default: str) -> str: ...

    def iter(self, *tags: str) -> Iterator[TreeElement]: ...

    def itertext(self) -> Iterator[str]: ...

    def getparent(self) -> TreeElement | None: ...

    def __iter__(self) -> Iterator[TreeElement]: ...
