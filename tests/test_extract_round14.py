"""Round 14 of issue 12: general readings found on heldout12's far points and misses
(invented sentences and an invented gazetteer)."""

from __future__ import annotations

from datetime import date

import numpy as np

from geo.extract.candidate_model import UNJUDGED, CandidateModel, LinearScore, judge
from geo.extract.captions import is_photo_caption
from geo.extract.dates import find_dates
from geo.extract.phrases import focus_country
from geo.extract.text import split_sentences
from tests.helpers.fake_geocoder import PLACES, extract_with, invented_place, resolved_at_site
from tests.test_extract_resolve_policy import _doubts, _mention

TUESDAY = date(2023, 6, 20)
DAMASCUS = next(p for p in PLACES if p.gazetteer_id == "test:damascus")
ORSA = invented_place("orsa", "Orsa", [], 35.50, 36.90, admin1="Northland")
KAFRA = invented_place("kafra", "Kafra", [], 35.55, 36.95, admin1="Northland")
VERDAN = invented_place("verdan", "Verdan", [], 35.90, 36.60, admin1="Verdan")
TAL = invented_place("tal", "Tal", [], 33.00, 35.90, admin1="Southland")
TOWNS = [ORSA, KAFRA, VERDAN, TAL]


def _places(found):
    return [c.record["place"] for c in found]


# --- far points ---------------------------------------------------------------------------

def test_a_caption_credited_with_a_colon_is_a_caption():
    text = ("Security forces entering the western city of Orsa to reinforce troops in clashes "
            "with militants, on March 7, 2023. Photo: SANA/AFP\n"
            "Two soldiers were killed on Tuesday in Kafra.")
    sentences = split_sentences(text)
    assert is_photo_caption(sentences, 0)
    found = extract_with(text, TUESDAY, TOWNS)
    assert "Orsa" not in _places(found) and "Kafra" in _places(found)


def test_a_credit_on_the_captions_own_line_and_a_label_that_is_no_credit():
    text = "Smoke rises over Orsa after the strike. Photo: Jane Roe/Reuters"
    assert is_photo_caption(split_sentences(text), 0)
    text = "Jets struck Orsa on Tuesday, killing two. War: a new phase begins in the north."
    assert not is_photo_caption(split_sentences(text), 0)


def test_years_ago_is_that_year_and_months_ago_that_month():
    [years] = [d.span for d in find_dates("He led the assault on the town about 7 years ago.",
                                          TUESDAY)]
    assert (years.start, years.end, years.precision) == (date(2016, 1, 1), date(2016, 12, 31),
                                                         "year")
    [months] = [d.span for d in find_dates("The town was shelled two months ago.", TUESDAY)]
    assert (months.start, months.end, months.precision) == (date(2023, 4, 1),
                                                            date(2023, 4, 30), "month")
    [days] = [d.span for d in find_dates("The town was shelled three days ago.", TUESDAY)]
    assert days.start == days.end == date(2023, 6, 17)  # unchanged


def test_an_event_years_ago_is_history_not_a_resolved_site():
    text = ("The officer commanded units in several cities and was at the front when the army "
            "liberated the city of Orsa about seven years ago.")
    found = extract_with(text, TUESDAY, TOWNS)
    assert not resolved_at_site(found, ORSA)
    for cand in found:
        assert cand.record["date_end"] is None or cand.record["date_end"].year == 2016


def test_a_capitals_deed_is_its_government_not_a_site():
    text = ("Due to Damascus' ferocious assault on rebel areas, the volunteers mostly deal with "
            "the aftermath of air attacks on Orsa.")
    found = extract_with(text, TUESDAY, TOWNS)
    assert "Damascus" not in _places(found)
    text = "Shelling hit Damascus on Tuesday, killing two."
    assert "Damascus" in _places(extract_with(text, TUESDAY, TOWNS))


def test_the_place_a_force_is_fortified_in_is_where_fire_came_from():
    text = ("Three rocket shells fired by terrorists who were fortified in Kafra fell on Orsa "
            "on Tuesday, killing two.")
    found = extract_with(text, TUESDAY, TOWNS)
    assert "Orsa" in _places(found) and "Kafra" not in _places(found)


def test_a_name_read_short_is_partial():
    text = "A mine went off near children in Tal al-kaba'a on Tuesday, killing one."
    doubts = _doubts(text, _mention(text, "Tal", TAL), trigger="went off")
    assert doubts is not None and doubts.partial
    text = "A mine went off near children in Tal on Tuesday, killing one."
    doubts = _doubts(text, _mention(text, "Tal", TAL), trigger="went off")
    assert doubts is not None and not doubts.partial


def test_a_place_in_a_title_line_listing_places_is_a_roundup():
    title = "19 civilians killed in terrorist attacks in Orsa, Kafra, Verdan, and Damascus"
    text = title + "\nShelling killed five in Orsa on Friday."
    located = [_mention(text, n, p) for n, p in (("Orsa", ORSA), ("Kafra", KAFRA),
                                                 ("Verdan", VERDAN))]
    site = _mention(text, "Damascus", DAMASCUS)
    doubts = _doubts(text, site, located, trigger="attacks")
    assert doubts is not None and doubts.roundup
    sentence = title + "."  # a sentence, not a title: left to ``listed``
    located = [_mention(sentence, n, p) for n, p in (("Orsa", ORSA), ("Kafra", KAFRA),
                                                     ("Verdan", VERDAN))]
    doubts = _doubts(sentence, _mention(sentence, "Damascus", DAMASCUS), located,
                     trigger="attacks")
    assert doubts is not None and not doubts.roundup


def test_a_resolved_roundup_site_goes_to_review():
    text = ("Four civilians killed in attacks in Orsa, Kafra, Verdan and Damascus\n"
            "Shells fired by militants killed four civilians on Tuesday in Orsa.")
    found = extract_with(text, TUESDAY, TOWNS)
    assert not resolved_at_site(found, DAMASCUS)


# --- the country vote -----------------------------------------------------------------------

def test_a_country_named_only_as_an_actor_is_not_the_reports_country():
    text = ("The Russian reconciliation center said militants shelled two villages. "
            "Russian forces returned fire, the Russian Center for Reconciliation said. "
            "The Russian military urged restraint. Residents of the Syrian town fled.")
    assert focus_country(text) == "SY"
    assert focus_country("Russian forces shelled the town. Russian jets struck it again.") == ""
    assert focus_country("Jets struck a town in Turkey near the Syrian border. "
                         "Turkey said Turkish villages were hit.") == "TR"


# --- the learned scorer ---------------------------------------------------------------------

def test_a_siteless_candidate_is_never_set_aside():
    model = CandidateModel(("type=shelling", UNJUDGED),
                           LinearScore(np.array([-10.0, -10.0]), 0.0, 0.5),
                           LinearScore(np.array([0.0, 0.0]), 0.0, 0.0))
    rows = [{"type=shelling": 1.0}, {"type=shelling": 1.0, UNJUDGED: 1.0}]
    verdicts = judge(rows, [True, False], model, act=True)
    assert [v.set_aside for v in verdicts] == [True, False]
    assert verdicts[1].keep is not None and verdicts[1].keep < 0.5  # scored all the same


# --- a person's surname ---------------------------------------------------------------------

def test_a_surname_the_report_introduced_is_the_person_not_the_city():
    from geo.extract.lookup import make_lookup
    from geo.extract.places import find_places, surnames
    from tests.helpers.fake_geocoder import FakeGeocoder

    hasar = invented_place("hasar", "Hasar", [], 36.50, 40.70, kind="city", admin1="Hasar",
                           population=400_000)
    text = ("Eight civilians were killed in strikes on Kafra, said Birusk Hasar, a spokesman for "
            "the local council.")
    assert surnames(text) == {"hasar"}
    lookup = make_lookup(FakeGeocoder([*PLACES, hasar]).geocode, "SY", (), None, {})

    def names(sentence, people):
        return [m.name for m in find_places(sentence, lookup, 0, "SY", {"SY"}, people=people)]

    sentence = "In pictures sent by Hasar to reporters, rescuers could be seen retrieving bodies."
    assert names(sentence, ()) == ["Hasar"] and names(sentence, {"hasar"}) == []
    # where the text announces a place, it is the city
    assert names("Shelling hit Hasar on Saturday.", {"hasar"}) == ["Hasar"]
    assert names("Two were killed in Hasar on Saturday.", {"hasar"}) == ["Hasar"]
