"""The geocoding review queue: names the geocoder could not place with confidence.

At scale the queue is read by name (:func:`review_groups`: one row per name with its
incidents and the contexts it appears in), each name's candidates come from the
places learned from the analyst's datasets and from the gazetteer, with where each
comes from (:func:`candidate_table`), and whole sets of names are accepted by a rule
(:data:`RULES`, :func:`propose`, :func:`accept`): for example every name whose learned
place lies in the governorate its records give. An accepted name becomes an ordinary
geocoding correction (see :mod:`geo.geocoding.overrides`), in its country and
governorate, that names the rule and the evidence in its note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from geo.access import Identity
from geo.geocoding.areas import AdminAreas
from geo.geocoding.bulk import resolve_many
from geo.geocoding.geocoder import Candidate, GeocodeResult
from geo.geocoding.overrides import CorrectionStore
from geo.geocoding.protocol import PlaceResolver
from geo.geocoding.stored import UNSURE, held_answers
from geo.vocab import PRECISION_LABELS

#: Statuses that send a name to review (``unsure``: a place nobody confirmed, see
#: :mod:`geo.geocoding.stored`).
REVIEW_STATUSES = ("ambiguous", "unresolved", UNSURE)

QUEUE_COLUMNS = ["name", "country", "admin1", "status", "incidents", "ids"]
GROUP_COLUMNS = ["name", "incidents", "contexts", "statuses", "areas"]
CANDIDATE_COLUMNS = ["rank", "name", "kind", "admin1", "country", "precision", "score",
                     "match", "source", "evidence", "latitude", "longitude", "population",
                     "gazetteer_id"]
class ReviewGeocoder(Protocol):
    """What the review's rules ask of a geocoder (a :class:`Geocoder`, or the learned
    places' :class:`geo.geocoding.learned_context.LearnedGeocoder`)."""

    @property
    def areas(self) -> AdminAreas | None:
        """The admin areas, if any."""
        ...

    def find_area(self, given: str, cc: str, level: int) -> str | None:
        """The admin area of this level ``given`` names."""
        ...

    def geocode_many(self, names: Iterable[str], *,
                     countries: Iterable[str | None] | None = None,
                     admin1s: Iterable[str | None] | None = None,
                     admin2s: Iterable[str | None] | None = None) -> list[GeocodeResult]:
        """One answer per name, equal to ``geocode``'s."""
        ...


#: Only candidates matched this well (exact or normalised spelling) are accepted by a rule.
RULE_QUALITY = 0.95


def review_queue(incidents: pd.DataFrame, include_resolved: bool = False) -> pd.DataFrame:
    """Names that need an analyst, with how many incidents use each.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The incident frame (see :func:`geo.geocoding.join.geocode_incidents`), with
        ``place``, ``country``, ``admin1`` and ``geocode_status``.
    include_resolved : bool
        Also list the names the geocoder resolved (to correct a wrong placement);
        they come after the ones that need review.

    Returns
    -------
    pandas.DataFrame
        :data:`QUEUE_COLUMNS`, one row per (name, country, admin1), most used first.
    """
    statuses = (*REVIEW_STATUSES, "resolved") if include_resolved else REVIEW_STATUSES
    todo = incidents[incidents["geocode_status"].isin(statuses)]
    if todo.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    grouped = todo.groupby(["place", "country", "admin1", "geocode_status"], sort=False)
    queue = grouped["id"].agg(incidents="size", ids=list).reset_index()
    queue = queue.rename(columns={"place": "name", "geocode_status": "status"})
    queue["resolved"] = queue["status"] == "resolved"
    ordered = queue.sort_values(
        ["resolved", "incidents", "name"], ascending=[True, False, True], kind="stable"
    )
    return ordered[QUEUE_COLUMNS].reset_index(drop=True)


def name_groups(incidents: pd.DataFrame, include_geocoded: bool = False,
                ids_kept: int = 11) -> pd.DataFrame:
    """:func:`queue_from_groups`'s groups from an incident frame (what
    :func:`geo.store.pg_review.name_groups` asks of a PostGIS store).

    Only the records the geocoder places are read (a place, and no coordinates or, with
    ``include_geocoded``, coordinates a geocoder gave): the frame is not copied.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incident records (a map frame's categoricals too).
    include_geocoded : bool
        Also the names of records a geocoder placed before.
    ids_kept : int
        Ids kept per group (the first in id order).

    Returns
    -------
    pandas.DataFrame
        ``name``, ``country``, ``admin1``, ``admin2``, ``geocoded``, ``unconfirmed``,
        ``incidents``, ``ids``.
    """
    from geo.geocoding.stored import GAZETTEER_SOURCES, unconfirmed

    columns = ["name", "country", "admin1", "admin2", "geocoded", "unconfirmed",
               "incidents", "ids"]
    waiting = incidents["latitude"].isna().to_numpy(bool)
    if include_geocoded:
        waiting = waiting | starts_with(incidents["geocode_source"], GAZETTEER_SOURCES)
    waiting = waiting & (incidents["place"] != "").to_numpy(bool)
    rows = incidents[waiting]
    if rows.empty:
        return pd.DataFrame(columns=columns)

    def text(column: str) -> pd.Series:
        if column not in rows:
            return pd.Series("", index=rows.index, dtype=object)
        return rows[column].astype(object).fillna("").astype(str)

    frame = pd.DataFrame({
        "name": text("place"), "country": text("country"), "admin1": text("admin1"),
        "admin2": text("admin2"), "geocoded": rows["latitude"].notna().to_numpy(bool),
        "unconfirmed": unconfirmed(rows), "id": text("id")})
    grouped = frame.groupby(columns[:6], sort=False)["id"]
    out = grouped.agg(incidents="size", ids=lambda s: sorted(s)[:ids_kept]).reset_index()
    out["incidents"] = out["incidents"].astype("int64")
    return out[columns]


def starts_with(values: pd.Series, prefixes: tuple[str, ...]) -> np.ndarray:
    """Which values start with one of ``prefixes`` (missing: no); a categorical column
    is tested once per category, not once per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = np.array([str(c).startswith(prefixes) for c in values.cat.categories] + [False],
                       dtype=bool)
        return hit[values.cat.codes.to_numpy()]  # code -1 (missing) takes the last
    return values.astype(object).fillna("").astype(str).str.startswith(prefixes).to_numpy(bool)


def queue_from_groups(groups: pd.DataFrame, geocoder: PlaceResolver,
                      include_resolved: bool = False, ids_kept: int = 11) -> pd.DataFrame:
    """:func:`review_queue` from distinct names instead of records (a store too big to read).

    Parameters
    ----------
    groups : pandas.DataFrame
        One row per distinct ``name``, ``country``, ``admin1``, ``admin2``,
        ``geocoded`` (records placed by a geocoder before) and optionally ``unconfirmed``
        (records whose place nobody confirmed: only an analyst's correction resolves
        them) with ``incidents`` (how many records) and ``ids`` (some of them), as
        :func:`geo.store.pg_review.name_groups` gives.
    geocoder : PlaceResolver
        Answers each distinct name and context once.
    include_resolved : bool
        As for :func:`review_queue`.
    ids_kept : int
        Ids kept per queue entry.

    Returns
    -------
    pandas.DataFrame
        :data:`QUEUE_COLUMNS`, in :func:`review_queue`'s order; a record placed by a
        geocoder before counts as resolved, as :func:`geo.geocoding.join.geocode_incidents`
        counts it.
    """
    if groups.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    groups = groups.reset_index(drop=True)
    batch = resolve_many(
        geocoder, groups["name"].astype(str).tolist(),
        countries=groups["country"].tolist(), admin1s=groups["admin1"].tolist(),
        admin2s=groups["admin2"].tolist()).frame()
    geocoded = groups["geocoded"].to_numpy(dtype=bool)
    doubted = (groups["unconfirmed"].to_numpy(dtype=bool) if "unconfirmed" in groups
               else np.zeros(len(groups), dtype=bool))
    answer = held_answers(batch["status"].to_numpy(dtype=object),
                          batch["source"].to_numpy(dtype=object), doubted & ~geocoded)
    resolved = answer == "resolved"
    status = pd.Series(np.where(geocoded, "resolved", answer), index=groups.index,
                       dtype=object)
    # a resolved name without a governorate takes the place's, as the frame's records do
    fill = resolved & (groups["admin1"] == "").to_numpy()
    groups.loc[fill, "admin1"] = batch["admin1"].to_numpy(dtype=object)[fill]
    statuses = (*REVIEW_STATUSES, "resolved") if include_resolved else REVIEW_STATUSES
    kept = groups.assign(status=status)[status.isin(statuses)]
    if kept.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    grouped = kept.groupby(["name", "country", "admin1", "status"], sort=False)
    queue = grouped.agg(incidents=("incidents", "sum"),
                        ids=("ids", lambda s: sorted(i for ids in s for i in ids)[:ids_kept]))
    queue = queue.reset_index()
    queue["incidents"] = queue["incidents"].astype("int64")
    queue["resolved"] = queue["status"] == "resolved"
    ordered = queue.sort_values(
        ["resolved", "incidents", "name"], ascending=[True, False, True], kind="stable"
    )
    return ordered[QUEUE_COLUMNS].reset_index(drop=True)


def review_groups(queue: pd.DataFrame) -> pd.DataFrame:
    """The queue by name: how many incidents use each name, in how many contexts.

    Parameters
    ----------
    queue : pandas.DataFrame
        Output of :func:`review_queue`.

    Returns
    -------
    pandas.DataFrame
        :data:`GROUP_COLUMNS`, most used first: ``contexts`` is the number of
        (country, governorate) pairs, ``statuses`` says how many incidents are in each
        status ("ambiguous 3, unresolved 1"), ``areas`` lists the governorates.
    """
    if queue.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    rows = []
    for name, group in queue.groupby("name", sort=False):
        by_status = group.groupby("status", sort=True)["incidents"].sum()
        areas = sorted({a for a in group["admin1"] if a})
        rows.append({
            "name": name,
            "incidents": int(group["incidents"].sum()),
            "contexts": len(group),
            "statuses": ", ".join(f"{s} {n}" for s, n in by_status.items()),
            "areas": ", ".join(areas),
        })
    out = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    return out.sort_values(["incidents", "name"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def narrow_queue(queue: pd.DataFrame, text: str, limit: int) -> tuple[pd.DataFrame, int]:
    """The queue's rows of at most ``limit`` names: those containing ``text``, most used first.

    A store whose records each came with their own place lists a million names: grouping
    and offering them all would cost seconds and hundreds of megabytes for a list nobody
    can scroll.

    Parameters
    ----------
    queue : pandas.DataFrame
        Output of :func:`review_queue` (with an ``incidents`` count per row).
    text : str
        Part of a name, any case ("" keeps every name).
    limit : int
        Names kept at most (the most used; ties by name).

    Returns
    -------
    tuple of (pandas.DataFrame, int)
        The rows of the names kept, and how many names matched ``text`` in all.
    """
    if queue.empty:
        return queue, 0
    names = queue["name"].astype(str)
    if text.strip():
        queue = queue[names.str.contains(text.strip(), case=False, regex=False).to_numpy()]
        names = queue["name"].astype(str)
    used = queue.groupby(names, sort=False)["incidents"].sum()
    if len(used) <= limit:
        return queue, len(used)
    ranked = pd.DataFrame({"n": used.to_numpy(), "name": used.index.to_numpy()}).sort_values(
        ["n", "name"], ascending=[False, True], kind="stable")
    kept = set(ranked["name"].iloc[:limit])
    return queue[names.isin(kept).to_numpy()], len(used)


def candidate_table(result: GeocodeResult) -> pd.DataFrame:
    """The candidates of one geocode as display rows, best first.

    Parameters
    ----------
    result : GeocodeResult

    Returns
    -------
    pandas.DataFrame
        :data:`CANDIDATE_COLUMNS`; ``source`` says where each candidate comes from
        (learned datasets with their record counts, the gazetteer id, or both) and
        ``evidence`` the class its score is measured on.
    """
    rows = [
        {
            "rank": i + 1,
            "name": c.place.name,
            "kind": c.place.kind,
            "admin1": c.place.admin1,
            "country": c.place.country,
            "precision": PRECISION_LABELS.get(c.place.precision, str(c.place.precision)),
            "score": round(c.score, 3),
            "match": c.match,
            "source": c.provenance or c.place.gazetteer_id,
            "evidence": c.evidence,
            "latitude": c.place.latitude,
            "longitude": c.place.longitude,
            "population": c.place.population,
            "gazetteer_id": c.place.gazetteer_id,
        }
        for i, c in enumerate(result.candidates)
    ]
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def elsewhere_candidates(given: GeocodeResult, loose: GeocodeResult) -> list[Candidate]:
    """Learned places of the name that the governorate given set aside.

    A name the analyst's data already knows at a point in another governorate is not a
    candidate when the records name this one (the geocoder rightly never resolves to it),
    yet it is what an analyst wants to see: a source that codes another governorate, or
    a place on a border. Offered after the candidates of the governorate given.

    Parameters
    ----------
    given : GeocodeResult
        The answer with the records' governorate.
    loose : GeocodeResult
        The answer for the same name and country without it.

    Returns
    -------
    list of Candidate
        ``loose``'s learned candidates that ``given`` does not hold, in its order.
    """
    held = {(c.place.gazetteer_id, c.place.latitude, c.place.longitude)
            for c in given.candidates}
    return [c for c in loose.candidates if c.place.records > 0
            and (c.place.gazetteer_id, c.place.latitude, c.place.longitude) not in held]


def review_candidates(coder: PlaceResolver, name: str, country: str,
                      admin1: str) -> tuple[pd.DataFrame, list[Candidate]]:
    """The candidates the Review page offers for a name in its context, best first.

    Those of the governorate given (:func:`candidate_table`), then the learned places
    of the name in other governorates (:func:`elsewhere_candidates`), with no score (the
    governorate given rules them out) and their own governorate in ``evidence``.

    Returns
    -------
    tuple
        (:func:`candidate_table`'s rows, the candidates in the same order)
    """
    result = coder.geocode(name, country=country or None, admin1=admin1 or None)
    table, chosen = candidate_table(result), list(result.candidates)
    table, chosen = _with_alternates(coder, name, country, admin1, table, chosen)
    if not admin1:
        return table, chosen
    extra = elsewhere_candidates(result, coder.geocode(name, country=country or None))
    if not extra:
        return table, chosen
    more = candidate_table(GeocodeResult(name, "ambiguous", tuple(extra)))
    more["rank"] += len(table)
    more["score"] = np.nan
    more["evidence"] = [f"in another governorate ({c.place.admin1 or 'unknown'}) than the "
                        f"records' {admin1}" for c in extra]
    return pd.concat([table, more], ignore_index=True), [*chosen, *extra]


def alternate_names(name: str) -> list[str]:
    """The alternates of a name written with "/" ("Tadmur/Palmyra town": "Tadmur",
    "Palmyra town"); none for a name without one."""
    parts = [p.strip() for p in name.split("/")]
    return [p for p in dict.fromkeys(parts) if p] if len(parts) > 1 else []


def _with_alternates(coder: PlaceResolver, name: str, country: str, admin1: str,
                     table: pd.DataFrame, chosen: list[Candidate]
                     ) -> tuple[pd.DataFrame, list[Candidate]]:
    """``table`` and ``chosen`` followed by the places each alternate of ``name`` is
    geocoded to in the same context, when not already among them (trial 24: only the
    learned place was offered for "Tadmur/Palmyra town")."""
    held = {(c.place.gazetteer_id, c.place.latitude, c.place.longitude) for c in chosen}
    for alternate in alternate_names(name):
        found = coder.geocode(alternate, country=country or None, admin1=admin1 or None)
        extra = [c for c in found.candidates
                 if (c.place.gazetteer_id, c.place.latitude, c.place.longitude) not in held]
        if not extra:
            continue
        held |= {(c.place.gazetteer_id, c.place.latitude, c.place.longitude) for c in extra}
        more = candidate_table(GeocodeResult(alternate, found.status, tuple(extra)))
        more["rank"] += len(table)
        more["evidence"] = [f"by the alternate name '{alternate}'" + (f"; {e}" if e else "")
                            for e in more["evidence"]]
        table = pd.concat([table, more], ignore_index=True) if len(table) else more
        chosen = [*chosen, *extra]
    return table, chosen


@dataclass(frozen=True)
class Proposal:
    """A name a rule would accept, with the place it would accept for it.

    Attributes
    ----------
    name, country, admin1 : str
        The name and the context the correction applies to.
    incidents : int
        Incidents that use the name in that context.
    candidate : Candidate
        The place accepted.
    rule : str
        Key of :data:`RULES`.
    """

    name: str
    country: str
    admin1: str
    incidents: int
    candidate: Candidate
    rule: str

    @property
    def note(self) -> str:
        """What the correction records about where it came from."""
        source = self.candidate.provenance or self.candidate.place.gazetteer_id
        return f"accepted by rule '{RULES[self.rule][0]}': {source}"


def _inside(coder: ReviewGeocoder, candidates: Sequence[Candidate], admin1: str,
            cc: str) -> list[Candidate]:
    """Candidates matched well that lie in the governorate ``admin1`` (none if unknown)."""
    area = coder.find_area(admin1, cc, 1)
    if area is None or coder.areas is None:
        return []
    areas = coder.areas
    return [c for c in candidates if c.quality >= RULE_QUALITY
            and areas.contains(area, c.place.latitude, c.place.longitude)]


def _learned_agrees(coder: ReviewGeocoder, result: GeocodeResult, admin1: str,
                    cc: str) -> Candidate | None:
    learned = [c for c in result.candidates if c.place.records > 0]
    inside = _inside(coder, learned, admin1, cc)
    return inside[0] if len(inside) == 1 else None


def _single_in_area(coder: ReviewGeocoder, result: GeocodeResult, admin1: str,
                    cc: str) -> Candidate | None:
    inside = _inside(coder, result.candidates, admin1, cc)
    return inside[0] if len(inside) == 1 else None


#: Rules for bulk acceptance: key -> (what it says, how it picks a candidate or None).
RULES: dict[str, tuple[str, Callable[[ReviewGeocoder, GeocodeResult, str, str],
                                     Candidate | None]]] = {
    "learned-agrees": ("the place learned from your datasets lies in the governorate the "
                       "records give", _learned_agrees),
    "single-in-area": ("exactly one candidate (learned or gazetteer) lies in the governorate "
                       "the records give", _single_in_area),
}


def propose(queue: pd.DataFrame, coder: ReviewGeocoder, rule: str) -> list[Proposal]:
    """The names of the queue a rule would accept, and the place for each.

    Only entries whose records give a governorate can agree with one; the geocoder's
    admin areas decide whether a candidate lies in it (within their tolerance).

    Parameters
    ----------
    queue : pandas.DataFrame
        Output of :func:`review_queue`.
    coder : ReviewGeocoder
        The geocoder the page uses (with the learned places and the corrections: a
        :class:`Geocoder` or :class:`geo.geocoding.learned_context.LearnedGeocoder`).
    rule : str
        A key of :data:`RULES`.

    Returns
    -------
    list of Proposal
        In queue order.
    """
    if rule not in RULES:
        raise KeyError(f"unknown rule {rule!r}; rules are {', '.join(RULES)}")
    pick = RULES[rule][1]
    entries = [e for e in queue.itertuples(index=False) if str(e.admin1)]
    # all at once: the bulk path, and with the learned places' groups one geocoder per
    # batch of names (geo.geocoding.learned_context), not one per name
    results = coder.geocode_many([str(e.name) for e in entries],
                                 countries=[str(e.country) or None for e in entries],
                                 admin1s=[str(e.admin1) for e in entries])
    out = []
    for entry, result in zip(entries, results, strict=True):
        admin1, cc = str(entry.admin1), str(entry.country)
        chosen = pick(coder, result, admin1, cc)
        if chosen is not None:
            out.append(Proposal(str(entry.name), cc, admin1, int(entry.incidents), chosen,
                                rule))
    return out


def proposal_table(proposals: Sequence[Proposal]) -> pd.DataFrame:
    """Proposals as display rows (name, governorate, incidents, place, precision, source)."""
    return pd.DataFrame(
        [{"name": p.name, "admin1": p.admin1, "incidents": p.incidents,
          "place": p.candidate.place.name,
          "precision": PRECISION_LABELS.get(p.candidate.place.precision, ""),
          "latitude": p.candidate.place.latitude, "longitude": p.candidate.place.longitude,
          "source": p.candidate.provenance or p.candidate.place.gazetteer_id}
         for p in proposals],
        columns=["name", "admin1", "incidents", "place", "precision", "latitude",
                 "longitude", "source"],
    )


def accept(proposals: Sequence[Proposal], store: CorrectionStore, who: Identity) -> int:
    """Write one correction per proposal (in its country and governorate).

    A gazetteer place is recorded by its id; a learned place or an admin-area answer
    as a pin at its point and precision (their ids follow the learned data), with the
    rule and the evidence in the note.

    Returns
    -------
    int
        Corrections written.
    """
    for p in proposals:
        place = p.candidate.place
        if place.gazetteer_id.startswith(("learned:", "area:")):
            store.add_correction(p.name, who=who, country=p.country, admin1=p.admin1,
                                 latitude=place.latitude, longitude=place.longitude,
                                 precision=place.precision, note=p.note)
        else:
            store.add_correction(p.name, who=who, country=p.country, admin1=p.admin1,
                                 gazetteer_id=place.gazetteer_id, note=p.note)
    return len(proposals)
