"""The spellings a search term stands for: one rule for every path that searches.

A term that names a place finds the incidents at every spelling of that place. The map
page (frame and store mode), the export and ``python -m geo.query`` all build their
:data:`geo.view.search.PlaceSpellings` with :func:`search_spellings`, so that a term
finds the same incidents in each.

The rule: a term takes the spellings of the place each of these resolves it to, in
turn, and keeps them all:

1. the geocoder as it is (analysts' corrections, places learned from imports);
2. the same without the learned places (:func:`curated_geocode`);
3. the gazetteer alone, without corrections either (:func:`gazetteer_geocode`).

So a learned place ("Ar Raqqah" as one source writes it) or a correction (a pin placed
for "Raqqah", which knows only its own spelling) adds spellings, and never hides the
gazetteer place's others.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, cast

from geo.geocoding.overrides import OverrideIndex
from geo.view.search import PlaceSpellings

Geocode = Callable[..., object]
"""``geocode(name, country=...)`` returning a result with ``status`` and ``best``."""


def search_spellings(geocoder: object, countries: Sequence[str] = ()) -> PlaceSpellings:
    """The :data:`PlaceSpellings` of a geocoder, by the rule of this module.

    Parameters
    ----------
    geocoder : object
        A geocoder (``geocode`` method; see :func:`curated_geocode` and
        :func:`gazetteer_geocode` for what else it may offer).
    countries : sequence of str
        Countries of the data, most frequent first (see :func:`geocoder_spellings`).

    Returns
    -------
    callable
        Cached per term.
    """
    geocode = cast(Geocode, geocoder.geocode)  # type: ignore[attr-defined]
    return geocoder_spellings(geocode, countries, curated_geocode(geocoder),
                              gazetteer_geocode(geocoder))


def geocoder_spellings(
    geocode: Geocode,
    countries: Sequence[str] = (),
    curated: Geocode | None = None,
    gazetteer: Geocode | None = None,
) -> PlaceSpellings:
    """A :data:`PlaceSpellings` from ``geocode`` functions, cached per term.

    Parameters
    ----------
    geocode : callable
        ``geocode(name, country=...)`` returning a result with ``status`` and ``best``
        (a candidate whose ``place`` has ``spellings``).
    countries : sequence of str
        Countries of the data, most frequent first: a term is looked up in each
        until one resolves it ("Palmyra" in Syria, not in the United States), then
        anywhere.
    curated : callable, optional
        The same without the places learned from imports.
    gazetteer : callable, optional
        The same without the analysts' corrections either.

    Returns
    -------
    callable
        A term gets the spellings of the place each resolves it to; only names a
        geocoder resolves count as places (ambiguous ones do not).
    """
    cache: dict[str, tuple[str, ...]] = {}
    geocoders = tuple(g for g in (gazetteer, curated, geocode) if g is not None)

    def spellings(term: str) -> Sequence[str]:
        if term not in cache:
            found: dict[str, None] = {}  # in order, once each
            for each in geocoders:
                found.update(dict.fromkeys(_resolved_spellings(each, term, countries)))
            if len(cache) > 10_000:
                cache.clear()
            cache[term] = tuple(found)
        return cache[term]

    return spellings


def _resolved_spellings(geocode: Geocode, term: str, countries: Sequence[str]
                        ) -> tuple[str, ...]:
    """Spellings of the place ``geocode`` resolves ``term`` to, in the first country that
    resolves it (then anywhere); empty when none does."""
    for country in (*countries, None):
        result = geocode(term, country=country)
        best = getattr(result, "best", None)
        if best is not None and getattr(result, "status", "resolved") == "resolved":
            return tuple(best.place.spellings)
    return ()


def curated_geocode(geocoder: object) -> Geocode | None:
    """``geocode`` of a geocoder's curated gazetteer, without its learned places.

    Parameters
    ----------
    geocoder : object
        A geocoder. One that offers ``curated_geocode`` itself (the pages' lazy
        geocoder) gives that; one with learned places (``learned_revision`` set and
        ``with_learned``) gives, built on first use, ``with_learned(None).geocode``.

    Returns
    -------
    callable or None
        None when the geocoder knows no learned places (it is the curated one).
    """
    own = getattr(geocoder, "curated_geocode", None)
    if callable(own):
        return cast(Geocode, own)
    without = getattr(geocoder, "with_learned", None)
    if getattr(geocoder, "learned_revision", None) is None or not callable(without):
        return None
    return _built_on_first_use(lambda: without(None))


def gazetteer_geocode(geocoder: object) -> Geocode | None:
    """``geocode`` of a geocoder's gazetteer alone: no corrections, no learned places.

    Parameters
    ----------
    geocoder : object
        A geocoder. One that offers ``gazetteer_geocode`` itself (the pages' lazy
        geocoder) gives that; one with corrections (non-empty ``overrides`` and
        ``with_overrides``) gives, built on first use, the same geocoder with no
        corrections and (with ``with_learned``) no learned places.

    Returns
    -------
    callable or None
        None when the geocoder has no corrections (the other geocodes answer alike).
    """
    own = getattr(geocoder, "gazetteer_geocode", None)
    if callable(own):
        return cast(Geocode, own)
    overrides = getattr(geocoder, "overrides", None)
    replace = getattr(geocoder, "with_overrides", None)
    if overrides is None or not len(overrides) or not callable(replace):
        return None

    def build() -> object:
        plain = replace(OverrideIndex())
        if getattr(plain, "learned_revision", None) is not None:
            plain = plain.with_learned(None)
        return plain

    return _built_on_first_use(build)


def _built_on_first_use(build: Callable[[], Any]) -> Geocode:
    """A ``geocode`` of the geocoder ``build()`` gives, built once, on the first call."""
    built: list[Any] = []
    lock = threading.Lock()

    def geocode(name: str, **context: object) -> object:
        with lock:
            if not built:
                built.append(build())
        return built[0].geocode(name, **context)

    return geocode
