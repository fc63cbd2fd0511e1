"""No point in another country for a report about one country (issue 12, round 15).

Trial 27 pasted an AFP report on air strikes on "Orum al-Kubra in Aleppo province": the
gazetteer holds no such spelling, "Orum" alone matched only a town in Utah, and the candidate
was drawn in the United States, marked "unsure". A point abroad for a report about Syria is
never a suggestion worth drawing: the analyst has to notice it and delete it.

The rule: when the report's country is known (named as a place, or shared by the places it
locates: a country named only as an actor, "Russian forces", is not enough), a candidate
whose point lies in another country gets no point unless that country is a neighbour the
report itself names (a border town of Turkey in a report that names Turkey keeps its point; a
town of Utah never does), or a country where another place the report locates lies. The site
stays named (in full when only a part of its written name was read), ``unresolved``, for
review, with the reason in its context and description and the foreign entry kept as the
first alternative. No other candidate changes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from geo.extract.phrases import country_counts
from geo.extract.places import PlaceMention
from geo.extract.report import Draft

if TYPE_CHECKING:
    from geo.extract.pipeline import CandidateIncident

#: Land neighbours of the countries the reports are about (ISO alpha-2). A country not listed
#: here keeps points in any country the report names.
NEIGHBOURS: dict[str, frozenset[str]] = {
    "SY": frozenset({"TR", "IQ", "JO", "LB", "IL", "PS"}),
    "IQ": frozenset({"SY", "TR", "IR", "KW", "SA", "JO"}),
    "LB": frozenset({"SY", "IL", "PS"}),
    "JO": frozenset({"SY", "IQ", "SA", "IL", "PS"}),
    "TR": frozenset({"SY", "IQ", "IR", "GR", "BG", "GE", "AM", "AZ"}),
    "IL": frozenset({"LB", "SY", "JO", "EG", "PS"}),
    "PS": frozenset({"IL", "EG", "JO"}),
    "YE": frozenset({"SA", "OM"}),
}
#: The words of a written name after the part the gazetteer matched ("Orum al-Kubra").
_NAME_RUNS_ON = re.compile(r"(?:[ \t]+(?:(?:al|el|as|ash|ad|ar|az|at|an|ed|es|et|ez)[-‘’'])?"
                           r"[A-Z](?:[\w-]|[’'](?=\w))*)+")
_FIELDS_CLEARED = ("latitude", "longitude", "geo_precision", "admin1")


def allowed_countries(country: str, named: Collection[str]) -> frozenset[str]:
    """The countries a report about ``country`` may place a point in.

    Parameters
    ----------
    country : str
        The report's country (ISO alpha-2).
    named : collection of str
        The countries the report names.

    Returns
    -------
    frozenset of str
        ``country`` and the neighbours of it the report names (every named country when
        ``country`` has no entry in :data:`NEIGHBOURS`).
    """
    near = NEIGHBOURS.get(country)
    return frozenset({country, *(c for c in named if near is None or c in near)})


def written_name(article: str, start: int, end: int) -> str:
    """The name as written at ``start:end``, with the name words that follow it.

    Parameters
    ----------
    article : str
    start, end : int
        Offsets of the part of the name that was read.

    Returns
    -------
    str
        "Orum al-Kubra" for "Orum" read in "... on Orum al-Kubra in Aleppo province".
    """
    more = _NAME_RUNS_ON.match(article, end)
    return article[start:more.end() if more else end]


def home_country(country: str, body: str, located: Sequence[PlaceMention]) -> str:
    """The report's country when the report itself says it (else "").

    The focus country counts when the report names it as a place ("in Syria"), not only as an
    actor ("Russian forces kill civilians" made an SNHR report on Darkosh Russian), and some
    place the report locates lies in it (Rudaw's "Turkish bombardment" of Kobane names Turkey
    as a place, and locates only Kobane); otherwise the country most of the places it locates
    lie in.

    Parameters
    ----------
    country : str
        The report's focus country (:func:`geo.extract.phrases.focus_country`).
    body : str
        The report's text without tickers.
    located : sequence of PlaceMention
        The places the report locates.

    Returns
    -------
    str
    """
    placed = [m.place.country for m in located if m.place is not None]
    if country and country_counts(body, places_only=True, actors=False)[country] > 0 and (
            not placed or country in placed):
        return country
    return _most_located(located, "")


def _most_located(located: Sequence[PlaceMention], but: str) -> str:
    """The country most of the located places lie in (one place named twice counts twice),
    leaving out the gazetteer entry ``but``; "" on a tie or with none."""
    counts = Counter(m.place.country for m in located
                     if m.place is not None and m.place.gazetteer_id != but)
    ranked = counts.most_common(2)
    if not ranked or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return ""
    return ranked[0][0]


def no_foreign_points(
    drafts: Sequence[Draft],
    finished: Sequence[CandidateIncident],
    country: str,
    named: Collection[str],
    article: str,
    body: str = "",
    located: Sequence[PlaceMention] = (),
) -> None:
    """Take the point off every candidate placed abroad (see the module's docstring).

    Parameters
    ----------
    drafts : sequence of Draft
        The report's drafts, in the order of ``finished``.
    finished : sequence of CandidateIncident
        Changed in place: ``unresolved``, no coordinates, precision or first-level area; the
        foreign entry first among the alternatives; the reason in the context and the
        description.
    country : str
        The report's focus country ("" for none).
    named : collection of str
        The countries the report names.
    article : str
        The report's text (for the site's full written name).
    body, located
        The text the country was voted on and the places the report locates: the rule holds
        only for a country the report names as a place, or the one its places share
        (:func:`home_country`); a point in a country where another place the report locates
        lies is always kept (the focus country can be wrong: a SANA story relayed by a Yemeni
        agency votes Yemen).
    """
    country = home_country(country, body or article, located)
    if not country:
        return
    allowed = allowed_countries(country, named)
    for draft, candidate in zip(drafts, finished, strict=True):
        site = draft.site
        place = site.place if site is not None else None
        if site is None or place is None or place.country in allowed or \
                candidate.record.get("latitude") is None or \
                place.country in {m.place.country for m in located if m.place is not None and
                                  m.place.gazetteer_id != place.gazetteer_id}:
            continue
        where = ", ".join(p for p in (place.admin1, place.country) if p)
        name = written_name(article, site.start, site.end) if site.partial else site.text
        reason = f"'{site.name}' found in {where}, outside the report's country ({country})"
        record = candidate.record
        record.update({key: None if key != "admin1" else "" for key in _FIELDS_CLEARED})
        record.update(place=name, country=country, geocode_source="")
        said = str(record.get("description", "")).replace(f"at {site.text}", f"at {name}", 1)
        record["description"] = f"{said} Not placed: {reason}."
        candidate.geocode_status = "unresolved"
        candidate.place_alternatives = [f"{place.gazetteer_id}: {place.name} ({where})",
                                        *candidate.place_alternatives]
        candidate.place_context = [*candidate.place_context, f"abroad: {reason}"]
