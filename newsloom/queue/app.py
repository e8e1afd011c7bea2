"""The Celery application and its configuration from newsloom's settings.

Configured for a pipeline whose effects are idempotent and whose messages must not be lost: late
acknowledgement, a task whose worker died is rejected back to the queue, one message prefetched per process (a
long page does not hold others hostage), and the broker's visibility timeout from ``queue_visibility_timeout``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from celery import Celery

from newsloom.settings import Settings

QUEUE = "newsloom"

app = Celery("newsloom", include=["newsloom.queue.tasks"])


def configure(settings: Settings) -> Celery:
    """Point the application at the settings' broker; tasks read the same settings in the worker."""
    app.conf.update(
        broker_url=settings.broker_url,
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport_options(settings.queue_visibility_timeout),
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_heartbeat=0,
        beat_schedule={
            "schedule-due-feeds": {"task": "newsloom.schedule_due", "schedule": float(settings.beat_interval_seconds)},
            "stories": {"task": "newsloom.update_stories", "schedule": float(settings.stories_interval_seconds)},
        },
    )
    app.conf.newsloom_settings = settings
    return app


def transport_options(visibility_timeout: int) -> dict[str, int]:
    """The Redis transport's options. A task whose worker died is handed out again once Kombu's scan of the
    unacknowledged tasks finds it past ``visibility_timeout``; Kombu looks every 10 s but by default scans only on
    every tenth look, so such a task came back up to 100 s after its timeout. Here every look scans (one sorted-set
    range read), at least every 10 s and twice per timeout: the timeout is the delay it names."""
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": max(1, min(10, visibility_timeout // 2)),
        "unacked_restore_throttle": 1,
    }


def redacted(url: str | None) -> str:
    """A URL fit for a message: the password replaced by ``***``."""
    if not url:
        return "(unset)"
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
