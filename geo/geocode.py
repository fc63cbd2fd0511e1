"""Command line geocoding.

``python -m geo.geocode "Deir Ezzor" --country SY``
    prints the ranked candidates of one name with score, precision and coordinates.
``python -m geo.geocode --csv IN.csv --name-column name --country-column country --out OUT.csv``
    writes every input row, in order, with ``latitude``, ``longitude``, ``score``,
    ``precision``, ``gazetteer_id`` and ``status`` added.

Both use the places learned from the incident store ``INCIDENT_DB`` names (its switched-on
sources; ``--no-learned`` leaves them out). A store that does not exist is not created.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo.errors import StoreUnavailable
from geo.geocoding.geocoder import Geocoder, GeocodeResult, default_geocoder
from geo.settings import Settings, load_settings
from geo.store import IncidentStore, open_store
from geo.vocab import PRECISION_LABELS

#: Columns the CSV mode adds to every row.
OUTPUT_COLUMNS = ("latitude", "longitude", "score", "precision", "gazetteer_id", "status")


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def format_result(result: GeocodeResult, limit: int = 5) -> str:
    """Render a result as a small table, best candidate first.

    Parameters
    ----------
    result : GeocodeResult
    limit : int
        Candidates to show.

    Returns
    -------
    str
    """
    lines = [f"{result.query!r}: {result.status}"
             + (f" ({result.source})" if result.source else "")]
    if not result.candidates:
        lines.append("  no candidates")
        return "\n".join(lines)
    lines.append(f"  {'#':>2} {'score':>5} {'match':<10} {'precision':<22} {'lat':>9} "
                 f"{'lon':>10}  {'id':<22} name (country, admin1)")
    for i, cand in enumerate(result.candidates[:limit], start=1):
        p = cand.place
        precision = f"{p.precision} {PRECISION_LABELS.get(p.precision, '')}"
        lines.append(
            f"  {i:>2} {cand.score:5.2f} {cand.match:<10} {precision:<22} "
            f"{p.latitude:9.5f} {p.longitude:10.5f}  {p.gazetteer_id:<22} "
            f"{p.name} ({p.country}, {p.admin1 or '-'})"
        )
        why = "; ".join(x for x in (f"from {cand.provenance}" if cand.provenance else "",
                                     f"evidence {cand.evidence}" if cand.evidence else "") if x)
        if why:
            lines.append(f"     {why}")
    if len(result.candidates) > limit:
        lines.append(f"  ... {len(result.candidates) - limit} more (--limit)")
    lines.extend(f"  note: {note}" for note in result.notes)
    return "\n".join(lines)


def learned_line(store: IncidentStore | None) -> str:
    """One line saying which learned places the geocoder uses (for the terminal)."""
    if store is None:
        return "learned places: none (no incident store)"
    sources = store.learned_sources()
    if sources.empty:
        return f"learned places: none yet in {store.location}"
    parts = [f"{row.source} ({row.places} places, {row.records} records"
             f"{'' if row.enabled else ', switched off'})" for row in sources.itertuples()]
    return f"learned places from {store.location}: " + "; ".join(parts)


def open_learned(settings: Settings) -> IncidentStore | None:
    """The store ``INCIDENT_DB`` names, if it exists (never created here)."""
    try:
        return open_store(settings.database, create=False)
    except StoreUnavailable:
        return None


def geocode_frame(
    frame: pd.DataFrame,
    geocoder: Geocoder,
    name_column: str,
    *,
    country_column: str | None = None,
    admin1_column: str | None = None,
    country: str | None = None,
) -> pd.DataFrame:
    """Geocode a column of names; return the frame with :data:`OUTPUT_COLUMNS` added.

    Parameters
    ----------
    frame : pandas.DataFrame
        Input rows (kept, in order).
    geocoder : PlaceResolver
    name_column : str
        Column with the place names.
    country_column, admin1_column : str, optional
        Per-row context columns.
    country : str, optional
        Country for rows without one.

    Returns
    -------
    pandas.DataFrame
    """
    _check_columns(frame, name_column, country_column, admin1_column)
    names = frame[name_column].fillna("").astype(str).tolist()
    if country_column:
        countries = [c or country for c in frame[country_column].fillna("").astype(str)]
    else:
        countries = [country] * len(frame)
    admin1s = frame[admin1_column].fillna("").astype(str).tolist() if admin1_column else None
    results = geocoder.geocode_many(names, countries=countries, admin1s=admin1s)
    out = frame.copy()
    best = [r.best for r in results]
    out["latitude"] = [b.place.latitude if b else None for b in best]
    out["longitude"] = [b.place.longitude if b else None for b in best]
    out["score"] = [round(r.score, 3) if r.candidates else None for r in results]
    out["precision"] = pd.array([b.place.precision if b else None for b in best], dtype="Int64")
    out["gazetteer_id"] = [b.place.gazetteer_id if b else "" for b in best]
    out["status"] = [r.status if n.strip() else "unresolved" for r, n in zip(results, names,
                                                                                strict=True)]
    return out


def _check_columns(frame: pd.DataFrame, *columns: str | None) -> None:
    for column in columns:
        if column and column not in frame.columns:
            raise CliError(f"no column {column!r} in the input; columns are: "
                           + ", ".join(map(str, frame.columns)))


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise CliError(f"no such file: {path}")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CliError(f"cannot read {path} as CSV: {exc}") from exc


def _run(args: argparse.Namespace) -> int:
    if args.csv and args.names:
        raise CliError("give either names or --csv, not both")
    if not args.csv and not args.names:
        raise CliError("nothing to geocode: give a name or --csv IN.csv")
    if args.csv and not args.out:
        raise CliError("--csv needs --out OUT.csv")
    if args.csv and not args.name_column:
        raise CliError("--csv needs --name-column")
    frame = _read_csv(Path(args.csv)) if args.csv else None
    if frame is not None:  # check the columns before the gazetteer loads
        _check_columns(frame, args.name_column, args.country_column, args.admin1_column)
    settings = load_settings()
    store = None if args.no_learned else open_learned(settings)
    try:
        geocoder = default_geocoder(settings, learned=store)
        line = learned_line(store) if not args.no_learned else "learned places: not used"
    finally:
        if store is not None:
            store.close()
    if frame is None:
        print(line)
        for name in args.names:
            result = geocoder.geocode(name, country=args.country, admin1=args.admin1,
                                      admin2=args.admin2,
                                      context=[n for n in args.context if n != name])
            print(format_result(result, args.limit))
        return 0
    out = geocode_frame(frame, geocoder, args.name_column, country_column=args.country_column,
                        admin1_column=args.admin1_column, country=args.country)
    clash = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    if clash:
        print(f"warning: input columns {', '.join(clash)} replaced by the geocoder's",
              file=sys.stderr)
    try:
        out.to_csv(args.out, index=False)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror}") from exc
    counts = out["status"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("resolved", "ambiguous",
                                                            "unresolved"))
    print(f"wrote {args.out}: {len(out)} rows ({summary})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m geo.geocode``."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.geocode", description="Geocode place names against the gazetteer."
    )
    parser.add_argument("names", nargs="*", help="place names to look up")
    parser.add_argument("--country", help="ISO country code (context, and CSV default)")
    parser.add_argument("--admin1", help="first-level admin area (context)")
    parser.add_argument("--admin2", help="second-level admin area, e.g. a district (context)")
    parser.add_argument("--no-learned", action="store_true",
                        help="leave out the places learned from the incident store")
    parser.add_argument("--context", nargs="*", default=[],
                        help="other place names of the same text (context)")
    parser.add_argument("--limit", type=int, default=5, help="candidates to print")
    parser.add_argument("--csv", help="input CSV file")
    parser.add_argument("--name-column", help="column of place names")
    parser.add_argument("--country-column", help="column of ISO country codes")
    parser.add_argument("--admin1-column", help="column of admin1 areas")
    parser.add_argument("--out", help="output CSV file")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
