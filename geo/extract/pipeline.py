"""From a news report to candidate incidents, each tied to its supporting sentences.

Entry point of the extraction engine (rule-based, offline)::

    python -m geo.extract ARTICLE.txt [MORE.txt ...] --published 2018-12-27 --source "outlet"

prints the candidates as JSON records of :data:`geo.schema.INCIDENT_COLUMNS`,
plus ``quote_spans`` (character offsets of the quote in the article),
``geocode_status`` and ``place_alternatives``. Every candidate is ``alleged``
until an analyst grades it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from geo.extract.anaphora import parts_of_the_city
from geo.extract.candidate_features import ReportView
from geo.extract.candidate_model import Verdict
from geo.extract.captions import is_photo_caption, ticker_paragraphs, without_tickers
from geo.extract.casualties import Casualties, find_casualties
from geo.extract.claims import attribute
from geo.extract.containers import context_label, inside_container
from geo.extract.date_context import (
    carry_to_siblings,
    dispatch_date,
    drop_background,
    listing_dates,
    publication_window,
    site_date,
)
from geo.extract.dateline_claims import is_fragment, without_datelines
from geo.extract.dates import DateSpan, find_dates
from geo.extract.dating import DISTINCT, claim_range, event_date, join_notes
from geo.extract.doubt import (
    background_sites,
    doubtful_mentions,
    is_fieldwork,
    namesakes_apart,
    without_commentary,
)
from geo.extract.event_kinds import remnants_as_other, site_event_type
from geo.extract.events import (
    canonical_actor,
    find_actors,
    find_events,
    perpetrator_unknown,
    primary_event,
)
from geo.extract.evidence import CueLedger, second_reading, settle_sites
from geo.extract.focus import (
    is_quoted,
    is_tally,
    is_trend,
    local_anaphora,
    parts_into_towns,
    roads_into_towns,
    siege_as_state,
    sites_named_after,
)
from geo.extract.home_country import no_foreign_points
from geo.extract.honesty import (
    abroad_sites,
    containers_through_country,
    far_homonyms,
    homonym_parts,
)
from geo.extract.links import (
    Promise,
    fill_region,
    keeps_promise,
    promises_site,
    vicinities_into_sites,
)
from geo.extract.lookup import make_lookup, spelling_index
from geo.extract.named_areas import outside_named_governorates
from geo.extract.organisations import acronyms_as_organisations, defined_acronyms
from geo.extract.phrases import country_counts, focus_country
from geo.extract.places import (
    PlaceMention,
    find_places,
    is_headline,
    surnames,
)
from geo.extract.reference_sites import areas_between, towns_into_referenced_sites
from geo.extract.references import governorate_as_area, roads_between
from geo.extract.report import (
    Draft,
    compatible,
    governorate_named_bare,
    governorate_names,
    heading_date,
    is_file_caption,
    merge,
    nearest_claimants,
    report_date,
    shared_country,
    site_key,
    tidy_claimant,
    within_named_governorate,
)
from geo.extract.resolve_policy import Doubts, apply_policy
from geo.extract.role_features import MentionContext
from geo.extract.role_model import weigh_sites
from geo.extract.roles import refine_roles
from geo.extract.scoring import score_candidates
from geo.extract.seats import seats_as_containers, seats_as_regions
from geo.extract.survey import survey
from geo.extract.text import Sentence, find_quotations, split_sentences
from geo.extract.tolls import attach_casualties, site_casualties, siteless_tolls
from geo.geocoding.geocoder import GeocodeResult, default_geocoder
from geo.geocoding.protocol import PlaceResolver
from geo.schema import INCIDENT_COLUMNS

#: Event types worth a candidate even without a site (country-level allegations).
SITELESS_TYPES = frozenset({"use of prohibited weapons", "massacre", "desecration of bodies"})
_ANAPHORA = re.compile(r"\b(?:there|the (?:area|camp|town|city|village|region|site|"
                       r"neighbou?rhood|district))\b(?!\s+between\b)", re.I)  # round 12
#: A sentence naming this many regions and no site gives an overview, not an event.
OVERVIEW_REGIONS = 3
#: Events told over a period by nature (deaths in a camp or a siege, displacement).
SLOW_DEATHS = frozenset({"camp deaths", "siege deaths", "deprivation", "displacement"})
#: What a campaign or a habit is told with, not one event ("has targeted ... for months",
#: "in recent months", "has been conducting air strikes", "repeatedly shelled", "has
#: intensified attacks on X since June").
_HABITUAL = re.compile(
    r"\bfor\s+(?:(?:several|many|the\s+(?:past|last)(?:\s+\w+)?|\d+|two|three|four|five|six)"
    r"\s+)?(?:weeks|months|years)\b|\b(?:in|over)\s+(?:recent|the\s+(?:past|last)(?:\s+\w+)?)"
    r"\s+(?:months|years)\b|\b(?:has|have)\s+been\s+\w+ing\b|\b(?:repeated(?:ly)?|regularly|"
    r"routinely|frequently|often|continues\s+to|continue\s+to|intensified|stepped\s+up|escalated)\b",
    re.I)
_HEDGES = re.compile(r"\b(?:could|may|might) (?:indicate|have|be|suggest)|\breportedly\b|"
                     r"\ballegedly\b|\bpurportedly\b|\bsaid to\b|\bsuspected\b|\bpossibly\b",
                     re.I)
#: Roles of mentions that tell where a report's events are (not datelines, seats, outlets).
LOCATING = frozenset({"site", "region", "container", "reference", "part", "origin"})
_DEATHS = re.compile(r"\b(?:died|deaths?|killed|dead)\b", re.I)
EXTRA_KEYS: tuple[str, ...] = ("quote_spans", "geocode_status", "place_alternatives",
                                "place_context")
"""Keys of a candidate's JSON record beyond the incident columns."""


@dataclass
class CandidateIncident:
    """One candidate incident: its record and where the text supports it.

    Attributes
    ----------
    record : dict
        Values for :data:`geo.schema.INCIDENT_COLUMNS` (dates as ``date``,
        unknown values as None or "").
    quote_spans : list of (int, int)
        Offsets of the supporting sentences in the article.
    geocode_status : str
        ``resolved``, ``ambiguous``, ``unresolved``, ``no site``, ``region`` (only a
        province or countryside is named: for review, never at site precision) or ``unsure``
        (a foreign place the report gives no context for: for review).
    place_alternatives : list of str
        Other gazetteer entries the place name may denote ("id: name").
    place_context : list of str
        The other places of the supporting sentences with their roles ("origin: Palmyra",
        "reference: Raqqa (26km (16 miles) west of)"): context, not sites.
    """

    record: dict[str, object]
    quote_spans: list[tuple[int, int]] = field(default_factory=list)
    geocode_status: str = "no site"
    place_alternatives: list[str] = field(default_factory=list)
    place_context: list[str] = field(default_factory=list)
    verdict: Verdict | None = None  # round 13: the learned scorer's features and scores
    doubts: Doubts | None = None  # round 13c: why its point may be wrong (resolve_policy)

    def to_json(self) -> dict[str, object]:
        """The record as JSON-ready values (ISO dates), with the extra keys."""
        out: dict[str, object] = {}
        for column in INCIDENT_COLUMNS:
            value = self.record.get(column)
            out[column] = value.isoformat() if isinstance(value, date) else value
        out["quote_spans"] = [list(span) for span in self.quote_spans]
        out["geocode_status"] = self.geocode_status
        out["place_alternatives"] = list(self.place_alternatives)
        out["place_context"] = list(self.place_context)
        return out


def extract(
    article: str,
    published: date | None,
    *,
    source_name: str = "",
    source_url: str = "",
    title: str = "",
    geocoder: PlaceResolver | None = None,
    set_aside: list[CandidateIncident] | None = None,
) -> list[CandidateIncident]:
    """Extract candidate incidents from a report.

    Parameters
    ----------
    article : str
        The report's text.
    published : date or None
        Publication date; relative dates stay unknown without it.
    source_name, source_url, title : str
        Recorded as the candidates' source (the title only feeds their ids).
    geocoder : PlaceResolver, optional
        Defaults to :func:`geo.geocoding.geocoder.default_geocoder`.
    set_aside : list, optional
        Receives the candidates the learned scorer set aside (``INCIDENT_MAP_CANDIDATE_MODEL``
        on), each with its ``verdict``, so a page can show them.

    Returns
    -------
    list of CandidateIncident
        In reading order, each with its ``verdict`` (features and scores).
    """
    geocoder = geocoder or default_geocoder()
    sentences = split_sentences(article)
    quotations = find_quotations(article)
    attributions = attribute(article, sentences)
    speaker_ids: dict[int, int] = {}
    body, read = without_tickers(article, sentences)  # other stories vote for no country
    tickers = ticker_paragraphs(sentences)
    named = set(country_counts(body))
    country = focus_country(body)
    known = spelling_index(geocoder)
    if not country:  # no country named: the one the report's places share, if any
        country = shared_country(read, make_lookup(geocoder.geocode, "", (), known, {}), named)
        named |= {country} - {""}
    answers: dict[str, GeocodeResult] = {}
    first = survey(read, geocoder, country, named, known, answers)
    lookup = make_lookup(geocoder.geocode, country, first.names, known, answers)
    governorates = governorate_names(article) | first.seats
    acronyms = defined_acronyms(article)  # round 10: "SAMS' clinics" is no place
    people = surnames(article)  # round 14: "Hasakeh told AFP" after "Birusk Hasakeh, a ..."
    drafts: list[Draft] = []
    anchor: DateSpan | None = None
    recent: tuple[int, DateSpan, str] | None = None
    recent_kind = "other"
    recent_sites: set[str] = set()
    recent_type: tuple[int, str] | None = None
    siteless_dates: dict[int, tuple[DateSpan, str]] = {}
    lone_tolls: dict[int, tuple[str, Casualties]] = {}
    last_sites: list[tuple[int, PlaceMention]] = []
    site_dates: dict[int, tuple[DateSpan, str]] = {}  # sentences naming a site, and dated
    promise: Promise | None = None  # "a car bomb ... in a town": the site named next
    all_actors: list[str] = []
    event_dates: list[tuple[DateSpan, str]] = []
    heading: tuple[DateSpan, str] | None = None
    claim_ranges: dict[int, DateSpan] = {}
    commentary: set[int] = set()
    sited: dict[int, list[PlaceMention]] = {}
    ledger = CueLedger()  # round 7: a site at site precision needs a cue somewhere
    located: list[PlaceMention] = []  # round 9: where the report's places are
    only_site: dict[str, PlaceMention] = {}  # round 12: the report's sites so far, by key
    previous_places: list[PlaceMention] = []
    here: list[PlaceMention] = []
    listing = listing_dates(sentences, published)
    written = dispatch_date(sentences, published) or published  # the dispatch's own day
    for sentence, attribution in zip(sentences, attributions, strict=True):
        if is_file_caption(sentences, sentence.index) or \
                is_photo_caption(sentences, sentence.index) or sentence.paragraph in tickers:
            continue  # "Smoke rises after ... on April 22, 2018 ... (File) / AP Archive"
        speaker = attribution.speaker
        speaker_index = speaker_ids.setdefault(id(speaker), len(speaker_ids)) if speaker else -1
        dates = find_dates(sentence.text, heading[0].end if heading else written, anchor,
                           sentence.start)  # an entry under a date line reads against it
        dates = drop_background(dates, sentence)  # "the April 2019 report", "ahead of ... on"
        explicit = [d for d in dates if d.span and not d.relative]
        if explicit:
            anchor = explicit[-1].span
        heading = heading_date(sentences, sentence, dates, heading)
        if sentence.index in listing:  # "3 March 2020" alone on a line in a log of days
            heading = (listing[sentence.index], sentence.text)
        if heading is not None and heading[1] == sentence.text:
            continue  # a date line above a listing's entry ("Incident date / May 10, 2017")
        if is_tally(sentence.text):
            continue  # "As of 7 May, 130,000 people have been displaced": many events
        places = find_places(sentence.text, lookup, sentence.start, country, named,
                             headline=is_headline(sentence.text), people=people)
        places = [replace(m, role="region") if m.role == "site" and (
                  governorate_named_bare(m, governorates) or
                  governorate_as_area(sentence.text, m, sentence.start)) else
                  within_named_governorate(m, governorates) for m in places]
        places = roads_between(sentence.text, places, sentence.start)  # round 9
        places = areas_between(sentence.text, places, sentence.start)  # round 12
        places = seats_as_containers(sentence.text, places, sentence.start)  # round 10
        places = acronyms_as_organisations(sentence.text, places, sentence.start, acronyms)
        places = homonym_parts(refine_roles(sentence.text, places, sentence.start), first.areas)
        places = abroad_sites(sentence.text, containers_through_country(
            sentence.text, places, sentence.start), country)  # round 9
        places = second_reading(sentence.text, places, sentence.start, governorates=governorates,
                                headline=is_headline(sentence.text), ledger=ledger)
        places = doubtful_mentions(sentence.text, places, sentence.start)  # round 13
        events = find_events(sentence.text, sentence.start)
        places = weigh_sites(places, MentionContext(article, sentence, len(sentences), events,
                                                    quotations))  # the learned role model
        located.extend(m for m in places if m.place is not None and m.role in LOCATING)
        casualties = find_casualties(sentence.text, sentence.start)
        if is_fieldwork(sentence.text, events):
            continue  # round 13: "HRW visited the towns of A and B and interviewed 65 victims"
        clause = (attribution.clause[0] - sentence.start, attribution.clause[1] - sentence.start)
        actors = [] if perpetrator_unknown(sentence.text) else \
            find_actors(sentence.text, exclude=(clause,))  # round 12: "not known which"
        all_actors.extend(actors)
        told = [m for m in places if m.role == "site"]
        sites = parts_of_the_city(sentence.text, told, sentence.start,
                                  last_sites)  # round 10: "the city's X"
        changed = {id(old): new for old, new in zip(told, sites, strict=True) if old is not new}
        places = [changed.get(id(m), m) for m in places]
        sited[sentence.index] = sites
        previous_places, here = here, places
        if sites:
            last_sites = [(sentence.index, inside_container(m, places, sentence.text,
                                                             sentence.start)) for m in sites]
            only_site.update((site_key(m), m) for _, m in last_sites)
        event_type = primary_event(events)
        if event_type and event_type not in SLOW_DEATHS and _HABITUAL.search(sentence.text) \
                and not any(
                d.span is not None and d.span.precision == "day" for d in dates):
            continue  # "has targeted ... Raqqa for months": a campaign, not one event
        if event_type and casualties.is_empty() and is_trend(sentence.text) or \
                siege_as_state(sentence.text, events, casualties):
            continue  # round 12: "has increased its shelling ..., including near A, B"
        when, note = event_date(dates, attribution, sentence, published)
        if sites and when is not None:
            site_dates[sentence.index] = (when, note)
        if when is not None and (event_type or not casualties.is_empty() or
                                 _DEATHS.search(sentence.text)):
            recent, recent_kind = (sentence.index, when, note), event_type or "other"
            recent_sites = {site_key(m) for m in sites}
            event_dates.append((when, note))
            if not sites and not DISTINCT.search(sentence.text) and \
                    when.precision in ("day", "range"):  # round 12: "in Oct. 2019" is background
                siteless_dates[sentence.index] = (when, note)
        if event_type == "other" and recent_type is not None and \
                sentence.index - recent_type[0] <= 2:
            event_type = recent_type[1]  # "The attacks hit ..." after "air strikes"
        elif event_type and event_type != "other":
            recent_type = (sentence.index, event_type)
        linking = not event_type and keeps_promise(promise, sentence.index, sites)
        if linking and promise is not None:
            event_type, linked, promise = promise.event_type, promise, None
            if fill_region(linked, drafts, sentence.index,
                           inside_container(sites[0], places, sentence.text, sentence.start)):
                continue
        if not event_type and not casualties.is_empty():
            if attach_casualties(drafts, sentence, casualties):
                continue
            event_type = "other" if sites else ""
        if not event_type:
            continue
        borrowed = -1
        if not sites and _ANAPHORA.search(sentence.text) and last_sites and \
                sentence.index - last_sites[-1][0] <= 2:
            sites, borrowed = [last_sites[-1][1]], last_sites[-1][0]
        elif not sites and len(only_site) == 1 and dates and not casualties.is_empty() and \
                local_anaphora(sentence.text) and not any(
                    m.role == "region" for m in (*places, *previous_places)):
            sites = list(only_site.values())  # round 12: "a car bomb killed 16 in the town"
        promised = not sites and promises_site(sentence.text)
        first_draft = len(drafts)
        region = False
        if not sites:
            regions = [m for m in places if m.role == "region"]
            if len({site_key(m) for m in regions}) >= OVERVIEW_REGIONS:
                continue  # "displaced ... in Idleb, Lattakia and Aleppo": an overview
            if regions:
                sites, region = regions, True
        sites = [inside_container(m, places, sentence.text, sentence.start) for m in sites]
        countries = [m.country for m in places if m.role == "country" and m.country]
        if not sites:
            if not casualties.is_empty():
                lone_tolls[sentence.index] = (event_type, casualties)
            promise = Promise(sentence.index, event_type) if promised else promise
            if event_type not in SITELESS_TYPES or (speaker is None and casualties.is_empty()):
                continue
            if when is None and casualties.is_empty() and is_quoted(sentence, quotations):
                commentary.add(len(drafts))  # a quoted reaction: folds in, or is dropped
            sites = [None]  # type: ignore[list-item]
        if when is None and not dates and borrowed in site_dates:  # "On Tuesday, X ... the town"
            when, note = site_dates[borrowed][0], join_notes(
                "date of the sentence naming the site", site_dates[borrowed][1])
        elif when is None and recent is not None and recent[0] < sentence.index and \
                not DISTINCT.search(sentence.text) and \
                sentence.index - recent[0] <= 2 and not dates and sites[0] is not None and \
                (not recent_sites or recent_sites & {site_key(m) for m in sites}) and \
                compatible(recent_kind, event_type):
            when = recent[1]
            note = join_notes("date carried from an earlier sentence about the event",
                               recent[2])
        elif when is None and not dates and sites[0] is not None:
            when, note = report_date(event_dates, heading)
        claimed = claim_range(dates, attribution, sentence) if when is None else None
        context = [context_label(m) for m in places if m.role not in ("site", "country")
                   and m not in sites]
        tolls = site_casualties(sentence, sites, casualties)
        for site, toll in zip(sites, tolls, strict=True):
            if claimed is not None:
                claim_ranges[len(drafts)] = claimed
            drafts.append(Draft([sentence.index], site, site_event_type(  # round 15: per site
                events, site, sites, event_type, sentence.end), events, speaker_index,
                                 attribution, *site_date(dates, site, sentence, when, note),
                                 toll, actors,
                                 countries or ([country] if country else []),
                                 bool(_HEDGES.search(sentence.text)),
                                 [speaker.claimed_by] if speaker else [],
                                 context, region))
        if linking:
            drafts[-1].sentences = sorted({*drafts[-1].sentences, linked.index})
        if promised:
            promise = Promise(sentence.index, event_type,
                              list(range(first_draft, len(drafts))) if region else [])
        elif sites[0] is not None:
            promise = None  # another event at its own site comes between
    for draft in drafts:  # "Hajin was hit ... A Monday night strike killed 22."
        if draft.date is None:
            later = [i for i in siteless_dates if 0 < i - draft.sentences[0] <= 2]
            if later:
                span, said = siteless_dates[min(later)]
                draft.date = span
                draft.date_note = join_notes("date from a later sentence about the event", said)
    for number, span in claim_ranges.items():  # no date of its own, none beside it
        if drafts[number].date is None:
            drafts[number].date, drafts[number].date_note = span, span.note
    siteless_tolls(drafts, lone_tolls, sentences)  # trial 26: the sentences too
    sites_named_after(drafts, {i: m for i, m in sited.items() if m})
    commentary_ids = {id(d) for i, d in enumerate(drafts) if i in commentary}
    drafts = roads_into_towns(parts_into_towns(drafts))  # round 9: roads too
    merged = vicinities_into_sites(towns_into_referenced_sites(  # round 12
        [d for d in merge(drafts) if id(d) not in commentary_ids]), sentences)
    merged = settle_sites(merged, sentences, ledger)  # round 7
    remnants_as_other(merged, sentences)  # round 15: a landmine going off is no bombing
    far_homonyms(merged, located, governorates)  # round 9: "Al Hal market" found 400 km off
    namesakes_apart(merged)  # round 13: one name placed at two points
    background_sites(merged, published)  # round 13: "overrun in March 2013" in 2017
    outside_named_governorates(merged, sentences, located)  # round 11: "Ghariya ... Deraa"
    seats_as_regions(merged, sentences, article, located, governorates)  # round 10
    carry_to_siblings(merged, sentences, published)  # "Elsewhere, ...": the occasion's date
    publication_window(merged, sentences, published)  # no date in the text: inferred range
    merged = without_commentary(merged, sentences)  # round 13: an aside beside placed events
    nearest_claimants(merged, without_datelines(merged, attributions, article),  # round 10
                      [s.paragraph for s in sentences])
    for draft in merged:
        draft.claimants = list(dict.fromkeys(tidy_claimant(c, article)
                                             for c in draft.claimants if not is_fragment(c)))
    finished = [_finish(d, article, sentences, all_actors, country, source_name, source_url,
                        title, named) for d in merged]
    verdicts = score_candidates(merged, finished, ReportView(  # round 13: the learned scorer
        article, sentences, quotations, published, sited))
    for candidate, verdict in zip(finished, verdicts, strict=True):
        candidate.verdict = verdict
    apply_policy(merged, finished, located, governorates, sited, article)  # round 13c
    no_foreign_points(merged, finished, country, named, article, body, located)  # round 15
    if set_aside is not None:
        set_aside.extend(c for c, v in zip(finished, verdicts, strict=True) if v.set_aside)
    return [c for c, v in zip(finished, verdicts, strict=True) if not v.set_aside]


def _finish(
    draft: Draft,
    article: str,
    sentences: list[Sentence],
    all_actors: list[str],
    country: str,
    source_name: str,
    source_url: str,
    title: str,
    named: Collection[str] = (),
) -> CandidateIncident:
    spans = [(sentences[i].start, sentences[i].end) for i in sorted(draft.sentences)]
    quote = " ".join(article[s:e] for s, e in spans)
    site = draft.site
    place = site.place if site else None
    actors = list(dict.fromkeys(canonical_actor(a, all_actors) for a in draft.actors))
    actors = [a for a in actors if not any(
        o != a and o.lower().endswith(" " + a.lower()) or
        o.lower() == f"{a.lower()} (uncertain)" for o in actors)]  # round 15: the doubt kept
    claimed_by = "; ".join(dict.fromkeys(draft.claimants)) or source_name or "the report itself"
    precision = place.precision if place else None
    if place and site and site.near and precision == 1:
        precision = 2
    status = site.status if site else "no site"
    if draft.region and place is not None:
        precision, status = max(3, precision or 3), "region"
    elif place is not None and status == "resolved" and (precision or 1) >= 3:
        status = "region"  # round 8: "X town in Y governorate", X unknown: Y's point, a region
    elif place is not None and status == "resolved" and site is not None and (
            site.partial or site.unsure):
        status = "unsure"  # "Orum" of "Orum al-Kubra": another place may bear the whole name
    elif place is not None and status == "resolved" and country and place.country != country \
            and site is not None and place.country not in draft.countries and \
            place.country not in named:
        status = "unsure"  # abroad, and the text names no such country: whatever it is called
    record: dict[str, object] = {c: "" for c in INCIDENT_COLUMNS}
    record.update(
        date_start=draft.date.start if draft.date else None,
        date_end=draft.date.end if draft.date else None,
        date_precision=draft.date.precision if draft.date else "unknown",
        date_note=_sentence_case(draft.date_note),
        place=site.text if site else "",
        country=(place.country if place else (site.country if site else "")) or
        (draft.countries[0] if draft.countries else country),
        admin1=place.admin1 if place else "",
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        geo_precision=precision,
        geocode_source=place.gazetteer_id if place else "",
        event_type=draft.event_type,
        actors="; ".join(actors),
        **draft.casualties.as_columns(),
        deaths_civilians=draft.casualties.civilians_killed  # round 12: "22 civilians killed"
        if draft.casualties.civilians_killed is not None else "",
        source_name=source_name,
        source_url=source_url,
        claimed_by=claimed_by,
        claim_status="alleged",
        quote=quote,
    )
    record["description"] = _description(draft, site, actors, claimed_by)
    key = "|".join((source_url or title or hashlib.sha1(article.encode()).hexdigest()[:12],
                    draft.event_type, quote))
    slug = re.sub(r"[^a-z0-9]+", "-", (site.name if site else draft.event_type).lower())
    record["id"] = f"x-{slug.strip('-')[:30]}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
    alternatives = [f"{c.place.gazetteer_id}: {c.place.name}" for c in
                    (site.candidates if site else ())][1 if place else 0:]
    return CandidateIncident(record, spans, status, alternatives, list(draft.context))


def _description(
    draft: Draft, site: PlaceMention | None, actors: list[str], claimed_by: str
) -> str:
    what = draft.event_type[:1].upper() + draft.event_type[1:]
    parts = [what]
    if actors:
        parts.append(f"by {' and '.join(actors)}")
    if site is not None:
        where = f"at {site.text}"
        if site.container:
            where += f" (in/near {site.container})"
        parts.append(where)
    else:
        parts.append("with no site named" + (f" (country: {draft.countries[0]})"
                                             if draft.countries else ""))
    text = " ".join(parts) + "."
    others = sorted({e.event_type for e in draft.events} - {draft.event_type})
    if others:
        text += f" The text also mentions: {', '.join(others)}."
    if draft.casualties.notes:
        text += " Casualties: " + "; ".join(draft.casualties.notes) + "."
    if draft.hedged:
        text += " The claim is hedged (presented as a possibility)."
    article_first = re.match(r"(?:A|An|The)\s", claimed_by)
    claimant = claimed_by[:1].lower() + claimed_by[1:] if article_first else claimed_by
    return text + f" Claimed by {claimant}; candidate extracted automatically, not graded."


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else ""


def candidates_json(candidates: Sequence[CandidateIncident]) -> str:
    """The candidates as a JSON list (ISO dates, null for unknown).

    Parameters
    ----------
    candidates : sequence of CandidateIncident

    Returns
    -------
    str
    """
    return json.dumps([c.to_json() for c in candidates], ensure_ascii=False, indent=2)
