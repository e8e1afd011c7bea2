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


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yields an SQLAlchemy URL of an empty database, or ``None`` when PostgreSQL is not installed."""
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
    data, port = root / "data", _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
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
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
            **quiet,  # type: ignore[arg-type]
        )
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "newsloom", "newsloom"], **quiet
        )  # type: ignore[arg-type]
        yield f"postgresql+psycopg://newsloom@127.0.0.1:{port}/newsloom"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)
