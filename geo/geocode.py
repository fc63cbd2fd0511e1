"""Command line geocoding.

``python -m geo.geocode "Deir Ezzor" --country SY``
    prints the ranked candidates of one name with score, precision, feature kind and
    coordinates, and the notes saying why candidates were set aside. With a default country
    (``INCIDENT_MAP_COUNTRY``) places abroad are left out unless ``--country`` names their
    country or ``--abroad`` is given; the command says so when that left a name without
    candidates.
``python -m geo.geocode --csv IN.csv --name-column name --country-column country --out OUT.csv``
    writes every input row, in order, with :data:`OUTPUT_COLUMNS` added.
``python -m geo.geocode --sources``
    lists the datasets the store learned places from (used or switched off, places,
    records, disputed names) and the names on which two sources disagree.
``python -m geo.geocode --disable-source acled`` / ``--enable-source acled``
    switches a source's learned places off or on for every geocoder of the store (they are
    kept), recorded under the command line's user.

All use the places learned from the incident store ``INCIDENT_DB`` names (its switched-on
sources; ``--no-learned`` leaves them out). A store that does not exist is not created.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo.access import system_identity
from geo.errors import NotFound, StoreUnavailable
from geo.geocoding.disagreements import source_disagreements, sources_overview
from geo.geocoding.geocoder import Geocoder, GeocodeResult, default_geocoder
from geo.settings import Settings, load_settings
from geo.store import IncidentStore, open_store
from geo.vocab import PRECISION_LABELS

#: Columns the CSV mode adds to every row.
OUTPUT_COLUMNS = ("latitude", "longitude", "score", "precision", "gazetteer_id", "status",
                  "kind", "evidence", "provenance", "notes")


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def format_result(result: GeocodeResult, limit: int = 5, hint: str = "") -> str:
    """Render a result as a small table, best candidate first, with its notes.

    Parameters
    ----------
    result : GeocodeResult
    limit : int
        Candidates to show.
    hint : str
        A last note (e.g. why places abroad were left out and how to allow them).

    Returns
    -------
    str
    """
    said = ", ".join(x for x in (result.kind, result.feature_class) if x)
    lines = [f"{result.query!r}: {result.status}"
             + (f" ({result.source})" if result.source else "")
             + (f" · {said}" if said else "")]
    if not result.candidates:
        lines.append("  no candidates")
    else:
        lines.append(f"  {'#':>2} {'score':>5} {'match':<10} {'precision':<22} "
                     f"{'kind':<16} {'lat':>9} {'lon':>10}  {'id':<22} name (country, admin1)")
    for i, cand in enumerate(result.candidates[:limit], start=1):
        p = cand.place
        precision = f"{p.precision} {PRECISION_LABELS.get(p.precision, '')}"
        lines.append(
            f"  {i:>2} {cand.score:5.2f} {cand.match:<10} {precision:<22} "
            f"{(p.kind or '-')[:16]:<16} {p.latitude:9.5f} {p.longitude:10.5f}  "
            f"{p.gazetteer_id:<22} {p.name} ({p.country}, {p.admin1 or '-'})"
        )
        why = "; ".join(x for x in (f"from {cand.provenance}" if cand.provenance else "",
                                     f"evidence {cand.evidence}" if cand.evidence else "") if x)
        if why:
            lines.append(f"     {why}")
    if len(result.candidates) > limit:
        lines.append(f"  ... {len(result.candidates) - limit} more (--limit)")
    lines.extend(f"  note: {note}" for note in (*result.notes, *([hint] if hint else [])))
    return "\n".join(lines)


def abroad_hint(geocoder: Geocoder, result: GeocodeResult, country: str | None,
                abroad: bool, **context: object) -> str:
    """Why a name found nothing when a default country kept places abroad out, and how
    to let them in ('' when that is not why).

    Parameters
    ----------
    geocoder : Geocoder
    result : GeocodeResult
        The answer under the default country.
    country : str, optional
        The country given by the user (none: the default country applied).
    abroad : bool
        Whether ``--abroad`` was given.
    **context
        ``admin1``, ``admin2`` and ``context`` as given to the first look-up.

    Returns
    -------
    str
    """
    home = geocoder.default_country
    if result.candidates or country or abroad or not home:
        return ""
    wider = geocoder.geocode(result.query, abroad=True, **context)  # type: ignore[arg-type]
    # countries in the order of their best candidate (the likeliest first)
    found = list(dict.fromkeys(c.place.country for c in wider.candidates if c.place.country))
    if not found:
        return ""
    where = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
    return (f"places outside {home} (the default country, INCIDENT_MAP_COUNTRY) were left out;"
            f" {len(wider.candidates)} candidate(s) in {where}: allow them with --country "
            f"{found[0]} or --abroad")


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
    abroad: bool = False,
) -> pd.DataFrame:
    """Geocode a column of names; return the frame with :data:`OUTPUT_COLUMNS` added.

    Parameters
    ----------
    frame : pandas.DataFrame
        Input rows (kept, in order).
    geocoder : Geocoder
    name_column : str
        Column with the place names.
    country_column, admin1_column : str, optional
        Per-row context columns.
    country : str, optional
        Country for rows without one.
    abroad : bool
        Rows without a country search every country, even with a default one.

    Returns
    -------
    pandas.DataFrame
        ``kind`` is the feature kind the name says (or the best place's), ``evidence``
        and ``provenance`` the best candidate's, ``notes`` why candidates were set aside
        (joined by "; ").
    """
    _check_columns(frame, name_column, country_column, admin1_column)
    names = frame[name_column].fillna("").astype(str).tolist()
    if country_column:
        countries = [c or country for c in frame[country_column].fillna("").astype(str)]
    else:
        countries = [country] * len(frame)
    admin1s = frame[admin1_column].fillna("").astype(str).tolist() if admin1_column else None
    results = geocoder.geocode_many(names, countries=countries, admin1s=admin1s)
    if abroad:  # the bulk path applies the default country: rows without one again
        cache: dict[tuple[str, str], GeocodeResult] = {}
        for i, (name, cc) in enumerate(zip(names, countries, strict=True)):
            if not cc and name.strip():
                admin1 = admin1s[i] if admin1s else ""
                if (name, admin1) not in cache:
                    cache[(name, admin1)] = geocoder.geocode(name, admin1=admin1 or None,
                                                             abroad=True)
                results[i] = cache[(name, admin1)]
    home = geocoder.default_country
    out = frame.copy()
    best = [r.best for r in results]
    out["latitude"] = [b.place.latitude if b else None for b in best]
    out["longitude"] = [b.place.longitude if b else None for b in best]
    out["score"] = [round(r.score, 3) if r.candidates else None for r in results]
    out["precision"] = pd.array([b.place.precision if b else None for b in best], dtype="Int64")
    out["gazetteer_id"] = [b.place.gazetteer_id if b else "" for b in best]
    out["status"] = [r.status if n.strip() else "unresolved" for r, n in zip(results, names,
                                                                                strict=True)]
    out["kind"] = [r.kind or (b.place.kind if b else "") for r, b in zip(results, best,
                                                                          strict=True)]
    out["evidence"] = [b.evidence if b else "" for b in best]
    out["provenance"] = [b.provenance if b else "" for b in best]
    notes = []
    for r, n, cc in zip(results, names, countries, strict=True):
        row_notes = list(r.notes)
        if n.strip() and not r.candidates and home and not cc and not abroad:
            row_notes.append(f"no candidate in {home} (the default country); places abroad "
                             "were left out (--abroad, or a country column)")
        notes.append("; ".join(row_notes))
    out["notes"] = notes
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


def format_sources(store: IncidentStore, limit: int = 20) -> str:
    """The learned sources of a store and the names on which they disagree (for the
    terminal).

    Parameters
    ----------
    store : IncidentStore
    limit : int
        Disagreements to list (the most records first).

    Returns
    -------
    str
    """
    sources = store.learned_sources()
    if sources.empty:
        return f"no learned places in {store.location} yet (imports with coordinates teach them)"
    disputes = source_disagreements(store.learned_places())
    overview = sources_overview(sources, disputes)
    lines = [f"learned sources in {store.location}:",
             f"  {'source':<16} {'used':<4} {'places':>7} {'records':>8} {'disputed':>8}  "
             "switched by"]
    for row in overview.itertuples():
        changed = f"{row.changed_by}, {row.changed_at}" if row.changed_by else "-"
        lines.append(f"  {str(row.source)[:16]:<16} {'on' if row.enabled else 'off':<4} "
                     f"{int(row.places):>7} {int(row.records):>8} {row.disputed_names:>8}  "
                     f"{changed}")
    if disputes.empty:
        lines.append("no name is learned by two sources at points too far apart to be one place")
        return "\n".join(lines)
    names = disputes[["name", "country"]].drop_duplicates()
    lines.append(f"{len(names)} name(s) where sources disagree ({len(disputes)} pair(s) of "
                 "sources, points more than 3 km apart, 25 km when one is known roughly):")
    for row in disputes.head(limit).itertuples():
        lines.append(
            f"  {row.name} ({row.country or '-'}): {row.source_a} {row.records_a} record(s) "
            f"at {row.latitude_a:.5f}, {row.longitude_a:.5f} ({row.admin1_a or '-'}) · "
            f"{row.source_b} {row.records_b} record(s) at {row.latitude_b:.5f}, "
            f"{row.longitude_b:.5f} ({row.admin1_b or '-'}) · {row.km:.1f} km apart")
    if len(disputes) > limit:
        lines.append(f"  ... {len(disputes) - limit} more (--limit)")
    return "\n".join(lines)


def _sources_command(args: argparse.Namespace) -> int:
    """``--sources``, ``--disable-source``, ``--enable-source``."""
    settings = load_settings()
    try:
        store = open_store(settings.database, create=False)
    except StoreUnavailable as exc:
        raise CliError(f"no incident store to read learned places from: {exc}") from exc
    try:
        switch = args.disable_source or args.enable_source
        if switch:
            on = bool(args.enable_source)
            who = system_identity(f"command line: {_user()}")
            try:
                store.set_source_enabled(switch, on, who=who)
            except NotFound:
                known = ", ".join(store.learned_sources()["source"].astype(str)) or "none"
                raise CliError(f"no learned source {switch!r} in {store.location}; "
                               f"sources: {known}") from None
            print(f"{switch} switched {'on' if on else 'off'}: its learned places are "
                  + ("used again" if on else "kept but left out of geocoding")
                  + " by every geocoder of this store. Records already placed keep their points"
                  " until geocoded again (the Review page, or a re-import).")
        print(format_sources(store, args.limit or 20))
    finally:
        store.close()
    return 0


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _run(args: argparse.Namespace) -> int:
    if args.sources or args.disable_source or args.enable_source:
        if args.names or args.csv:
            raise CliError("--sources, --disable-source and --enable-source take no names "
                           "or --csv")
        if args.disable_source and args.enable_source:
            raise CliError("give --disable-source or --enable-source, not both")
        return _sources_command(args)
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
            context = {"admin1": args.admin1, "admin2": args.admin2,
                       "context": [n for n in args.context if n != name]}
            result = geocoder.geocode(name, country=args.country, abroad=args.abroad,
                                      **context)
            hint = abroad_hint(geocoder, result, args.country, args.abroad, **context)
            print(format_result(result, args.limit or 5, hint))
        return 0
    out = geocode_frame(frame, geocoder, args.name_column, country_column=args.country_column,
                        admin1_column=args.admin1_column, country=args.country,
                        abroad=args.abroad)
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
    parser.add_argument("--abroad", action="store_true",
                        help="search every country even when INCIDENT_MAP_COUNTRY sets a "
                        "default one (names without --country or a country column)")
    parser.add_argument("--no-learned", action="store_true",
                        help="leave out the places learned from the incident store")
    parser.add_argument("--context", nargs="*", default=[],
                        help="other place names of the same text (context)")
    parser.add_argument("--limit", type=int,
                        help="candidates to print (5), or disagreements with --sources (20)")
    parser.add_argument("--csv", help="input CSV file")
    parser.add_argument("--name-column", help="column of place names")
    parser.add_argument("--country-column", help="column of ISO country codes")
    parser.add_argument("--admin1-column", help="column of admin1 areas")
    parser.add_argument("--out", help="output CSV file")
    parser.add_argument("--sources", action="store_true",
                        help="list the learned sources of the store and where they disagree")
    parser.add_argument("--disable-source", metavar="NAME",
                        help="switch a learned source off (its places are kept, not used)")
    parser.add_argument("--enable-source", metavar="NAME",
                        help="switch a learned source back on")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
