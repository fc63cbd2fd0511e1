"""Importing incident files into the store, with a row-level validation report.

Nothing is written before the whole file is validated. Rows that fail are listed with
their row number, field and reason and can be saved untouched to a file; valid rows
are geocoded when they have a place but no coordinates, then written to the store in
one transaction (all or nothing).

Command line::

    python -m geo.ingest FILE [--format acled|ucdp|own|csv|xlsx|geojson|gpkg]
                              [--rejected OUT.csv] [--mapping MAPPING.json] [--dry-run]

exits 0 when every row was imported, 1 when rows were rejected (the valid ones are
imported unless ``--dry-run``), 2 when the file or the store cannot be used at all.

The command line parses in its own process, under the limits of the shell that runs it
(``ulimit -v``, ``ulimit -t``): whoever runs it already holds the machine. The Import
page, which any signed-in analyst reaches, parses in a limited worker instead
(:mod:`geo.io.worker`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.access import Identity, system_identity
from geo.errors import Invalid, StoreUnavailable
from geo.geocoding.learned import (
    LearnedPlaces,
    LearnedPlaceSource,
    learn_from_incidents,
    merge_learned,
)
from geo.geocoding.protocol import PlaceResolver
from geo.io.formats import KINDS, FormatError, RawTable, rejected_bytes, write_rejected
from geo.io.load import Loaded, read_incidents, unnamed
from geo.io.mappings import ColumnMapping, MappingError, MappingMemory
from geo.schema import INCIDENT_COLUMNS, RowError, empty_incidents
from geo.store import IncidentStore, UpsertResult, open_store

MAPPING_LABELS = {
    "own": "Incident Map layout",
    "acled": "ACLED export",
    "ucdp": "UCDP GED export",
    "custom": "custom mapping",
}


@dataclass
class ImportReport:
    """What a file holds, what is wrong with it, and what the import did.

    Attributes
    ----------
    source : str
        File name.
    file_kind, mapping : str
        Detected or chosen file kind and column mapping.
    rows : int
        Data rows read.
    incidents : pandas.DataFrame
        The valid rows as typed incidents (geocoded where they had no coordinates).
    origins : list of str
        Dataset of each valid row (for duplicate flags).
    errors : list of RowError
        Every problem: file-level ones have ``row`` None.
    warnings : list of RowError
        Notes on rows that are imported (an encoding repaired, a geometry that disagrees
        with stale coordinate columns).
    rejected_rows : list of int
        1-based numbers of the rows not imported.
    not_placed : dict
        Place name -> number of valid incidents whose place the geocoder could not
        resolve (they are imported without coordinates and listed for review).
    result : UpsertResult or None
        What the store did (None when nothing was written).
    rejected_path : Path or None
        Where the rejected rows were saved.
    table : RawTable or None
        The file as read (to save rejected rows).
    """

    source: str
    file_kind: str = ""
    mapping: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    incidents: pd.DataFrame = field(default_factory=empty_incidents)
    origins: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)
    not_placed: dict[str, int] = field(default_factory=dict)
    result: UpsertResult | None = None
    rejected_path: Path | None = None
    table: RawTable | None = None

    @property
    def readable(self) -> bool:
        """False when the file (or its mapping) could not be used at all."""
        return not any(e.row is None for e in self.errors)

    @property
    def valid(self) -> int:
        """Number of valid rows."""
        return len(self.incidents)

    def save_rejected(self, out: str | Path) -> Path | None:
        """Save the rejected rows untouched (see :func:`geo.io.formats.write_rejected`)."""
        if self.table is None or not self.rejected_rows:
            return None
        self.rejected_path = write_rejected(self.table, self.rejected_rows, out)
        return self.rejected_path

    def rejected_file(self, geojson: bool = False) -> bytes:
        """The rejected rows as file bytes, e.g. for a download button."""
        if self.table is None or not self.rejected_rows:
            return b""
        return rejected_bytes(self.table, self.rejected_rows, geojson=geojson)

    def errors_frame(self) -> pd.DataFrame:
        """The errors as a table: row, line (where the row starts in the file; ``sheet row``
        in a spreadsheet), field, reason."""
        return self._frame(self.errors)

    def warnings_frame(self) -> pd.DataFrame:
        """The warnings as a table, like :meth:`errors_frame`."""
        return self._frame(self.warnings)

    def flagged_frame(self) -> pd.DataFrame:
        """The valid rows that carry a data-quality flag: id, row, line, flag.

        ``row`` is the 1-based data row and ``line`` where it starts in the file
        (``sheet row`` in a spreadsheet; both NA if the rows cannot be matched to the
        file's); ``flag`` the flag's text.
        """
        rejected = set(self.rejected_rows)
        kept = [r for r in range(1, self.rows + 1) if r not in rejected]
        lines = self.table.lines if self.table is not None else []
        quality = self.incidents["quality"].fillna("").astype(str).to_numpy()
        ids = self.incidents["id"].astype(str).to_numpy()
        out = []
        for position, flag in enumerate(quality):
            if not flag:
                continue
            row = kept[position] if len(kept) == self.valid else None
            line = lines[row - 1] if row is not None and row <= len(lines) else None
            out.append((ids[position], row, line, flag))
        return pd.DataFrame(out, columns=["id", "row", "line", "flag"]).astype(
            {"row": "Int64", "line": "Int64"}).rename(columns={"line": self._unit})

    def _frame(self, errors: Sequence[RowError]) -> pd.DataFrame:
        lines = self.table.lines if self.table is not None else []
        return pd.DataFrame(
            [(e.row, lines[e.row - 1] if e.row and e.row <= len(lines) else None, e.field,
              e.message) for e in errors],
            columns=["row", "line", "field", "reason"],
        ).astype({"line": "Int64", "row": "Int64"}).rename(columns={"line": self._unit})

    @property
    def _unit(self) -> str:
        """What the file counts its rows in: ``line`` (CSV), ``sheet row`` (XLSX)."""
        return "sheet row" if self.table is not None and self.table.kind == "xlsx" else "line"

    def accounting(self) -> list[str]:
        """How every record of the file is accounted for, and any imbalance.

        Rows read = stored new + updated + unchanged + rejected (after a write), and
        rows read + blank rows = the file's records counted independently of the parse
        (physical lines of a CSV, at least; exactly the rows with values in an Excel
        sheet's XML, or the features). An imbalance is a line starting with ``DOES NOT
        BALANCE``; :attr:`balanced` is then False.
        """
        if self.table is None:
            return []
        t = self.table
        rows = f"{self.rows:,} row{'' if self.rows == 1 else 's'}"
        out = [f"read {rows}; the file has {t.count_note}"]
        problems = []
        if t.file_records >= 0 and t.kind == "csv":  # a quoted field may span lines
            inside = t.file_records - self.rows - t.blank
            if inside < 0:
                problems.append(
                    f"{self.rows:,} rows + {t.blank:,} blank > {t.file_records:,} records")
        elif t.file_records >= 0 and self.rows + t.blank != t.file_records:
            problems.append(
                f"{self.rows:,} rows + {t.blank:,} blank != {t.file_records:,} records")
        rejected = len(self.rejected_rows)
        if self.valid + rejected != self.rows:
            problems.append(f"{self.valid:,} valid + {rejected:,} rejected != {self.rows:,} rows")
        if self.result is not None:
            r = self.result
            stored = len(r.inserted) + len(r.updated) + len(r.unchanged)
            out.append(f"{rows} = {len(r.inserted):,} new + "
                       f"{len(r.updated):,} updated + {len(r.unchanged):,} unchanged + "
                       f"{rejected:,} rejected")
            if stored + rejected != self.rows:
                problems.append(f"{stored:,} stored + {rejected:,} rejected != {self.rows:,} rows")
        else:
            out.append(f"{rows} = {self.valid:,} valid + {rejected:,} rejected")
        out.extend(f"DOES NOT BALANCE: {p}" for p in problems)
        return out

    @property
    def balanced(self) -> bool:
        """Whether :meth:`accounting` found every record accounted for."""
        return not any(line.startswith("DOES NOT BALANCE") for line in self.accounting())

    def lines(self, limit: int | None = None) -> list[str]:
        """The report as lines of text for a terminal or a page."""
        if not self.readable:
            return [f"{self.source}: cannot import: {e.message}" for e in self.errors
                    if e.row is None]
        what = MAPPING_LABELS.get(self.mapping, self.mapping or "unknown layout")
        kind = self.file_kind.upper() if self.file_kind else "?"
        detail = f", {self.encoding}, delimiter {self.delimiter!r}" if self.encoding else ""
        out = [f"{self.source}: {what}, {kind}{detail}, {self.rows:,} rows"]
        out.append(f"  {self.valid:,} valid, {len(self.rejected_rows):,} rejected")
        row_errors = [e for e in self.errors if e.row is not None]
        shown = row_errors if limit is None else row_errors[:limit]
        for e in shown:
            out.append(f"  {self._where(e)}: {e.message}")
        if len(shown) < len(row_errors):
            out.append(f"  ... and {len(row_errors) - len(shown)} more problems")
        notes = self.warnings if limit is None else self.warnings[:limit]
        for e in notes:
            out.append(f"  note, {self._where(e)}: {e.message}")
        if len(notes) < len(self.warnings):
            out.append(f"  ... and {len(self.warnings) - len(notes)} more notes")
        out.extend(self._flag_lines(limit))
        if self.not_placed:
            count = sum(self.not_placed.values())
            names = ", ".join(f"{k!r} x{v}" for k, v in sorted(self.not_placed.items())[:10])
            out.append(f"  {count} incidents not placed (for the review page): {names}")
        if self.result is not None:
            r = self.result
            out.append(
                f"  stored: {len(r.inserted)} new, {len(r.updated)} updated, "
                f"{len(r.unchanged)} unchanged"
            )
            for c in r.conflicts[:limit]:
                out.append(
                    f"  kept the analyst's {c.field} of {c.incident_id} ({c.kept!r}); "
                    f"the source now says {c.incoming!r}"
                )
            if r.duplicates:
                out.append(f"  {len(r.duplicates)} likely duplicates flagged (not merged):")
                for d in r.duplicates[:limit]:
                    out.append(f"    {d.id_a} ~ {d.id_b}: {d.reason}")
        elif self.valid:
            out.append("  nothing written (validation only)")
        if self.rejected_path is not None:
            out.append(f"  rejected rows saved untouched to {self.rejected_path}")
        out.extend(f"  {line}" for line in self.accounting())
        return out

    def _flag_lines(self, limit: int | None) -> list[str]:
        flagged = self.flagged_frame()
        if flagged.empty:
            return []
        rows = "1 valid row carries" if len(flagged) == 1 else \
            f"{len(flagged):,} valid rows carry"
        out = [f"  {rows} a data-quality flag (kept as the source gives it):"]
        shown = flagged if limit is None else flagged.head(min(limit, 20))
        for item in shown.itertuples(index=False):
            where = self.table.where(int(item.row)) if self.table is not None and \
                pd.notna(item.row) else "row ?"
            out.append(f"    {where}, {item.id}: {item.flag}")
        if len(shown) < len(flagged):
            out.append(f"    ... and {len(flagged) - len(shown):,} more flagged rows "
                       "(--all-errors lists them)")
        return out

    def _where(self, e: RowError) -> str:
        where = self.table.where(e.row) if self.table is not None and e.row else f"row {e.row}"
        return where + (f", {e.field}" if e.field else "")


def prepare_import(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    file_kind: str | None = None,
    mapping_kind: str | None = None,
    mapping: ColumnMapping | None = None,
    memory: MappingMemory | None = None,
    geocoder: PlaceResolver | None = None,
    geocode: bool = True,
    layer: str | None = None,
    learned: LearnedPlaceSource | None = None,
) -> ImportReport:
    """Read, map, validate and geocode a file without writing anything.

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its bytes (an upload; then give ``name``).
    name : str, optional
        File name for reports and kind detection.
    file_kind : str, optional
        ``csv``, ``xlsx``, ``geojson`` or ``gpkg``; from the extension by default.
    mapping_kind : str, optional
        ``own``, ``acled`` or ``ucdp``; detected from the header by default.
    mapping : ColumnMapping, optional
        An analyst's mapping; remembered for the next file with the same header.
    memory : MappingMemory, optional
        Where mappings are remembered (``data/column_mappings.json`` by default).
    geocoder : PlaceResolver, optional
        For rows with a place but no coordinates; :func:`geo.geocoding.geocoder.default_geocoder`
        is built when needed and none is given.
    geocode : bool
        Set False to leave such rows without coordinates.
    layer : str, optional
        Excel sheet or GeoPackage layer.
    learned : LearnedPlaceSource, optional
        Places learned from earlier imports (usually the store the file goes to). With
        it, rows without coordinates are geocoded with those places and with the places
        this file's own rows teach (see :func:`geocode_report`).

    Returns
    -------
    ImportReport
        Check ``readable``; when False, ``errors`` says why.
    """
    loaded = read_incidents(source, name=name, file_kind=file_kind, mapping_kind=mapping_kind,
                            mapping=mapping, memory=memory, layer=layer)
    report = report_from_loaded(loaded)
    if report.readable and geocode and len(report.incidents):
        geocode_report(report, geocoder, learned)
    return report


def report_from_loaded(loaded: Loaded) -> ImportReport:
    """The validation report of a file read, mapped and validated (not yet geocoded).

    Parameters
    ----------
    loaded : Loaded
        From :func:`geo.io.load.read_incidents`, or from a parsing worker
        (:class:`geo.io.worker.ParseJob`, as the Import page reads uploads).

    Returns
    -------
    ImportReport
    """
    report = ImportReport(loaded.source, mapping=loaded.mapping, errors=loaded.errors,
                          warnings=loaded.warnings, rejected_rows=loaded.rejected_rows,
                          incidents=loaded.incidents, origins=loaded.origins,
                          table=loaded.table, rows=loaded.rows)
    if loaded.table is not None:
        report.file_kind = loaded.table.kind
        report.encoding, report.delimiter = loaded.table.encoding, loaded.table.delimiter
    return report


def geocode_report(report: ImportReport, geocoder: PlaceResolver | None = None,
                   learned: LearnedPlaceSource | None = None) -> None:
    """Place the valid rows that have a place name but no coordinates.

    Parameters
    ----------
    report : ImportReport
        Its ``incidents`` are replaced by the geocoded ones; ``not_placed`` is filled.
    geocoder : PlaceResolver, optional
        :func:`geo.geocoding.geocoder.default_geocoder` when None.
    learned : LearnedPlaceSource, optional
        Learned places to use besides those of the file's own rows (which teach with
        the same rule as the store's, and stay off for a source switched off there).
        Without it, a given geocoder is used as it is.
    """
    from geo.geocoding.geocoder import Geocoder
    from geo.geocoding.join import geocode_incidents

    frame = report.incidents
    needs = frame["latitude"].isna() & (frame["place"] != "")
    if not needs.any():
        return
    own = learn_from_incidents(frame, report.origins)
    if geocoder is None:
        from geo.geocoding.geocoder import default_geocoder

        geocoder = default_geocoder(learned=_with_own(learned, own))
    elif learned is not None and isinstance(geocoder, Geocoder):
        geocoder = geocoder.with_learned(_with_own(learned, own))
    placed = geocode_incidents(frame, geocoder)
    missing = placed["latitude"].isna() & (placed["place"] != "")
    report.not_placed = dict(Counter(placed.loc[missing, "place"]))
    report.incidents = placed[list(INCIDENT_COLUMNS)].reset_index(drop=True)


def _with_own(learned: LearnedPlaceSource | None, own: pd.DataFrame) -> LearnedPlaceSource:
    """Learned places and those of the file being imported, as one source."""
    if learned is None:
        return LearnedPlaces(own)
    known = learned.learned_places()
    off = set(known.loc[~known["enabled"].astype(bool), "source"])
    own = own.assign(enabled=~own["source"].isin(off))
    return LearnedPlaces(merge_learned(known, own))


def import_file(
    source: str | Path | bytes,
    store: IncidentStore | None = None,
    *,
    who: Identity | None = None,
    rejected_out: str | Path | None = None,
    dry_run: bool = False,
    **options: object,
) -> ImportReport:
    """Validate a file and import its valid rows into the store in one transaction.

    Parameters
    ----------
    source : str, Path or bytes
    store : IncidentStore, optional
        Defaults to :func:`geo.store.open_store` (the ``INCIDENT_DB`` setting).
    who : Identity, optional
        Who imports (checked and recorded in the history); by default the command
        line's user, ``command line: USER`` (whoever can run it holds the store).
    rejected_out : str or Path, optional
        Where to save rejected rows untouched.
    dry_run : bool
        Validate only.
    **options
        Passed to :func:`prepare_import` (``name``, ``file_kind``, ``mapping_kind``,
        ``mapping``, ``memory``, ``geocoder``, ``geocode``, ``layer``).

    Returns
    -------
    ImportReport
    """
    geocode = bool(options.pop("geocode", True))
    geocoder = options.pop("geocoder", None)
    report = prepare_import(source, geocode=False, **options)  # type: ignore[arg-type]
    if rejected_out is not None:
        report.save_rejected(rejected_out)
    if not report.readable or not report.valid:
        return report
    if not dry_run:
        store = store or open_store()
    if geocode:
        known = store if store is not None else _existing_store(None)
        geocode_report(report, geocoder, known)  # type: ignore[arg-type]
    if dry_run:
        return report
    assert store is not None
    who = who or system_identity(f"command line: {_user()}")
    report.result = store.upsert(report.incidents, origin=report.origins, who=who,
                                 source=report.source, rejected=len(report.rejected_rows))
    return report


def _existing_store(location: str | None) -> IncidentStore | None:
    """The store at ``location`` (INCIDENT_DB by default) if it exists; never created."""
    try:
        return open_store(location, create=False)
    except StoreUnavailable:
        return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _store_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [StoreUnavailable, OSError, sqlite3.Error]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # pragma: no cover - psycopg is a requirement
        pass
    return tuple(errors)


def _load_mapping(value: str) -> ColumnMapping:
    path = Path(value)
    text = path.read_text(encoding="utf-8") if path.exists() else value
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MappingError(f"--mapping is neither a JSON file nor JSON text ({exc})") from None
    if not isinstance(data, dict):
        raise MappingError("--mapping must be a JSON object {source column: field}")
    return ColumnMapping.from_json(data)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.ingest",
        description="Import incidents into the store set by INCIDENT_DB and print the "
        "validation report.",
    )
    parser.add_argument("file", help="CSV, Excel, GeoJSON or GeoPackage file")
    parser.add_argument(
        "--format", choices=[*KINDS, "own", "acled", "ucdp"],
        help="file kind (csv, xlsx, geojson, gpkg) or layout (own, acled, ucdp); "
        "detected by default",
    )
    parser.add_argument("--layer", help="Excel sheet or GeoPackage layer")
    parser.add_argument("--mapping", help='custom mapping: JSON file or text, e.g. '
                        '\'{"columns": {"Date": "date_start"}, "defaults": '
                        '{"claim_status": "reported"}}\'; remembered for the same header')
    parser.add_argument("--rejected", metavar="OUT", help="save rejected rows untouched here")
    parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    parser.add_argument("--no-geocode", action="store_true",
                        help="leave rows without coordinates unplaced")
    parser.add_argument("--db", help="store to use instead of INCIDENT_DB")
    parser.add_argument("--who", help="name recorded in the history, beside the "
                        "command line's user")
    parser.add_argument("--all-errors", action="store_true", help="list every problem")
    args = parser.parse_args(argv)

    options: dict[str, object] = {"geocode": not args.no_geocode, "layer": args.layer}
    if args.format in KINDS:
        options["file_kind"] = args.format
    elif args.format:
        options["mapping_kind"] = args.format
    try:
        if args.mapping:
            options["mapping"] = _load_mapping(args.mapping)
        report = prepare_import(args.file, **{**options, "geocode": False})  # type: ignore[arg-type]
        if args.rejected:
            report.save_rejected(args.rejected)
        store = None
        if report.readable and report.valid and not args.dry_run:
            store = open_store(args.db)
        if report.readable and report.valid and not args.no_geocode:
            geocode_report(report, None, store or _existing_store(args.db))
        if store is not None:
            user = f"command line: {_user()}"
            who = system_identity(f"{args.who} ({user})" if args.who else user)
            report.result = store.upsert(report.incidents, origin=report.origins, who=who,
                                         source=report.source,
                                         rejected=len(report.rejected_rows))
    except (MappingError, FormatError) as exc:
        print(f"{args.file}: {unnamed(str(exc), Path(args.file).name)}", file=sys.stderr)
        return 2
    except Invalid as exc:
        print(f"{args.file}: nothing was imported: {exc}", file=sys.stderr)
        return 2
    except _store_errors() as exc:
        print(f"{args.file}: nothing was imported; the store cannot be used: {exc}",
              file=sys.stderr)
        return 2
    for line in report.lines(limit=None if args.all_errors else 50):
        print(line)
    if not report.readable or not report.balanced:
        return 2
    return 1 if report.rejected_rows else 0


if __name__ == "__main__":
    sys.exit(main())
