"""Which reads run in the event loop and which wait in a worker thread, over real HTTP.

Article renders and plain searches are short and bounded, so they run in the loop (no thread hop, no threads
queueing for the GIL); filtered or many-word searches may walk many matches and must not stall the loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from newsloom.store import SQLStore
from tests.web.conftest import Site


def in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def where(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Records, for each article read and search, whether it ran in the event loop."""
    seen: list[tuple[str, bool]] = []
    for name in ("search_page", "get_article"):
        original = getattr(SQLStore, name)

        def recording(self: SQLStore, *args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            seen.append((_name, in_event_loop()))
            return _original(self, *args, **kw)

        monkeypatch.setattr(SQLStore, name, recording)
    return seen


def test_plain_searches_run_in_the_loop_filtered_ones_in_a_worker(site: Site, where: list[tuple[str, bool]]) -> None:
    with site.client() as client:
        assert "Article number 2" in client.get("/search", params={"q": "paragraph"}).text
        sport = client.get("/search", params={"q": "paragraph", "outlet": "example-org"}).text
        assert "Article number 4" in sport and "Article number 2" not in sport
        client.get("/search", params={"q": "first paragraph of article"})
    assert where == [("search_page", True), ("search_page", False), ("search_page", False)]


def test_article_pages_render_in_the_loop(site: Site, where: list[tuple[str, bool]]) -> None:
    with site.client() as client:
        path = client.get(f"/article/{site.ids[0]}").headers["location"]
        where.clear()
        assert client.get(path).status_code == 200
    assert where == [("get_article", True)]
