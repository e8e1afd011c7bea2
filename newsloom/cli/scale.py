"""``newsloom worker`` (a Celery worker running the pipeline's tasks) and ``newsloom beat`` (the scheduler).

Both need ``broker_url``. Before handing over to Celery they check that the broker and the store answer, so a
service that is down is one clear line naming its URL (password hidden), not a traceback from deep in Kombu.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from newsloom.cli.context import AppContext, err_console, out_console

if TYPE_CHECKING:  # Celery is the scale extra, imported when a command runs
    from celery import Celery


def _checked_app(app: AppContext) -> Celery:
    """The configured Celery application, once broker and store are known to answer."""
    import sqlalchemy.exc

    try:
        from newsloom.queue.app import configure, redacted
    except ImportError as error:  # Celery and Redis are the scale extra; the embedded default needs neither
        raise click.ClickException(
            f"scale-out needs the scale extra ({error.name} is not installed): pip install 'newsloom[scale]'"
        ) from None

    settings = app.settings
    if not settings.broker_url:
        raise click.ClickException("no broker: set NEWSLOOM_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    celery_app = configure(settings)
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=5)
    except Exception as error:  # kombu raises several families; all mean the same to an operator
        raise click.ClickException(f"cannot reach the broker at {redacted(settings.broker_url)}: {error}") from None
    try:
        app.store.engine.dispose()  # nothing opened here may cross the fork into worker processes
    except sqlalchemy.exc.SQLAlchemyError as error:
        url = redacted(settings.resolved_database_url)
        raise click.ClickException(
            f"cannot reach the store at {url}: {getattr(error, 'orig', None) or error}"
        ) from None
    return celery_app


@click.command("worker")
@click.option("-c", "--concurrency", type=int, help="Tasks run at once (processes); default worker_concurrency.")
@click.option("--pool", default="prefork", show_default=True, type=click.Choice(["prefork", "solo", "threads"]))
@click.option("--name", help="Worker name (default newsloom-PID@host).")
@click.pass_obj
def worker_command(app: AppContext, concurrency: int | None, pool: str, name: str | None) -> None:
    """Run pipeline tasks from the broker (scale-out); start as many as the machines allow."""
    from newsloom.cli.batch import with_page_stage

    celery_app = _checked_app(app)
    with_page_stage()  # before the pool forks: each worker's batches end by storing their pages
    level = {0: "WARNING", 1: "INFO"}.get(app.verbosity, "DEBUG")
    err_console.print(f"newsloom worker: {concurrency or app.settings.worker_concurrency} at once, pool {pool}")
    celery_app.worker_main(
        [
            "worker",
            "--concurrency",
            str(concurrency or app.settings.worker_concurrency),
            "--pool",
            pool,
            "--loglevel",
            level,
            "--hostname",
            name or f"newsloom-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@click.command("beat")
@click.option("--once", is_flag=True, help="Send a poll of every entry point now, then exit.")
@click.pass_obj
def beat_command(app: AppContext, once: bool) -> None:
    """Schedule polls of due entry points and the stories stage for the workers (run exactly one)."""
    celery_app = _checked_app(app)
    if once:
        from newsloom.queue.tasks import send_due_polls
        from newsloom.store.sources import SourceStore

        sent = send_due_polls(SourceStore(app.store.engine), None, app.settings, everything=True)
        out_console.print(f"beat: sent {sent} entry points to the workers")
        return
    schedule = app.settings.data_dir / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    err_console.print(
        f"newsloom beat: due entry points every {app.settings.beat_interval_seconds}s, "
        f"stories every {app.settings.stories_interval_seconds}s"
    )
    level = {0: "WARNING", 1: "INFO"}.get(app.verbosity, "DEBUG")
    celery_app.Beat(schedule=str(schedule), loglevel=level, quiet=True).run()
