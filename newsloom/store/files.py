"""Files of the store on disk, private to the account that runs newsloom.

The data directory holds password hashes (the store), the key that signs sessions and every reader's read counts:
it is created 0700 and its files 0600, whatever the umask. SQLite creates its ``-wal`` and ``-shm`` files with
the mode of the database file, so those follow. A file that already exists is tightened to 0600 when opened
(stores created before this rule were world-readable); an existing directory is left as the operator made it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """``path`` and its missing parents, created 0700."""
    missing = [parent for parent in (path, *path.parents) if not parent.exists()]
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in missing:
        with contextlib.suppress(OSError):
            created.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty with mode 0600 if missing (its directory 0700), else tightened to 0600."""
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        with contextlib.suppress(OSError):  # not ours to change (another account's file): leave it
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(FILE_MODE)
    else:
        os.close(descriptor)
    return path
