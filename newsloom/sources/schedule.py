"""When to poll a feed next: adaptive to how often it publishes, backing off when it fails.

A poll that found several new articles halves the interval, one or two shortens it a little, none lengthens it by
half; failures double it per consecutive error. Always within ``poll_min_seconds`` … ``poll_max_seconds``. A little
jitter keeps feeds added together from being polled in lockstep forever.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from newsloom.settings import Settings


def next_interval(current: int, *, new_articles: int, ok: bool, error_streak: int, settings: Settings) -> int:
    """``error_streak`` counts failures before this poll; ``current`` is the feed's present interval."""
    current = current or settings.poll_interval_seconds
    if not ok:
        interval = settings.poll_interval_seconds * 2 ** min(error_streak + 1, 10)
    elif new_articles >= 5:
        interval = current * 0.5
    elif new_articles > 0:
        interval = current * 0.8
    else:
        interval = current * 1.5
    return int(min(settings.poll_max_seconds, max(settings.poll_min_seconds, interval)))


def next_poll_at(now: datetime, interval: int) -> datetime:
    return now + timedelta(seconds=interval * random.uniform(0.9, 1.1))
