"""Parsing in a limited worker process: same result, progress, limits, cancel, clean-up."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from geo.io.load import read_incidents
from geo.io.worker import ParseFailed, ParseJob, ParseLimits, parse_file, spool

HEADER = "id,date_start,event_type,claim_status,place,country,latitude,longitude,description\n"


def _csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(rows):
            f.write(f"x{i},2017-10-{i % 28 + 1:02d},airstrike,reported,Raqqa,SY,"
                    f"35.{i % 100:02d},39.01,words about event {i}\n")
        f.write("bad,2017-13-40,airstrike,reported,Raqqa,SY,35.9,39.0,a bad date\n")
    return path


def _results(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith("incident-parse-")]


@pytest.fixture(autouse=True)
def temp_folder(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


def test_the_worker_gives_what_the_reader_gives_and_reports_progress(tmp_path, temp_folder):
    path = _csv(tmp_path / "events.csv", 300)
    notes: list[tuple[float, str]] = []
    job = ParseJob(path, name="events.csv", limits=ParseLimits(1024, 120))
    assert job.wait(on_progress=lambda share, note: notes.append((share, note))) == "done"
    loaded = job.result()
    here = read_incidents(path)
    assert (loaded.rows, len(loaded.incidents), loaded.rejected_rows) == (301, 300, [301])
    assert loaded.incidents.equals(here.incidents)
    assert [e.message for e in loaded.errors] == [e.message for e in here.errors]
    shares = [s for s, _ in notes]
    assert shares == sorted(shares) and all(0 <= s <= 1 for s in shares)
    assert job.cpu_seconds > 0 and job.peak_mb > 0
    assert _results(temp_folder) == []  # the result file is read and deleted


def test_a_file_over_the_memory_limit_is_refused_by_name(tmp_path, temp_folder):
    path = _csv(tmp_path / "big.csv", 60_000)  # about 5 MB; parsing takes far more than 8 MB
    with pytest.raises(ParseFailed) as caught:
        parse_file(path, limits=ParseLimits(8, 120))
    message = str(caught.value)
    assert "big.csv needs more than 8 MB to parse" in message
    assert "INCIDENT_MAP_WORKER_MEMORY_MB" in message and "nothing was written" in message
    assert str(tmp_path) not in message
    assert _results(temp_folder) == []


def test_a_file_over_the_cpu_limit_is_refused_by_name(tmp_path, temp_folder):
    path = _csv(tmp_path / "slow.csv", 200_000)  # several CPU seconds to parse
    job = ParseJob(path, name="slow.csv", limits=ParseLimits(4096, 1))
    assert job.wait() == "failed"
    assert "slow.csv needs more than 1 CPU seconds" in job.error
    assert "INCIDENT_MAP_WORKER_CPU_SECONDS" in job.error
    with pytest.raises(ParseFailed):
        job.result()
    assert _results(temp_folder) == []


def test_cancel_stops_the_worker_and_deletes_its_files(tmp_path, temp_folder):
    path = _csv(tmp_path / "events.csv", 100_000)
    job = ParseJob(path, name="events.csv", limits=ParseLimits(4096, 300))
    pid = job.pid
    job.poll(0.5)
    job.cancel()
    assert job.state == "cancelled" and "cancelled" in job.error
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: no such process any more
    assert _results(temp_folder) == []
    with pytest.raises(ParseFailed):
        job.result()


def test_a_dropped_job_stops_its_worker(tmp_path, temp_folder):
    job = ParseJob(_csv(tmp_path / "events.csv", 100_000), name="events.csv",
                   limits=ParseLimits(4096, 300))
    pid = job.pid
    del job  # a closed browser tab drops the session's job
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _results(temp_folder) == []


def test_an_xlsx_bomb_is_refused_in_the_worker(tmp_path):
    book = Workbook()
    book.active.append(["id", "event_type", "claim_status"])
    plain = io.BytesIO()
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as good, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in good.infolist():
            data = good.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (300 << 20) + b"</sheetData>")
            out.writestr(item, data, compresslevel=9)
    loaded = parse_file(bomb, limits=ParseLimits(1024, 60))
    assert not loaded.readable
    assert "would unpack to 300 MB" in loaded.errors[0].message


def test_spool_copies_in_chunks_and_deletes_with_the_object(temp_folder):
    data = b"id,event_type\n" + b"a,airstrike\n" * 300_000  # several chunks
    spooled = spool(io.BytesIO(data), "Events.CSV")
    assert spooled.path.parent == temp_folder and spooled.path.suffix == ".csv"
    assert spooled.path.read_bytes() == data and spooled.size == len(data)
    assert spooled.digest == spool(io.BytesIO(data), "again.csv").digest  # the copy is gone
    path = spooled.path
    del spooled
    assert not path.exists()
    assert list(temp_folder.iterdir()) == []


def test_release_memory_collects_garbage_unless_told_not_to(monkeypatch):
    from geo.io import worker

    calls: list[str] = []
    monkeypatch.setattr(worker.gc, "collect", lambda: calls.append("collect") or 0)
    worker.release_memory(collect=False)  # between the steps of a load: no collection
    assert calls == []
    worker.release_memory()
    assert calls == ["collect"]
