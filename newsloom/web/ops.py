"""Health and metrics for operators: ``/healthz`` (the store answers) and ``/metrics`` (Prometheus text, for the
``metrics_allow`` networks only)."""

from __future__ import annotations

import time
from collections import Counter

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse

from newsloom.store.health import ExtractionHealth
from newsloom.web.security import address_in

router = APIRouter()
REQUESTS: Counter[tuple[str, int]] = Counter()
STARTED = time.time()


@router.get("/healthz", response_class=PlainTextResponse)
def healthz(request: Request) -> str:
    request.app.state.portal.store.count_articles()
    return "ok"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _extraction_health(engine: sa.Engine) -> list[str]:
    """Per outlet: each field's share over its recent days, and whether it fell below its baseline."""
    outlets = ExtractionHealth(engine).outlets()
    lines = [
        "# HELP newsloom_extraction_completeness Share of an outlet's recent new articles with each field.",
        "# TYPE newsloom_extraction_completeness gauge",
    ]
    for outlet in outlets:
        lines += [
            f'newsloom_extraction_completeness{{outlet="{_label(outlet.slug)}",field="{name}"}} {share:.3f}'
            for name, share in outlet.recent.items()
        ]
    lines += [
        "# HELP newsloom_extraction_flagged 1 when an outlet's extraction fell well below its own baseline.",
        "# TYPE newsloom_extraction_flagged gauge",
    ]
    lines += [f'newsloom_extraction_flagged{{outlet="{_label(o.slug)}"}} {int(o.flagged)}' for o in outlets]
    return lines


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> str:
    """Only for ``metrics_allow`` networks (loopback by default): counts of pending comments and traffic are not
    for everyone. The address is the client's as ``trusted_proxies`` allow it to be known."""
    portal = request.app.state.portal
    if not address_in(portal.client_address(request), portal.metrics_allow):
        raise HTTPException(403, "Metrics are not served to this address")
    stats = portal.store.stats()
    lines = [
        "# HELP newsloom_articles Articles in the store.",
        "# TYPE newsloom_articles gauge",
        f"newsloom_articles {stats.articles}",
        "# HELP newsloom_comments_pending Comments waiting for moderation.",
        "# TYPE newsloom_comments_pending gauge",
        f"newsloom_comments_pending {portal.comments.count_pending()}",
        "# HELP newsloom_uptime_seconds Seconds since the portal started.",
        "# TYPE newsloom_uptime_seconds gauge",
        f"newsloom_uptime_seconds {time.time() - STARTED:.0f}",
        "# HELP newsloom_http_requests_total HTTP responses by route kind and status.",
        "# TYPE newsloom_http_requests_total counter",
    ]
    lines += [
        f'newsloom_http_requests_total{{route="{route}",status="{status}"}} {n}'
        for (route, status), n in sorted(REQUESTS.items())
    ]
    lines += _extraction_health(portal.store.engine)
    if portal.settings.broker_url:
        from newsloom.queue.metrics import queue_metric_lines  # only scale deployments import the Redis client

        lines += queue_metric_lines(portal.settings)
    return "\n".join(lines) + "\n"
