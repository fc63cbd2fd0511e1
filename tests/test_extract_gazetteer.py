"""Place mentions and candidates against the real embedded gazetteer (~235k places).

With the full GeoNames index ordinary capitalised words ("Arab", "State", "Human",
"Council") name some village somewhere; these snippets check that only real place
mentions become sites. The geocoder is loaded once per session; the tests are skipped
when the index has not been built (``python -m geo.geocoding.sources build``).
"""

from __future__ import annotations

import warnings
from datetime import date
from functools import lru_cache

import pytest

from geo.extract.lookup import make_lookup, spelling_index
from geo.extract.phrases import country_counts, focus_country, is_demonym
from geo.extract.pipeline import extract
from geo.extract.places import find_places
from geo.settings import load_settings

INDEX = load_settings().gazetteer_index_path


@lru_cache(maxsize=1)
def load_real_geocoder():
    """The app's default geocoder over the full index (loaded once per process)."""
    from geo.geocoding.geocoder import default_geocoder

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return default_geocoder()


@pytest.fixture(scope="session")
def real_geocoder():
    """The default geocoder with the embedded gazetteer index, or a skip."""
    if not INDEX.exists():
        pytest.skip(f"gazetteer index not built at {INDEX} "
                    "(run: python -m geo.geocoding.sources build)")
    return load_real_geocoder()


def _sites(geocoder, text, country="SY"):
    lookup = make_lookup(geocoder.geocode, country, [], spelling_index(geocoder))
    named = set(country_counts(text))
    return [m for m in find_places(text, lookup, country=country, named=named)
            if m.role == "site"]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Syrian Arab Army said it had repelled an attack by Arab tribes near "
     "Maarat al-Numan.", ["Maarat al-Numan"]),
    ("Fighters of the Kurdish-led SDF clashed with Turkish-backed forces, who shelled "
     "Tell Rifaat on Sunday.", ["Tell Rifaat"]),
    ("Residents said Russian jets struck Khan Sheikhoun, according to the Syrian "
     "Observatory for Human Rights.", ["Khan Sheikhoun"]),
    ("President Assad's forces shelled the village of Kafr Nabl, state media said.",
     ["Kafr Nabl"]),
    ("Free Syrian Army fighters and Islamic State militants exchanged fire outside al-Bab.",
     ["al-Bab"]),
    ("“We lost everything,” said Ahmed Hassan, a resident of Saraqeb.", ["Saraqeb"]),
    ("The Syrian Arab Red Crescent and the United Nations delivered aid to Douma.",
     ["Douma"]),
    ("Human Rights Watch said Syrian government forces dropped barrel bombs on Daraya.",
     ["Daraya"]),
    ("Clashes erupted in Idlib and Hama as Iraqi militias advanced towards Abu Kamal.",
     ["Idlib", "Hama", "Abu Kamal"]),
    ("Christian and Druze residents fled Suwayda as Bedouin fighters attacked the city.",
     ["Suwayda"]),
    # "from Deir ez-Zor" is where the elders come from (an origin, issue 12), not a site
    ("Mr Lavrov met Kurdish leaders in Qamishli and Arab tribal elders from Deir ez-Zor.",
     ["Qamishli"]),
    ("Syria has condemned airstrikes on the Arab country, the Syrian Arab Republic said.",
     []),
    ("Government forces recaptured Eastern Ghouta and the town of Harasta.", ["Harasta"]),
    ("The UN envoy warned of a massacre in Ghouta.", []),
    ("Sources told Reuters that the Tiger Forces had entered Kafr Zita.", ["Kafr Zita"]),
    ("Al Jazeera reported that Al-Masdar and Al Arabiya had seen the footage.", []),
    ("Aleppo was shelled overnight.", ["Aleppo"]),
    # an unknown name announced by a descriptor stays whole (unresolved, for review),
    # not a known part of it ("Saphir", "Tell")
    ("Shelling hit the town of Ain Saphir and the village of Tell Umbrix.",
     ["Ain Saphir", "Tell Umbrix"]),
    ("Western powers, Islamic groups and American officials met Sunni and Shia clerics.",
     []),
])
def test_only_real_place_mentions_are_sites(real_geocoder, text, expected):
    assert [m.text for m in _sites(real_geocoder, text)] == expected


def test_demonyms_and_peoples_are_not_places():
    for word in ("Arab", "Syrian", "Kurdish", "Russian", "American", "Iraqi", "Turkish",
                 "Lebanese", "Jordanian", "Iranian", "Sunni", "Druze", "Syrians"):
        assert is_demonym(word), word
    for word in ("Maan", "Raqqa", "Homs", "Jordan"):
        assert not is_demonym(word), word


def test_countries_and_seats_are_not_sites(real_geocoder):
    text = ("Militants fled from the al-Tanf region to neighbouring Jordan and to areas "
            "controlled by Damascus in Syria.")
    lookup = make_lookup(real_geocoder.geocode, "SY", [], spelling_index(real_geocoder))
    roles = {m.text: m.role for m in find_places(text, lookup, country="SY")}
    # where the militants fled from is their origin, not an incident site (issue 12)
    assert roles == {"al-Tanf region": "origin", "Jordan": "country", "Damascus": "seat",
                     "Syria": "country"}


def test_precision_of_named_sites_and_regions(real_geocoder):
    text = ("A source said smoke rose around the Rukban refugee camp in al-Tanf. "
            "Militants operating in the al-Tanf region fled. "
            "Shelling hit near Maarat al-Numan.")
    sites = {m.text: m for m in _sites(real_geocoder, text)}
    camp = sites["Rukban refugee camp"]
    assert camp.container == "al-Tanf" and not camp.near  # around a camp is at it
    assert camp.place.precision == 1
    assert sites["al-Tanf region"].near  # the region: precision 2
    assert sites["Maarat al-Numan"].near


REPORT = (
    "A local monitoring group said Russian jets struck Khan Sheikhoun on 4 April 2017, "
    "killing at least 20 people. The Syrian Arab Army said it had targeted militants. "
    "Turkish-backed forces shelled Tell Rifaat on April 6, wounding 5 civilians, the "
    "Kurdish-led SDF said. Arab tribes in the area denied any role. "
    "On April 9, the Syrian Ministry of Foreign Affairs condemned an airstrike by the "
    "US-led coalition on the village of Kafr Nabl in Idlib province. "
    "Syria has on numerous occasions condemned airstrikes in the Arab country."
)


def test_candidates_of_a_report_with_distractors(real_geocoder):
    assert focus_country(REPORT) == "SY"
    candidates = extract(REPORT, date(2017, 4, 30), geocoder=real_geocoder)
    by_place = {c.record["place"]: c.record for c in candidates}
    assert set(by_place) == {"Khan Sheikhoun", "Tell Rifaat", "Kafr Nabl"}
    khan = by_place["Khan Sheikhoun"]
    assert khan["event_type"] == "airstrike" and khan["geo_precision"] == 1
    assert khan["geocode_source"] == "geonames:168325" and khan["killed_min"] == 20
    assert (khan["date_start"], khan["claimed_by"]) == (date(2017, 4, 4),
                                                        "A local monitoring group")
    rifaat = by_place["Tell Rifaat"]
    assert rifaat["event_type"] == "shelling" and rifaat["date_start"] == date(2017, 4, 6)
    assert rifaat["claimed_by"] == "Kurdish-led SDF"  # the closing attribution
    assert rifaat["actors"] == "Turkish-backed forces"
    assert "Claimed by Kurdish-led SDF;" in rifaat["description"]
    kafr = by_place["Kafr Nabl"]
    assert kafr["event_type"] == "airstrike" and kafr["geo_precision"] == 1
    assert "Idlib" in kafr["description"]
    assert kafr["claimed_by"] == "Syrian Ministry of Foreign Affairs"
    # condemned on April 9: the event is not later, in the week up to the claim (round 3)
    assert (kafr["date_start"], kafr["date_end"]) == (date(2017, 4, 3), date(2017, 4, 9))
    assert "2017-04-09" in kafr["date_note"]
    assert all(c.record["country"] == "SY" for c in candidates)
