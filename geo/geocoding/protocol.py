"""What the rest of the engine asks of a geocoder: the declared interface.

:class:`geo.geocoding.geocoder.Geocoder` implements it; so do the small fakes of the
tests. Code that takes a geocoder annotates it with :class:`PlaceResolver`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from geo.geocoding.gazetteer import Gazetteer
from geo.geocoding.geocoder import GeocodeResult
from geo.geocoding.overrides import OverrideIndex


@runtime_checkable
class PlaceResolver(Protocol):
    """Resolves place names to ranked candidates.

    Attributes
    ----------
    gazetteer : Gazetteer or None
        The places it resolves against, for nearest-place naming of points that
        have coordinates but no place; None when it has no gazetteer of its own.
    overrides : OverrideIndex
        Analysts' corrections it consults first (empty when there are none).
    """

    @property
    def gazetteer(self) -> Gazetteer | None:
        """The gazetteer it resolves against, if it has one."""
        ...

    @property
    def overrides(self) -> OverrideIndex:
        """Analysts' corrections it consults first (a snapshot)."""
        ...

    def geocode(
        self,
        name: str,
        *,
        country: str | None = None,
        admin1: str | None = None,
        context: Sequence[str] = (),
    ) -> GeocodeResult:
        """Rank the places ``name`` may denote (see ``Geocoder.geocode``)."""
        ...
