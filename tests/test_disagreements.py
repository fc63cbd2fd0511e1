"""Disagreements between the sources that taught places (geo.geocoding.disagreements)."""

from __future__ import annotations

import pandas as pd

from geo.geocoding.disagreements import (
    DISAGREEMENT_COLUMNS,
    source_disagreements,
    sources_overview,
)


def _learned(*rows: tuple[str, str, float, float, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"name": n, "country": "SY", "admin1": "Hama", "latitude": lat, "longitude": lon,
          "precision": p, "source": s, "records": r, "enabled": True}
         for n, s, lat, lon, r, p in rows])


def test_one_name_far_apart_in_two_sources_is_a_disagreement():
    found = source_disagreements(_learned(
        ("Kafr Zeta village", "ucdp", 35.37, 36.60, 3, 1),
        ("Kafr Zeta", "acled", 35.90, 36.90, 1, 1),
        ("Kafr Zeta", "acled", 35.37001, 36.60001, 0, 1),  # fewer records: not acled's point
    ))
    assert list(found.columns) == list(DISAGREEMENT_COLUMNS)
    (row,) = found.to_dict("records")
    assert (row["source_a"], row["records_a"], row["source_b"], row["records_b"]) == (
        "ucdp", 3, "acled", 1)
    assert row["name"] == "Kafr Zeta village"
    assert 60 < row["km"] < 70  # 0.53 deg of latitude and 0.3 of longitude


def test_points_of_one_place_and_a_rough_point_near_it_agree():
    found = source_disagreements(_learned(
        ("Hama", "ucdp", 35.13, 36.75, 5, 1),
        ("Hama", "acled", 35.14, 36.76, 2, 1),        # 1.4 km: the same place
        ("Suran", "ucdp", 35.29, 36.74, 4, 1),
        ("Suran", "acled", 35.40, 36.74, 2, 2),       # within 25 km, known roughly
        ("Tall Abyad", "ucdp", 36.69, 38.95, 2, 1),   # one source only
        ("Tall Abyad", "ucdp", 36.20, 38.95, 1, 1),
    ))
    assert found.empty and list(found.columns) == list(DISAGREEMENT_COLUMNS)
    assert source_disagreements(_learned()).empty


def test_each_source_counts_the_names_it_disputes():
    learned = _learned(
        ("Kafr Zeta", "ucdp", 35.37, 36.60, 3, 1), ("Kafr Zeta", "acled", 35.90, 36.90, 1, 1),
        ("Maan", "ucdp", 35.30, 36.80, 2, 1), ("Maan", "report", 33.0, 36.0, 1, 1),
        ("Maan", "acled", 33.0, 36.0, 1, 1),
    )
    found = source_disagreements(learned)
    assert sorted(zip(found["name"], found["source_a"], found["source_b"], strict=True)) == [
        ("Kafr Zeta", "ucdp", "acled"), ("Maan", "ucdp", "acled"), ("Maan", "ucdp", "report")]
    sources = pd.DataFrame({"source": ["acled", "report", "ucdp", "quiet"],
                            "enabled": [True, True, False, True]})
    overview = sources_overview(sources, found)
    assert overview.set_index("source")["disputed_names"].to_dict() == {
        "acled": 2, "report": 1, "ucdp": 2, "quiet": 0}


def _pandas_main_points(learned):
    """The main points as the first version computed them (a frame of the rows)."""
    from geo.geocoding.compound import parse_place
    from geo.geocoding.names import name_key

    columns = ["key", "country", "source", "name", "records", "latitude", "longitude",
               "admin1", "precision"]
    frame = learned[learned["latitude"].notna() & learned["longitude"].notna()].copy()
    keys = {}
    for raw in frame["name"].astype(str).unique():
        parsed = parse_place(raw)
        keys[raw] = "" if parsed.generic else (name_key(parsed.canonical) or raw.lower())
    frame["key"] = frame["name"].astype(str).map(keys)
    frame = frame[frame["key"] != ""]
    frame["records"] = frame["records"].astype(int)
    frame["precision"] = frame["precision"].astype(int)
    frame["country"] = frame["country"].fillna("").astype(str)
    frame["admin1"] = frame["admin1"].fillna("").astype(str)
    at_point = (frame.sort_values("records", ascending=False, kind="stable")
                .groupby(["key", "country", "source", "latitude", "longitude"],
                         as_index=False, sort=False)
                .agg(name=("name", "first"), records=("records", "sum"),
                     admin1=("admin1", "first"), precision=("precision", "min")))
    main = (at_point.sort_values(["records", "latitude"], ascending=[False, True],
                                 kind="stable")
            .drop_duplicates(["key", "country", "source"]))
    return main[columns].reset_index(drop=True)


def test_main_points_are_those_of_the_rows_grouped_whole():
    """Points from sorts of arrays equal the grouped frame's, ties included."""
    import numpy as np

    from geo.geocoding.disagreements import main_points

    rng = np.random.default_rng(5)
    n = 3_000
    spellings = ["Kafr Zeta", "Kafr Zeta village", "kafr zeta", "Hadar", "Tell Abyad",
                 "village", "Al Bab town", "Dayr Hafir"]
    learned = pd.DataFrame({
        "name": rng.choice(spellings, n), "country": rng.choice(["SY", "TR", ""], n),
        "admin1": rng.choice(["Aleppo", "", "Idlib"], n),
        "latitude": rng.choice([35.0, 35.5, 36.0, 36.25, np.nan], n),
        "longitude": rng.choice([37.0, 37.5, 38.0], n),
        "precision": rng.choice([1, 2], n), "source": rng.choice(["ucdp", "acled", "team"], n),
        "records": rng.integers(1, 4, n), "enabled": rng.random(n) < 0.8})
    expected = _pandas_main_points(learned)
    assert len(expected) > 20
    pd.testing.assert_frame_equal(main_points(learned), expected)
    pd.testing.assert_frame_equal(main_points(learned.iloc[:0]), expected.iloc[:0],
                                  check_dtype=False, check_index_type=False)
