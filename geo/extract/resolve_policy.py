"""When a candidate may be marked resolved at site precision (issue 12, round 13c).

Thirteen rounds of rules each removed the far points of the set they were tuned on, one class
at a time, and every unseen set brought new ones (far 2-13 blind). This module is one policy in
place of another class: a candidate stays ``resolved`` at site precision (1) only when nothing
known at extraction time makes its point doubtful. A doubtful one goes to review (``unsure``)
with its point kept as the suggestion; strict recall does not look at the status, so only the
analyst's click is spent.

The doubts (:class:`Doubts`), each computed from the geocoder's answer and the report alone:

* ``spelling``: the name matched only by a skeleton or fuzzy spelling, not as written or
  normalised;
* ``learned``: the point comes only from a place learned from imported records;
* ``namesakes``: the gazetteer holds another place of the name in the same country more than
  :data:`SITE_KM` away, and nothing in the report picks this one (no other place the report
  locates within :data:`geo.settings.RESOLVE_NEIGHBOUR_KM`, no governorate the report names or
  locates anything else in);
* ``isolated``: a small place (not a governorate's seat, under :data:`CITY_POPULATION`) farther
  than :data:`geo.settings.RESOLVE_ISOLATED_KM` from every other place the report locates
  (regions aside: a governorate's point is its middle, not its places'), in a governorate the
  report neither names nor locates anything else in;
* ``listed``: named once in the report, in a sentence naming three sites or more, next to
  another of them (at most :data:`LIST_GAP_WORDS` words apart: "shelled A, B and C"); a site
  with a clause of its own between it and the others (SOHR's comma-spliced bulletins: "...
  were killed in the town of A, ..., also 2 were killed in B") is not a list's (trial 26);
* ``referenced``: the report also gives the name as a reference point ("12 km east of X");
* ``abroad``: the point lies in another country than every other place the report locates
  (a point with no other place beside it is left to the pipeline's foreign-place check);
* ``partial``: the name runs on past what was read ("Tal al-kaba'a", its second word written
  in lower case, read as "Tal"): the point is of another, shorter name (round 14);
* ``roundup``: named once, in a title line (no closing full stop) naming three places or more
  among sites and governorates ("19 civilians killed in attacks in Aleppo, Quneitra, Hama and
  Damascus"): a headline summing up the report's events, not one of them (round 14; ``listed``
  counts sites only, in any sentence);
* ``loose``: a city (a governorate's seat, or :data:`CITY_POPULATION` people or more) not tied
  to the event in its own words: no trigger of the candidate in the sentence that names it
  first, or more than :data:`TRIGGER_WORDS` words between them. A city is named for many roles
  besides the site (its vicinity, its government as a side, a speaker's seat, a goal, a
  destination, history): the causes of most far points of heldout10 and heldout11 when they were
  blind. A village is rarely named but as a site, and asking the same of villages sent a third
  of the correct points to review.

Which doubts send a candidate to review is :data:`geo.settings.RESOLVE_POLICY` (a set of names;
empty switches the policy off).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.extract.places import PlaceMention
from geo.extract.references import particle_free_key
from geo.extract.report import Draft, distance_km
from geo.settings import RESOLVE_ISOLATED_KM, RESOLVE_NEIGHBOUR_KM, RESOLVE_POLICY

if TYPE_CHECKING:
    from geo.extract.pipeline import CandidateIncident

#: A point within this many km of the site is at the site (the benchmark's measure).
SITE_KM = 10.0
#: A place of this many people or more is the one meant by its name (as in ``honesty``).
CITY_POPULATION = 100_000
#: Matches that read the name as written (or with its spelling normalised).
_FAITHFUL = frozenset({"exact", "normalised", "override"})
#: More words than this between a site and its nearest trigger make the tie ``loose``.
TRIGGER_WORDS = 10
_WORD = re.compile(r"\w+")
_NAMES = ("spelling", "learned", "namesakes", "isolated", "listed", "referenced", "abroad",
          "loose", "partial", "roundup")
#: A name read short: the next word is an article joined to a lower-case word ("Tal al-kaba").
_RUNS_ON = re.compile(r"^[ \t]+(?:al|el|as|ash|ad|ar|az|at|an|ad|ed|es|et|ez)[-‘’'][a-z]")
#: Roles a place counts under in a sentence's round-up of places.
_ROUNDUP_ROLES = ("site", "region")
#: Places (sites and governorates) a sentence names before its one mention is a round-up's.
ROUNDUP_PLACES = 3
#: Each doubt in the analyst's words (trial 26: the review label named only two of them).
DOUBT_REASONS: dict[str, str] = {
    "spelling": "the name matched only a loose spelling",
    "learned": "the point comes only from imported records",
    "namesakes": "another place of this name lies elsewhere in the country",
    "isolated": "a small place far from every other place the report names",
    "listed": "named once, in a list of places",
    "referenced": "the report also gives it as a reference point",
    "abroad": "in another country than the report's other places",
    "loose": "a city not tied to the event in its own words",
    "partial": "the name runs on past what was read",
    "roundup": "named once, in a title line summing up several places",
}
#: Trial 26: sites at most this many words apart are named in a list ("in A, the town of B").
LIST_GAP_WORDS = 6
#: A title line is at most this long.
TITLE_CHARS = 160


@dataclass(frozen=True)
class Doubts:
    """What makes a site's point doubtful (all False / None for a trusted point).

    Attributes
    ----------
    spelling, learned, namesakes, isolated, listed, referenced, abroad, loose, partial, roundup
        : bool
        See the module's docstring.
    nearest_km : float or None
        Distance to the nearest other place the report locates (None when it locates none).
    trigger_words : int or None
        Words between the site and its nearest trigger in its sentence (None: no trigger there).
    """

    spelling: bool = False
    learned: bool = False
    namesakes: bool = False
    isolated: bool = False
    listed: bool = False
    referenced: bool = False
    abroad: bool = False
    loose: bool = False
    partial: bool = False
    roundup: bool = False
    nearest_km: float | None = None
    trigger_words: int | None = None

    def names(self) -> tuple[str, ...]:
        """The doubts that hold, by name."""
        return tuple(n for n in _NAMES if getattr(self, n))



def _in_a_list(site: PlaceMention, sites: Sequence[PlaceMention], article: str) -> bool:
    """Whether another site of the sentence is named at most :data:`LIST_GAP_WORDS` words
    before or after ``site`` (a list of places, not a clause of its own)."""
    for other in sites:
        if other.start == site.start:
            continue
        lo, hi = (other.end, site.start) if other.start < site.start else (site.end, other.start)
        if len(_WORD.findall(article[lo:max(lo, hi)])) <= LIST_GAP_WORDS:
            return True
    return False


def site_doubts(
    draft: Draft,
    located: Sequence[PlaceMention],
    governorates: Collection[str],
    sited: Mapping[int, Sequence[PlaceMention]],
    article: str,
    references: Collection[str] = (),
) -> Doubts | None:
    """The doubts on a draft's point, or None when it has no point at site precision.

    Parameters
    ----------
    draft : Draft
        A finished draft (after the merges and the other rules).
    located : sequence of PlaceMention
        Every place mention the report resolved to a point (sites, regions, containers,
        references, parts, origins).
    governorates : collection of str
        Area keys of the governorates the report names.
    sited : mapping of int to sequence of PlaceMention
        Each sentence's sites.
    article : str
        The report's text.
    references : collection of str
        Lower-cased names the report gives as reference points.
    """
    site = draft.site
    place = site.place if site is not None else None
    if site is None or place is None or draft.region or place.precision != 1:
        return None
    candidates = site.candidates or (site.result.candidates if site.result else ())
    best = candidates[0] if candidates else None
    spelling = best is not None and best.match not in _FAITHFUL
    learned = place.gazetteer_id.startswith("learned:")
    own = particle_free_key(place.admin1 or "")
    seat = place.feature_code in ("PPLA", "PPLC") or bool(own) and own in (
        particle_free_key(site.name), particle_free_key(place.name))
    big = seat or place.population >= CITY_POPULATION
    others = [m.place for m in located if m.place is not None and
              m.place.gazetteer_id != place.gazetteer_id and m.place.country == place.country]
    distances = [distance_km(place.latitude, place.longitude, o.latitude, o.longitude)
                 for o in others if o.precision < 3]  # a region's point is not its places'
    nearest = min(distances) if distances else None
    in_named = bool(own) and (
        own in governorates or any(particle_free_key(o.admin1 or "") == own for o in others))
    picked = in_named or (nearest is not None and nearest <= RESOLVE_NEIGHBOUR_KM)
    namesakes = not big and not picked and any(
        c.place.country == place.country and c.place.gazetteer_id != place.gazetteer_id and
        distance_km(place.latitude, place.longitude, c.place.latitude, c.place.longitude) >
        SITE_KM for c in candidates)
    isolated = not big and not in_named and nearest is not None and \
        nearest > RESOLVE_ISOLATED_KM
    name = site.name.lower()
    count = len(re.findall(rf"\b{re.escape(name)}\b", article.lower())) if name else 0
    first = min(draft.sentences) if draft.sentences else -1
    listed = count <= 1 and len(sited.get(first, ())) >= 3 and \
        _in_a_list(site, sited.get(first, ()), article)
    referenced = any(r == name or r.endswith(" " + name) for r in references)
    homes = {m.place.country for m in located if m.place is not None and
             m.place.gazetteer_id != place.gazetteer_id}
    abroad = bool(homes) and place.country not in homes  # alone: the pipeline's own check
    gap = _trigger_words(draft, site, article)
    loose = big and (gap is None or gap > TRIGGER_WORDS)
    partial = bool(_RUNS_ON.match(article[site.end:site.end + 12]))
    roundup = count <= 1 and _title_line(article, site.start) and \
        _places_beside(site, located, article) >= ROUNDUP_PLACES
    return Doubts(spelling, learned, namesakes, isolated, listed, referenced, abroad, loose,
                  partial, roundup, nearest, gap)


def _title_line(article: str, offset: int) -> bool:
    """Whether the line holding an offset is a title: short, with no closing full stop."""
    start = article.rfind("\n", 0, offset) + 1
    end = article.find("\n", offset)
    line = article[start:end if end >= 0 else len(article)].strip()
    return len(line) <= TITLE_CHARS and not line.endswith((".", "!", "?", '"', "”", ":"))


def _places_beside(site: PlaceMention, located: Sequence[PlaceMention], article: str) -> int:
    """How many distinct places (sites and governorates) the site's sentence names, itself
    included."""
    keys = {particle_free_key(m.name) for m in located
            if m.role in _ROUNDUP_ROLES and _same_sentence(article, site.start, m.start)}
    return len(keys | {particle_free_key(site.name)})


def _trigger_words(draft: Draft, site: PlaceMention, article: str) -> int | None:
    """Words between the site and the nearest trigger of the draft in the site's own
    sentence (None when none stands there)."""
    events = [e for e in draft.events if _same_sentence(article, site.start, e.start)]
    gaps = []
    for event in events:
        lo, hi = (site.end, event.start) if event.start >= site.end else (event.end, site.start)
        gaps.append(len(_WORD.findall(article[lo:hi])) if hi > lo else 0)
    return min(gaps) if gaps else None


def _same_sentence(article: str, a: int, b: int) -> bool:
    """True when no sentence end (". ", "! ", "? ", a line break) lies between two offsets."""
    lo, hi = min(a, b), max(a, b)
    return re.search(r"[.!?](?:\s|$)|\n", article[lo:hi]) is None


def references_of(drafts: Sequence[Draft]) -> frozenset[str]:
    """Lower-cased names the drafts' context gives as reference points."""
    out = set()
    for draft in drafts:
        for entry in draft.context:
            role, _, rest = entry.partition(":")
            if role.strip() == "reference":
                out.add(rest.split("(")[0].strip().lower())
    return frozenset(out)


def doubtful(doubts: Doubts | None, policy: Collection[str] | None = None) -> bool:
    """True when a doubt the policy names holds (default :data:`geo.settings.RESOLVE_POLICY`)."""
    policy = RESOLVE_POLICY if policy is None else policy
    return doubts is not None and any(n in policy for n in doubts.names())


def apply_policy(
    drafts: Sequence[Draft],
    finished: Sequence[CandidateIncident],
    located: Sequence[PlaceMention],
    governorates: Collection[str],
    sited: Mapping[int, Sequence[PlaceMention]],
    article: str,
    policy: Collection[str] | None = None,
) -> None:
    """Record each candidate's doubts and send the doubtful resolved ones to review.

    Parameters
    ----------
    drafts : sequence of Draft
        The report's drafts, in the order of ``finished``.
    finished : sequence of CandidateIncident
        The candidates made of them; ``doubts`` is set on each, and ``geocode_status`` becomes
        ``unsure`` (point and precision kept) on a site-precision ``resolved`` one the policy
        doubts.
    located, governorates, sited, article
        As :func:`site_doubts` takes them.
    policy : collection of str, optional
        The doubts that count (default :data:`geo.settings.RESOLVE_POLICY`).
    """
    policy = RESOLVE_POLICY if policy is None else policy
    references = references_of(drafts)
    for draft, candidate in zip(drafts, finished, strict=True):
        doubts = site_doubts(draft, located, governorates, sited, article, references)
        candidate.doubts = doubts
        if candidate.geocode_status == "resolved" and \
                candidate.record.get("geo_precision") == 1 and doubtful(doubts, policy):
            candidate.geocode_status = "unsure"
            if doubts is not None:  # trial 26: say which doubt, not only "foreign or partial"
                why = "; ".join(DOUBT_REASONS[n] for n in doubts.names() if n in policy)
                candidate.record["description"] = \
                    f"{candidate.record.get('description', '')} Sent to review: {why}."
