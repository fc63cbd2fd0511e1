"""Event types and actors (geo.extract.events)."""

import pytest

from geo.extract.events import canonical_actor, find_actors, find_events, primary_event
from geo.vocab import EVENT_TYPES


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Jets carried out an air strike on the bridge.", "airstrike"),
    ("A car bomb went off near the market.", "bombing"),
    ("Artillery fire pounded the suburbs.", "shelling"),
    ("Clashes erupted between two factions.", "clashes"),
    ("Villagers said the men were executed in the square.", "massacre"),
    ("Witnesses reported cluster munitions in the fields.", "use of prohibited weapons"),
    ("Fighters were seen burning the bodies of the dead.", "desecration of bodies"),
    ("Insurgents tried to break through the cordon.", "armed movement"),
    ("Thousands of families were displaced by the floods of war.", "displacement"),
    ("The town has been under siege for months.", "deprivation"),
    ("Gunmen raided the checkpoint.", "ground attack"),
])
def test_each_event_type_has_triggers(sentence, expected):
    assert primary_event(find_events(sentence)) == expected
    assert expected in EVENT_TYPES


def test_longer_trigger_wins_over_the_bomb_inside_it():
    events = find_events("They used white phosphorus bombs on the village.")
    assert [e.event_type for e in events] == ["use of prohibited weapons"]
    assert events[0].text == "white phosphorus bombs"


def test_most_specific_type_is_primary_and_offsets_are_shifted():
    events = find_events("An airstrike, a massacre, he said.", offset=100)
    assert primary_event(events) == "airstrike"
    assert (events[0].start, events[0].end) == (103, 112)


def test_no_trigger_no_event():
    assert primary_event(find_events("The delegation met the governor.")) == ""


def test_agents_come_first_and_claimant_span_is_excluded():
    text = "Government forces said the market was shelled by the Saudi-led coalition."
    assert find_actors(text) == ["Saudi-led coalition", "Government forces"]
    assert find_actors(text, exclude=((0, 17),)) == ["Saudi-led coalition"]


def test_groups_and_militants():
    actors = find_actors("Daesh militants and ISIS attacked; rebels fled.")
    assert actors == ["Daesh militants", "ISIS", "rebels"]


def test_canonical_actor_uses_the_qualified_form_of_the_report():
    known = ["US-led coalition", "coalition aircraft", "US-led coalition", "militants"]
    assert canonical_actor("coalition aircraft", known) == "US-led coalition"
    assert canonical_actor("coalition", ["coalition"]) == "coalition"
    assert canonical_actor("militants", known) == "militants"
