"""Atomic writes and the shared write lock (geo/io/files.py)."""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import pytest

from geo.io.files import atomic_write, lock_path, locked


def test_atomic_write_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "data.csv"
    atomic_write(target, b"first")
    atomic_write(target, b"second, longer")
    assert target.read_bytes() == b"second, longer"
    assert [p.name for p in target.parent.iterdir()] == ["data.csv"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_atomic_write_keeps_old_content_when_writing_fails(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "data.csv"
    atomic_write(target, b"kept")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("geo.io.files.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"lost")
    assert target.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]


def test_locked_serialises_read_modify_write(tmp_path: Path) -> None:
    counter = tmp_path / "count.txt"
    atomic_write(counter, b"0")

    def bump() -> None:
        for _ in range(20):
            with locked(counter):
                value = int(counter.read_text())
                time.sleep(0.0005)
                atomic_write(counter, str(value + 1).encode())

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.read_text() == "80"
    assert lock_path(counter).exists()


def test_locked_creates_the_folder_of_its_side_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "overrides.csv"
    with locked(target):
        assert lock_path(target).parent.is_dir()
