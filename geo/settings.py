"""Every setting of Incident Map, in one place.

Values come from environment variables so that a deployment (or a test) can
change them without touching code. Paths are resolved against the project root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

#: Tile server used when ``INCIDENT_MAP_TILES`` is not set.
DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = "&copy; OpenStreetMap contributors"
#: Extraction (issue 12, round 9): a site found farther than this (km) from every other place
#: a report locates, in a governorate the report names no place in, is a namesake of the
#: place meant (for review, never resolved at site precision).
HOMONYM_KM = 100.0
#: Extraction (issue 12, round 13c, ``geo/extract/resolve_policy.py``): the doubts that send a
#: candidate resolved at site precision to review (``unsure``, its point kept). Comma-separated
#: in ``INCIDENT_MAP_RESOLVE_POLICY``; "off" switches the policy off.
RESOLVE_POLICY: frozenset[str] = frozenset(
    n.strip() for n in os.environ.get(
        "INCIDENT_MAP_RESOLVE_POLICY",
        "spelling,learned,namesakes,isolated,listed,referenced,abroad,loose,partial,roundup",
    ).split(",")
    if n.strip() and n.strip() != "off")
#: A place the report locates within this many km of a site picks that site among namesakes.
RESOLVE_NEIGHBOUR_KM = 50.0
#: A small site farther than this many km from every other place the report locates is doubtful.
RESOLVE_ISOLATED_KM = 100.0


def _path_from_env(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    if not value:
        return default
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one run.

    Attributes
    ----------
    tiles : str
        Leaflet URL template of the basemap (``{z}/{x}/{y}``), or ``"none"`` for
        no basemap (air-gapped networks without a tile server).
    attribution : str
        Attribution shown for the basemap.
    incidents_path : Path
        Seed incidents loaded into an empty store (``INCIDENT_MAP_DATA`` when set).
    data_file : Path or None
        ``INCIDENT_MAP_DATA`` when set: the app then shows that file, read-only,
        instead of the store.
    places_path : Path
        The project's own place file (sites and aliases GeoNames lacks).
    gazetteer_index_path : Path
        Compact index folder built from GeoNames data by ``python -m geo.geocoding.sources``
        (memory-mapped Arrow columns).
    default_country : str
        ``INCIDENT_MAP_COUNTRY``: ISO code assumed for names without a country; places
        abroad then need their country in the record or an explicit foreign cue.
    calibration_path : Path
        Evidence class -> probability table of the geocoder's scores
        (``INCIDENT_MAP_CALIBRATION``, written by ``bench/bench_geocoder.py --calibrate``).
    overrides_path : Path
        Analysts' geocoding corrections, kept across restarts.
    mappings_path : Path
        Column mappings analysts picked for files of other layouts, per header.
    admin_paths : tuple of Path
        Admin boundary files, one per level, coarsest first (``INCIDENT_MAP_ADMIN``,
        paths separated by ``:``); default: the shipped Syria governorates and districts.
    database : str
        ``INCIDENT_DB``: a path for the embedded store or a ``postgresql://`` URL.
    seed_new_store : bool
        Whether a store the app creates is filled with the seed incidents
        (``INCIDENT_MAP_SEED``: ``auto``, the default, seeds only the default store
        ``data/incidents.gpkg``, i.e. when ``INCIDENT_DB`` is unset; ``yes`` or ``no``).
        An existing store is never seeded.
    static_url : str
        URL prefix under which the app serves ``./static`` (Streamlit static serving).
    roles_path : Path
        Roles of signed-in accounts (TOML: ``admin = [...]``, ``analyst = [...]``,
        ``default = "viewer"``); see :mod:`geo.access`.
    max_upload_mb : int
        Largest file the Import page accepts, in MB (keep Streamlit's
        ``server.maxUploadSize`` in ``.streamlit/config.toml`` at least as large).
    worker_memory_mb : int
        Address-space limit of the worker process that parses an upload.
    worker_cpu_seconds : int
        CPU-time limit of that worker.
    xlsx_max_unpacked_mb : int
        Largest total uncompressed size of an XLSX archive read.
    xlsx_max_ratio : int
        Largest compression ratio of any member of an XLSX archive (zip bombs).
    query_mode : str
        ``INCIDENT_MAP_QUERY_MODE``: ``frame`` (the map page works on a shared frame of
        the whole store), ``store`` (with PostGIS, it asks the database for what is in
        view) or ``auto`` (store-driven above ``store_query_above`` incidents).
    store_query_above : int
        ``INCIDENT_MAP_STORE_QUERY_ABOVE``: incidents in a PostGIS store above which
        ``auto`` asks the database.
    store_export_max : int
        ``INCIDENT_MAP_STORE_EXPORT_MAX``: most incidents one export holds in store mode
        (the file is made in the server's memory while it is downloaded).
    store_query_threads : int
        ``INCIDENT_MAP_STORE_QUERY_THREADS``: a store-mode view's independent queries
        (counts and table, map, timeline, totals) run at the same time on up to this many
        threads of the server, each with its own database connection (1: one after
        another).
    map_details_max : int
        ``INCIDENT_MAP_MAP_DETAILS_MAX``: in store mode, most incidents in the map's window
        for which the aggregates' tooltips give deaths per claimant and their top places
        (one query over the view's records there; more, and the tooltips say to zoom in).
    review_names_max : int
        ``INCIDENT_MAP_REVIEW_NAMES_MAX``: the Review page lists at most this many names at
        once (the most used, or those matching what the analyst types); a store whose
        records each have their own place would otherwise list a million.
    learned_index_max : int
        ``INCIDENT_MAP_LEARNED_INDEX_MAX``: stores of up to this many incidents geocode the
        review queue, imports and relocations with one index of every learned place (fast;
        its memory grows with the store); larger stores read, per batch of names, only the
        learned places those names could match (memory bounded, more CPU per name).
    content_fingerprint_max : int
        ``INCIDENT_MAP_CONTENT_FINGERPRINT_MAX``: most records a PostGIS store in store mode
        may hold for its links' data fingerprint to be computed from the records (the one
        frame mode gives; the store is read once per revision); above it, the fingerprint
        comes from the store's revision.
    sync_inline_max : int
        ``INCIDENT_MAP_SYNC_INLINE_MAX``: most records a store-mode page brings up to date
        itself (their area columns and search text) before it answers; a store with more
        waiting says so and names the command that does it
        (``python -m geo.store sync``).
    role_model_mode : str
        ``INCIDENT_MAP_ROLE_MODEL``: what the learned place-role model does to the mentions the
        extraction rules call incident sites (:mod:`geo.extract.role_model`): ``off``,
        ``review`` (a doubtful site goes to review) or ``veto`` (also: a very doubtful one is
        no site, only context).
    role_model_path : Path
        ``INCIDENT_MAP_ROLE_MODEL_PATH``: the model's weights, written by
        ``scripts/train_place_roles.py``.
    candidate_model_mode : str
        ``INCIDENT_MAP_CANDIDATE_MODEL``: whether the learned candidate scorer
        (:mod:`geo.extract.candidate_model`) acts: ``on`` sets aside candidates below its keep
        threshold and sends points below its place-trust threshold to review; ``off`` only
        scores them.
    candidate_model_path : Path
        ``INCIDENT_MAP_CANDIDATE_MODEL_PATH``: the scorer's coefficients, written by
        ``bench/train_candidate_model.py``.
    load_chunk_rows : int
        ``INCIDENT_MAP_LOAD_CHUNK_ROWS``: records read, validated and joined at a time when
        the app loads a file or the embedded store whole (the load's peak memory grows
        with it).
    """

    tiles: str = DEFAULT_TILES
    attribution: str = DEFAULT_ATTRIBUTION
    incidents_path: Path = DATA_DIR / "seed_incidents.csv"
    data_file: Path | None = None
    places_path: Path = DATA_DIR / "places.csv"
    gazetteer_index_path: Path = DATA_DIR / "gazetteer" / "index"
    default_country: str = ""
    calibration_path: Path = DATA_DIR / "geocode_calibration.json"
    overrides_path: Path = DATA_DIR / "geocode_overrides.csv"
    mappings_path: Path = DATA_DIR / "column_mappings.json"
    admin_paths: tuple[Path, ...] = (
        DATA_DIR / "admin" / "syr_admin1.geojson",
        DATA_DIR / "admin" / "syr_admin2.geojson",
    )
    database: str = field(default_factory=lambda: str(DATA_DIR / "incidents.gpkg"))
    seed_new_store: bool = True
    static_url: str = "app/static"
    roles_path: Path = PROJECT_ROOT / ".streamlit" / "roles.toml"
    max_upload_mb: int = 50
    worker_memory_mb: int = 3072
    worker_cpu_seconds: int = 300
    xlsx_max_unpacked_mb: int = 256
    xlsx_max_ratio: int = 200
    query_mode: str = "auto"
    store_query_above: int = 250_000
    store_export_max: int = 100_000
    store_query_threads: int = 4
    map_details_max: int = 200_000
    learned_index_max: int = 250_000
    review_names_max: int = 2_000
    content_fingerprint_max: int = 100_000
    sync_inline_max: int = 50_000
    role_model_mode: str = "off"
    role_model_path: Path = DATA_DIR / "place_roles.json"
    candidate_model_mode: str = "off"
    candidate_model_path: Path = DATA_DIR / "candidate_model.json"
    load_chunk_rows: int = 50_000


def load_settings() -> Settings:
    """Read the settings from the environment.

    Returns
    -------
    Settings
        ``INCIDENT_MAP_TILES``, ``INCIDENT_MAP_ATTRIBUTION``, ``INCIDENT_MAP_DATA``,
        ``INCIDENT_MAP_PLACES``, ``INCIDENT_MAP_GAZETTEER``, ``INCIDENT_MAP_OVERRIDES``,
        ``INCIDENT_MAP_MAPPINGS``, ``INCIDENT_MAP_ADMIN``, ``INCIDENT_MAP_COUNTRY``,
        ``INCIDENT_MAP_CALIBRATION``, ``INCIDENT_DB``, ``INCIDENT_MAP_SEED``,
        ``INCIDENT_MAP_ROLES``, ``INCIDENT_MAP_MAX_UPLOAD_MB``,
        ``INCIDENT_MAP_WORKER_MEMORY_MB``, ``INCIDENT_MAP_WORKER_CPU_SECONDS``,
        ``INCIDENT_MAP_XLSX_MAX_UNPACKED_MB``, ``INCIDENT_MAP_XLSX_MAX_RATIO``,
        ``INCIDENT_MAP_QUERY_MODE``, ``INCIDENT_MAP_STORE_QUERY_ABOVE``,
        ``INCIDENT_MAP_ROLE_MODEL`` and ``INCIDENT_MAP_ROLE_MODEL_PATH`` (among others)
        override the defaults.
    """
    base = Settings()
    return Settings(
        tiles=os.environ.get("INCIDENT_MAP_TILES") or base.tiles,
        attribution=os.environ.get("INCIDENT_MAP_ATTRIBUTION") or base.attribution,
        incidents_path=_path_from_env("INCIDENT_MAP_DATA", base.incidents_path),
        data_file=(
            _path_from_env("INCIDENT_MAP_DATA", base.incidents_path)
            if os.environ.get("INCIDENT_MAP_DATA") else None
        ),
        places_path=_path_from_env("INCIDENT_MAP_PLACES", base.places_path),
        gazetteer_index_path=_path_from_env(
            "INCIDENT_MAP_GAZETTEER", base.gazetteer_index_path
        ),
        default_country=(os.environ.get("INCIDENT_MAP_COUNTRY") or "").strip().upper(),
        calibration_path=_path_from_env("INCIDENT_MAP_CALIBRATION", base.calibration_path),
        overrides_path=_path_from_env("INCIDENT_MAP_OVERRIDES", base.overrides_path),
        mappings_path=_path_from_env("INCIDENT_MAP_MAPPINGS", base.mappings_path),
        admin_paths=_paths_from_env("INCIDENT_MAP_ADMIN", base.admin_paths),
        database=os.environ.get("INCIDENT_DB") or base.database,
        seed_new_store=_seed_from_env(),
        roles_path=_path_from_env("INCIDENT_MAP_ROLES", base.roles_path),
        max_upload_mb=_int_from_env("INCIDENT_MAP_MAX_UPLOAD_MB", base.max_upload_mb),
        worker_memory_mb=_int_from_env("INCIDENT_MAP_WORKER_MEMORY_MB", base.worker_memory_mb),
        worker_cpu_seconds=_int_from_env(
            "INCIDENT_MAP_WORKER_CPU_SECONDS", base.worker_cpu_seconds
        ),
        xlsx_max_unpacked_mb=_int_from_env(
            "INCIDENT_MAP_XLSX_MAX_UNPACKED_MB", base.xlsx_max_unpacked_mb
        ),
        xlsx_max_ratio=_int_from_env("INCIDENT_MAP_XLSX_MAX_RATIO", base.xlsx_max_ratio),
        query_mode=_query_mode_from_env(),
        store_query_above=_int_from_env("INCIDENT_MAP_STORE_QUERY_ABOVE",
                                        base.store_query_above),
        store_export_max=_int_from_env("INCIDENT_MAP_STORE_EXPORT_MAX",
                                       base.store_export_max),
        store_query_threads=_int_from_env("INCIDENT_MAP_STORE_QUERY_THREADS",
                                          base.store_query_threads),
        map_details_max=_int_from_env("INCIDENT_MAP_MAP_DETAILS_MAX", base.map_details_max),
        learned_index_max=_int_from_env("INCIDENT_MAP_LEARNED_INDEX_MAX",
                                        base.learned_index_max),
        review_names_max=_int_from_env("INCIDENT_MAP_REVIEW_NAMES_MAX", base.review_names_max),
        content_fingerprint_max=_int_from_env("INCIDENT_MAP_CONTENT_FINGERPRINT_MAX",
                                              base.content_fingerprint_max),
        sync_inline_max=_int_from_env("INCIDENT_MAP_SYNC_INLINE_MAX", base.sync_inline_max),
        role_model_mode=_choice_from_env("INCIDENT_MAP_ROLE_MODEL", _ROLE_MODEL_MODES,
                                         base.role_model_mode),
        role_model_path=_path_from_env("INCIDENT_MAP_ROLE_MODEL_PATH", base.role_model_path),
        candidate_model_mode=_choice_from_env("INCIDENT_MAP_CANDIDATE_MODEL", ("off", "on"),
                                              base.candidate_model_mode),
        candidate_model_path=_path_from_env("INCIDENT_MAP_CANDIDATE_MODEL_PATH",
                                            base.candidate_model_path),
        load_chunk_rows=_int_from_env("INCIDENT_MAP_LOAD_CHUNK_ROWS", base.load_chunk_rows),
    )


_QUERY_MODES = ("frame", "store", "auto")
_ROLE_MODEL_MODES = ("off", "review", "veto")


def _choice_from_env(var: str, choices: tuple[str, ...], default: str) -> str:
    value = (os.environ.get(var) or default).strip().lower()
    if value not in choices:
        raise ValueError(f"{var} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _query_mode_from_env() -> str:
    value = (os.environ.get("INCIDENT_MAP_QUERY_MODE") or "auto").strip().lower()
    if value not in _QUERY_MODES:
        raise ValueError(f"INCIDENT_MAP_QUERY_MODE must be one of {', '.join(_QUERY_MODES)}, "
                         f"not {value!r}")
    return value


def _seed_from_env() -> bool:
    value = (os.environ.get("INCIDENT_MAP_SEED") or "auto").strip().lower()
    if value == "auto":
        return not os.environ.get("INCIDENT_DB")
    return value in ("1", "yes", "true", "on")


def _int_from_env(var: str, default: int) -> int:
    value = os.environ.get(var, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{var} must be a whole number, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"{var} must be positive, not {number}")
    return number


def _paths_from_env(var: str, default: tuple[Path, ...]) -> tuple[Path, ...]:
    value = os.environ.get(var)
    if not value:
        return default
    paths = (Path(v) for v in value.split(os.pathsep) if v.strip())
    return tuple(p if p.is_absolute() else PROJECT_ROOT / p for p in paths)
