"""A store-mode view's independent queries, run at the same time.

A view of a large PostGIS store asks several questions that do not depend on each
other (the counts line and the table page, the map's aggregates, the timeline, the
totals). Run one after another, a new view costs the sum of their times; run together,
about the longest one (the database works on each in its own backend process).

:func:`run_together` runs calls on a small pool of server threads shared by every
session (``INCIDENT_MAP_STORE_QUERY_THREADS``). Each thread keeps its own database
connection (:meth:`geo.store.postgis.PostGISStore.connection` is per thread), so no
connection is used by two queries at once. The calls are the page's ``st.cache_data``
functions: each worker carries the calling script's run context while it runs one (the
caches are the server's, shared by sessions; a call's answer is stored there, and the
page's own call afterwards is a cache hit), and drops it afterwards, since the next
task may come from another session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    SCRIPT_RUN_CONTEXT_ATTR_NAME,
)

_LOCK = threading.Lock()
_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    """The shared pool of ``workers`` threads (made once per size)."""
    with _LOCK:
        pool = _POOLS.get(workers)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="store-query")
            _POOLS[workers] = pool
        return pool


def _in_context(call: Callable[[], Any], ctx: Any) -> Callable[[], Any]:
    def run() -> Any:
        thread = threading.current_thread()
        if ctx is not None:
            add_script_run_ctx(thread, ctx)
        try:
            return call()
        finally:  # the next task may be another session's
            setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)

    return run


def run_together(calls: Sequence[Callable[[], Any]], workers: int) -> list[Any]:
    """The results of ``calls``, in order, the first run in the calling thread and the
    others at the same time on the shared pool.

    Parameters
    ----------
    calls : sequence of callables
        Independent work (each may query the store on its thread's connection).
    workers : int
        Threads of the pool (1 or fewer calls: everything in the calling thread).

    Returns
    -------
    list
        Each call's result. The first exception a call raised (in ``calls``' order) is
        raised here, after every call has finished.
    """
    if workers <= 1 or len(calls) <= 1:
        return [call() for call in calls]
    ctx = get_script_run_ctx(suppress_warning=True)  # None outside a script run
    pool = _pool(workers)
    futures: list[Future[Any]] = [pool.submit(_in_context(call, ctx)) for call in calls[1:]]
    first: Any = None
    error: BaseException | None = None
    try:
        first = calls[0]()
    except BaseException as exc:  # noqa: BLE001 - raised after the others finished
        error = exc
    results = [first]
    for future in futures:
        try:
            results.append(future.result())
        except BaseException as exc:  # noqa: BLE001
            results.append(None)
            error = error or exc
    if error is not None:
        raise error
    return results
