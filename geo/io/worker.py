"""Parsing an upload in a worker process, with memory and CPU limits, progress and cancel.

The Import page never parses a file in the server's own process: an upload is first
written to a temporary file (:func:`spool`), then :class:`ParseJob` starts a fresh
process (``python -m geo.io.worker``: a new interpreter, no copy of the server's memory,
nothing of the server's ``__main__`` re-run) that limits itself at start, once its
libraries are loaded and before reading anything:

- ``RLIMIT_AS``: its address space may grow by ``INCIDENT_MAP_WORKER_MEMORY_MB`` beyond
  what it holds once its libraries are loaded (an allocation past it is a
  ``MemoryError``);
- ``RLIMIT_CPU``: ``INCIDENT_MAP_WORKER_CPU_SECONDS`` of CPU beyond its start (the kernel
  then stops it with ``SIGXCPU``).

It reads, maps and validates the file (:func:`geo.io.load.read_incidents`), reports
progress through a pipe (bytes read, then rows parsed), and hands the result back as a
pickle in a temporary file, never as one huge pipe message. The parent reads the file,
deletes it, and the worker's memory goes back to the system when it exits. A worker
stopped by a limit gives a named message (:attr:`ParseJob.error`); nothing has been
written anywhere but its own temporary file, which is deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import math
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from geo.io.load import Loaded, read_incidents
from geo.io.mappings import ColumnMapping
from geo.io.table import FormatError
from geo.settings import PROJECT_ROOT, Settings, load_settings

CHUNK_BYTES = 1 << 20
"""Bytes copied or read at a time."""
_REPORT_SECONDS = 0.1
_READ_SHARE = 0.1  # of the progress bar: reading the file's bytes; parsing is the rest


class ParseFailed(FormatError):
    """A worker could not parse a file: a limit stopped it, or it was cancelled."""


@dataclass(frozen=True)
class ParseLimits:
    """Limits of a parsing worker.

    Attributes
    ----------
    memory_mb : int
        Memory the parse may take beyond the worker's libraries (``RLIMIT_AS``).
    cpu_seconds : int
        CPU seconds the parse may take (``RLIMIT_CPU``).
    """

    memory_mb: int
    cpu_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ParseLimits:
        """``INCIDENT_MAP_WORKER_MEMORY_MB`` and ``INCIDENT_MAP_WORKER_CPU_SECONDS``."""
        s = settings or load_settings()
        return cls(s.worker_memory_mb, s.worker_cpu_seconds)


@dataclass
class SpooledFile:
    """An upload written to a temporary file; the file is deleted with this object.

    Attributes
    ----------
    path : Path
    name : str
        The name the analyst's file had.
    size : int
        Bytes.
    digest : str
        Start of its SHA-256 (what identifies the upload between reruns).
    """

    path: Path
    name: str
    size: int
    digest: str
    _finalizer: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._finalizer = weakref.finalize(self, _unlink, self.path)

    def delete(self) -> None:
        """Delete the temporary file now (it is deleted anyway with the object)."""
        self._finalizer()


def spool(stream: IO[bytes], name: str, folder: str | Path | None = None) -> SpooledFile:
    """Copy a file object (an upload) to a temporary file, a chunk at a time.

    Parameters
    ----------
    stream : binary file object
        Read from its start.
    name : str
        The file's own name (its extension is kept: it says the kind).
    folder : str or Path, optional
        Where to write; the system's temporary folder (``TMPDIR``) by default.

    Returns
    -------
    SpooledFile
    """
    fd, where = tempfile.mkstemp(prefix="incident-upload-", suffix=Path(name).suffix.lower(),
                                 dir=folder)
    digest, size = hashlib.sha256(), 0
    try:
        stream.seek(0)
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except BaseException:
        _unlink(Path(where))
        raise
    return SpooledFile(Path(where), name, size, digest.hexdigest()[:16])


def use_system_allocator() -> None:
    """Let Arrow (which holds pandas' strings) allocate with glibc rather than mimalloc.

    mimalloc keeps pages it has freed for its own later use, even after
    ``release_unused``: after loading a million incidents that is about 150 MB more
    resident memory for the same frame. With glibc's allocator, ``malloc_trim`` (see
    :func:`release_memory`) hands freed pages back. Buffers already allocated keep
    their own allocator; call once, early in a server process.

    glibc's mapping threshold is left as it is: fixed at 1 MB (``mallopt``), every
    per-incident array of a rerun was mapped and unmapped, and the aggregation of a
    million incidents took 0.3-0.5 s of CPU instead of 0.16-0.2 s (page faults), for
    peaks within 50 MB of the same.
    """
    with contextlib.suppress(ImportError):
        import pyarrow

        if pyarrow.default_memory_pool().backend_name != "system":
            pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def release_memory(collect: bool = True) -> None:
    """Hand memory freed by a finished import (or a step of a load) back to the system.

    Python's collector runs (unless ``collect`` is false: a few milliseconds less, for
    calls between the steps of a load), Arrow's allocator (which backs pandas' strings)
    releases its unused pages, and glibc's ``malloc_trim`` returns free heap at the top
    and in its arenas; without them a server's resident memory stays at its high-water
    mark, and what a load builds next comes on top of pages it no longer uses.
    """
    if collect:
        gc.collect()
    with contextlib.suppress(ImportError):
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass(frozen=True)
class _Task:
    path: str
    name: str
    result: str
    limits: ParseLimits
    file_kind: str | None
    mapping_kind: str | None
    mapping: dict[str, Any] | None
    layer: str | None


class ParseJob:
    """Read, map and validate one file in a limited worker process.

    Parameters
    ----------
    path : str or Path
        The file (e.g. a :class:`SpooledFile`'s path).
    name : str
        The file's name for messages and kind detection.
    limits : ParseLimits, optional
        The settings' limits by default.
    file_kind, mapping_kind, mapping, layer
        As :func:`geo.io.load.read_incidents` takes them.

    Notes
    -----
    :meth:`poll` reads the worker's reports without blocking for more than its timeout;
    ``state`` is then ``running``, ``done`` (:meth:`result` gives the
    :class:`~geo.io.load.Loaded`), ``failed`` (:attr:`error` says why) or ``cancelled``.
    A finished job's ``cpu_seconds`` and ``peak_mb`` are the worker's CPU time and peak
    resident memory.
    The worker is stopped and its files deleted when the job is cancelled, finished or
    garbage-collected (a closed browser tab drops its session's job).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        name: str,
        limits: ParseLimits | None = None,
        file_kind: str | None = None,
        mapping_kind: str | None = None,
        mapping: ColumnMapping | None = None,
        layer: str | None = None,
    ) -> None:
        self.name = name
        self.limits = limits or ParseLimits.from_settings()
        self.size = os.path.getsize(path)
        self.state = "running"
        self.share = 0.0
        self.note = "starting the worker"
        self.error = ""
        self.cpu_seconds = 0.0
        self.peak_mb = 0.0
        fd, result = tempfile.mkstemp(prefix="incident-parse-", suffix=".pickle")
        os.close(fd)
        self._result = Path(result)
        task = _Task(str(Path(path).resolve()), name, result, self.limits, file_kind,
                     mapping_kind, mapping.to_json() if mapping is not None else None, layer)
        read, write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "geo.io.worker", str(write)], stdin=subprocess.PIPE,
                pass_fds=(write,), cwd=PROJECT_ROOT,
            )
        finally:
            os.close(write)
        self._conn = Connection(read, writable=False)
        assert self._process.stdin is not None
        with self._process.stdin as stdin:
            pickle.dump(task, stdin)
        self._finalizer = weakref.finalize(self, _stop, self._process, self._result, self._conn)

    @property
    def pid(self) -> int | None:
        """The worker's process id."""
        return int(self._process.pid)

    def poll(self, timeout: float = 0.0) -> str:
        """Read the worker's reports (waiting up to ``timeout`` seconds); the state."""
        if self.state != "running":
            return self.state
        final: tuple[Any, ...] | None = None
        try:
            while self._conn.poll(timeout):
                timeout = 0.0
                message = self._conn.recv()
                if message[0] == "progress":
                    self.share, self.note = float(message[1]), str(message[2])
                else:
                    final = message
                    break
        except (EOFError, OSError):
            pass
        if final is None and self._process.poll() is None:
            return self.state
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        self._finish(final)
        return self.state

    def wait(self, timeout: float | None = None,
             on_progress: Callable[[float, str], None] | None = None) -> str:
        """Poll until the worker ends (or ``timeout`` seconds pass); the state."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll(0.2) == "running":
            if on_progress is not None:
                on_progress(self.share, self.note)
            if deadline is not None and time.monotonic() > deadline:
                break
        return self.state

    def cancel(self) -> None:
        """Stop the worker and delete its files; ``state`` becomes ``cancelled``."""
        if self.state == "running":
            self.state, self.error = "cancelled", f"reading {self.name} was cancelled"
        self._finalizer()

    def result(self) -> Loaded:
        """The parsed file (once ``state`` is ``done``); its temporary file is deleted.

        Raises
        ------
        ParseFailed
            When the job failed or was cancelled.
        """
        if self.state != "done":
            raise ParseFailed(self.error or f"{self.name} is still being read")
        try:
            with self._result.open("rb") as f:
                loaded: Loaded = pickle.load(f)
        finally:
            self._finalizer()
        return loaded

    def _finish(self, final: tuple[Any, ...] | None) -> None:
        code = self._process.returncode
        if final is not None and final[0] == "done":
            self.state, self.share, self.note = "done", 1.0, "done"
            self.cpu_seconds, self.peak_mb = float(final[1]), float(final[2])
            return
        self.state = "failed"
        limits = self.limits
        if final is not None and final[0] == "memory":
            self.error = (f"{self.name} needs more than {limits.memory_mb:,} MB to parse "
                          "(limit INCIDENT_MAP_WORKER_MEMORY_MB); it was not read, nothing "
                          "was written")
        elif final is not None:
            self.error = f"{self.name} could not be read ({final[1]}); nothing was written"
        elif code in (-signal.SIGXCPU, -signal.SIGKILL):
            self.error = (f"{self.name} needs more than {limits.cpu_seconds:,} CPU seconds to "
                          "parse (limit INCIDENT_MAP_WORKER_CPU_SECONDS); it was not read, "
                          "nothing was written")
        else:
            self.error = (f"reading {self.name} stopped unexpectedly (exit code {code}), "
                          f"most likely past the memory limit ({limits.memory_mb:,} MB, "
                          "INCIDENT_MAP_WORKER_MEMORY_MB); nothing was written")
        self._finalizer()


def parse_file(path: str | Path, *, name: str | None = None, limits: ParseLimits | None = None,
               on_progress: Callable[[float, str], None] | None = None,
               **options: Any) -> Loaded:
    """Parse a file in a limited worker and wait for it (see :class:`ParseJob`).

    Parameters
    ----------
    path : str or Path
    name : str, optional
        The file's name (its own by default).
    limits : ParseLimits, optional
    on_progress : callable, optional
        Called with (share done, note) while it runs.
    **options
        ``file_kind``, ``mapping_kind``, ``mapping``, ``layer``.

    Returns
    -------
    Loaded

    Raises
    ------
    ParseFailed
        Naming the limit the file broke.
    """
    job = ParseJob(path, name=name or Path(path).name, limits=limits, **options)
    try:
        job.wait(on_progress=on_progress)
        return job.result()
    finally:
        job.cancel()


# -- in the worker ---------------------------------------------------------------------


def _main(argv: list[str]) -> None:
    """``python -m geo.io.worker FD``: the task comes pickled on stdin; reports go to FD."""
    conn = Connection(int(argv[1]), readable=False)
    task: _Task = pickle.load(sys.stdin.buffer)
    _work(task, conn)


def _work(task: _Task, conn: Connection) -> None:
    """The worker's body: limit itself, parse, save the result, say how it went."""
    import openpyxl  # noqa: F401 - loaded before the limits, as the other readers are
    import pyogrio  # noqa: F401

    message: tuple[Any, ...]
    try:
        _limit(task.limits)
        _save(_parse(task, conn), Path(task.result))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        message = ("done", usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    except MemoryError:
        message = ("memory",)
    except Exception as exc:  # noqa: BLE001 - its kind only: no paths or tracebacks
        message = ("error", type(exc).__name__)
    try:
        conn.send(message)
    finally:
        conn.close()


def _limit(limits: ParseLimits) -> None:
    page = os.sysconf("SC_PAGE_SIZE")
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * page
    except OSError:  # no /proc: the limit is then the whole address space
        mapped = 0
    memory = mapped + limits.memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime) + limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _parse(task: _Task, conn: Connection) -> Loaded:
    last = [0.0]

    def report(share: float, note: str) -> None:
        now = time.monotonic()
        if now - last[0] >= _REPORT_SECONDS:
            last[0] = now
            conn.send(("progress", min(max(share, 0.0), 1.0), note))

    size = max(os.path.getsize(task.path), 1)
    chunks: list[bytes] = []
    done = 0
    with open(task.path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            chunks.append(chunk)
            done += len(chunk)
            report(_READ_SHARE * done / size,
                   f"{done / (1 << 20):,.1f} of {size / (1 << 20):,.1f} MB read")
    data = b"".join(chunks)
    del chunks
    mapping = ColumnMapping.from_json(task.mapping) if task.mapping is not None else None
    return read_incidents(
        data, name=task.name, file_kind=task.file_kind, mapping_kind=task.mapping_kind,
        mapping=mapping, layer=task.layer,
        progress=lambda share, note: report(_READ_SHARE + (1 - _READ_SHARE) * share, note),
    )


def _save(loaded: Loaded, path: Path) -> None:
    with path.open("wb") as f:
        pickle.dump(loaded, f, protocol=pickle.HIGHEST_PROTOCOL)


# -- clean-up --------------------------------------------------------------------------


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def _stop(process: subprocess.Popen[bytes], result: Path, conn: Connection) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(2)
    conn.close()
    _unlink(result)


if __name__ == "__main__":
    _main(sys.argv)
