"""The fake geocoder of the extraction tests speaks the geocoder seam."""

from tests.helpers.fake_geocoder import FakeGeocoder


def test_fake_geocoder_answers_like_the_seam():
    fake = FakeGeocoder()
    assert fake.geocode("Al Qasra").best.place.gazetteer_id == "test:qasra"
    assert fake.geocode("Tell Hamra").status == "ambiguous"
    assert fake.geocode("Nowhere").best is None
