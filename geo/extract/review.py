"""Reviewing extracted candidates: an editable table, merge, drop, highlight, accept.

The review page keeps candidates as a frame of strings (what ``st.data_editor``
edits) with a ``quote_spans`` column of JSON offsets; nothing here imports
Streamlit.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

import pandas as pd

from geo.extract.pipeline import CandidateIncident
from geo.schema import CASUALTY_COLUMNS, INCIDENT_COLUMNS, LoadResult, validate_incidents

REVIEW_COLUMNS: tuple[str, ...] = (*INCIDENT_COLUMNS, "quote_spans", "geocode_status",
                                   "place_context")
"""Columns of the review frame: the incident record, where its quote lies, how its place was
found, and the other places of its sentences ("; "-separated "role: name" entries)."""

#: What each ``geocode_status`` of a candidate means, for the analyst.
STATUS_LABELS: dict[str, str] = {
    "resolved": "placed at the site",
    "ambiguous": "ambiguous: several places have this name, pick one",
    "unresolved": "not found in the gazetteer: place it by hand",
    "no site": "no site named",
    "region": "region only: a province or countryside, not the site",
    "unsure": "unsure: the point may be of another place (see the description), check it "
              "before accepting",
}
#: What each role of a context place means ("origin: Homs").
CONTEXT_ROLES: dict[str, str] = {
    "origin": "origin, where people or fire came from",
    "destination": "destination, where people went",
    "reference": "reference point, a distance or bearing is given from it",
    "dateline": "dateline, where the report was filed",
    "organisation": "organisation named after a place",
    "region": "region",
    "container": "larger place around the site",
    "seat": "seat of a government",
    "street": "street or square named after a place",
    "venue": "venue of talks or an agreement",
    "part": "part of the town that is the site",
    "person": "where a person named in the text is from",
}

_PRECISION_RANK = {"day": 0, "month": 1, "range": 2, "year": 3, "unknown": 4, "": 5}


def candidates_frame(candidates: Sequence[CandidateIncident]) -> pd.DataFrame:
    """Candidates as an editable frame of strings (empty string for unknown).

    Parameters
    ----------
    candidates : sequence of CandidateIncident

    Returns
    -------
    pandas.DataFrame
        :data:`REVIEW_COLUMNS`, one row per candidate.
    """
    rows = []
    for candidate in candidates:
        record = candidate.to_json()
        row = {c: "" if record.get(c) is None else str(record[c]) for c in INCIDENT_COLUMNS}
        row["quote_spans"] = json.dumps(record["quote_spans"])
        row["geocode_status"] = str(record["geocode_status"])
        context = record.get("place_context")
        row["place_context"] = "; ".join(str(c) for c in context) if isinstance(
            context, list) else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS), dtype=object).fillna("")


def status_label(status: str) -> str:
    """What a candidate's ``geocode_status`` means ("region" -> "region only: ...").

    Parameters
    ----------
    status : str

    Returns
    -------
    str
        The label; an unknown status is returned as it is.
    """
    return STATUS_LABELS.get(str(status).strip(), str(status))


def context_places(value: str) -> list[tuple[str, str]]:
    """The context places of a frame's ``place_context`` cell as (role label, place).

    Parameters
    ----------
    value : str
        "; "-separated "role: place" entries, as :func:`candidates_frame` writes them.

    Returns
    -------
    list of (str, str)
        In order; an entry without a role gets "context".
    """
    out: list[tuple[str, str]] = []
    for entry in str(value or "").split("; "):
        entry = entry.strip()
        if not entry:
            continue
        role, sep, place = entry.partition(": ")
        if not sep:
            role, place = "context", entry
        out.append((CONTEXT_ROLES.get(role, role), place))
    return out


def spans_of(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """Every quote span of the frame's rows, sorted and without repeats."""
    spans: set[tuple[int, int]] = set()
    for value in frame.get("quote_spans", pd.Series(dtype=object)):
        try:
            spans.update((int(s), int(e)) for s, e in json.loads(value or "[]"))
        except (TypeError, ValueError):
            continue
    return sorted(spans)


def drop_candidate(frame: pd.DataFrame, position: int) -> pd.DataFrame:
    """The frame without the row at ``position`` (0-based)."""
    return frame.drop(frame.index[position]).reset_index(drop=True)


def merge_candidates(frame: pd.DataFrame, keep: int, other: int) -> pd.DataFrame:
    """Merge row ``other`` into row ``keep`` (positions) and drop ``other``.

    Empty fields of ``keep`` are filled from ``other``; the more precise date
    wins; casualty minima take the larger value and maxima the larger too (the
    reports are of one incident); quotes and their spans are joined.

    Parameters
    ----------
    frame : pandas.DataFrame
        A review frame.
    keep, other : int
        Distinct row positions.

    Returns
    -------
    pandas.DataFrame
    """
    if keep == other:
        raise ValueError("choose two different candidates to merge")
    a = frame.iloc[keep].to_dict()
    b = frame.iloc[other].to_dict()
    merged = dict(a)
    for column in REVIEW_COLUMNS:
        if not str(a.get(column, "")).strip():
            merged[column] = b.get(column, "")
    if _PRECISION_RANK.get(str(b["date_precision"]), 5) < _PRECISION_RANK.get(
            str(a["date_precision"]), 5):
        for column in ("date_start", "date_end", "date_precision", "date_note"):
            merged[column] = b[column]
    for column in CASUALTY_COLUMNS:
        values = [int(float(v)) for v in (a[column], b[column]) if str(v).strip()]
        merged[column] = str(max(values)) if values else ""
    for column, joiner in (("quote", " "), ("description", " "), ("actors", "; "),
                           ("claimed_by", "; "), ("place_context", "; ")):
        parts = [str(a[column]).strip(), str(b[column]).strip()]
        merged[column] = joiner.join(dict.fromkeys(p for p in parts if p))
    merged["place_context"] = "; ".join(dict.fromkeys(
        e for e in str(merged.get("place_context", "")).split("; ") if e.strip()))
    spans = spans_of(pd.DataFrame([a, b]))
    merged["quote_spans"] = json.dumps([list(s) for s in spans])
    out = frame.copy()
    out.iloc[keep] = pd.Series(merged)[out.columns]
    return drop_candidate(out, other)


def highlight_html(article: str, spans: Sequence[tuple[int, int]]) -> str:
    """The article as escaped HTML with the supporting passages in ``<mark>``.

    Parameters
    ----------
    article : str
    spans : sequence of (int, int)
        Character offsets; overlapping spans are joined.

    Returns
    -------
    str
        Paragraphs as ``<p>``; every character of the article is escaped.
    """
    marks = [False] * len(article)
    for start, end in spans:
        for i in range(max(0, start), min(len(article), end)):
            marks[i] = True
    out: list[str] = ["<p>"]
    inside = False
    for i, char in enumerate(article):
        if marks[i] != inside:
            out.append("<mark>" if marks[i] else "</mark>")
            inside = marks[i]
        if char == "\n":
            if inside:
                out.append("</mark>")
            out.append("</p><p>")
            if inside:
                out.append("<mark>")
        else:
            out.append(html.escape(char))
    if inside:
        out.append("</mark>")
    out.append("</p>")
    return "".join(out)


def accept_candidates(
    frame: pd.DataFrame, source_name: str = "", source_url: str = ""
) -> LoadResult:
    """Validate reviewed candidates into typed incident records.

    Parameters
    ----------
    frame : pandas.DataFrame
        A review frame, as edited.
    source_name, source_url : str
        The article's outlet and address, filled in where a row has none.

    Returns
    -------
    LoadResult
        Valid records and an error per problem (row numbers are 1-based).
    """
    raw = frame.reindex(columns=list(INCIDENT_COLUMNS)).fillna("").astype(str)
    if source_name:
        raw.loc[raw["source_name"].str.strip() == "", "source_name"] = source_name
    if source_url:
        raw.loc[raw["source_url"].str.strip() == "", "source_url"] = source_url
    return validate_incidents(raw, source="candidates")
