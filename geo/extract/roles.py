"""Second reading of a sentence's place roles: what the first reading takes for a site.

:func:`geo.extract.places.find_places` gives each mention its role from the words next to
it. Some roles need a wider look at the sentence (round 4 of issue 12, found on reports the
rules had not been tuned on):

* the place of a wire's credit line ("Reporting by ... in Cairo") is where the report was
  filed (role ``dateline``);
* a place naming where a person is from ("an Aleppo activist", "a Homs resident") is no
  site (role ``person``);
* a street, square or road named after a place ("Baghdad Street", "Homs Highway") is a part
  of the town it runs through, never the place it is named after (role ``street``);
* the venue of talks or an agreement ("peace talks in Astana", "the Sochi agreement") is
  no site (role ``venue``);
* a zone or front named after a place ("the Idlib de-escalation zone") is a region, and the
  place where the actors are based ("militants operating in X") is where the fire came
  from (``origin``) when the sentence names another place for the event;
* a distance from a capital named in apposition ("450 km northeast of the capital
  Damascus") makes it a ``reference``;
* "from X to Y": Y is a destination, whatever verb went before; the place a destination or
  an origin lies in ("to the Roj hospital in Tel Tamr") has that role too;
* "in a village in X": the event is near X, not at it (see :mod:`geo.extract.focus`);
* a neighbourhood named with no container, in a sentence whose other site is a town, is a
  part of that town, not a site of its own (role ``part``: "shells hit al-Rawdeh
  neighbourhood ... in the city of Jaramana").

Round 6 (from reports the rules had not been tuned on):

* places given as examples of a kind ("areas including but not limited to X and Y",
  "cities such as X") name no event's site (role ``example``); "areas including X" lists
  sites and is left alone;
* an airport or air base named after a town ("the X international airport") lies outside
  it: the event is near the town (precision 2), never at its point;
* a place name used as an adjective before the places of a list ("the Idlib villages of X
  and Y") names their region, not a site;
* "between X and Y" is one place near X: Y is a reference point, not a second site.

Round 15: the same adjective when the descriptor was read into the mention ("the Idlib city
of Maarent al-Numan": "Idlib city" is the province, not a site placed on Idlib city); a place
"outside (of)" a town is near it, never at its point.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.focus import unnamed_place_before
from geo.extract.places import SUBUNITS, PlaceMention

_STREET_AFTER = re.compile(r"^\s+(?:Street|St\.|Road|Avenue|Square|Highway|Roundabout|Bridge|"
                           r"Boulevard|Motorway)\b")
_VENUE_BEFORE = re.compile(
    r"\b(?:talks|negotiations|conference|summit|meeting|meetings|agreement|accord|deal|"
    r"ceasefire|truce|memorandum|process|signed|agreed(?:\s+(?:on|upon))?)\b[^.;]{0,40}?"
    r"\b(?:in|at)\s+(?:the\s+)?$", re.I)
_VENUE_AFTER = re.compile(r"^\s+(?:peace\s+)?(?:talks|negotiations|conference|summit|"
                          r"agreement|accord|deal|process|format|memorandum)\b", re.I)
#: "An Aleppo activist", "a Homs resident": the place says where a person is from.
_PERSON_AFTER = re.compile(r"^\s+(?:(?:opposition|media|local|rebel)\s+)?(?:activists?|"
                           r"residents?|officials?|doctors?|journalists?|natives?|medics?|"
                           r"spokes(?:man|woman|person)|correspondents?|reporters?|"
                           r"photographers?)\b", re.I)
_PERSON_BEFORE = re.compile(r"\b(?:an?|the|one|another)\s+$", re.I)
#: A wire's credit line: "Reporting by ... in Cairo; Editing by ...".
_BYLINE_BEFORE = re.compile(r"\b(?:[Rr]eporting|[Ww]riting|[Ee]diting)\s+by\b[^.;]{0,80}?"
                            r"\b(?:in|from)\s+$")
_ZONE_AFTER = re.compile(r"^\s+(?:de-?escalation\s+zone|zone|pocket|enclave|front(?:line)?)\b",
                         re.I)
_BASE_BEFORE = re.compile(
    r"\b(?:operating|based|stationed|entrenched|deployed|positioned|holed\s+up|active|"
    r"fortified|barricaded|hiding)\s+"  # round 14: "terrorists fortified in X"
    r"(?:in|inside|at)\s+(?:the\s+)?$", re.I)
_CAPITAL_REFERENCE = re.compile(
    r"(?P<offset>(?:\b\d+(?:[.,]\d+)?\s*(?:km|kilomet(?:er|re)s?|miles?)\s+)?"
    r"\b(?:north|south|east|west)(?:[- ]?(?:north|south|east|west))?(?:east|west)?"
    r"(?:ern)?\s+(?:of|from)\s+the\s+(?:[\w-]+\s+){0,2}?capital,?\s+)$", re.I)
#: After "from X" in the sentence: "to Y", "to the Z hospital in Y", "and to Y".
_TO = re.compile(r"(?i:\b(?:to|towards?|into)\s+(?:the\s+)?)(?:[A-Z][\w'’-]*\s+){0,3}?"
                 r"(?i:(?:hospital|clinic|camp|centre|center)\s+(?:in|at)\s+(?:the\s+)?"
                 r"(?:(?:city|town|village)\s+of\s+)?)?$")
_IN = re.compile(r"^\s*(?:hospital|clinic|camp|school|centre|center)?\s*(?:in|at|,)\s+"
                 r"(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$", re.I)
_TOWN_DESCRIPTORS = frozenset({"", "town", "city", "village"})
#: "Areas including but not limited to X and Y", "cities such as X": examples of a kind.
_EXAMPLES_BEFORE = re.compile(
    r"\b(?:areas|regions|cities|towns|villages|provinces|governorates|places|parts|"
    r"locations|districts)\b[^.;:]{0,30}?\b(?:such\s+as|like|including\s+but\s+not\s+"
    r"limited\s+to)\s+(?:the\s+)?$",
    re.I)
_ADJECTIVE_AFTER = re.compile(r"^\s+(?:villages?|towns?|cities|city|camps?|areas|suburbs|"
                              r"neighbou?rhoods)\s+of\b", re.I)
#: Round 15: "the Ghouta region outside of Damascus", "clashes just outside Aleppo": near X,
#: never at its point.
_OUTSIDE_BEFORE = re.compile(r"\b(?:just\s+)?outside\s+(?:of\s+)?(?:the\s+)?"
                             r"(?:(?:city|town|village|capital)\s+(?:of\s+)?)?$", re.I)
#: Round 15: the descriptor read into the mention ("the Idlib city of Maarat al-Numan").
_OF_NAME = re.compile(r"^\s+of\s+(?:the\s+)?[A-Z]")
_DESCRIPTOR_LAST = re.compile(r"\s(?:villages?|towns?|city)$", re.I)
#: A place this big, or a governorate's seat, names its province when used as an adjective.
_SEAT_POPULATION = 100_000


def _province_seat(m: PlaceMention) -> bool:
    """True when the mention's place is a governorate's seat or a city of its size ("the Idlib
    city of X"; "the Qusra district of Damascus" is no such adjective)."""
    place = m.place
    return place is not None and (place.feature_code in ("PPLA", "PPLC") or
                                  place.population >= _SEAT_POPULATION)
_ADJECTIVE_BEFORE = re.compile(r"\b(?:the|two|three|several|both)\s+$", re.I)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?(?:(?:towns|villages|cities|areas)\s+of\s+)?$",
                      re.I)
_EXAMPLE_LINK = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?")
#: An airport or air base named after the town it serves, which it lies outside of.
_FACILITY_AFTER = re.compile(r"^\s+(?:(?:international|military|civil(?:ian)?)\s+)?"
                             r"(?:airport|air\s*base|airbase|airfield|air\s+field)\b", re.I)

#: Round 9: the same, written as one mention ("Damascus airport", descriptor "airport") and
#: found as the town: the town's point is not the airfield's, so the site goes to review.
_AIRFIELDS = frozenset({"airport", "air base", "airbase", "airfield"})


def refine_roles(text: str, mentions: list[PlaceMention], offset: int = 0) -> list[PlaceMention]:
    """The mentions of one sentence with the roles a wider reading gives them.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : list of PlaceMention
        Its place mentions, as :func:`geo.extract.places.find_places` returns them (offsets
        in the article).
    offset : int
        The sentence's offset in the article.

    Returns
    -------
    list of PlaceMention
        The same mentions, in order, some with another role or a container.
    """
    out: list[PlaceMention] = []
    for m in mentions:
        before, after = text[:m.start - offset], text[m.end - offset:]
        role, reference = m.role, ""
        if m.role in ("site", "container", "region"):
            capital = _CAPITAL_REFERENCE.search(before[-70:])
            if _BYLINE_BEFORE.search(before[-100:]):
                role = "dateline"  # where the reporters filed from
            elif _STREET_AFTER.match(after):
                role = "street"
            elif _PERSON_AFTER.match(after) and _PERSON_BEFORE.search(before[-12:]):
                role = "person"  # "An Aleppo activist said ..."
            elif _VENUE_AFTER.match(after) or _VENUE_BEFORE.search(before[-70:]):
                role = "venue"
            elif _BASE_BEFORE.search(before[-40:]) and any(
                    o.start > m.start and o.role in ("site", "container", "region")
                    for o in mentions):
                role = "origin"  # "militants based in X shelled Y": not when X is all
            elif _EXAMPLES_BEFORE.search(before[-80:]) or (
                    out and out[-1].role == "example" and
                    _EXAMPLE_LINK.fullmatch(text[out[-1].end - offset:m.start - offset])):
                role = "example"  # "areas including X and Y": no event's site
            elif _ZONE_AFTER.match(after) or (_ADJECTIVE_AFTER.match(after) or (
                    _OF_NAME.match(after) and _DESCRIPTOR_LAST.search(m.text) and
                    _province_seat(m))) and \
                    _ADJECTIVE_BEFORE.search(before[-12:]):  # round 15: "the Idlib city of X"
                role = "region"
            elif capital:
                role, reference = "reference", " ".join(capital.group("offset").split())
            elif any(o.role == "origin" for o in out) and _TO.search(before[-60:]):
                role = "destination"  # "from X to the Y hospital in Z and to W"
        if role == "site" and not m.near and (unnamed_place_before(before) or
                                              _FACILITY_AFTER.match(after) or
                                              _OUTSIDE_BEFORE.search(before[-40:])):
            m = replace(m, near=True)  # "in a village in X", "X airport", "outside X": near X
        elif role == "site" and m.descriptor in _AIRFIELDS and m.place is not None and \
                m.place.kind not in _AIRFIELDS:
            m = replace(m, unsure=True)  # round 9: "Damascus airport" found as the city
        out.append(replace(m, role=role, offset=reference or m.offset)
                   if role != m.role else m)
    out = _between(text, _carried_roles(text, out, offset), offset)
    return _neighbourhoods(out)


def _between(text: str, mentions: list[PlaceMention], offset: int) -> list[PlaceMention]:
    """ "Between X and Y": the event is near X; Y bounds it (a reference point)."""
    out = list(mentions)
    for i in range(1, len(out)):
        first, second = out[i - 1], out[i]
        if first.role == "site" and second.role == "site" and \
                _BETWEEN.search(text[:first.start - offset]) and \
                re.fullmatch(r"\s+and\s+(?:the\s+)?",
                             text[first.end - offset:second.start - offset]):
            out[i - 1] = replace(first, near=True)
            out[i] = replace(second, role="reference", offset="between")
    return out


def _carried_roles(text: str, mentions: list[PlaceMention], offset: int) -> list[PlaceMention]:
    """The place an origin or a destination lies in has its role ("to X hospital in Y")."""
    out = list(mentions)
    for i in range(1, len(out)):
        inner, outer = out[i - 1], out[i]
        if inner.role in ("origin", "destination") and outer.role in ("site", "container") \
                and _IN.fullmatch(text[inner.end - offset:outer.start - offset]):
            out[i] = replace(outer, role=inner.role)
    return out


def _neighbourhoods(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """A neighbourhood with no container is a part of the one town the sentence names as a
    site: the town is the event's site."""
    towns = [m for m in mentions if m.role in ("site", "container") and
             m.descriptor in _TOWN_DESCRIPTORS and m.place is not None and
             m.place.precision <= 2]
    if len({m.place.gazetteer_id for m in towns if m.place is not None}) != 1:
        return mentions  # "Jaramana city ... the city of Jaramana": one town
    town = towns[0]
    return [replace(m, role="part", container=town.text) if m.role == "site" and
            not m.container and m.descriptor in SUBUNITS and m is not town else m
            for m in mentions]
