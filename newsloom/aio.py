"""Running a coroutine to completion from synchronous code, wherever that code is called from.

``asyncio.run`` refuses to start when the calling thread already runs an event loop: a synchronous entry point
(import's media stage, a one-page fetch, ``crawl --once``) called from a notebook, an async test harness or a
browser driver's loop would fail with "cannot be called from a running event loop". There the coroutine runs on
a fresh loop in a worker thread, and the caller waits for it as it would for ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)``, in a worker thread when this thread's loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed to the caller's thread as it is
            outcome["error"] = error

    worker = threading.Thread(target=target, name="newsloom-run-to-completion")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
