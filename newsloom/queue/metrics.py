"""Queue figures for ``/metrics``: messages waiting and tasks failed, read from the Redis broker.

Each worker adds its failures to one Redis counter (``tasks.FAILURES_KEY``), so any web process reports the
whole deployment's. A broker that does not answer reports ``newsloom_queue_up 0`` rather than failing the scrape.
"""

from __future__ import annotations

import redis

from newsloom.queue.app import QUEUE
from newsloom.settings import Settings

FAILURES_KEY = "newsloom:metrics:task_failures"


def queue_metric_lines(settings: Settings) -> list[str]:
    if not settings.broker_url or not str(settings.broker_url).startswith(("redis://", "rediss://")):
        return []
    lines = ["# HELP newsloom_queue_up Whether the broker answered.", "# TYPE newsloom_queue_up gauge"]
    try:
        client = redis.Redis.from_url(str(settings.broker_url), socket_timeout=1, socket_connect_timeout=1)
        depth = int(client.llen(QUEUE))
        failures = int(client.get(FAILURES_KEY) or 0)
    except redis.exceptions.RedisError:
        return [*lines, "newsloom_queue_up 0"]
    return [
        *lines,
        "newsloom_queue_up 1",
        "# HELP newsloom_queue_depth Tasks waiting in the broker's queue.",
        "# TYPE newsloom_queue_depth gauge",
        f"newsloom_queue_depth {depth}",
        "# HELP newsloom_task_failures_total Tasks that failed, across all workers.",
        "# TYPE newsloom_task_failures_total counter",
        f"newsloom_task_failures_total {failures}",
    ]
