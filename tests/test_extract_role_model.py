"""The learned place-role model (issue 12): features, training, the loader and the pipeline's
hook. Every sentence, place and example here is invented."""

from datetime import date

import pytest

from geo.extract.pipeline import extract
from geo.extract.places import PlaceMention
from geo.extract.role_features import MentionContext, mention_features
from geo.extract.role_model import (
    RoleModel,
    active_model,
    choose_threshold,
    fit,
    read_model,
    recording,
    using_model,
    weigh_sites,
    write_model,
)
from geo.extract.text import Sentence
from tests.helpers.fake_geocoder import FakeGeocoder

MONDAY = date(2020, 6, 15)
STRIKE = "Air strikes killed 12 people in al-Qasra on Monday, the monitor said."


def _mentions(text, *names, role="site"):
    out = []
    for name in names:
        start = text.index(name)
        out.append(PlaceMention(start, start + len(name), name, name, role=role))
    return out


def _features(text, name, *others):
    sentence = Sentence(0, 0, len(text), text, 0)
    mentions = _mentions(text, *sorted((name, *others), key=text.index))
    mention = next(m for m in mentions if m.text == name)
    return mention_features(mention, mentions, MentionContext(text, sentence, 1))


def test_a_dateline_in_capitals_reads_as_one():
    found = _features("HAMRA (Wire) - Shelling hit Sufa on Sunday.", "HAMRA", "Sufa")
    assert {"all_capitals", "dateline_shape", "sentence_start"} <= set(found)
    site = _features("HAMRA (Wire) - Shelling hit Sufa on Sunday.", "Sufa", "HAMRA")
    assert "dateline_shape" not in site and "all_capitals" not in site
    assert site["prev1=hit"] == 1.0 and site["list_rank=1"] == 1.0


def test_distance_bearing_and_governorate_words_are_read():
    text = "The strike hit Sufa, 26 km west of Hamra, in Nura province."
    hamra = _features(text, "Hamra", "Sufa", "Nura")
    assert {"distance_before", "bearing_before"} <= set(hamra)
    assert "distance_before" not in _features(text, "Sufa", "Hamra", "Nura")
    nura = _features(text, "Nura", "Sufa", "Hamra")
    assert "region_word_after" in nura and nura["prep=in"] == 1.0


def test_a_quoted_mention_and_the_rule_role_are_features():
    text = 'He said: "They shelled Sufa all night."'
    sentence = Sentence(0, 0, len(text), text, 0)
    from geo.extract.text import find_quotations
    mention = _mentions(text, "Sufa", role="reference")[0]
    found = mention_features(mention, [mention],
                             MentionContext(text, sentence, 1, (), find_quotations(text)))
    assert found["in_quote"] == 1.0 and found["role=reference"] == 1.0


def test_fit_learns_which_feature_marks_a_site():
    examples = [{"bias": 1.0, "prep=in": 1.0}] * 6 + [{"bias": 1.0, "dateline_shape": 1.0}] * 6
    labels = [1] * 6 + [0] * 6
    weights = fit(examples, labels, l2=0.1)
    assert weights["prep=in"] > 1.0 and weights["dateline_shape"] < -1.0
    model = RoleModel(weights)
    assert model.probability({"bias": 1.0, "prep=in": 1.0}) > 0.8
    assert model.probability({"bias": 1.0, "dateline_shape": 1.0}) < 0.2
    with pytest.raises(ValueError, match="as many labels"):
        fit(examples, labels[:-1])


def test_fit_leaves_out_rare_features():
    examples = [{"bias": 1.0, "a": 1.0}, {"bias": 1.0, "a": 1.0}, {"bias": 1.0, "once": 1.0}]
    assert "once" not in fit(examples, [1, 1, 0], min_count=2)


def test_choose_threshold_cuts_below_the_non_sites():
    probs = [0.05, 0.1, 0.2, 0.6, 0.7, 0.9]
    labels = [0, 0, 0, 1, 1, 1]
    cut = choose_threshold(probs, labels)
    assert 0.2 < cut < 0.6
    # a real site among the doubtful ones: dearer to lose, the cut stays below it
    assert choose_threshold([0.05, 0.1, 0.15, 0.2], [0, 1, 0, 1], site_cost=4.0) < 0.1
    assert choose_threshold([0.3, 0.4], [1, 1]) == 0.0  # nothing gains: nothing sent on


def test_model_file_round_trip_and_a_bad_file(tmp_path):
    path = tmp_path / "roles.json"
    write_model(RoleModel({"bias": -0.5, "prep=in": 2.0}, 0.4, 0.1, ("tune",), 12), path)
    model = read_model(path)
    assert model.weights == {"bias": -0.5, "prep=in": 2.0}
    assert (model.review_below, model.drop_below, model.trained_on) == (0.4, 0.1, ("tune",))
    bad = tmp_path / "bad.json"
    bad.write_text('{"review_below": 0.2}', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json: not a place-role model"):
        read_model(bad)


def test_the_settings_choose_the_mode_and_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.json"
    write_model(RoleModel({"bias": 1.0}, 0.3, 0.1), path)
    monkeypatch.setenv("INCIDENT_MAP_ROLE_MODEL_PATH", str(path))
    monkeypatch.setenv("INCIDENT_MAP_ROLE_MODEL", "review")
    model, mode = active_model()
    assert mode == "review" and model is not None and model.weights == {"bias": 1.0}
    monkeypatch.setenv("INCIDENT_MAP_ROLE_MODEL", "off")
    assert active_model() == (None, "off")
    monkeypatch.setenv("INCIDENT_MAP_ROLE_MODEL", "review")
    monkeypatch.setenv("INCIDENT_MAP_ROLE_MODEL_PATH", str(tmp_path / "absent.json"))
    assert active_model() == (None, "off")
    monkeypatch.setenv("INCIDENT_MAP_ROLE_MODEL", "sometimes")
    with pytest.raises(ValueError, match="INCIDENT_MAP_ROLE_MODEL must be one of"):
        active_model()


def _qasra():
    return [c for c in extract(STRIKE, MONDAY, geocoder=FakeGeocoder())
            if c.record["place"] == "al-Qasra"]


def test_a_site_the_model_rejects_is_never_a_resolved_site():
    with using_model(None, "off"):
        assert [c.geocode_status for c in _qasra()] == ["resolved"]
    doubtful = RoleModel({"bias": -5.0}, review_below=0.5, drop_below=0.001)
    with using_model(doubtful, "review"):
        found = _qasra()
    assert [c.geocode_status for c in found] == ["unsure"]  # same point, for review
    assert found[0].record["latitude"] == 35.1
    rejected = RoleModel({"bias": -10.0}, review_below=0.5, drop_below=0.01)
    with using_model(rejected, "veto"):
        assert _qasra() == []  # no site: no candidate at it
    with using_model(rejected, "review"):
        assert [c.geocode_status for c in _qasra()] == ["unsure"]  # review never drops
    with using_model(RoleModel({"bias": 5.0}, 0.5, 0.1), "veto"):
        assert [c.geocode_status for c in _qasra()] == ["resolved"]


def test_the_hook_records_every_mention_and_touches_only_sites():
    text = "Shelling hit Sufa near Hamra."
    sentence = Sentence(0, 0, len(text), text, 0)
    mentions = [*_mentions(text, "Sufa"), *_mentions(text, "Hamra", role="reference")]
    rejected = RoleModel({"bias": -10.0}, review_below=0.5, drop_below=0.01)
    with using_model(rejected, "veto"), recording() as seen:
        out = weigh_sites(mentions, MentionContext(text, sentence, 1))
    assert [m.role for m in out] == ["context", "reference"]
    assert [o.mention.text for o in seen] == ["Sufa", "Hamra"]
    assert all(o.probability is not None and o.probability < 0.01 for o in seen)
    with using_model(None, "off"):
        assert weigh_sites(mentions, MentionContext(text, sentence, 1)) == mentions
    with pytest.raises(ValueError, match="mode must be one of"), using_model(rejected, "often"):
        pass


def test_word_features_name_word_classes_never_a_reports_own_names():
    found = _features("Shelling hit Sufa near Hamra on Sunday.", "Hamra", "Sufa")
    assert found["prev1=near"] == 1.0 and found["prev2=<cap>"] == 1.0
    assert found["next1=on"] == 1.0
    assert not any("sufa" in name.lower() for name in found)


def test_the_shipped_model_reads_and_never_saw_the_blind_split():
    from geo.settings import Settings
    model = read_model(Settings().role_model_path)
    assert "heldout7" not in model.trained_on and "tune" in model.trained_on
    assert 0.0 <= model.drop_below <= model.review_below < 1.0
    assert "bias" in model.weights
    # every weight is a feature the feature code can give (a stale file would show here)
    kinds = {"bias", "prev1", "prev2", "next1", "prep", "role", "status", "descriptor", "flag",
             "has_container", "has_offset", "place", "kind", "fcode", "precision",
             "log_population", "abroad", "many_candidates", "big_city", "all_capitals",
             "one_word", "common_word", "sentence_start", "dateline_shape", "sentence_index",
             "first_paragraph", "region_word_after", "distance_before", "bearing_before",
             "speech_after", "address_line", "title_before", "capital_word_before",
             "possessive", "in_quote", "name_count", "first_mention", "no_trigger",
             "trigger_gap", "trigger_before", "trigger_after", "toll_word",
             "mentions_in_sentence", "list_rank", "other_role", "larger_than_another_site"}
    assert {name.split("=")[0] for name in model.weights} <= kinds
    from geo.extract.role_features import _CUE_WORDS
    words = [name.split("=", 1)[1] for name in model.weights
             if name.split("=")[0] in ("prev1", "prev2", "next1")]
    assert words and all(w in _CUE_WORDS or w.startswith("<") for w in words)  # no names
