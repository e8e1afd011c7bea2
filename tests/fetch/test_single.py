"""`newsloom extract URL` fetches through the guarded fetcher."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import article_html
from tests.fetch.site import FaultSite, Reply
from tests.support.cli import newsloom_in as newsloom


def test_extract_url_from_loopback_when_allowed_and_refused_otherwise(tmp_path: Path) -> None:
    with FaultSite() as site:
        site.route("/story", Reply(301, headers={"Location": "/story-final"}))
        site.route("/story-final", Reply(200, article_html(title="Loopback story", canonical=None).encode()))
        allowed = newsloom(tmp_path / "data", "extract", site.url("/story"))
        refused = newsloom(tmp_path / "data", "extract", site.url("/story"), allow=None)
    assert allowed.returncode == 0, allowed.stderr
    article = json.loads(allowed.stdout)
    assert article["title"] == "Loopback story"
    assert article["canonical_url"] == site.url("/story-final")
    assert refused.returncode != 0 and "not public" in refused.stderr
    assert site.hits["/robots.txt"] == 0
