"""Features of a finished candidate, for the learned candidate scorer (issue 12, round 13).

Each candidate the rules emit is described by what the extractor already knows about it:
the trigger and how far it is from the site's mention, the geocoder's answer (status, match
kind, score, feature class and code, population, how many other places bear the name), where
the site stands in the report (lede, quotation, dateline shape, how often it is named), the
date's evidence and precision, casualty and claimant evidence, list context ("A, B and C")
and whether the candidate's area agrees with the report's other candidates. No feature names
a report's own words or places, so no weight is tied to one report.

Every feature is a number in about [0, 1] (indicators are 1.0 when present and left out when
absent), so a logistic regression needs no scaling; :mod:`geo.extract.candidate_model` weighs
them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from geo.extract.events import EventMention
from geo.extract.focus import is_quoted
from geo.extract.places import PlaceMention
from geo.extract.report import Draft, distance_km
from geo.extract.text import Quotation, Sentence

#: Feature codes grouped into the few classes a weight is kept for.
_FCODE_GROUPS = (("PPLC", "capital"), ("PPLA", "seat"), ("PPL", "populated"),
                 ("ADM", "admin"), ("", "none"))
_WORD = re.compile(r"\w+")
_PAST = re.compile(r"(?:ed|en|ck|ot|ut)$", re.I)  # a trigger ending "shelled", "struck", "shot"


@dataclass(frozen=True)
class ReportView:
    """What the features read of the whole report.

    Attributes
    ----------
    article : str
    sentences : list of Sentence
    quotations : list of Quotation
    published : date or None
    sited : mapping of int to sequence of PlaceMention
        The sites the rules found in each sentence (by sentence index).
    """

    article: str
    sentences: Sequence[Sentence]
    quotations: Sequence[Quotation]
    published: date | None
    sited: Mapping[int, Sequence[PlaceMention]]


@dataclass(frozen=True)
class Emitted:
    """One candidate as the features see it: the rules' draft and its finished fields.

    Attributes
    ----------
    draft : Draft
    status : str
        The candidate's ``geocode_status``.
    precision : int or None
        Its ``geo_precision``.
    latitude, longitude : float or None
    admin1 : str
    """

    draft: Draft
    status: str
    precision: int | None
    latitude: float | None
    longitude: float | None
    admin1: str


def candidate_features(item: Emitted, others: Sequence[Emitted],
                       report: ReportView) -> dict[str, float]:
    """Features of one candidate.

    Parameters
    ----------
    item : Emitted
        The candidate.
    others : sequence of Emitted
        The report's other candidates (for area agreement).
    report : ReportView

    Returns
    -------
    dict of str to float
        Feature name -> value; absent indicators are left out.
    """
    draft = item.draft
    out: dict[str, float] = {f"type={draft.event_type or 'none'}": 1.0,
                             f"status={item.status}": 1.0,
                             f"precision={item.precision or 'none'}": 1.0}
    out.update(_trigger_features(draft, report))
    out.update(_place_features(draft.site, draft))
    out.update(_position_features(draft, report))
    out.update(_date_features(draft, report.published))
    out.update(_fact_features(draft))
    out.update(_area_features(item, others))
    out["report_candidates"] = min(1.0, math.log1p(len(others) + 1) / 4)
    out["report_sentences"] = min(1.0, math.log1p(len(report.sentences)) / 5)
    return {k: v for k, v in out.items() if v}


def _trigger_features(draft: Draft, report: ReportView) -> dict[str, float]:
    """The trigger: its kind, how many, how far from the site's mention."""
    out: dict[str, float] = {}
    first = report.sentences[min(draft.sentences)] if draft.sentences else None
    events = [e for e in draft.events if first is None or first.start <= e.start < first.end]
    out["triggers"] = min(1.0, math.log1p(len(draft.events)) / 3)
    out["trigger_types"] = min(1.0, len({e.event_type for e in draft.events}) / 4)
    if events and _PAST.search(events[0].text.strip()):
        out["trigger_verb"] = 1.0
    site = draft.site
    if site is None or first is None or not (first.start <= site.start < first.end):
        out["site_outside_first_sentence" if site is not None else "no_site"] = 1.0
        return out
    if not events:
        out["no_trigger_beside_site"] = 1.0
        return out
    gap = min(_words_between(report.article, site, e) for e in events)
    out["trigger_gap"] = min(1.0, gap / 20)
    out["trigger_adjacent" if gap <= 3 else "trigger_near" if gap <= 10 else "trigger_far"] = 1.0
    if any(e.start > site.end for e in events) and not any(e.end <= site.start for e in events):
        out["trigger_after_site"] = 1.0
    return out


def _words_between(article: str, site: PlaceMention, event: EventMention) -> int:
    lo, hi = (site.end, event.start) if event.start >= site.end else (event.end, site.start)
    return len(_WORD.findall(article[lo:hi])) if hi > lo else 0


def _place_features(site: PlaceMention | None, draft: Draft) -> dict[str, float]:
    """The geocoder's answer for the site and what the text says of it."""
    out: dict[str, float] = {}
    if site is None:
        return out
    result = site.result
    candidates = site.candidates or (result.candidates if result else ())
    out["alternatives"] = min(1.0, math.log1p(max(0, len(candidates) - 1)) / 3)
    if len(candidates) > 1:
        out["ambiguous_name"] = 1.0
    if result is not None:
        out[f"fclass={result.feature_class or 'none'}"] = 1.0
        out["kind_named"] = float(bool(result.kind))
        out["geo_score"] = float(result.score)
    best = candidates[0] if candidates else None
    if best is not None:
        out[f"match={best.match}"] = 1.0
        out["geo_quality"] = float(best.quality)
    place = site.place
    if place is not None:
        out["log_population"] = min(1.0, math.log10(1 + place.population) / 7)
        if place.population >= 250_000:
            out["city"] = 1.0
        group = next(g for prefix, g in _FCODE_GROUPS if place.feature_code.startswith(prefix))
        out[f"fcode={group}"] = 1.0
        source = place.gazetteer_id.split(":", 1)[0]
        out[f"gazetteer={source}"] = 1.0
        if draft.countries and place.country not in draft.countries:
            out["abroad"] = 1.0
    for flag in ("near", "partial", "unsure"):
        if getattr(site, flag):
            out[f"site_{flag}"] = 1.0
    if site.container:
        out["in_container"] = 1.0
    if site.descriptor:
        out["descriptor"] = 1.0
    if draft.region:
        out["region"] = 1.0
    if site.text.isupper() and len(site.text) > 3:
        out["capitals"] = 1.0
    return out


def _position_features(draft: Draft, report: ReportView) -> dict[str, float]:
    """Where the candidate stands in the report, and in a list of sites."""
    out: dict[str, float] = {}
    total = max(1, len(report.sentences))
    first = min(draft.sentences) if draft.sentences else 0
    out["position"] = first / total
    if first <= 1:
        out["lede"] = 1.0
    out["sentences"] = min(1.0, math.log1p(len(draft.sentences)) / 3)
    if draft.sentences and is_quoted(report.sentences[first], list(report.quotations)):
        out["quoted"] = 1.0
    listed = len(report.sited.get(first, ()))
    out["sites_in_sentence"] = min(1.0, math.log1p(listed) / 3)
    if listed >= 3:
        out["list_of_sites"] = 1.0
    site = draft.site
    if site is not None:
        head = report.article[:site.start]
        if "\n" not in head and site.start < 40:
            out["dateline_position"] = 1.0
        name = re.escape(site.name.lower())
        count = len(re.findall(rf"\b{name}\b", report.article.lower())) if name else 0
        out["mentions"] = min(1.0, math.log1p(count) / 3)
        if count <= 1:
            out["named_once"] = 1.0
    context = [c.split(":", 1)[0] for c in draft.context]
    out["context_places"] = min(1.0, math.log1p(len(context)) / 3)
    for role in ("reference", "origin", "destination", "dateline", "region", "container"):
        if any(c.startswith(role) for c in context):
            out[f"context_{role}"] = 1.0
    return out


def _date_features(draft: Draft, published: date | None) -> dict[str, float]:
    """The date's evidence and precision."""
    span = draft.date
    if span is None:
        return {"date=unknown": 1.0}
    out = {f"date={span.precision}": 1.0}
    note = draft.date_note.lower()
    for word, name in (("carried", "date_carried"), ("publication", "date_from_publication"),
                       ("later sentence", "date_from_later"), ("inferred", "date_inferred"),
                       ("earlier", "date_from_earlier")):
        if word in note:
            out[name] = 1.0
    if published is not None:
        age = (published - span.end).days
        out["date_age"] = min(1.0, math.log1p(max(0, age)) / 8)
        if age < 0:
            out["date_after_publication"] = 1.0
        if age > 365:
            out["date_old"] = 1.0
    return out


def _fact_features(draft: Draft) -> dict[str, float]:
    """Casualty, claimant and actor evidence."""
    toll = draft.casualties
    out: dict[str, float] = {}
    if toll.killed_min is not None or toll.killed_max is not None:
        out["killed"] = 1.0
        out["killed_size"] = min(1.0, math.log1p(toll.killed_max or toll.killed_min or 0) / 6)
    if toll.injured_min is not None or toll.injured_max is not None:
        out["injured"] = 1.0
    if toll.notes:
        out["toll_notes"] = 1.0
    if draft.hedged:
        out["hedged"] = 1.0
    if draft.claimants:
        out["claimant"] = 1.0
    if draft.speaker_index >= 0:
        out["speaker"] = 1.0
    if draft.actors:
        out["actors"] = 1.0
    return out


def _area_features(item: Emitted, others: Sequence[Emitted]) -> dict[str, float]:
    """Whether the candidate lies where the report's other candidates lie."""
    out: dict[str, float] = {}
    peers = [o for o in others if o is not item]
    if not peers:
        out["only_candidate"] = 1.0
        return out
    if item.admin1:
        same = sum(o.admin1 == item.admin1 for o in peers if o.admin1)
        out["same_admin1_share"] = same / len(peers)
    if item.latitude is None or item.longitude is None:
        return out
    points = [(o.latitude, o.longitude) for o in peers
              if o.latitude is not None and o.longitude is not None]
    if not points:
        out["others_unplaced"] = 1.0
        return out
    km = sorted(distance_km(item.latitude, item.longitude, lat, lon) for lat, lon in points)
    middle = km[(len(km) - 1) // 2]  # the lower median: with two others, the nearer
    out["others_km"] = min(1.0, math.log1p(middle) / 7)
    out["others_near" if middle <= 25 else "others_far" if middle > 150 else "others_mid"] = 1.0
    return out

