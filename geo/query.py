"""Query the incident store from the command line, with the map page's filters.

Usage::

    python -m geo.query --admin1 Raqqa --from 2016-10-01 --to 2016-10-31 \\
        --min-civilian-deaths 1 --format json

Reads the store ``INCIDENT_DB`` names (or ``--db``), joins its incidents to their
admin areas as the map page does, at their stored coordinates (what import placed and
analysts' corrections moved; nothing is geocoded again, so the output is what the map
shows), applies the same filters as the page (one
implementation: :func:`geo.view.filters.apply_view`) and prints:

- ``--format json`` (default): ``{"count": N, "link": "?...", "totals": {...},
  "incidents": [...]}``; totals as :meth:`geo.view.totals.Totals.to_dict` gives them
  (figures of different claimants are never added together);
- ``--format csv`` or ``geojson``: the rows, in the project's layout (what the page
  exports, re-importable).

Filter values that cannot be used (an unknown area, a malformed number) are errors:
the command names them and exits 2 without printing results; a store that cannot be
used also exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo.errors import Invalid, StoreUnavailable
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES, PRECISION_LABELS

if TYPE_CHECKING:
    from geo.geocoding.learned_index import LearnedSearch
    from geo.geocoding.protocol import PlaceResolver

#: Columns of each incident in the JSON output, besides the record's own.
DERIVED_COLUMNS: tuple[str, ...] = (
    "adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name", "claimant", "uncertainty_km",
    "geocode_status",
)
#: Earliest and latest day an open date range reaches.
_OPEN_FROM, _OPEN_TO = date(1900, 1, 1), date(2200, 12, 31)
_VIOLENCE_NAMES = {
    "state-based": 1, "state": 1, "non-state": 2, "nonstate": 2, "one-sided": 3, "onesided": 3,
}


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments (every filter of the map page)."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.query",
        description="Print the incidents of the store (INCIDENT_DB) that pass the map page's "
        "filters, with their totals. Repeat an option to allow several values.",
    )
    add = parser.add_argument
    add("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (inclusive)")
    add("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day (inclusive)")
    add("--no-undated", action="store_true", help="leave out incidents without a known date "
        "(with --from/--to they are left out anyway)")
    add("--admin1", action="append", default=[], metavar="NAME",
        help="governorate, in any spelling or script, or its P-code")
    add("--admin2", action="append", default=[], metavar="NAME",
        help="district, in any spelling or script, or its P-code")
    add("--type", action="append", default=[], choices=EVENT_TYPES, metavar="TYPE",
        help=f"event type: {', '.join(EVENT_TYPES)}")
    add("--claim", action="append", default=[], choices=CLAIM_STATUSES, metavar="STATUS",
        help=f"claim status: {', '.join(CLAIM_STATUSES)}")
    add("--precision", action="append", default=[], type=int, choices=list(PRECISION_LABELS),
        metavar="N", help="location precision: 1 site/town, 2 near/district, 3 region, 4 country")
    add("--actor", action="append", default=[], help="actor on either side (part of its name)")
    add("--source", action="append", default=[], help="source or claimant (part of its name)")
    add("--violence", action="append", default=[], metavar="KIND",
        help="UCDP type of violence: 1/state-based, 2/non-state, 3/one-sided")
    add("--source-type", action="append", default=[], metavar="TYPE",
        help="the source's own event or sub-event type (ACLED's)")
    add("--q", default="", help='search: terms are AND-ed, "quoted phrases" kept whole')
    add("--place-only", action="store_true", help="a search term naming a place finds the "
        "incidents at it (or in the area), not those whose text mentions it")
    add("--bbox", metavar="W,S,E,N", help="only incidents within these bounds")
    add("--polygon", metavar="LON,LAT;LON,LAT;...", help="only incidents inside this area")
    for name, label in (("killed", "killed"), ("injured", "injured"),
                        ("civilian-deaths", "civilian deaths")):
        add(f"--min-{name}", metavar="N", help=f"{label}: the incident's range reaches N")
        add(f"--max-{name}", metavar="N", help=f"{label}: the incident's range starts at N or less")
    add("--format", choices=("json", "csv", "geojson"), default="json")
    add("--limit", type=int, metavar="N",
        help="list at most N incidents in JSON (totals count all)")
    add("--db", help="store to read instead of INCIDENT_DB")
    return parser


def _params(args: argparse.Namespace) -> dict[str, list[str]]:
    """The filters as the page's URL parameters (decoded by the page's own decoder)."""
    params: dict[str, list[str]] = {}
    for option, name in (("admin1", "admin1"), ("admin2", "admin2"), ("actor", "actor"),
                         ("source", "source"), ("source_type", "source_type")):
        if getattr(args, option):
            params[name] = list(getattr(args, option))
    if args.violence:
        params["violence"] = [str(_VIOLENCE_NAMES.get(v.strip().lower(), v))
                              for v in args.violence]
    for name in ("killed", "injured", "civilian_deaths"):
        for side in ("min", "max"):
            value = getattr(args, f"{side}_{name}")
            if value is not None:
                params[f"{side}_{name}"] = [value]
    if args.bbox:
        params["bbox"] = [args.bbox]
    if args.polygon:
        params["poly"] = [args.polygon]
    return params


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Answer:
    """What a query found.

    Attributes
    ----------
    summary : dict
        ``count``, ``store``, ``filters`` (the page's URL parameters of this query) and
        ``totals``.
    shown : pandas.DataFrame
        The incidents that pass, by date then id.
    incidents : pandas.DataFrame
        Every incident of the store (joined).
    view : object
        The :class:`geo.view.state.ViewState` evaluated.
    domain : object
        Its :class:`geo.view.state.ViewDomain`.
    context : object
        The :class:`geo.view.filters.FilterContext` used.
    """

    summary: dict[str, Any]
    shown: pd.DataFrame
    incidents: pd.DataFrame
    view: Any
    domain: Any
    context: Any


def run(args: argparse.Namespace) -> Answer:
    """Load the store and evaluate the query.

    Raises
    ------
    geo.errors.Invalid
        A filter value cannot be used.
    geo.errors.StoreUnavailable
        The store cannot be opened or read.
    """
    from geo.settings import load_settings
    from geo.store import open_store
    from geo.view.filters import apply_view
    from geo.view.live import LiveDataset
    from geo.view.state import absent_types_note, decode_view, default_view, encode_view
    from geo.view.totals import totals

    date_from, date_to = _day(args.date_from, "--from"), _day(args.date_to, "--to")
    if date_from and date_to and date_from > date_to:
        raise Invalid(f"--from {date_from} is after --to {date_to}")
    try:
        store = open_store(args.db, create=False)  # a query never creates a store
        # The map page's path: stored coordinates, spellings read by place id.
        data = LiveDataset(store, settings=load_settings()).current()
    except (OSError, StoreUnavailable) as exc:
        raise StoreUnavailable(f"the store cannot be used: {exc}") from exc
    except Exception as exc:  # sqlite3 / psycopg errors, without importing both here
        if type(exc).__module__.split(".")[0] in ("sqlite3", "psycopg"):
            raise StoreUnavailable(f"the store cannot be used: {exc}") from exc
        raise
    domain = data.domain()
    state = decode_view(_params(args), domain)
    if state.notes:
        raise Invalid(" ".join(n.replace("in the link", "").replace("The link's", "The")
                               .replace("  ", " ") for n in state.notes))
    view = replace(
        default_view(domain),
        admin1=state.admin1, admin2=state.admin2, actors=state.actors, sources=state.sources,
        killed=state.killed, injured=state.injured, civilian_deaths=state.civilian_deaths,
        violence=state.violence, source_types=state.source_types, polygon=state.polygon,
        bbox=state.bbox, query=" ".join(args.q.split()), place_only=args.place_only,
        center=state.center, zoom=state.zoom,  # with --bbox: the map fitted to it
        event_types=tuple(args.type) or domain.event_types,
        claim_statuses=tuple(args.claim) or CLAIM_STATUSES,
        precisions=tuple(args.precision) or tuple(PRECISION_LABELS),
        include_undated=not args.no_undated,
    )
    if date_from or date_to:
        view = replace(view, date_from=date_from or _OPEN_FROM, date_to=date_to or _OPEN_TO,
                       include_undated=False)
    # The gazetteer is loaded only for a search, whose terms may name a place; with the
    # store's corrections and learned places, as the map page's geocoder, so that a term
    # names the same places here as there (see geo.view.spellings).
    geocoder = _search_geocoder(store) if view.query else None
    # a search term's geocode only (its name and country), as the map page's lazy one
    context = data.filter_context(geocoder)  # type: ignore[arg-type]
    result = apply_view(data.incidents, view, context)
    shown = data.incidents[result.mask].sort_values(
        ["date_start", "id"], kind="stable", na_position="last")
    summary: dict[str, Any] = {
        "count": int(result.shown),
        "store": store.location,
        "filters": encode_view(view, domain),
        "totals": totals(shown).to_dict(),
    }
    absent = [t for t in dict.fromkeys(args.type) if t not in domain.event_types]
    if absent:  # a type the source does not code: 0 found, and why
        summary["notes"] = [absent_types_note(absent, domain.event_types)]
    return Answer(summary, shown, data.incidents, view, domain, context)


def _search_geocoder(store: Any) -> LearnedSearch | PlaceResolver:
    """The map page's geocoder for this store's search terms: the gazetteer with the
    corrections the store keeps (not the corrections file, which the store took over)
    and its learned places, indexed per term as the map page's search does
    (:class:`geo.geocoding.learned_index.LearnedSearch`: the same answers as the
    geocoder that indexes every learned place, without building that index)."""
    from geo.geocoding import geocoder as geocoder_module
    from geo.geocoding.learned_index import LearnedSearch
    from geo.geocoding.overrides import OverrideIndex

    coder = geocoder_module.default_geocoder()
    if not isinstance(coder, geocoder_module.Geocoder):
        return coder
    keeps = getattr(store, "corrections", None)
    if callable(keeps):
        coder = coder.with_overrides(OverrideIndex(keeps()))
    if callable(getattr(store, "learned_keys", None)):  # a store: its distinct names
        from geo.geocoding.learned_keys import LearnedKeys

        return LearnedSearch(coder, LearnedKeys.from_source(store))
    return LearnedSearch.from_source(coder, store)


def _incident_records(shown: pd.DataFrame, limit: int | None) -> list[dict[str, Any]]:
    from geo.schema import INCIDENT_COLUMNS

    columns = [c for c in (*INCIDENT_COLUMNS, *DERIVED_COLUMNS) if c in shown]
    frame = pd.DataFrame(shown[columns]) if limit is None else pd.DataFrame(
        shown[columns].head(limit))
    out = []
    for record in frame.astype(object).to_dict("records"):
        clean: dict[str, Any] = {}
        for key, value in record.items():
            if value is None or value is pd.NA or value is pd.NaT or (
                    isinstance(value, float) and value != value):
                clean[str(key)] = None
            elif isinstance(value, pd.Timestamp):
                clean[str(key)] = value.strftime("%Y-%m-%d")
            elif hasattr(value, "item"):
                clean[str(key)] = value.item()
            else:
                clean[str(key)] = value
        out.append(clean)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        answer = run(args)
    except (Invalid, StoreUnavailable) as exc:
        print(f"geo.query: {exc}", file=sys.stderr)
        return 2
    for note in answer.summary.get("notes", ()):
        print(f"geo.query: {note}", file=sys.stderr)
    if args.format == "json":
        out = dict(answer.summary)
        out["incidents"] = _incident_records(answer.shown, args.limit)
        if args.limit is not None and len(answer.shown) > args.limit:
            out["incidents_listed"] = args.limit
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    from geo.render.export import export_view

    export = export_view(answer.incidents, answer.view, answer.domain, args.format,
                         context=answer.context)
    sys.stdout.buffer.write(export.data)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
