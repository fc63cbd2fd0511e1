"""geo.extract.doubt: the round-13 rules one at a time, on invented sentences and drafts."""

from __future__ import annotations

from datetime import date

from geo.extract.casualties import Casualties
from geo.extract.claims import Attribution
from geo.extract.dates import DateSpan
from geo.extract.doubt import background_sites, doubtful_mentions, namesakes_apart
from geo.extract.report import Draft
from tests.helpers.fake_geocoder import invented_place, resolved_mention

ORSA = invented_place("orsa", "Orsa", [], 35.5, 36.9)
ORSA_FAR = invented_place("orsa2", "Orsa", [], 33.3, 36.1)
KAFRA = invented_place("kafra", "Kafra", [], 35.52, 36.92)


def _mentions(text, *names, place=ORSA):
    return [resolved_mention(name, place, text.index(name)) for name in names]


def _draft(mention, when=None, killed=None):
    return Draft([0], mention, "airstrike", [], -1, Attribution(None, (0, 0)), when, "",
                 Casualties(killed_min=killed, killed_max=killed,
                            spans=[(0, 1)] if killed else []), [], [], False)


def test_the_vicinity_and_suburbs_of_a_place_are_near_it():
    for text in ("a convoy heading to the dam located in the vicinity of Orsa",
                 "fighting in the eastern suburbs of the city of Orsa"):
        (m,) = doubtful_mentions(text, _mentions(text, "Orsa"))
        assert m.near and m.role == "site"
    (m,) = doubtful_mentions("shelling in Orsa", _mentions("shelling in Orsa", "Orsa"))
    assert not m.near


def test_an_allegiance_names_a_side():
    for text in ("fighters loyal to Orsa", "a militia backed by Orsa", "groups allied with Orsa"):
        (m,) = doubtful_mentions(text, _mentions(text, "Orsa"))
        assert m.role == "person"
    (m,) = doubtful_mentions("shelling close to Orsa", _mentions("shelling close to Orsa", "Orsa"))
    assert m.role == "site"


def test_an_administrative_parent_is_a_container():
    text = "the village, which is administratively affiliated to Orsa city"
    (m,) = doubtful_mentions(text, _mentions(text, "Orsa"))
    assert m.role == "container"


def test_the_goal_of_an_intention_is_unsure():
    for text in ("troops who had aimed to capture Orsa", "an attempt to storm the town of Orsa"):
        (m,) = doubtful_mentions(text, _mentions(text, "Orsa"))
        assert m.unsure
    (m,) = doubtful_mentions("troops captured Orsa", _mentions("troops captured Orsa", "Orsa"))
    assert not m.unsure


def test_names_in_apposition_to_a_destination_are_destinations():
    text = "civilians fled towards areas under army control – the villages of Orsa and Kafra"
    mentions = _mentions(text, "Orsa") + _mentions(text, "Kafra", place=KAFRA)
    assert [m.role for m in doubtful_mentions(text, mentions)] == ["destination"] * 2
    text = "jets struck the market – the villages of Orsa and Kafra"
    mentions = _mentions(text, "Orsa") + _mentions(text, "Kafra", place=KAFRA)
    assert [m.role for m in doubtful_mentions(text, mentions)] == ["site"] * 2


def test_one_name_at_two_points_is_unsure():
    near = resolved_mention("Orsa area", ORSA, 0)
    far = resolved_mention("Orsa", ORSA_FAR, 40)
    drafts = [_draft(near), _draft(far)]
    namesakes_apart(drafts)
    assert [d.site.unsure for d in drafts] == [True, True]
    same = [_draft(resolved_mention("Orsa", ORSA, 0)), _draft(resolved_mention("Orsa", ORSA, 9))]
    namesakes_apart(same)
    assert [d.site.unsure for d in same] == [False, False]


def test_a_month_long_before_publication_is_background():
    march_2013 = DateSpan(date(2013, 3, 1), date(2013, 3, 31), "month")
    drafts = [_draft(resolved_mention("Orsa", ORSA), march_2013),
              _draft(resolved_mention("Orsa", ORSA), march_2013, killed=4),
              _draft(resolved_mention("Orsa", ORSA), DateSpan(date(2013, 3, 5),
                                                              date(2013, 3, 5), "day"))]
    background_sites(drafts, date(2017, 1, 7))
    assert [d.site.unsure for d in drafts] == [True, False, False]
    recent = [_draft(resolved_mention("Orsa", ORSA), march_2013)]
    background_sites(recent, date(2013, 6, 1))
    assert not recent[0].site.unsure


def test_fieldwork_is_a_visit_with_no_event_word():
    from geo.extract.doubt import is_fieldwork
    from geo.extract.events import find_events

    visit = "The team visited the towns of Orsa and Kafra and interviewed 65 victims."
    assert is_fieldwork(visit, find_events(visit))
    strike = "The team visited Orsa, which jets struck on Monday."
    assert not is_fieldwork(strike, find_events(strike))
    speakers = "Residents who spoke to reporters said 3 people died in Orsa."
    assert not is_fieldwork(speakers, find_events(speakers))
