"""The declared geocoder interface: the real geocoder and the tests' fakes both speak it."""

from geo.geocoding.geocoder import Geocoder
from geo.geocoding.overrides import OverrideStore
from geo.geocoding.protocol import PlaceResolver
from tests.helpers.fake_geocoder import FakeGeocoder
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import RAQQAH, StubGeocoder


def test_real_geocoder_and_fakes_are_place_resolvers():
    for coder in (Geocoder([RAQQAH]), StubGeocoder(), FakeGeocoder()):
        assert isinstance(coder, PlaceResolver)


def test_with_overrides_leaves_the_shared_geocoder_as_it_was(tmp_path):
    shared = Geocoder([RAQQAH])
    before = shared.overrides
    corrections = OverrideStore(tmp_path / "overrides.csv")
    corrections.add_correction("Raqqa", latitude=36.0, longitude=39.1, precision=1,
                               who=ANALYST)
    corrected = shared.with_overrides(corrections)
    assert shared.overrides is before and not len(shared.overrides)
    assert corrected.geocode("Raqqa").source.startswith("override:")
    assert shared.geocode("Raqqa").source == RAQQAH.gazetteer_id
    assert corrected.gazetteer is shared.gazetteer  # the index is shared, not rebuilt
