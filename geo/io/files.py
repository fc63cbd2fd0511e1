"""Files the app writes beside its data: atomic replacement and an exclusive lock.

Writers of small shared files (corrections, remembered column mappings, the embedded
store) replace a file whole with :func:`atomic_write`, so a reader never sees half of it,
and queue on :func:`locked`, an ``fcntl`` lock on a side file, so concurrent writers
(threads of one server, several processes) apply their changes one after another.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a temporary file, fsync, rename).

    The file is readable by everyone and writable by its owner (``0o644``).

    Parameters
    ----------
    path : Path
        The file to write; its folder is created when missing.
    data : bytes
        The whole new content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def lock_path(path: Path) -> Path:
    """The side file :func:`locked` takes for ``path`` (``<name>.lock`` beside it)."""
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock for writing ``path`` while the block runs.

    Parameters
    ----------
    path : Path
        The file being written; the lock is taken on :func:`lock_path` of it, whose
        folder is created when missing.
    """
    side = lock_path(path)
    side.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(side, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
