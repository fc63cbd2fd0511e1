"""geo.extract.resolve_policy: the doubts on a site's point, one at a time, on invented text."""

from __future__ import annotations

from geo.extract.casualties import Casualties
from geo.extract.claims import Attribution
from geo.extract.events import EventMention
from geo.extract.pipeline import CandidateIncident
from geo.extract.places import PlaceMention
from geo.extract.references import particle_free_key
from geo.extract.report import Draft
from geo.extract.resolve_policy import apply_policy, doubtful, references_of, site_doubts
from geo.geocoding.geocoder import Candidate, GeocodeResult
from tests.helpers.fake_geocoder import invented_place

ORSA = invented_place("orsa", "Orsa", [], 35.50, 36.90, admin1="Northland")
ORSA_SOUTH = invented_place("orsa2", "Orsa", [], 33.30, 36.10, admin1="Southland")
KAFRA = invented_place("kafra", "Kafra", [], 35.55, 36.95, admin1="Northland")
FARAWAY = invented_place("far", "Faraway", [], 32.60, 36.00, admin1="Southland")
ORSA_ABROAD = invented_place("orsa3", "Orsa", [], 37.20, 38.80, country="TR", admin1="Urfa")


def _mention(text, name, place, *others, match="exact", role="site"):
    start = text.index(name)
    cands = tuple(Candidate(p, 1.0 if p is place else 0.5, match=match)
                  for p in (place, *others))
    return PlaceMention(start, start + len(name), name, name, role=role,
                        result=GeocodeResult(name, "resolved", cands), candidates=cands)


def _draft(text, site, trigger="shelled"):
    start = text.index(trigger)
    event = EventMention("shelling", start, start + len(trigger), trigger)
    return Draft([0], site, "shelling", [event], -1, Attribution(None, (0, 0)), None, "",
                 Casualties(), [], [], False)


def _doubts(text, site, located=(), governorates=(), sited=None, trigger="shelled", **kw):
    return site_doubts(_draft(text, site, trigger), [site, *located], governorates,
                       sited or {0: [site]}, text, **kw)


def test_a_faithful_unique_point_tied_to_its_event_is_trusted():
    text = "Government forces shelled Orsa on Monday, killing two."
    doubts = _doubts(text, _mention(text, "Orsa", ORSA))
    assert doubts is not None and doubts.names() == ()
    assert not doubtful(doubts, {"spelling", "namesakes", "loose"})


def test_a_fuzzy_spelling_is_doubtful():
    text = "Government forces shelled Orsa on Monday."
    doubts = _doubts(text, _mention(text, "Orsa", ORSA, match="fuzzy"))
    assert doubts is not None and doubts.spelling
    assert not _doubts(text, _mention(text, "Orsa", ORSA, match="normalised")).spelling


def test_namesakes_in_the_country_that_nothing_picks():
    text = "Government forces shelled Orsa on Monday."
    doubts = _doubts(text, _mention(text, "Orsa", ORSA, ORSA_SOUTH))
    assert doubts is not None and doubts.namesakes
    # a neighbour the report locates picks the northern Orsa
    text2 = "Government forces shelled Orsa and Kafra on Monday."
    kafra = _mention(text2, "Kafra", KAFRA)
    picked = _doubts(text2, _mention(text2, "Orsa", ORSA, ORSA_SOUTH), [kafra])
    assert picked is not None and not picked.namesakes
    # so does the governorate the report names
    named = _doubts(text, _mention(text, "Orsa", ORSA, ORSA_SOUTH),
                    governorates={particle_free_key("Northland")})
    assert named is not None and not named.namesakes
    # a namesake abroad is no namesake in the country
    abroad = _doubts(text, _mention(text, "Orsa", ORSA, ORSA_ABROAD))
    assert abroad is not None and not abroad.namesakes


def test_a_small_site_far_from_everything_else_the_report_locates_is_isolated():
    text = "Government forces shelled Orsa. Later, a market in Faraway was hit."
    far = _mention(text, "Faraway", FARAWAY)
    doubts = _doubts(text, _mention(text, "Orsa", ORSA), [far])
    assert doubts is not None and doubts.isolated and doubts.nearest_km is not None
    assert doubts.nearest_km > 250
    text2 = "Government forces shelled Orsa. Later, a market in Kafra was hit."
    near = _doubts(text2, _mention(text2, "Orsa", ORSA), [_mention(text2, "Kafra", KAFRA)])
    assert near is not None and not near.isolated


def test_a_point_abroad_among_home_places_is_doubtful():
    text = "Government forces shelled Orsa and Kafra on Monday."
    kafra = _mention(text, "Kafra", KAFRA)
    doubts = _doubts(text, _mention(text, "Orsa", ORSA_ABROAD), [kafra])
    assert doubts is not None and doubts.abroad
    home = _doubts(text, _mention(text, "Orsa", ORSA), [kafra])
    assert home is not None and not home.abroad


CITY = invented_place("city", "Orsa", [], 35.50, 36.90, admin1="Northland", population=400_000)


def test_a_city_far_from_its_trigger_is_loose():
    text = ("Government forces shelled a convoy of trucks carrying supplies for families "
            "displaced by the fighting heading to the dam near Orsa.")
    doubts = _doubts(text, _mention(text, "Orsa", CITY))
    assert doubts is not None and doubts.loose and doubts.trigger_words == 17
    tight = "Government forces shelled the city of Orsa."
    assert not _doubts(tight, _mention(tight, "Orsa", CITY)).loose
    # a trigger in another sentence does not tie the city
    other = "Orsa is quiet. Government forces shelled a checkpoint on Monday."
    loose = _doubts(other, _mention(other, "Orsa", CITY))
    assert loose.loose and loose.trigger_words is None
    # a village so named is not doubted for it
    assert not _doubts(text, _mention(text, "Orsa", ORSA)).loose


def test_a_site_named_once_in_a_list_of_three_is_listed():
    text = "Government forces shelled Orsa, Kafra and Faraway on Monday."
    sites = [_mention(text, n, p) for n, p in (("Orsa", ORSA), ("Kafra", KAFRA),
                                               ("Faraway", FARAWAY))]
    doubts = _doubts(text, sites[0], sites[1:], sited={0: sites})
    assert doubts is not None and doubts.listed


def test_a_name_the_report_gives_as_a_reference_point():
    text = "Government forces shelled Orsa on Monday."
    other = _draft(text, None)
    other.context.append("reference: Orsa (12 km east of)")
    refs = references_of([other])
    assert refs == {"orsa"}
    doubts = _doubts(text, _mention(text, "Orsa", ORSA), references=refs)
    assert doubts is not None and doubts.referenced


def test_apply_policy_sends_doubtful_resolved_points_to_review_and_keeps_the_point():
    text = "Government forces shelled Orsa on Monday."
    draft = _draft(text, _mention(text, "Orsa", ORSA, match="fuzzy"))
    cand = CandidateIncident({"geo_precision": 1, "latitude": ORSA.latitude}, [],
                             "resolved")
    apply_policy([draft], [cand], [draft.site], (), {0: [draft.site]}, text,
                 policy={"spelling"})
    assert cand.geocode_status == "unsure" and cand.record["latitude"] == ORSA.latitude
    assert cand.doubts is not None and cand.doubts.spelling
    kept = CandidateIncident({"geo_precision": 1}, [], "resolved")
    apply_policy([draft], [kept], [draft.site], (), {0: [draft.site]}, text, policy=())
    assert kept.geocode_status == "resolved"  # the policy off: doubts recorded only
    assert kept.doubts is not None and kept.doubts.spelling


def test_no_doubts_without_a_point_at_site_precision():
    text = "Government forces shelled Orsa on Monday."
    region = invented_place("reg", "Orsa", [], 35.5, 36.9, precision=3)
    assert _doubts(text, _mention(text, "Orsa", region)) is None
