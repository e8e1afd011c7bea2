"""Health and metrics for operators: ``/healthz`` (the store answers) and ``/metrics`` (Prometheus text, for the
``metrics_allow`` networks only)."""

from __future__ import annotations

import time
from collections import Counter

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse

from newsloom.web.security import address_in

router = APIRouter()
REQUESTS: Counter[tuple[str, int]] = Counter()
STARTED = time.time()


@router.get("/healthz", response_class=PlainTextResponse)
def healthz(request: Request) -> str:
    request.app.state.portal.store.count_articles()
    return "ok"


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
    if portal.settings.broker_url:
        from newsloom.queue.metrics import queue_metric_lines  # only scale deployments import the Redis client

        lines += queue_metric_lines(portal.settings)
    return "\n".join(lines) + "\n"
