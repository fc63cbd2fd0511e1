"""Binding the geocoder to one report: its country, its names, a cache, the spellings known.

:func:`make_lookup` gives the ``(name, cued) -> GeocodeResult`` callable that
:func:`geo.extract.places.find_places` resolves names with; :func:`spelling_index` tells
whether the gazetteer holds a spelling at all (names with no cue are looked up only then).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from geo.extract.phrases import STRONG_QUALITY
from geo.geocoding.geocoder import GeocodeResult
from geo.geocoding.protocol import PlaceResolver

Lookup = Callable[..., GeocodeResult]
"""``(name, cued=True) -> GeocodeResult``: geocode one name (the caller binds country and
context); ``cued`` says whether the text announces a place there."""


def make_lookup(
    geocode: Callable[..., GeocodeResult],
    country: str,
    context: Sequence[str],
    known: Callable[[str], bool] | None = None,
    reuse: dict[str, GeocodeResult] | None = None,
) -> Lookup:
    """Bind a geocoder's ``geocode`` to a report: its country, its names, a cache.

    Parameters
    ----------
    geocode : callable
        :meth:`geo.geocoding.geocoder.Geocoder.geocode`.
    country : str
        The report's focus country ("" for none); a name not found there, or found
        there only as a loose (fuzzy, skeleton) match while its exact spelling names a
        place elsewhere, is looked up worldwide.
    context : sequence of str
        Other place names of the report, passed to the geocoder for ranking.
    known : callable, optional
        ``name -> bool``: whether the gazetteer has the name's exact or normalised
        spelling (see :func:`spelling_index`). A name with no cue before it is
        looked up only then: the geocoder's loose matching is slow and its answers
        for an uncued word are not taken anyway.
    reuse : dict, optional
        Answers of an earlier lookup of the same report (its cache, filled in
        place): the ones with a single candidate are kept, as context cannot
        change them.

    Returns
    -------
    callable
        ``(name, cued=True) -> GeocodeResult``, cached per name.
    """
    cache: dict[str, GeocodeResult] = {}
    if reuse is not None:
        cache.update((k, v) for k, v in reuse.items() if len(v.candidates) <= 1)
    context = tuple(context)
    misses: set[str] = set()

    def lookup(name: str, cued: bool = True) -> GeocodeResult:
        if name in cache:
            return cache[name]
        if not cued and name in misses:
            return GeocodeResult(name, "unresolved")
        spelled = known is None or known(name)
        if not cued and not spelled:
            misses.add(name)
            return GeocodeResult(name, "unresolved")
        others = [c for c in context if c != name]
        result = geocode(name, country=country or None, context=others)
        top = result.candidates[0] if result.candidates else None
        loose = top is None or top.quality < STRONG_QUALITY
        if country and spelled and (result.status == "unresolved" or
                                    (known is not None and loose)):
            home = result
            wider = geocode(name, context=others)
            if wider.status != "unresolved" and (result.status == "unresolved" or (
                    wider.candidates and wider.candidates[0].quality >= STRONG_QUALITY)):
                result = wider
            if cued and result.status != "resolved":
                folded = _folded_at_home(home, country)  # round 12
                if folded is not None:
                    cache[name] = folded  # not reused: the report's context may resolve it
                    return folded
        cache[name] = result
        if reuse is not None:
            reuse[name] = result
        return result

    return lookup


#: Round 12: a note on a name found in the report's country only after folding its spelling
#: ("Ras al-Ain" for "Ra's al 'Ayn"), with no exact match there or elsewhere: for review.
FOLDED_AT_HOME = ("the one place of this spelling in the report's country, matched after "
                  "folding its spelling: for review")


def _folded_at_home(home: GeocodeResult, country: str) -> GeocodeResult | None:
    """The report's country's one candidate of a folded spelling, as a point for review.

    The geocoder leaves a short name it matched only after folding unresolved ("a short
    name matched only after folding its spelling ... to review") and the worldwide look-up
    then finds it ambiguous abroad. A cued name with exactly one such candidate in the
    report's country keeps that point, marked :data:`FOLDED_AT_HOME` (never resolved at
    site precision: see :func:`geo.extract.places.find_places`). It is not handed on to
    the report's second look-up (``reuse``), where the report's other names may check it.
    """
    inside = [c for c in home.candidates if c.place.country == country]
    if home.status != "unresolved" or len(inside) != 1 or len(home.candidates) != 1 or \
            inside[0].quality < STRONG_QUALITY:
        return None
    return replace(home, status="resolved", source=inside[0].place.gazetteer_id,
                   notes=(*home.notes, FOLDED_AT_HOME))


def spelling_index(geocoder: PlaceResolver) -> Callable[[str], bool] | None:
    """``name -> bool``: the gazetteer (or an analyst's correction) has this spelling.

    Parameters
    ----------
    geocoder : PlaceResolver
        A geocoder; one without a gazetteer of its own gives None.

    Returns
    -------
    callable or None
        Tests a name's exact and normalised keys (:func:`geo.geocoding.names.name_keys`),
        the keys the geocoder's first stages look up; None when the geocoder has no
        gazetteer to read them from.
    """
    gazetteer = geocoder.gazetteer
    if gazetteer is None:
        return None
    from geo.geocoding.names import name_keys
    from geo.geocoding.overrides import override_key

    corrected = frozenset(o.key[0] for o in geocoder.overrides.active())

    def known(name: str) -> bool:
        # hash lookups in the compact index: nothing is materialised per spelling
        exact_key, norm_key, _ = name_keys(name)
        if exact_key and gazetteer.lookup("exact", exact_key):
            return True
        if norm_key and gazetteer.lookup("norm", norm_key):
            return True
        return bool(corrected) and override_key(name, None, None)[0] in corrected

    return known


