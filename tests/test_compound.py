import pytest

from geo.geocoding.compound import is_generic, parse_place


@pytest.mark.parametrize(
    ("text", "names", "kind", "precision"),
    [
        ("Teir Maaleh village", ("Teir Maaleh",), "village", 1),
        ("Tadmur/Palmyra town", ("Tadmur", "Palmyra"), "town", 1),
        ("Izz ad-Din (Ezzeddin) village", ("Izz ad-Din", "Ezzeddin"), "village", 1),
        ("Aleppo countryside", ("Aleppo",), "countryside", 3),
        ("countryside of Idlib", ("Idlib",), "countryside", 3),
        ("Homs province", ("Homs",), "province", 3),
        ("Al Bab district", ("Al Bab",), "district", 2),
        ("Saqba suburb", ("Saqba",), "suburb", 1),
        ("Raqqa outskirts", ("Raqqa",), "outskirts", 2),
    ],
)
def test_suffix_words_become_a_kind_and_an_honest_precision(text, names, kind, precision):
    parsed = parse_place(text)
    assert (parsed.names, parsed.kind, parsed.precision) == (names, kind, precision)


@pytest.mark.parametrize("text", ["near Raqqa", "10 km west of Tabqa", "about 5 km north of Raqqa"])
def test_relative_places_are_approximate(text):
    parsed = parse_place(text)
    assert parsed.precision == 2 and parsed.relation in ("near", "distance")
    assert parsed.names[0] in ("Raqqa", "Tabqa")


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [("Shair gas field", "gas field", "Shair gas field"),
     ("128th Brigade", "brigade", "128th brigade"),
     ("Tiyas Military Airbase (T4)", "airbase", "Tiyas airbase"),
     ("Tishrin Dam", "dam", "Tishrin dam"),
     ("Zalin checkpoint", "checkpoint", "Zalin checkpoint")],
)
def test_facilities_are_their_own_class(text, kind, canonical):
    parsed = parse_place(text)
    assert parsed.facility and parsed.kind == kind and parsed.canonical == canonical


@pytest.mark.parametrize("text", ["village", "the city", "Town", "  the area ", "countryside"])
def test_generic_words_are_no_name(text):
    assert is_generic(text) and parse_place(text).generic


def test_a_direction_names_part_of_a_region_but_stays_in_a_village_name():
    assert parse_place("Northern Aleppo Governorate").direction == "north"
    assert parse_place("East Farahaniah village").names == ("East Farahaniah",)
