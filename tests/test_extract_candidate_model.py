"""The learned candidate scorer (issue 12, round 13): features, inference, the shipped JSON and
the pipeline's hook. Every sentence, place and model here is invented, except the shipped
``data/candidate_model.json`` whose schema is checked."""

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from geo.extract import cli
from geo.extract.candidate_model import (
    CandidateModel,
    LinearScore,
    judge,
    model_from_json,
    read_model,
    write_model,
)
from geo.extract.pipeline import EXTRA_KEYS, extract
from geo.extract.scoring import active_model, using_model
from geo.schema import INCIDENT_COLUMNS
from tests.helpers.fake_geocoder import FakeGeocoder

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "candidate_model.json"
MONDAY = date(2020, 6, 15)
STRIKE = "Air strikes killed 12 people in al-Qasra on Monday, the monitor said."
LIST = ("Shelling hit al-Qasra, Hamidiyah and Kafr Zeit on Monday, residents said. "
        "Nothing else happened that week.")


def _features(text):
    with using_model(None, "off"):
        found = extract(text, MONDAY, geocoder=FakeGeocoder())
    return {c.record["place"]: c.verdict.features for c in found if c.verdict}


def _model(features, keep, trust, keep_below=0.5, trust_below=0.5, intercept=0.0):
    return CandidateModel(tuple(features), LinearScore(np.array(keep, float), intercept,
                                                       keep_below),
                          LinearScore(np.array(trust, float), intercept, trust_below),
                          ("tune",), "2026-12-02")


def test_a_lone_strike_has_its_trigger_toll_date_and_resolved_point():
    found = _features(STRIKE)["al-Qasra"]
    assert {"type=airstrike", "status=resolved", "precision=1", "killed", "date=day",
            "lede", "only_candidate", "named_once"} <= set(found)
    assert "trigger_adjacent" in found or "trigger_near" in found
    assert "list_of_sites" not in found and "quoted" not in found
    assert all(0.0 < v <= 1.0 for v in found.values())


def test_a_list_of_sites_reads_as_a_list_and_its_places_agree():
    found = _features(LIST)
    assert set(found) == {"al-Qasra", "Hamidiyah", "Kafr Zeit"}
    assert all("list_of_sites" in f and f["type=shelling"] == 1.0 for f in found.values())
    assert "others_near" in found["al-Qasra"] or "others_mid" in found["al-Qasra"]
    assert "others_far" in found["Kafr Zeit"]  # 4 degrees west of the other two
    assert "killed" not in found["al-Qasra"]


def test_a_quoted_sentence_and_an_undated_one_are_told_apart():
    text = ('"Shelling hit al-Qasra and killed four," a resident said.')
    found = _features(text)["al-Qasra"]
    assert "quoted" in found and "date=day" not in found


def test_judge_sets_aside_and_doubts_only_with_the_hook_on():
    model = _model(["type=shelling"], [-10.0], [-10.0], intercept=5.0)
    rows = [{"type=shelling": 1.0}, {"type=airstrike": 1.0}]
    on = judge(rows, [True, True], model, act=True)
    assert [v.set_aside for v in on] == [True, False]
    assert [v.doubted for v in on] == [True, False]
    assert on[0].keep == pytest.approx(1 / (1 + np.exp(5.0)))
    off = judge(rows, [False, True], model, act=False)
    assert not any(v.set_aside or v.doubted for v in off)
    assert off[0].trust is None and off[1].trust == pytest.approx(1 / (1 + np.exp(-5.0)))
    assert [v.keep for v in judge(rows, [True, True], None, act=True)] == [None, None]


def test_the_hook_sets_aside_and_sends_points_to_review():
    keep_out = _model(["type=airstrike"], [-10.0], [0.0], intercept=5.0)
    aside: list = []
    with using_model(keep_out, "on"):
        assert extract(STRIKE, MONDAY, geocoder=FakeGeocoder(), set_aside=aside) == []
    assert [c.record["place"] for c in aside] == ["al-Qasra"]
    assert aside[0].verdict.keep < 0.01
    doubt = _model(["type=airstrike"], [0.0], [-10.0], intercept=5.0)
    with using_model(doubt, "on"):
        found = extract(STRIKE, MONDAY, geocoder=FakeGeocoder())
    assert found[0].geocode_status == "unsure"
    assert found[0].record["latitude"] == 35.1  # kept as a suggestion
    assert "place trust" in str(found[0].record["description"])
    with using_model(doubt, "off"):
        found = extract(STRIKE, MONDAY, geocoder=FakeGeocoder())
    assert found[0].geocode_status == "resolved" and found[0].verdict.trust < 0.01


def test_the_hook_follows_the_settings(monkeypatch, tmp_path):
    path = tmp_path / "m.json"
    write_model(_model(["type=airstrike"], [-10.0], [0.0], intercept=5.0), path)
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL_PATH", str(path))
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL", "on")
    assert active_model()[1] == "on" and active_model()[0] is not None
    assert extract(STRIKE, MONDAY, geocoder=FakeGeocoder()) == []
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL", "off")
    assert [c.record["place"] for c in extract(STRIKE, MONDAY, geocoder=FakeGeocoder())] == [
        "al-Qasra"]
    monkeypatch.setenv("INCIDENT_MAP_CANDIDATE_MODEL_PATH", str(tmp_path / "absent.json"))
    assert active_model()[0] is None


def test_the_shipped_model_has_its_schema_and_no_blind_split():
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert data["kind"] == "candidate scorer (logistic regressions)"
    assert set(data) >= {"trained_on", "trained", "features", "keep", "trust", "notes"}
    assert "tune" in data["trained_on"] and "heldout10" in data["trained_on"]
    assert "heldout11" in data["trained_on"]  # tuning material from round 13
    assert "heldout12" in data["trained_on"]  # tuning material from round 14
    assert "heldout14" not in data["trained_on"]  # blind (heldout13: tuning from round 15)
    date.fromisoformat(data["trained"])
    for name in ("keep", "trust"):
        assert len(data[name]["coef"]) == len(data["features"])
        assert 0.0 <= data[name]["threshold"] < 1.0
    assert len(set(data["features"])) == len(data["features"])
    model = read_model(SHIPPED)
    assert model.keep.coef.shape == (len(model.features),)
    assert {"reports", "candidates", "keep_criterion", "library"} <= set(model.notes)


def test_a_model_survives_writing_and_a_bad_file_is_named(tmp_path):
    model = _model(["a", "b"], [1.0, -2.0], [0.5, 0.25], keep_below=0.2, trust_below=0.3)
    path = tmp_path / "m.json"
    write_model(model, path)
    again = read_model(path)
    assert again.features == ("a", "b") and again.keep.threshold == 0.2
    np.testing.assert_allclose(again.trust.coef, [0.5, 0.25])
    bad = json.loads(path.read_text())
    bad["keep"]["coef"] = [1.0]
    with pytest.raises(ValueError, match="1 weights for 2 features"):
        model_from_json(bad)
    path.write_text("{}")
    with pytest.raises(ValueError, match=str(path)):
        read_model(path)


def test_numpy_inference_equals_scikit_learn():
    sklearn = pytest.importorskip("sklearn.linear_model")
    from bench.train_candidate_model import linear

    rng = np.random.default_rng(7)
    x = (rng.random((60, 4)) > 0.5).astype(float)
    y = (x[:, 0] + x[:, 1] - x[:, 2] + rng.normal(0, 0.5, 60) > 0.5).astype(int)
    fitted = sklearn.LogisticRegression(C=0.5, max_iter=5000).fit(x, y)
    ours = linear(fitted, 0.5)
    names = ("a", "b", "c", "d")
    model = CandidateModel(names, ours, ours)
    rows = [dict(zip(names, row, strict=True)) for row in x[:8]]
    np.testing.assert_allclose(model.keep.probabilities(model.matrix(rows)),
                               fitted.predict_proba(x[:8])[:, 1], rtol=1e-9, atol=1e-12)


def test_the_command_line_output_keeps_its_shape(tmp_path, capsys, monkeypatch):
    article = tmp_path / "a.txt"
    article.write_text(STRIKE, encoding="utf-8")
    monkeypatch.setattr(cli, "default_geocoder", FakeGeocoder)
    for mode in ("off", "on"):
        with using_model(_model(["type=airstrike"], [0.0], [-10.0], intercept=5.0), mode):
            assert cli.main([str(article), "--published", "2020-06-15"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert isinstance(out, list) and [c["place"] for c in out] == ["al-Qasra"]
        assert list(out[0]) == [*INCIDENT_COLUMNS, *EXTRA_KEYS]
