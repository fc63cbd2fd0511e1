"""The PostgreSQL server and schema a store benchmark runs on.

Every store benchmark either reuses a store kept by an earlier run (``--location``) or
starts the project's server with ``scripts/postgis.sh`` and works in a fresh schema of
its own, so that two benchmarks never share rows.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def postgis_url() -> str:
    """Start (or reuse) the project's PostgreSQL server and return its URL."""
    run = subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh")], check=True,
                         capture_output=True, text=True)
    return run.stdout.strip().splitlines()[-1]


def new_schema() -> str:
    """A schema name no other benchmark run uses."""
    return f"bench_{uuid.uuid4().hex[:8]}"


def bench_location(kept: str | None) -> tuple[str, bool]:
    """The store to benchmark: ``kept`` as it is, or a fresh schema on a started server.

    Returns
    -------
    tuple
        ``(location, fresh)``: ``fresh`` when the schema is new and must be filled.
    """
    if kept:
        return kept, False
    return f"{postgis_url()}&schema={new_schema()}", True
