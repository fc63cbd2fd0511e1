"""The import page: validation report first, then an all-or-nothing import (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.testing.v1 import AppTest

from geo.store import open_store
from geo.store.plan import ImportPreview
from pages.shared.import_commit import nothing_note

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    monkeypatch.delenv("INCIDENT_MAP_DATA", raising=False)
    monkeypatch.setenv("INCIDENT_MAP_MAPPINGS", str(tmp_path / "mappings.json"))
    roles = tmp_path / "roles.toml"
    roles.write_text('analyst = ["ana@example.org"]\n')
    monkeypatch.setenv("INCIDENT_MAP_ROLES", str(roles))
    return path


AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s",
        "client_id": "c", "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def _page(email: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/import.py")
    if email is not None:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email, "sub": email}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.get("file_uploader")[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


ACLED = (
    "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,admin1,"
    "location,latitude,longitude,geo_precision,fatalities,notes,source\n"
    "SYR1,2019-03-02,1,Explosions/Remote violence,Air/drone strike,Coalition,,Deir ez-Zor,"
    "Al Bukamal,34.4537,40.9186,1,4,Strike on a market,SOHR\n"
    "SYR2,2019-03-40,1,Battles,Armed clash,A,B,Idlib,Idlib,35.93,36.63,1,0,,SOHR\n"
)


def test_acled_file_is_validated_then_imported(store_path):
    at = _upload(_page("ana@example.org"), "acled.csv", ACLED.encode())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows"] == "2" and metrics["Valid"] == "1" and metrics["Rejected"] == "1"
    assert "ACLED" in "\n".join(c.value for c in at.caption)
    problems = at.dataframe[0].value
    assert problems["row"].tolist() == [2]
    # One of each: singular words; a small file is sized in bytes, not "0.0 MB".
    assert at.button(key="import-go").label == "Import the 1 valid row"
    assert any(d.label.startswith("Download the 1 rejected row as")
               for d in at.get("download_button"))
    assert any(m.value.endswith(f"** ({len(ACLED.encode())} bytes)") for m in at.markdown)
    seeded = open_store(str(store_path)).count()
    at.button(key="import-go").click().run()
    assert any("1 new" in s.value for s in at.success)
    assert open_store(str(store_path)).count() == seeded + 1
    history = open_store(str(store_path)).history()
    assert history["who"].tolist()[-1] == "ana@example.org"
    entry = history[history["field"] == "(import)"].iloc[-1]
    assert (entry["who"], entry["reason"], entry["after"]) == (
        "ana@example.org", "acled.csv", "1 new, 0 updated, 0 unchanged, 1 rejected")
    # The file and its report are gone once imported; importing it again changes nothing.
    assert not at.metric and at.get("file_uploader")
    at = _upload(at, "acled.csv", ACLED.encode())
    at.button(key="import-go").click().run()
    assert any("0 new, 0 updated, 1 unchanged" in s.value for s in at.success)
    assert open_store(str(store_path)).count() == seeded + 1


def test_unknown_layout_asks_for_a_mapping():
    content = "Ref;Day;Town;Kind;Status\nr1;2019-05-01;Raqqah;airstrike;alleged\n"
    at = _upload(_page(), "team.csv", content.encode("utf-8-sig"))
    assert at.get("form")
    choose = {s.label: s for s in at.selectbox}
    choose["id (required)"].set_value("Ref")
    choose["date_start"].set_value("Day")
    choose["place"].set_value("Town")
    choose["event_type (required)"].set_value("Kind")
    choose["claim_status (required)"].set_value("Status")
    next(b for b in at.button if b.label == "Use this mapping").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Valid"] == "1"
    # The mapping is remembered: the next file with this header needs no picking.
    again = _upload(_page(), "team2.csv", content.encode("utf-8"))
    assert not again.get("form")
    assert {m.label: m.value for m in again.metric}["Valid"] == "1"


def test_a_file_that_is_not_a_table_gets_a_message():
    at = _upload(_page(), "garbage.csv", b"\x00\x01\x02\xff\xfe binary")
    assert at.error
    assert not at.metric


def test_custom_layout_lets_the_analyst_map_a_recognised_file():
    at = _upload(_page(), "acled.csv", ACLED.encode())
    assert not at.get("form")
    at.selectbox(key="import-layout").set_value("custom").run()
    assert at.get("form")


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("five.geojson", b'{"type": "FeatureCollection", "features": 5}', "'features' is a number"),
    ("deep.geojson", b"[" * 60_000 + b"]" * 60_000, "nested too deeply"),
    ("big.csv", b"id,event_type,claim_status\n" + b"a" * 200_000 + b",x,y\n", None),
])
def test_odd_files_get_a_named_message_without_a_server_path(name, content, fragment):
    at = _upload(_page(), name, content)
    shown = "\n".join([e.value for e in at.error] + [c.value for c in at.caption])
    assert "/tmp" not in shown and "Traceback" not in shown and "/work" not in shown
    if fragment:
        assert fragment in shown
        assert f"{name}: {name}" not in shown  # the file is named once
    else:  # an oversized field rejects its row by name
        problems = at.dataframe[0].value
        assert "over the 128 KiB" in problems["reason"].tolist()[0]


def test_the_report_accounts_for_every_line_and_notes_repaired_rows():
    content = ("id,event_type,claim_status,place\na,airstrike,alleged,الرقة\n".encode()
               + "b,airstrike,alleged,Déir\n".encode("cp1252") + b"\n")
    at = _upload(_page(), "mixed.csv", content)
    captions = "\n".join(c.value for c in at.caption)
    assert "read 2 rows" in captions and "2 rows = 2 valid \\+ 0 rejected" in captions
    notes = at.dataframe[0].value
    assert notes["row"].tolist() == [2]
    assert "Windows-1252" in notes["reason"][0]
def test_a_viewer_cannot_upload():
    at = _page("vic@example.org")
    assert not at.get("file_uploader")
    assert any("**viewer**" in i.value for i in at.info)


def test_the_upload_limit_is_the_setting(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_MAX_UPLOAD_MB", "1")
    at = _page()
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 1
    at = _upload(at, "big.csv", b"id,event_type,claim_status\n" + b"a,x,y\n" * 200_000)
    assert any("over 1 MB" in e.value for e in at.error)
    assert not at.metric


def test_an_upload_is_kept_on_disk_and_dropped_from_streamlit(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    dropped: list[str] = []
    real = MemoryUploadedFileManager.remove_file

    def remove_file(self, session_id: str, file_id: str) -> None:
        dropped.append(file_id)
        real(self, session_id, file_id)

    monkeypatch.setattr(MemoryUploadedFileManager, "remove_file", remove_file)
    at = _upload(_page(), "acled.csv", ACLED.encode())
    assert {m.label: m.value for m in at.metric}["Valid"] == "1"
    assert len(dropped) == 1  # Streamlit's copy of the bytes is released at once
    assert not at.get("file_uploader")  # replaced: the old widget held the file
    spooled = [p for p in folder.iterdir() if p.name.startswith("incident-upload-")]
    assert [p.read_bytes() for p in spooled] == [ACLED.encode()]
    assert not [p for p in folder.iterdir() if p.name.startswith("incident-parse-")]
    at.button(key="import-other").click().run()
    assert at.get("file_uploader") and not at.metric
    assert list(folder.iterdir()) == []  # the temporary file is gone with the report


def test_a_file_over_the_worker_limit_gets_a_named_message_and_nothing_is_written(
        store_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_WORKER_MEMORY_MB", "8")
    at = _page()
    seeded = open_store(str(store_path)).count()
    rows = "".join(f"e{i},2019-03-02,airstrike,reported,Raqqa,SY,35.9,39.0\n"
                   for i in range(60_000))
    content = "id,date_start,event_type,claim_status,place,country,latitude,longitude\n" + rows
    at = _upload(at, "many.csv", content.encode())
    shown = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "many.csv needs more than 8 MB to parse" in shown
    assert "INCIDENT_MAP_WORKER_MEMORY_MB" in shown and "/tmp" not in shown
    assert not at.metric and not [b for b in at.button if b.key == "import-go"]
    assert open_store(str(store_path)).count() == seeded


def test_rows_without_coordinates_are_geocoded_after_the_worker_reads_them():
    content = ("id,date_start,event_type,claim_status,place,country\n"
               "g1,2017-10-05,airstrike,reported,Raqqa,SY\n"
               "g2,2017-10-05,airstrike,reported,Qqqzzzxx,SY\n")
    at = _upload(_page(), "places.csv", content.encode())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Valid"] == "2" and metrics["Not placed"] == "1"
    assert any("Qqqzzzxx" in i.value for i in at.info)


def test_a_refused_file_is_not_read_again_on_the_next_rerun(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_WORKER_MEMORY_MB", "8")
    content = "id,date_start,event_type,claim_status\n" + "".join(
        f"e{i},2019-03-02,airstrike,reported\n" for i in range(60_000))
    at = _upload(_page(), "many.csv", content.encode())
    assert any("needs more than 8 MB" in e.value for e in at.error)
    started: list[object] = []
    monkeypatch.setattr("geo.io.worker.ParseJob.__init__",
                        lambda self, *a, **k: started.append(a))
    at.run()
    assert any("needs more than 8 MB" in e.value for e in at.error) and started == []
    at.button(key="import-other").click().run()
    assert at.get("file_uploader") and not at.error


def test_the_report_lists_the_rows_that_carry_a_data_quality_flag():
    content = (b"id,event_type,claim_status,killed_min,killed_max\n"
               b"a,airstrike,alleged,1,2\nb,airstrike,alleged,8,7\n")
    at = _upload(_page(), "flags.csv", content)
    captions = "\n".join(c.value for c in at.caption)
    assert "1 valid row carries a data\\-quality flag" in captions
    flagged = next(d.value for d in at.dataframe if "flag" in d.value.columns)
    assert flagged.to_dict("records") == [
        {"id": "b", "row": 2, "line": 3, "flag": "killed_max 7 is below killed_min 8"}]


def _said(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.info, *at.caption]).replace("\\", "")


def test_a_file_imported_before_says_beforehand_that_nothing_would_change(store_path):
    """Trial of issue 14: a re-import said only afterwards that nothing had changed."""
    at = _upload(_page("ana@example.org"), "acled.csv", ACLED.encode())
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New"], metrics["Changed"], metrics["Unchanged"], metrics["Refused"]) \
        == ("1", "0", "0", "1")
    assert "Nothing would change" not in _said(at)
    at.button(key="import-go").click().run()
    history = len(open_store(str(store_path)).history())
    at = _upload(at, "acled.csv", ACLED.encode())
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New"], metrics["Changed"], metrics["Unchanged"], metrics["Refused"]) \
        == ("0", "0", "1", "1")
    assert ("Nothing would change: the 1 valid row of this file is in the store as the file "
            "gives it (1 row refused, listed above)") in _said(at)
    assert len(open_store(str(store_path)).history()) == history  # the preview wrote nothing


def test_a_reimport_says_how_many_rows_keep_an_analysts_correction():
    """Trial 24: "the 6,170 valid rows are in the store as the file gives them" while
    52 held an analyst's point."""
    found = ImportPreview(new=0, changed=0, unchanged=6170, fields={},
                          kept={"latitude": 52, "longitude": 52}, examples={}, kept_records=52)
    note = nothing_note(found, 6170, 0)
    assert "6,118 are in the store as the file gives them and 52 keep an analyst's " \
        "correction" in note
    assert "6,170 valid rows of this file are in the store" not in note
    plain = ImportPreview(new=0, changed=0, unchanged=2, fields={}, kept={}, examples={})
    assert "the 2 valid rows of this file are in the store as the file gives them" \
        in nothing_note(plain, 2, 0)


def test_a_changed_file_names_the_fields_it_would_change_before_the_import(store_path):
    at = _upload(_page("ana@example.org"), "acled.csv", ACLED.encode())
    at.button(key="import-go").click().run()
    at = _upload(at, "acled.csv", ACLED.replace(",1,4,Strike", ",1,6,Strike").encode())
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New"], metrics["Changed"], metrics["Unchanged"]) == ("0", "1", "0")
    fields = next(d.value for d in at.dataframe if "for example" in d.value.columns)
    assert fields.to_dict("records") == [
        {"field": "killed_min (Killed, at least)", "records": 1, "for example": "acled-SYR1"}]
    assert "Nothing would change" not in _said(at)
    assert open_store(str(store_path)).get("acled-SYR1")["killed_min"] == 4  # not yet imported


def test_an_import_click_arriving_with_another_click_is_not_lost(store_path):
    """A click read in the page's body was dropped when another click came with it (here
    "Choose another file", whose run forgot the file first): the import runs in its
    button's callback and says what it did."""
    at = _upload(_page("ana@example.org"), "acled.csv", ACLED.encode())
    seeded = open_store(str(store_path)).count()
    at.button(key="import-go").click()
    at.button(key="import-other").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert open_store(str(store_path)).count() == seeded + 1
    assert any("Imported acled.csv: 1 new" in t.value.replace("\\", "") for t in at.toast)
    assert any("Imported acled.csv: 1 new" in s.value for s in at.success)


def test_records_a_place_correction_places_are_said_before_the_import(store_path):
    """A place moved whole on the Review page is a correction: a later file's records of
    that name at the source's point are placed by it, and the preview says so."""
    from tests.helpers.identities import analyst

    at = _upload(_page("ana@example.org"), "acled.csv", ACLED.encode())
    at.button(key="import-go").click().run()
    store = open_store(str(store_path))
    store.correct_place("Al Bukamal", (34.4537, 40.9186), (34.46, 40.93, 1),
                        who=analyst("ana@example.org"), drawn=["acled-SYR1"])
    later = ACLED.replace("SYR1,2019-03-02", "SYR3,2019-03-05")
    at = _upload(at, "acled-later.csv", later.encode())
    assert ("1 record will be placed by your correction of Al Bukamal (the Review page's"
            in _said(at))
    assert open_store(str(store_path)).get("acled-SYR3") is None  # nothing written yet
    at.button(key="import-go").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert open_store(str(store_path)).get("acled-SYR3")["latitude"] == 34.46
    assert "1 record placed by place corrections in force: acled-SYR3" in "\n".join(
        m.value for m in [*at.markdown, *at.caption, *at.info]).replace("\\", "")


def test_a_reimport_says_which_place_corrections_hold_its_records(store_path):
    """Trial 27: the same file again said "Nothing would change" and nothing else while
    a place correction held 53 of its records at the corrected point."""
    from tests.helpers.identities import analyst

    at = _upload(_page("ana@example.org"), "acled.csv", ACLED.encode())
    at.button(key="import-go").click().run()
    store = open_store(str(store_path))
    made = store.correct_place("Al Bukamal", (34.4537, 40.9186), (34.46, 40.93, 1),
                               who=analyst("ana@example.org"), drawn=["acled-SYR1"])
    at = _upload(at, "acled.csv", ACLED.encode())
    said = _said(at)
    assert (f"1 record of this file stays where a place correction in force put it: "
            f"{made.correction.correction_id}, Al Bukamal (1): the file gives 34.45370, "
            "40.91860, the correction 34.46000, 40.93000") in said
    assert ("Nothing would change: of the 1 valid row of this file (1 row refused, listed "
            "above), 0 are in the store as the file gives them and 1 keeps an analyst's "
            "correction where the file says otherwise, kept (the point of 1 record by place "
            f"correction {made.correction.correction_id} of Al Bukamal)") in said
    assert "as the file gives it (" not in said
