"""What the stories stage reads of an article (``StoryDoc``), and how much of its body (``BODY_CHARS``).

Shared by the stories stage (``enrich/stories.py``), which groups these documents, and the store
(``store/stories.py``, ``store/translations.py``), which reads them out of the articles table: both stand on this
module and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

BODY_CHARS = 3000


@dataclass(slots=True)
class StoryDoc:
    """What clustering needs of an article: its text, its time, its outlet and language, and its story if it
    already has one. ``text`` may be a translation: grouping reads only these fields."""

    id: int
    title: str
    text: str
    published: datetime | None = None
    story: int | None = None
    checked: bool = False  # considered by an earlier run and left alone: a fixed one-article story now
    outlet: str | None = None
    language: str | None = None
