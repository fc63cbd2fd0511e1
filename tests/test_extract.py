"""The extraction pipeline, its JSON and its command line (geo.extract.pipeline)."""

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.extract.cli import main
from geo.extract.pipeline import candidates_json, extract
from geo.schema import INCIDENT_COLUMNS, validate_incidents
from tests.helpers.fake_geocoder import FakeGeocoder
from tests.test_extract_gazetteer import INDEX, load_real_geocoder

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "article.txt"

REPORT = (
    "A local monitoring group says an air strike by the Russian-led coalition hit the eastern "
    "town of al-Qasra on 4 June, leaving at least 12 people dead. "
    "Areas controlled by Damascus were calm. "
    "The group added that the Nahr refugee camp in Wadi Salam had been under siege since "
    "January 2020.\n"
    "On June 9, the Interior Ministry condemned a car bomb attack earlier that month in Kafr "
    "Zeit. It said 7 people were killed. "
    "The ministry said militants were also using chemical weapons in Syria."
)


def _run(text=REPORT, published=date(2020, 6, 15), **kw):
    return extract(text, published, geocoder=FakeGeocoder(), **kw)


def _by_place(candidates):
    return {c.record["place"]: c for c in candidates}


def test_candidates_carry_place_date_event_actor_claim_and_quote():
    found = _by_place(_run(source_name="Test Wire", source_url="https://example.org/a"))
    qasra = found["al-Qasra"].record
    assert qasra["event_type"] == "airstrike"
    assert qasra["actors"] == "Russian-led coalition"
    assert (qasra["date_start"], qasra["date_precision"]) == (date(2020, 6, 4), "day")
    assert (qasra["killed_min"], qasra["killed_max"]) == (12, None)
    assert qasra["geocode_source"] == "test:qasra" and qasra["latitude"] == 35.1
    assert qasra["claimed_by"] == "A local monitoring group"
    assert qasra["claim_status"] == "alleged"
    assert (qasra["source_name"], qasra["source_url"]) == ("Test Wire", "https://example.org/a")


def test_quote_offsets_point_into_the_article():
    for candidate in _run():
        quote = " ".join(REPORT[s:e] for s, e in candidate.quote_spans)
        assert quote == candidate.record["quote"]


def test_container_is_context_and_since_is_an_open_range():
    found = _by_place(_run())
    camp = found["Nahr refugee camp"].record
    assert camp["event_type"] == "deprivation"
    assert (camp["date_start"], camp["date_end"]) == (date(2020, 1, 1), date(2020, 6, 15))
    assert camp["date_precision"] == "range" and "open range" in camp["date_note"].lower()
    assert "Wadi Salam" in camp["description"]
    assert "Wadi Salam" not in found and "Damascus" not in found


def test_relative_date_follow_up_casualties_and_claimant_coreference():
    kafr = _by_place(_run())["Kafr Zeit"]
    record = kafr.record
    assert record["event_type"] == "bombing"
    assert (record["date_start"], record["date_end"]) == (date(2020, 6, 1), date(2020, 6, 8))
    assert record["killed_min"] == 7
    assert record["claimed_by"] == "Interior Ministry"
    assert len(kafr.quote_spans) == 2


def test_country_level_allegation_has_no_site():
    [weapons] = [c for c in _run() if c.record["event_type"] == "use of prohibited weapons"]
    assert weapons.record["place"] == "" and weapons.record["country"] == "SY"
    assert weapons.geocode_status == "no site"
    assert weapons.record["date_precision"] == "unknown"


def test_generic_statements_without_a_site_are_not_candidates():
    assert _run("Airstrikes have continued for years. Militants fled.") == []


def test_without_publication_date_partial_dates_stay_unknown():
    qasra = _by_place(_run(published=None))["al-Qasra"].record
    assert qasra["date_precision"] == "unknown" and qasra["date_start"] is None
    assert "cannot be resolved" in qasra["date_note"]


def test_ids_are_stable_and_unique():
    first, second = _run(source_url="https://example.org/a"), _run(source_url="https://example.org/a")
    assert [c.record["id"] for c in first] == [c.record["id"] for c in second]
    assert len({c.record["id"] for c in first}) == len(first)


def test_records_pass_schema_validation():
    records = json.loads(candidates_json(_run()))
    frame = pd.DataFrame([{k: "" if r[k] is None else str(r[k]) for k in INCIDENT_COLUMNS}
                          for r in records])
    result = validate_incidents(frame, source="extract")
    assert result.errors == []
    assert len(result.incidents) == len(records)


def test_cli_prints_json(tmp_path, capsys):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert main([str(path), "--published", "2020-06-15", "--source", "Wire"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records and all(set(INCIDENT_COLUMNS) <= set(r) for r in records)
    assert all(r["claim_status"] == "alleged" and r["source_name"] == "Wire" for r in records)


@pytest.mark.parametrize(("args", "message"), [
    (["missing.txt", "--published", "2020-06-15"], "no such file"),
    (["{file}", "--published", "15/06/2020"], "is not a date"),
])
def test_cli_errors_are_messages_not_tracebacks(tmp_path, capsys, args, message):
    path = tmp_path / "r.txt"
    path.write_text("Nothing.", encoding="utf-8")
    args = [a.replace("{file}", str(path)) if a == "{file}" else
            (str(tmp_path / a) if a == "missing.txt" else a) for a in args]
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.fixture(scope="session")
def seed_geocoder():
    """The default geocoder over the full gazetteer index (shared, loaded once)."""
    if not INDEX.exists():
        pytest.skip(f"gazetteer index not built at {INDEX} "
                    "(run: python -m geo.geocoding.sources build)")
    return load_real_geocoder()


@pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")
def test_seed_article(seed_geocoder):
    article = SEED.read_text(encoding="utf-8")
    candidates = extract(article, date(2018, 12, 27), source_name="seed",
                         geocoder=seed_geocoder)
    found = _by_place(candidates)
    # the sites only: no "Arab" (the Arab country), no Jordan, Damascus or Syria
    assert set(found) == {"Raqqah", "al-Tanf region", "Rukban refugee camp", "al-Shaafah", ""}
    assert [c.record["geo_precision"] for c in candidates] == [1, 2, 1, 1, None]
    assert all(c.record["claimed_by"] != "Syria" for c in candidates)

    raqqah = found["Raqqah"].record
    assert (raqqah["date_start"], raqqah["date_end"]) == (date(2017, 10, 1), date(2017, 10, 31))
    assert raqqah["date_precision"] == "month"
    assert raqqah["event_type"] == "bombing" and "coalition" in raqqah["actors"]
    assert "unnamed" in raqqah["claimed_by"].lower() and "source" in raqqah["claimed_by"]
    assert raqqah["claim_status"] == "alleged"

    [rukban] = [c.record for c in candidates if "Rukban" in c.record["place"]]
    assert "al-Tanf" in rukban["description"] and "al-Tanf" in rukban["quote"]
    assert rukban["event_type"] == "desecration of bodies"
    assert "corpses" in rukban["quote"] and rukban["claim_status"] == "alleged"

    shaafah = found["al-Shaafah"].record
    assert shaafah["event_type"] == "airstrike"
    assert shaafah["date_start"] == date(2018, 11, 1)
    assert shaafah["date_end"] < date(2018, 11, 13)
    assert shaafah["casualties_min"] == 61 and shaafah["killed_min"] is None
    assert "Ministry of Foreign Affairs" in shaafah["claimed_by"]

    [phosphorus] = [c.record for c in candidates
                    if c.record["event_type"] == "use of prohibited weapons"]
    assert "white phosphorus" in phosphorus["quote"]
    assert phosphorus["claimed_by"] == shaafah["claimed_by"]

    places = {c.record["place"] for c in candidates}
    assert not places & {"Jordan", "Damascus", "Syria"}
    assert all(c.record["claim_status"] == "alleged" for c in candidates)
