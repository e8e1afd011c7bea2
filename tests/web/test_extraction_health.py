"""Extraction health in the portal over real HTTP: flagged outlets in the admin, an outlet's chart, /metrics."""

from __future__ import annotations

import re

from tests.support.pages import feed
from tests.support.web import login
from tests.web.conftest import Site


def test_redesigned_outlet_is_listed_charted_and_exported(site: Site) -> None:
    feed(site.store, "redesigned.example", range(10), per_day=3)
    feed(site.store, "redesigned.example", range(10, 13), per_day=3, redesigned=True)
    feed(site.store, "steady.example", range(13), per_day=3)
    with site.client() as operator:
        assert operator.get("/admin/outlets/redesigned-example").status_code == 303  # login first
        login(operator, site)
        dashboard = operator.get("/admin").text
        flagged = dashboard[dashboard.index('id="flagged-heading"') :]
        flagged = flagged[: flagged.index("</section>")]
        assert "1 flagged" in flagged
        assert 'href="/admin/outlets/redesigned-example"' in flagged and "date, authors" in flagged
        assert "steady" not in flagged

        page = operator.get("/admin/outlets/redesigned-example")
        assert page.status_code == 200
        svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
        assert svg.count("<polyline") == 6 and "<script" not in page.text
        assert svg.count('stroke="#b3261e"') == 2  # date and authors in the alarm colour
        points = re.findall(r'points="([^"]+)"', svg)
        assert all(len(p.split()) == 13 for p in points)  # one point per day
        assert 'class="dropped"' in page.text
        steady = operator.get("/admin/outlets/steady-example").text
        assert "Flagged" not in steady and 'stroke="#b3261e"' not in steady
        assert operator.get("/admin/outlets/no-such-outlet").status_code == 404

    metrics = site.client().get("/metrics").text
    assert 'newsloom_extraction_flagged{outlet="redesigned-example"} 1' in metrics
    assert 'newsloom_extraction_flagged{outlet="steady-example"} 0' in metrics
    assert 'newsloom_extraction_completeness{outlet="redesigned-example",field="date"} 0.000' in metrics
    assert 'newsloom_extraction_completeness{outlet="steady-example",field="date"} 1.000' in metrics
