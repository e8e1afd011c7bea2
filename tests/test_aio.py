"""Synchronous entry points run their coroutine whether or not the calling thread already runs a loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from newsloom.aio import run_to_completion


async def _where() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


async def _fails() -> None:
    raise ValueError("from the coroutine")


def test_without_a_running_loop_it_runs_here() -> None:
    assert run_to_completion(_where()) == threading.current_thread().name


def test_inside_a_running_loop_it_runs_in_a_worker_and_returns() -> None:
    async def caller() -> str:
        return run_to_completion(_where())  # asyncio.run would refuse here

    assert asyncio.run(caller()) == "newsloom-run-to-completion"


def test_the_coroutines_error_reaches_the_caller() -> None:
    async def caller() -> None:
        run_to_completion(_fails())

    with pytest.raises(ValueError, match="from the coroutine"):
        asyncio.run(caller())
    with pytest.raises(ValueError, match="from the coroutine"):
        run_to_completion(_fails())
