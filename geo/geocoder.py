"""Place names (with context) to ranked candidates; the seam every caller uses.

This first version resolves exact normalised matches against the project's own
place file. The full gazetteer and ranking replace the inside of ``Geocoder``;
callers rely only on ``Geocoder.geocode``, ``Geocoder.place`` and the result types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from geo.gazetteer import Place, build_name_index, load_place_file
from geo.names import basic_key
from geo.settings import Settings, load_settings

Status = Literal["resolved", "ambiguous", "unresolved"]


@dataclass(frozen=True)
class Candidate:
    """A place a name may denote, with how well it matches.

    Attributes
    ----------
    place : Place
        The gazetteer entry.
    score : float
        Confidence in [0, 1].
    """

    place: Place
    score: float


@dataclass(frozen=True)
class GeocodeResult:
    """The answer for one name.

    Attributes
    ----------
    query : str
        The name as given.
    status : {"resolved", "ambiguous", "unresolved"}
        Only ``resolved`` results are placed on the map without review.
    candidates : tuple of Candidate
        Ranked best first; the alternatives passed over follow the best.
    """

    query: str
    status: Status
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    @property
    def best(self) -> Candidate | None:
        """The chosen candidate, or None when the name is not resolved."""
        if self.status != "resolved" or not self.candidates:
            return None
        return self.candidates[0]


class Geocoder:
    """Resolve place names against a list of places.

    Parameters
    ----------
    places : sequence of Place
        The gazetteer.
    """

    def __init__(self, places: Sequence[Place]) -> None:
        self._places = {p.gazetteer_id: p for p in places}
        self._index = build_name_index(list(places))

    def place(self, gazetteer_id: str) -> Place | None:
        """Return the gazetteer entry with this id, if any."""
        return self._places.get(gazetteer_id)

    def geocode(
        self,
        name: str,
        *,
        country: str | None = None,
        admin1: str | None = None,
        context: Sequence[str] = (),
    ) -> GeocodeResult:
        """Rank the places ``name`` may denote.

        Parameters
        ----------
        name : str
            Place name as written in the source.
        country : str, optional
            ISO alpha-2 code of the country the source is about.
        admin1 : str, optional
            First-level administrative area, when the record gives it.
        context : sequence of str
            Other place names of the same record or text.

        Returns
        -------
        GeocodeResult
        """
        matches = list(self._index.get(basic_key(name), []))
        if country:
            matches = [p for p in matches if p.country == country.upper()]
        if not matches:
            return GeocodeResult(name, "unresolved")
        candidates = tuple(
            Candidate(p, 1.0 / len(matches))
            for p in sorted(matches, key=lambda p: (p.precision, -p.population))
        )
        status: Status = "resolved" if len(matches) == 1 else "ambiguous"
        return GeocodeResult(name, status, candidates)


def default_geocoder(settings: Settings | None = None) -> Geocoder:
    """Build the geocoder the app uses by default.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to ``load_settings()``.

    Returns
    -------
    Geocoder
    """
    settings = settings or load_settings()
    return Geocoder(load_place_file(settings.places_path))
