"""Round 8 of issue 12: rules that keep precision on unseen reports (invented sentences)."""

from __future__ import annotations

from geo.extract.containers import inside_container
from geo.extract.places import PlaceMention
from geo.geocoding.geocoder import Candidate, GeocodeResult
from tests.helpers.fake_geocoder import invented_place


def _mention(text, place, **kw):
    result = GeocodeResult(text, "resolved", (Candidate(place, 1.0),)) if place else None
    return PlaceMention(0, len(text), text, text, result=result, **kw)


def test_a_part_giving_way_to_its_container_keeps_its_doubt():
    town = invented_place("zor", "Zorava", [], 35.0, 40.0)
    far_part = invented_place("qus", "Qusara", [], 36.0, 41.0)  # found 140 km away
    outer = _mention("Zorava", town, role="container")
    part = _mention("Qusara district", far_part, descriptor="district", container="Zorava",
                    unsure=True)
    moved = inside_container(part, [part, outer])
    assert moved.place == town and moved.near
    assert moved.unsure  # the honesty rule's doubt about the part is not lost


def test_a_part_giving_way_to_a_sure_container_stays_sure():
    town = invented_place("zor", "Zorava", [], 35.0, 40.0)
    outer = _mention("Zorava", town, role="container")
    part = _mention("Qusara district", None, descriptor="district", container="Zorava")
    moved = inside_container(part, [part, outer])
    assert moved.place == town and moved.near and not moved.unsure
