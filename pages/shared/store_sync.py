"""What a store-mode page says when the store's derived columns are far behind.

A store loaded in bulk, made by an older release or given new admin boundaries has
every record waiting for its area columns and search text (:mod:`geo.store.derived`).
Up to ``INCIDENT_MAP_SYNC_INLINE_MAX`` records the page computes them itself before it
answers (seconds); above, it would hang for minutes, so it says so and names the command
an administrator runs once, ``python -m geo.store sync``.
"""

from __future__ import annotations

import streamlit as st

from geo.settings import Settings
from geo.store.derived import backlog
from geo.store.pg_query import PostGISQuery


def too_far_behind(query: PostGISQuery, settings: Settings) -> bool:
    """Say so and return True when more records wait than the page computes itself.

    One indexed count, at most ``sync_inline_max + 1`` records (nothing read when
    nothing waits); not cached, so the page answers as soon as the command is done.
    """
    limit = settings.sync_inline_max
    waiting = backlog(query, settings, limit + 1).waiting
    if waiting <= limit:
        return False
    st.warning(
        f"**This store is not ready for the map yet.** More than {limit:,} of its "
        "incidents have no governorate, district and search text computed (a store "
        "loaded in bulk, made by an older release, or given new admin boundaries). At "
        "this size that takes minutes, so the page does not do it while you wait: an "
        "administrator runs, once,\n\n"
        f"```\npython -m geo.store sync --location '{query.store.location}'\n```\n\n"
        "(it prints its progress and resumes where it stopped if interrupted; "
        "`python -m geo.store status` says how many records wait). Reload this page "
        "when it is done.", icon=":material/hourglass_empty:")
    return True
