"""Benchmark: S analysts change a filter at the same moment, as protocol clients.

``bench_sessions_browser.py`` runs every analyst's Chromium on the server's own 2 cores,
so its figures measure the browsers as much as the server. Here each analyst is a
lightweight client of Streamlit's own websocket protocol (``/_stcore/stream``, the
messages of ``streamlit.proto``): it opens a session by asking for a script run
(``BackMsg.rerun_script``), reads the deltas until ``script_finished`` and finds the
search box's widget id among them; a filter change is a ``rerun_script`` carrying the new
widget state, timed until the run's ``script_finished`` (every delta of the run, the
map's component arguments included, has then arrived). What a protocol client does not
do is draw: the browser's own time is measured by one real Chromium page (optional,
``--browsers 1``, the default), which changes its search at the same moment as the
clients, under their load, and is timed until its map is redrawn (a new incident layer
replaced the old one) and until its script is idle, as in ``bench_sessions_browser.py``.

Fills a temporary GeoPackage store with N SYNTHETIC incidents (``bench_map``; nothing is
written to the repository) and starts the app on it (single-user mode on 127.0.0.1, no
tile server). Rounds alternate ``same`` (everyone searches one new term: one view key)
and ``own`` (a term per analyst). Prints per round the clients' median and max seconds,
the bytes a rerun sent, the Chromium page's figures, the server's CPU seconds per rerun
(user + system, every thread) and the load average (2 cores shared with other jobs).

    .venv/bin/python bench/bench_sessions_protocol.py [--incidents 100000] [--clients 10]
        [--browsers 1] [--rounds 6] [--store /tmp/kept.gpkg]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app_server import CHROMIUM_ARGS, cpu_seconds, load_average, memory_mb  # noqa: E402
from bench_sessions import _fill  # noqa: E402
from bench_sessions_browser import TIMEOUT_MS, _change, _open, _start  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

SEARCH_LABEL = "Search"
_COUNT = re.compile(r"Incidents in view \(([\d,]+)\)")


class ProtocolSession:
    """One analyst's session, spoken as Streamlit's browser client speaks it."""

    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        self.origin = url
        self.stream = f"ws://{parsed.netloc}/_stcore/stream"
        self.ws: ClientConnection | None = None
        self.search_id = ""
        self.page_hash = ""
        self.query_string = ""
        self.shown: int | None = None
        self.deltas = 0

    async def open(self) -> tuple[float, int]:
        """Connect and run the page once; seconds and bytes until ``script_finished``."""
        self.ws = await connect(self.stream, subprotocols=["streamlit"],  # type: ignore[list-item]
                                origin=self.origin, max_size=None, open_timeout=60,
                                ping_interval=None)
        seconds, size = await self._run(WidgetStates())
        if not self.search_id:
            raise SystemExit("no search box among the page's deltas")
        return seconds, size

    async def search(self, term: str) -> tuple[float, int]:
        """Type ``term`` in the search box and run: seconds and bytes of the rerun."""
        state = WidgetStates(widgets=[WidgetState(id=self.search_id, string_value=term)])
        return await self._run(state)

    async def _run(self, widgets: WidgetStates) -> tuple[float, int]:
        assert self.ws is not None
        message = BackMsg(rerun_script=ClientState(
            query_string=self.query_string, widget_states=widgets,
            page_script_hash=self.page_hash))
        t0 = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        size = self.deltas = 0
        while True:
            data = await self.ws.recv()
            size += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)  # type: ignore[arg-type]
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                self.deltas += 1
                self._read_delta(msg)
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return time.perf_counter() - t0, size
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise SystemExit("the page did not compile")

    def _read_delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "text_input" and element.text_input.label == SEARCH_LABEL:
            self.search_id = element.text_input.id
        elif kind == "exception":
            raise SystemExit(f"the page raised: {element.exception.message}")
        elif kind == "heading":
            found = _COUNT.search(element.heading.body)
            if found:
                self.shown = int(found.group(1).replace(",", ""))

    async def close(self) -> None:
        """Close the websocket (the server drops the session)."""
        if self.ws is not None:
            await self.ws.close()


def _line(label: str, times: list[float]) -> str:
    return f"{label}: median {statistics.median(times):.2f} s, max {max(times):.2f} s"


async def _client_change(
    client: ProtocolSession, term: str, start: asyncio.Barrier
) -> tuple[float, float]:
    await start.wait()
    seconds, size = await client.search(term)
    return seconds, float(size)


async def _main(args: argparse.Namespace, url: str, pid: int) -> None:
    from playwright.async_api import async_playwright

    clients = [ProtocolSession(url) for _ in range(args.clients)]
    t0 = time.perf_counter()
    first, _ = await clients[0].open()
    print(f"first session's first run (reads the store): {first:.1f} s; server RSS "
          f"{memory_mb(pid)['VmRSS']:,.0f} MB", flush=True)
    opened = await asyncio.gather(*(c.open() for c in clients[1:]))
    if opened:
        print(_line(f"other {len(opened)} clients' first run, opened together",
                    [o[0] for o in opened]) + f"; {opened[0][1] / 1e6:.2f} MB each",
              flush=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                   args=CHROMIUM_ARGS)
        pages = []
        for _ in range(args.browsers):
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            page = await context.new_page()
            print(f"Chromium page's first paint: {await _open(page, url):.1f} s", flush=True)
            pages.append(page)
        # The first search of the server builds the geocoder (search terms may name
        # places): once per process, not counted.
        await asyncio.gather(*(c.search("warm up") for c in clients))
        for page in pages:
            await _change(page, "warm up", asyncio.Barrier(1))
        print(f"set up in {time.perf_counter() - t0:.0f} s; load {load_average()}",
              flush=True)
        summary: dict[str, dict[str, list[float]]] = {
            kind: {"client": [], "cpu": [], "redrawn": [], "idle": []}
            for kind in ("same", "own")}
        for r in range(args.rounds):
            kind = "same" if r % 2 == 0 else "own"
            n = len(clients) + len(pages)
            terms = [f"place {r + 1}" if kind == "same" else f"place {r + 1}{s}"
                     for s in range(n)]
            start = asyncio.Barrier(n)
            load = load_average()
            cpu = cpu_seconds(pid)
            results = await asyncio.gather(
                *(_client_change(c, t, start) for c, t in zip(clients, terms, strict=False)),
                *(_change(p, t, start) for p, t in zip(pages, terms[len(clients):],
                                                         strict=True)))
            cpu = cpu_seconds(pid) - cpu
            times = [s for s, _ in results[:len(clients)]]
            sizes = [b for _, b in results[:len(clients)]]
            shown = {c.shown for c in clients}
            figures = summary[kind]
            figures["client"] += times
            figures["cpu"].append(cpu / n)
            line = (f"round {r + 1} ({kind} view, {len(clients)} clients + {len(pages)} "
                    f"Chromium): " + _line("client rerun", times)
                    + f", {statistics.median(sizes) / 1e6:.3f} MB and "
                    f"{statistics.median(c.deltas for c in clients):.0f} deltas each")
            for redrawn, idle in results[len(clients):]:
                figures["redrawn"].append(redrawn)
                figures["idle"].append(idle)
                line += f"; Chromium map redrawn {redrawn:.2f} s, idle {idle:.2f} s"
            print(line + f"; server CPU {cpu:.2f} s ({cpu / n:.3f} s per rerun); "
                  f"incidents in view {sorted(s for s in shown if s is not None)}; "
                  f"load {load} -> {load_average()}", flush=True)
        for kind, figures in summary.items():
            if not figures["client"]:
                continue
            line = (_line(f"all rounds, {kind} view, client rerun", figures["client"])
                    + f"; server CPU per rerun median {statistics.median(figures['cpu']):.3f} s")
            if figures["redrawn"]:
                line += "; " + _line("Chromium map redrawn", figures["redrawn"])
                line += "; " + _line("Chromium idle", figures["idle"])
            print(line)
        memory = memory_mb(pid)
        print(f"server RSS {memory['VmRSS']:,.0f} MB, peak {memory['VmHWM']:,.0f} MB")
        await browser.close()
    for client in clients:
        await client.close()


def main() -> None:
    """Fill the store, start the app, run the clients and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--browsers", type=int, default=1, choices=(0, 1))
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--store", type=Path, default=None,
                        help="keep the synthetic store in this file (filled when missing) "
                        "and reuse it on the next run")
    args = parser.parse_args()
    assert TIMEOUT_MS > 0
    with tempfile.TemporaryDirectory(prefix="bench-sessions-protocol-") as name:
        tmp = Path(name)
        store = args.store or tmp / "incidents.gpkg"
        t0 = time.perf_counter()
        if not store.exists():
            _fill(store, args.incidents)
        print(f"{args.incidents:,} SYNTHETIC incidents stored in {time.perf_counter() - t0:.0f} s; "
              f"{args.clients} protocol clients + {args.browsers} Chromium page; load average "
              f"{load_average()} (2 cores)", flush=True)
        process, url = _start(store, tmp)
        try:
            asyncio.run(_main(args, url, process.pid))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
