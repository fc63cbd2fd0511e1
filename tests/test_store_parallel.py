"""A store-mode view's independent queries run at the same time
(pages/shared/store_parallel.py): results in order, errors raised, one connection per
thread."""

from __future__ import annotations

import threading

import pytest

from pages.shared.store_parallel import run_together


def test_calls_run_on_several_threads_at_once_and_answer_in_order():
    barrier = threading.Barrier(3, timeout=10)  # fails unless three calls run together

    def call(i: int):
        def run() -> tuple[int, str]:
            barrier.wait()
            return i, threading.current_thread().name

        return run

    results = run_together([call(0), call(1), call(2)], workers=4)
    assert [i for i, _ in results] == [0, 1, 2]
    names = [name for _, name in results]
    assert names[0] == threading.current_thread().name  # the first in the caller
    assert len(set(names)) == 3


def test_a_worker_carries_the_callers_context_only_while_it_runs_its_call():
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        SCRIPT_RUN_CONTEXT_ATTR_NAME,
        get_script_run_ctx,
    )

    me = threading.current_thread()
    from types import SimpleNamespace

    marker = SimpleNamespace(pages_manager=SimpleNamespace(main_script_hash="page"))
    setattr(me, SCRIPT_RUN_CONTEXT_ATTR_NAME, marker)  # as in a script run
    try:
        seen = run_together([lambda: None] + [
            lambda: (get_script_run_ctx(suppress_warning=True), threading.current_thread())
        ] * 3, workers=3)
    finally:
        setattr(me, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
    assert all(ctx is marker for ctx, _ in seen[1:])
    workers = {thread for _, thread in seen[1:]}
    assert me not in workers
    assert all(getattr(t, SCRIPT_RUN_CONTEXT_ATTR_NAME, None) is None for t in workers)


def test_one_worker_runs_everything_in_the_caller():
    names = run_together([lambda: threading.current_thread().name] * 3, workers=1)
    assert set(names) == {threading.current_thread().name}


def test_an_error_is_raised_after_every_call_finished():
    done = []

    def fails() -> None:
        raise LookupError("the database said no")

    def slow() -> str:
        threading.Event().wait(0.2)
        done.append("slow")
        return "slow"

    with pytest.raises(LookupError, match="the database said no"):
        run_together([slow, fails, slow], workers=3)
    assert done == ["slow", "slow"]


@pytest.mark.postgis
def test_each_thread_queries_on_its_own_connection(postgis_url):
    import uuid

    import psycopg

    from geo.store.postgis import PostGISStore

    schema = f"test_{uuid.uuid4().hex[:10]}"
    store = PostGISStore(f"{postgis_url}&schema={schema}")
    barrier = threading.Barrier(3, timeout=10)

    def backend() -> int:
        barrier.wait()  # three connections open at once
        row = store.connection().execute("SELECT pg_backend_pid()").fetchone()
        return int(row[0]) if row else 0

    try:
        pids = run_together([backend, backend, backend], workers=3)
    finally:
        store.close()
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    assert len(set(pids)) == 3 and all(pids)
