"""A throwaway PostgreSQL server on loopback for the tests that run the store on PostgreSQL.

The Debian ``postgresql`` package provides the binaries (``scripts/test-services.sh`` installs it); the cluster
lives in a temporary directory, listens on 127.0.0.1 at a free port, and is removed at the end of the session.
``initdb`` refuses to run as root, so under root the server runs as the package's ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """A running throwaway cluster; ``stop`` and ``start`` let a test take it away for a while."""

    def __init__(self, bindir: Path, root: Path, prefix: list[str], port: int) -> None:
        self.bindir, self.root, self.prefix, self.port = bindir, root, prefix, port
        self.data = root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://newsloom@127.0.0.1:{self.port}/newsloom"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            [
                *self.prefix,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.root / "log"),
                "-w",
                "start",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster | None]:
    """Yields a running cluster with an empty ``newsloom`` database, or ``None`` when PostgreSQL is not installed."""
    bindir = _bindir()
    as_root = os.geteuid() == 0
    if bindir is None or (as_root and shutil.which("runuser") is None):
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="newsloom-pg-"))
    prefix: list[str] = []
    if as_root:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    root.chmod(0o755)
    cluster = PostgresCluster(bindir, root, prefix, _free_port())
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(cluster.data),
                "-A",
                "trust",
                "-U",
                "newsloom",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            **quiet,  # type: ignore[arg-type]
        )
        cluster.start()
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "newsloom", "newsloom"],
            **quiet,  # type: ignore[arg-type]
        )
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yields an SQLAlchemy URL of an empty database, or ``None`` when PostgreSQL is not installed."""
    with postgres_cluster() as cluster:
        yield cluster.url if cluster is not None else None
