"""A site found outside the governorate the text names beside it (round 11 of issue 12).

The gazetteer often holds one village of a name and the report means another:
"Government shelling hit the village of Ghariya in the southern province of Deraa" finds
the only "Ghariya" the gazetteer has, in As-Sweida, and "Al-Ihsan Hospital in Ghariyeh,
Dara'a" the same. When the words right after a site name a governorate ("in the province
of X", "X province", "eastern rural X", "X countryside", "northern X", or X's seat: "in
Ghariyeh, Dara'a") and the site was found in none of them, the point is a namesake's: the
candidate keeps it for the analyst but goes to review (``unsure``), never resolved at site
precision.

Only names that are governorates count: a name is taken for one when it is the governorate
of a place the report locates ("Ain Issa countryside" names no governorate). A governorate's
seat and a city of :data:`geo.extract.honesty.CITY_POPULATION` people or more are exempt, as
in :func:`geo.extract.honesty.far_homonyms`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.honesty import CITY_POPULATION
from geo.extract.places import PlaceMention
from geo.extract.references import particle_free_key
from geo.extract.report import Draft, governorate_names
from geo.extract.seats import province_uses
from geo.extract.text import Sentence

#: Characters after a site read for the governorate it lies in.
_WINDOW = 80
#: Between a site and the seat that names its governorate: "Ghariyeh, Dara'a", "Sarmin in
#: Idlib" (not "people who had fled from Aleppo").
_RIGHT_AFTER = re.compile(r"^\s*(?:,|\bin\b|,\s*in\b)\s*(?:the\s+)?(?:(?:city|province|"
                          r"governorate)\s+of\s+)?$", re.I)
_AND = re.compile(r"^\s+and\s+$")
_PLURAL = re.compile(r"^\s+(?:villages|towns|areas|neighbou?rhoods)\b", re.I)
#: "The Damascus countryside" is the governorate of Rural Damascus.
_COUNTRYSIDE_OF = {particle_free_key("Damascus"): (particle_free_key("Rural Damascus"),
                                                   particle_free_key("Rif Dimashq"))}


def named_governorates(sentence: str, known: frozenset[str]) -> frozenset[str]:
    """Keys of the governorates a sentence names, among ``known`` ones.

    Parameters
    ----------
    sentence : str
    known : frozenset of str
        Keys (:func:`~geo.extract.references.particle_free_key`) of governorates, as the
        gazetteer names them.

    Returns
    -------
    frozenset of str
        The keys of ``known`` the sentence uses for an area ("the province of Deraa",
        "eastern rural Dara'a", "northern Raqqa", "the Damascus countryside").
    """
    keys = set(governorate_names(sentence) | province_uses(sentence))
    keys |= {c for k in keys for c in _COUNTRYSIDE_OF.get(k, ())}
    return frozenset(keys & known)


def outside_named_governorates(drafts: list[Draft], sentences: list[Sentence],
                               located: list[PlaceMention]) -> None:
    """Send to review each site found outside every governorate the words after it name.

    The words read are those right after the site, up to the next place that is not a
    governorate's seat (at most :data:`_WINDOW` characters): "Ghariya in the southern
    province of Deraa", "Ghariyeh, Dara'a", but not the "northern Aleppo" at the end of a
    list of towns of several governorates.

    Parameters
    ----------
    drafts : list of Draft
        The report's drafts; their sites are changed in place (``unsure``, with a note in
        the draft's context).
    sentences : list of Sentence
        The report's sentences.
    located : list of PlaceMention
        Every place mention the report resolved to a point: their governorates are the
        names taken for governorates.
    """
    known = frozenset(particle_free_key(m.place.admin1) for m in located
                      if m.place is not None and m.place.admin1)
    for draft in drafts:
        site = draft.site
        place = site.place if site is not None else None
        if site is None or place is None or draft.region or site.unsure or \
                site.status != "resolved" or place.precision >= 3 or not place.admin1 or \
                place.population >= CITY_POPULATION:
            continue
        own = particle_free_key(place.admin1)
        if particle_free_key(site.name) == own:
            continue  # a governorate's seat
        sentence = next((s for s in sentences if s.start <= site.start < s.end), None)
        if sentence is None:
            continue
        end = _window_end(sentence, site, located)
        words = sentence.text[site.end - sentence.start:end - sentence.start]
        named = named_governorates(words, known | {own}) | frozenset(
            particle_free_key(m.place.admin1) for m in located
            if _is_seat(m) and site.end <= m.start < end and m.place is not None and (
                m.role in ("container", "region") or _RIGHT_AFTER.match(
                    sentence.text[site.end - sentence.start:m.start - sentence.start])))
        if named and own not in named:
            draft.site = replace(site, unsure=True)
            draft.context.append(f"namesake: '{site.text}' found in {place.admin1}, not in "
                                 "the governorate the text names beside it")


def _is_seat(mention: PlaceMention) -> bool:
    place = mention.place
    return place is not None and bool(place.admin1) and \
        particle_free_key(mention.name) == particle_free_key(place.admin1)


def _window_end(sentence: Sentence, site: PlaceMention, located: list[PlaceMention]) -> int:
    """Where the words about the site's whereabouts end: the next place after it that is
    not a governorate's seat, the sentence's end, or :data:`_WINDOW` characters on."""
    end = min(sentence.end, site.end + _WINDOW)
    later = sorted((m for m in located if site.end <= m.start < end and not _is_seat(m)),
                   key=lambda m: m.start)
    last = site.end
    for mention in later:  # "Sayda and Al-Khalidiyah villages in X": one container for both
        between = sentence.text[last - sentence.start:mention.start - sentence.start]
        after = sentence.text[mention.end - sentence.start:]
        if not (_AND.match(between) and _PLURAL.match(after)):
            return mention.start
        last = mention.end
    return end
