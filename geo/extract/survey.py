"""A first reading of the whole report: which places it names, and how it uses a seat's name.

The pipeline reads a report sentence by sentence; some readings need the whole report first
(round 6 of issue 12, found on reports the rules had not been tuned on):

* the names of the report's places in the focus country, for the geocoder to rank
  ambiguous names by (:attr:`Survey.names`), and the governorates those places lie in
  (:attr:`Survey.areas`: a neighbourhood found in none of them is a homonym);
* a governorate's seat that the report uses for the governorate (:attr:`Survey.seats`):
  as the container of a town of that governorate lying well outside the seat ("X in
  Idlib", X 30 km from Idlib city), or bare in a headline above a body that names another
  place of that governorate ("... hit busy market in Idlib" over a strike on a town of
  Idlib province). Such a seat named bare reads as the region, never the city.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from geo.extract.lookup import make_lookup
from geo.extract.places import SUBUNITS, PlaceMention, find_places
from geo.extract.report import distance_km
from geo.extract.text import Sentence
from geo.geocoding.areas import area_key
from geo.geocoding.geocoder import GeocodeResult
from geo.geocoding.protocol import PlaceResolver

#: A town farther than this (km) from the seat it is said to be "in" lies in the
#: seat's governorate, not in its city.
SEAT_KM = 15.0
#: How many of the first sentences may be a headline.
HEADLINE_SENTENCES = 3
_CITY_WORD = re.compile(r"\b(?:city|town)\b", re.I)


@dataclass(frozen=True)
class Survey:
    """What a first reading of a report finds.

    Attributes
    ----------
    names : list of str
        The report's places found in the focus country under a close spelling.
    areas : frozenset of str
        :func:`geo.geocoding.areas.area_key` of the governorates those places lie in.
    seats : frozenset of str
        Area keys of governorates whose seat's name the report uses for the governorate.
    """

    names: list[str]
    areas: frozenset[str]
    seats: frozenset[str]


def survey(
    sentences: list[Sentence], geocoder: PlaceResolver, country: str, named: set[str],
    known: Callable[[str], bool] | None, answers: dict[str, GeocodeResult],
) -> Survey:
    """Read the whole report once, without context, for what later readings need.

    Parameters
    ----------
    sentences : list of Sentence
    geocoder : PlaceResolver
    country : str
        The report's focus country ("" for none).
    named : set of str
        Countries the report names.
    known : callable or None
        Spelling index of the gazetteer (see :func:`geo.extract.lookup.spelling_index`).
    answers : dict
        The geocoder's answers, shared with later readings.

    Returns
    -------
    Survey
    """
    lookup = make_lookup(geocoder.geocode, country, (), known, answers)
    names: list[str] = []
    areas: set[str] = set()
    per_sentence: list[list[PlaceMention]] = []
    for sentence in sentences:
        mentions = find_places(sentence.text, lookup, sentence.start, country, named)
        per_sentence.append(mentions)
        for mention in mentions:
            place = mention.place
            best = mention.result.best if mention.result else None
            if place is None or best is None or best.quality < 0.95 or \
                    (country and place.country != country) or mention.role == "country":
                continue
            if place.admin1 and mention.descriptor not in SUBUNITS:  # a seat tells it too
                areas.add(area_key(place.admin1))
            if mention.role in ("site", "container"):
                names.append(mention.name)
    seats = _seats_as_containers(per_sentence) | _seats_in_headline(sentences, per_sentence)
    return Survey(list(dict.fromkeys(names)), frozenset(areas), frozenset(seats))


def is_seat(mention: PlaceMention) -> bool:
    """Whether a mention names a governorate's seat bare (its name is the governorate's).

    Parameters
    ----------
    mention : PlaceMention

    Returns
    -------
    bool
        False when the text says "city" or "town".
    """
    place = mention.place
    if place is None or not place.admin1 or place.precision > 1 or \
            mention.descriptor in ("city", "town", "village") or _CITY_WORD.search(mention.text):
        return False
    own = _bare(mention.name)
    return bool(own) and own == _bare(place.admin1)


def _bare(name: str) -> str:
    return area_key(re.sub(r"^(?:al|el|ar|as|ad|ash|at|az)[-\s]+", "", name, flags=re.I))


def _seats_as_containers(per_sentence: list[list[PlaceMention]]) -> set[str]:
    """Seats named as the container of a town of their governorate well outside them."""
    keys: set[str] = set()
    for mentions in per_sentence:
        for inner in mentions:
            outer = next((m for m in mentions if inner.container and m.text == inner.container
                          and m is not inner), None)
            if outer is None or not is_seat(outer) or inner.place is None or \
                    outer.place is None or inner.place.precision > 1 or \
                    area_key(inner.place.admin1) != area_key(outer.place.admin1):
                continue
            if distance_km(inner.place.latitude, inner.place.longitude, outer.place.latitude,
                           outer.place.longitude) > SEAT_KM:
                keys.add(_bare(outer.place.admin1))
    return keys


def _seats_in_headline(sentences: list[Sentence],
                       per_sentence: list[list[PlaceMention]]) -> set[str]:
    """Seats named bare in a headline above a body naming another place of that governorate."""
    keys: set[str] = set()
    for sentence, mentions in zip(sentences[:HEADLINE_SENTENCES], per_sentence, strict=False):
        if not _is_headline(sentence, sentences):
            continue
        for seat in (m for m in mentions if m.role == "site" and is_seat(m)):
            assert seat.place is not None
            area = area_key(seat.place.admin1)
            body = [c for later in per_sentence[sentence.index + 1:] for m in later
                    if m.role in ("site", "container") for c in m.candidates
                    if c.place.gazetteer_id != seat.place.gazetteer_id]
            if any(c.place.precision <= 2 and area_key(c.place.admin1) == area for c in body):
                keys.add(_bare(seat.place.admin1))
    return keys


def _is_headline(sentence: Sentence, sentences: list[Sentence]) -> bool:
    """A line of its own with no closing full stop, before the body."""
    alone = all(s.paragraph != sentence.paragraph for s in sentences if s is not sentence)
    return alone and not sentence.text.rstrip().endswith((".", "!", "?", "”", '"', ":"))
