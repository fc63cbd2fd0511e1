"""A small invented gazetteer behind the geocoder seam, for extraction tests."""

from __future__ import annotations

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Candidate, GeocodeResult
from geo.geocoding.names import basic_key
from geo.geocoding.overrides import OverrideStore


def _place(pid, name, aliases, lat, lon, kind, country, precision=1, admin1="Testland"):
    return Place(f"test:{pid}", name, tuple(aliases), lat, lon, kind, country, admin1, precision)


PLACES = [
    _place("qasra", "al-Qasra", ["Al Qasra", "Qasra", "Ash-Qasra"], 35.1, 40.1, "town", "SY"),
    _place("nahr", "Nahr Camp", ["Nahr refugee camp", "Nahr"], 33.2, 38.2, "camp", "SY"),
    _place("kafr", "Kafr Zeit", ["Kafr Zait"], 35.5, 36.5, "village", "SY"),
    _place("wadi", "Wadi Salam garrison", ["Wadi Salam", "Wadi Salam region"], 34.0, 39.0,
           "military base", "SY"),
    _place("twin-sy", "Tell Hamra", [], 36.0, 41.0, "village", "SY"),
    _place("twin-iq", "Tell Hamra", [], 36.5, 42.0, "village", "IQ"),
    _place("hamidiyah", "Hamidiyah", [], 35.3, 40.3, "village", "SY"),
    _place("zeta", "Zeta", [], 55.0, 37.0, "village", "RU"),
    _place("damascus", "Damascus", [], 33.51, 36.29, "city", "SY"),
    _place("baghdad", "Baghdad", [], 33.34, 44.4, "city", "IQ"),
    _place("syria", "Syria", [], 35.0, 38.0, "country", "SY", 4, ""),
    _place("iraq", "Iraq", [], 33.0, 44.0, "country", "IQ", 4, ""),
    _place("jordan", "Jordan", [], 31.0, 36.0, "country", "JO", 4, ""),
]


class FakeGeocoder:
    """Exact-key matching, the same answer types as geo.geocoding.geocoder.Geocoder."""

    gazetteer = None
    overrides = OverrideStore(None)

    def __init__(self, places=PLACES):
        self.calls: list[tuple[str, str | None]] = []
        self._index: dict[str, list[Place]] = {}
        for place in places:
            for key in {basic_key(spelling) for spelling in place.spellings}:
                self._index.setdefault(key, []).append(place)

    def geocode(self, name, *, country=None, admin1=None, context=()):
        self.calls.append((name, country))
        matches = self._index.get(basic_key(name), [])
        if country:
            matches = [p for p in matches if p.country == country]
        if not matches:
            return GeocodeResult(name, "unresolved")
        status = "resolved" if len(matches) == 1 else "ambiguous"
        return GeocodeResult(name, status, tuple(Candidate(p, 1 / len(matches)) for p in matches))


def invented_place(pid, name, aliases, lat, lon, kind="town", admin1="Testland", precision=1,
                   country="SY", population=0):
    """One more invented place for a test module's own gazetteer (``test:<pid>``)."""
    return Place(f"test:{pid}", name, tuple(aliases), lat, lon, kind, country, admin1, precision,
                 population=population)


def extract_with(text, published, extra):
    """The candidates ``extract`` finds in ``text`` with :data:`PLACES` plus ``extra``."""
    from geo.extract.pipeline import extract

    return extract(text, published, geocoder=FakeGeocoder([*PLACES, *extra]))


def resolved_mention(text, place, start=0, **kw):
    """A mention of ``text`` at ``start`` in the article, resolved to ``place`` (None: a
    name the geocoder did not find)."""
    from geo.extract.places import PlaceMention

    result = GeocodeResult(text, "resolved", (Candidate(place, 1.0),)) if place else None
    return PlaceMention(start, start + len(text), text, text, result=result, **kw)


def resolved_at_site(candidates, place):
    """The extracted candidates resolved at site precision at ``place``'s point."""
    return [c for c in candidates if c.geocode_status == "resolved" and
            c.record["geo_precision"] == 1 and c.record["latitude"] == place.latitude]
