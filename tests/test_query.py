"""python -m geo.query, and the analyst's example question answered end to end."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import geo.geocoding.geocoder as geocoder_module
from geo.io.formats import read_table
from geo.query import main
from geo.schema import INCIDENT_COLUMNS, SOURCE_COLUMNS
from geo.store import open_store
from geo.store.base import base_from_json
from geo.store.records import frame_to_rows
from geo.view.state import ViewDomain, decode_view
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import StubGeocoder, incidents, row

RAQQA_CITY, TABQA, DEIR = ("35.95", "39.01"), ("35.84", "38.55"), ("35.33", "40.14")


def _at(point, **values):
    return row(latitude=point[0], longitude=point[1], geo_precision="1", **values)


QUESTION_ROWS = [
    # In Raqqa governorate, in October 2017, with civilian deaths: the answer.
    _at(RAQQA_CITY, id="raqqa-airwars", date_start="2017-10-12", claimed_by="Airwars",
        claim_status="alleged", killed_min="4", killed_max="9", deaths_civilians="4",
        actors="US-led coalition"),
    _at(TABQA, id="tabqa-sohr", date_start="2017-10", source_name="SOHR (monthly report)",
        claim_status="reported", killed_min="2", killed_max="2", deaths_civilians="2",
        event_type="shelling"),
    _at(RAQQA_CITY, id="raqqa-airwars-2", date_start="2017-10-30", claimed_by="Airwars",
        claim_status="contested", killed_min="1", killed_max="3", deaths_civilians="1"),
    # Not the answer: no civilian deaths, another month, another governorate, no date.
    _at(RAQQA_CITY, id="raqqa-fighters", date_start="2017-10-15", claimed_by="Airwars",
        claim_status="reported", killed_min="7", deaths_civilians="0", event_type="clashes"),
    _at(RAQQA_CITY, id="raqqa-november", date_start="2017-11-03", claimed_by="Airwars",
        claim_status="alleged", killed_min="5", deaths_civilians="5"),
    _at(DEIR, id="deir-october", date_start="2017-10-12", claimed_by="Airwars",
        claim_status="alleged", killed_min="8", deaths_civilians="8"),
    _at(RAQQA_CITY, id="raqqa-undated", claimed_by="Airwars", killed_min="3",
        deaths_civilians="3"),
]


@pytest.fixture
def question_store(tmp_path, monkeypatch):
    location = tmp_path / "question.gpkg"
    store = open_store(location)
    store.upsert(incidents(*QUESTION_ROWS), origin="test", who=ANALYST)
    monkeypatch.setenv("INCIDENT_DB", str(location))
    monkeypatch.setattr(geocoder_module, "default_geocoder", lambda *a, **k: StubGeocoder())
    return location


def _run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_which_incidents_harmed_civilians_in_raqqa_in_october_2017_and_how_many_died(
        question_store, capsys):
    code, out, err = _run(capsys, "--admin1", "Raqqa", "--from", "2017-10-01", "--to",
                          "2017-10-31", "--min-civilian-deaths", "1", "--format", "json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["count"] == 3
    assert [i["id"] for i in answer["incidents"]] == [
        "tabqa-sohr", "raqqa-airwars", "raqqa-airwars-2"]  # by date: October, then days
    assert {i["adm1_pcode"] for i in answer["incidents"]} == {"SY11"}
    totals = answer["totals"]
    assert totals["incidents"] == 3
    # Two claimants: their figures stand side by side, never summed into one.
    assert totals["killed_min"] is None and totals["civilian_deaths"] is None
    by = {c["claimant"]: c for c in totals["by_claimant"]}
    assert (by["Airwars"]["incidents"], by["Airwars"]["civilian_deaths"]) == (2, 5)
    assert (by["Airwars"]["killed_min"], by["Airwars"]["killed_max"]) == (5, 12)
    assert (by["SOHR"]["civilian_deaths"], by["SOHR"]["killed_max"]) == (2, 2)
    assert answer["filters"]["admin1"] == ["SY11"]


def test_one_claimant_gives_single_figures(question_store, capsys):
    code, out, _ = _run(capsys, "--admin1", "الرقة", "--from", "2017-10-01", "--to",
                        "2017-10-31", "--min-civilian-deaths", "1", "--source", "airwars")
    totals = json.loads(out)["totals"]
    assert code == 0 and totals["incidents"] == 2
    assert (totals["killed_min"], totals["killed_max"], totals["civilian_deaths"]) == (5, 12, 5)


def test_search_type_claim_and_bbox_options(question_store, capsys):
    _, out, _ = _run(capsys, "--q", "coalition raqqa")
    assert [i["id"] for i in json.loads(out)["incidents"]] == ["raqqa-airwars"]
    _, out, _ = _run(capsys, "--type", "shelling", "--claim", "reported")
    assert json.loads(out)["count"] == 1
    _, out, _ = _run(capsys, "--bbox", "40,35,41,36", "--limit", "0")
    answer = json.loads(out)
    assert answer["count"] == 1 and answer["incidents"] == [] and answer["incidents_listed"] == 0
    # The link parameters it prints open the map on those bounds (no note on the page).
    link = answer["filters"]
    assert 35 < float(link["lat"]) < 36 and 40 < float(link["lon"]) < 41 and int(link["z"]) >= 7
    domain = ViewDomain(None, None, (35.0, 38.0), 6, fingerprint=link["v"])
    reopened = decode_view({k: v if isinstance(v, list) else [v] for k, v in link.items()},
                           domain)
    assert reopened.notes == () and reopened.bbox == (40.0, 35.0, 41.0, 36.0)


def test_csv_rows_reimport_as_the_same_records(question_store, capsys, tmp_path):
    code = main(["--admin1", "SY11", "--min-killed", "4", "--format", "csv"])
    data = capsys.readouterr().out
    assert code == 0
    path = tmp_path / "out.csv"
    path.write_text(data, encoding="utf-8")
    table = read_table(path)
    assert sorted(table.frame["id"]) == ["raqqa-airwars", "raqqa-fighters", "raqqa-november"]


def test_geojson_rows(question_store, capsys):
    assert main(["--admin2", "Ath-Thawrah", "--format", "geojson"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in doc["features"]] == ["tabqa-sohr"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--admin1", "Atlantis"], "unknown governorate 'Atlantis'"),
     (["--min-killed", "many"], "expected a whole number"),
     (["--from", "2017-13-01"], "--from '2017-13-01' is not a date"),
     (["--from", "2017-11-01", "--to", "2017-10-01"], "is after --to"),
     (["--bbox", "1,2"], "west,south,east,north")],
)
def test_bad_filter_values_are_named_and_exit_2(question_store, capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_unusable_store_exits_2(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("INCIDENT_DB", str(blocker / "inside" / "store.gpkg"))
    code, out, err = _run(capsys, "--limit", "1")
    assert code == 2 and "store cannot be used" in err


def test_the_sources_own_columns_survive_each_store(store):
    records = incidents(row(id="u", type_of_violence="3", deaths_a="1", deaths_b="0",
                            deaths_civilians="7", deaths_unknown="2",
                            source_event_type="Violence against civilians",
                            source_sub_event_type="Attack", location_uncertainty_km="25"))
    store.upsert(records, origin="test", who=ANALYST)
    back = store.incidents().set_index("id").loc["u"]
    assert back["type_of_violence"] == 3 and back["deaths_civilians"] == 7
    assert back["source_sub_event_type"] == "Attack" and back["location_uncertainty_km"] == 25
    assert store.upsert(records, origin="test", who=ANALYST).unchanged == ["u"]


def test_rows_imported_before_the_new_columns_read_back_padded():
    full = frame_to_rows(incidents(row(id="old", killed_min="2")))[0]
    old_layout = full[: len(INCIDENT_COLUMNS) - len(SOURCE_COLUMNS)]
    assert base_from_json(json.dumps(list(old_layout))) == full


def _drop_new_columns(location: str) -> None:
    """Make a store look as it did before the sources' own columns existed."""
    if location.startswith("postgresql"):
        import psycopg

        from geo.store.postgis import split_url

        url, schema = split_url(location)
        with psycopg.connect(url, autocommit=True) as conn:
            for column in SOURCE_COLUMNS:
                conn.execute(f'ALTER TABLE "{schema}".incidents DROP COLUMN {column}')
        return
    import sqlite3

    with sqlite3.connect(location) as conn:
        for column in SOURCE_COLUMNS:
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")


def test_a_store_made_before_the_new_columns_gains_them(store_location):
    old = open_store(store_location)
    old.upsert(incidents(row(id="kept", killed_min="2")), origin="test", who=ANALYST)
    old.close()
    _drop_new_columns(store_location)
    store = open_store(store_location)
    frame = store.incidents()
    assert frame["id"].tolist() == ["kept"] and pd.isna(frame.loc[0, "deaths_civilians"])
    assert store.upsert(incidents(row(id="kept", killed_min="2", deaths_civilians="1")),
                        origin="test", who=ANALYST).updated == ["kept"]
    assert store.incidents().loc[0, "deaths_civilians"] == 1
    store.close()


def test_a_corrected_point_in_the_store_is_what_the_query_prints(tmp_path, monkeypatch, capsys):
    # The geocoder would put "Raqqa" at the gazetteer's point; an analyst corrected it
    # and the record was moved (as the review page writes it). The query prints the
    # stored, corrected point, the map page's, and does not geocode the record again.
    location = tmp_path / "corrected.gpkg"
    store = open_store(location)
    fix = store.add_correction("Raqqa", who=ANALYST, country="SY", latitude=35.9,
                               longitude=38.9, note="the district, not the city")
    store.upsert(incidents(
        row(id="moved", place="Raqqa", country="SY", latitude="35.9", longitude="38.9",
            geo_precision="1", geocode_source=f"override:{fix.override_id}",
            date_start="2017-10-12"),
        row(id="unplaced", place="Nowhere-in-particular", country="SY",
            date_start="2017-10-13"),
    ), origin="test", who=ANALYST)
    store.close()
    built = []

    def geocoder(*_args, **_kwargs):
        built.append(True)
        return StubGeocoder()

    monkeypatch.setenv("INCIDENT_DB", str(location))
    monkeypatch.setattr(geocoder_module, "default_geocoder", geocoder)
    code, out, err = _run(capsys, "--format", "json")
    assert code == 0, err
    by_id = {i["id"]: i for i in json.loads(out)["incidents"]}
    assert (by_id["moved"]["latitude"], by_id["moved"]["longitude"]) == (35.9, 38.9)
    assert by_id["moved"]["geocode_source"] == f"override:{fix.override_id}"
    assert by_id["unplaced"]["latitude"] is None
    assert by_id["unplaced"]["geocode_status"] == "unresolved"
    assert not built  # no search term: the gazetteer is not even loaded
    code, out, err = _run(capsys, "--format", "csv")
    assert code == 0, err
    exported = read_table(out.encode(), "x.csv").frame.set_index("id")
    assert (float(exported.loc["moved", "latitude"]),
            float(exported.loc["moved", "longitude"])) == (35.9, 38.9)


def test_a_type_no_record_has_finds_none_and_says_why(question_store, capsys):
    code, out, err = _run(capsys, "--type", "massacre", "--format", "json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["count"] == 0
    types = "airstrike, shelling, clashes"
    assert answer["notes"] == [
        f"No incident in this data has the event type 'massacre' (its types: {types}); its "
        "source may not code it. Type of violence (UCDP) and Actor may say more."]
    assert "geo.query: No incident in this data has the event type 'massacre'" in err
    code, out, err = _run(capsys, "--type", "clashes", "--format", "json")
    assert "notes" not in json.loads(out) and err == ""


LEARNING_ROWS = [
    # given points teach the store these places (two homonyms of Hadar)
    _at(("36.12", "37.22"), id="l-hadar", place="Hadar", date_start="2016-03-01"),
    _at(("33.20", "35.80"), id="l-hadar-2", place="Hadar", date_start="2016-03-02"),
    _at(("34.55", "38.27"), id="l-tadmur", place="Tadmur/Palmyra town",
        date_start="2016-03-03"),
    _at(("35.43", "36.49"), id="l-kafr", place="Kafr Nabudah village",
        date_start="2016-03-04"),
    _at(("36.16", "37.70"), id="l-dayr", place="Dayr Hafir", date_start="2016-03-05"),
    # records without a point, spelled otherwise: found through the place's spellings
    row(id="n-palmyra", place="Palmyra", date_start="2016-04-01"),
    row(id="n-kafr", place="Kafr Nabudah", date_start="2016-04-02"),
    row(id="n-other", place="Somewhere else", date_start="2016-04-03"),
]


@pytest.fixture
def learning_store(tmp_path, monkeypatch):
    from pathlib import Path

    from geo.geocoding.gazetteer import build_gazetteer
    from geo.geocoding.geocoder import Geocoder
    from geo.geocoding.sources import local_gazetteer, name_admin1, read_geonames_dump
    from geo.settings import DATA_DIR

    fixture = Path(__file__).parent / "fixtures" / "geonames_sy_small.txt"
    base = Geocoder(build_gazetteer(name_admin1(read_geonames_dump(fixture), {})).merged(
        local_gazetteer(DATA_DIR / "places.csv")), default_country="SY")
    location = tmp_path / "learning.gpkg"
    store = open_store(location)
    store.upsert(incidents(*LEARNING_ROWS), origin="ucdp", who=ANALYST)
    assert len(store.learned_places()) == 5
    monkeypatch.setenv("INCIDENT_DB", str(location))
    monkeypatch.setattr(geocoder_module, "default_geocoder", lambda *a, **k: base)
    return base


def test_a_search_answers_as_the_full_learned_index_without_building_it(
        learning_store, capsys, monkeypatch):
    from geo import query

    indexed: list[object] = []
    with_learned = geocoder_module.Geocoder.with_learned

    def spy(self, source):
        indexed.append(source)
        return with_learned(self, source)

    monkeypatch.setattr(geocoder_module.Geocoder, "with_learned", spy)
    terms = ["Hadar", "Palmyra", "Tadmur", "Kafr Nabuda village", "Kafr Nabxl", "Dayr Hafir",
             "Dair Hafir", "Somewhere"]
    answers = {}
    for term in terms:
        _, out, _ = _run(capsys, "--q", term)
        answers[term] = [i["id"] for i in json.loads(out)["incidents"]]
    # the store's learned places were never indexed whole (only a term's few rows)
    assert indexed and all(type(s).__name__ == "_Rows" for s in indexed)
    assert answers["Palmyra"] == ["l-tadmur", "n-palmyra"]  # a learned place's spellings
    monkeypatch.setattr(geocoder_module.Geocoder, "with_learned", with_learned)
    # the geocoder that indexes every learned place (as before) answers alike
    monkeypatch.setattr(query, "_search_geocoder", learning_store.with_learned)
    for term in terms:
        _, out, _ = _run(capsys, "--q", term)
        assert answers[term] == [i["id"] for i in json.loads(out)["incidents"]], term
