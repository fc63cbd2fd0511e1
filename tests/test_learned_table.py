"""Learned places as codes (geo.geocoding.learned_table): the same rows as the frame, the
same learned names as from the frame, and ``first_seen`` numbering as pandas does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.geocoding.learned import LearnedPlaces, empty_learned, typed_learned
from geo.geocoding.learned_index import LearnedNames
from geo.geocoding.learned_table import LearnedTable, first_seen, read_learned_table
from tests.helpers.learned_names import names_state


def _untidy() -> pd.DataFrame:
    """A learned table as a source might give it: text gaps, numbers as text, enabled as
    text, a row without a point, a generic word, a switched-off source."""
    return pd.DataFrame({
        "name": ["Hadar", None, "Hadar", "village", "Tall Rif'at", "Hadar", "الرقة", "Hadar"],
        "country": ["SY", "SY", None, "SY", "SY", "TR", "SY", "SY"],
        "admin1": [None, "Aleppo", "", "", "Aleppo", "", "Ar-Raqqa", ""],
        "latitude": ["33.2", 36.1, 33.21, 35.0, None, 36.9, 35.95, 33.201],
        "longitude": [35.8, 37.2, "35.81", 36.0, 37.1, 37.0, 39.01, 35.8],
        "precision": [1, None, "2", 1, 1, 1, 1, 1],
        "records": [3, 1, None, 2, 5, "4", 2, 1],
        "source": ["ucdp", "acled", None, "ucdp", "ucdp", "acled", "acled", "team"],
        "enabled": ["1", True, "off", 0, None, "yes", True, False],
    })


@pytest.mark.parametrize("codes", [
    [3, 1, 3, 0, 1, 7], [0], [5, 5, 5], list(range(10, 0, -1)),
    [2, 10**9, 2, 7, 10**9],  # sparse: sorted instead of an array per value
])
def test_first_seen_numbers_as_pandas_factorize(codes):
    for dtype in (np.int32, np.int64):
        values = np.array(codes, dtype=dtype)
        got, distinct = first_seen(values)
        want, uniques = pd.factorize(values)
        assert got.tolist() == want.tolist() and got.dtype == np.int64
        assert distinct.tolist() == uniques.tolist()


def test_first_seen_of_many_random_codes_and_of_none():
    rng = np.random.default_rng(26)
    values = rng.integers(0, 700, 20_000).astype(np.int32)
    got, distinct = first_seen(values)
    want, uniques = pd.factorize(values)
    assert np.array_equal(got, want) and np.array_equal(distinct, uniques)
    got, distinct = first_seen(np.zeros(0, dtype=np.int32))
    assert len(got) == len(distinct) == 0
    with pytest.raises(ValueError):
        first_seen(np.array([1, -1]))


@pytest.mark.parametrize("drop", [None, "enabled", "admin1"])
def test_a_coded_frame_gives_back_the_typed_frame(drop):
    raw = _untidy() if drop is None else _untidy().drop(columns=[drop])
    table = LearnedTable.from_frame(raw)
    assert len(table) == len(raw)
    for name in ("name", "country", "admin1", "source"):
        values, codes = table.text(name)
        assert codes.dtype == np.int32 and len(set(values)) == len(values)
    pd.testing.assert_frame_equal(table.frame(), typed_learned(raw))
    pd.testing.assert_frame_equal(LearnedTable.from_frame(empty_learned()).frame(),
                                  empty_learned())


def test_values_equal_once_typed_share_a_code_and_bad_codes_are_refused():
    numbers = {"latitude": [1.0, 2.0, 3.0], "longitude": [1.0, 2.0, 3.0],
               "precision": [1, 1, 1], "records": [1, 2, 3], "enabled": [1, 0, 1]}
    texts = {"name": (["a", 1, "1"], np.array([0, 1, 2])),
             "country": ([None, ""], np.array([0, 1, 0])),
             "admin1": ([""], np.array([0, 0, 0])), "source": (["s"], np.array([0, 0, 0]))}
    table = LearnedTable.of(texts, {k: np.array(v) for k, v in numbers.items()})
    assert list(table.values["name"]) == ["a", "1"]
    assert table.codes["name"].tolist() == [0, 1, 1]
    assert list(table.values["country"]) == [""] and table.codes["country"].tolist() == [0] * 3
    assert table.numbers["enabled"].tolist() == [True, False, True]
    assert table.frame()["name"].tolist() == ["a", "1", "1"]
    with pytest.raises(ValueError):
        LearnedTable.of({**texts, "admin1": ([""], np.array([0, 1, 0]))},
                        {k: np.array(v) for k, v in numbers.items()})
    with pytest.raises(ValueError):
        LearnedTable.of(texts, {**{k: np.array(v) for k, v in numbers.items()},
                                "records": np.array([1, 2])})


def test_the_names_of_a_coded_table_equal_those_of_its_frame():
    raw = _untidy()
    from_frame = LearnedNames(raw, 2)
    from_table = LearnedNames(LearnedTable.from_frame(raw), 2)
    assert len(from_table) == len(from_frame) > 0 and from_table.groups == from_frame.groups
    assert names_state(from_table) == names_state(from_frame)
    everything = tuple(range(from_table.groups))
    pd.testing.assert_frame_equal(from_table.frame(everything), from_frame.frame(everything))
    pd.testing.assert_frame_equal(from_table.main_points(), from_frame.main_points())


def test_every_row_kept_shares_the_tables_arrays_and_answers_the_same():
    raw = typed_learned(_untidy()).dropna(subset=["latitude"])
    raw = raw[~raw["name"].isin(["village", ""])].reset_index(drop=True)  # generic words
    table = LearnedTable.from_frame(raw)
    names = LearnedNames(table, 1)
    assert len(names._enabled) == len(raw) > len(names) > 0  # every row kept
    assert names._columns["latitude"] is table.numbers["latitude"]  # no copy
    assert names_state(names) == names_state(LearnedNames(raw, 1))


class _CodedSource(LearnedPlaces):
    """A source that hands its table as codes (as the store does)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        super().__init__(frame)
        self.tables = 0

    def learned_places(self) -> pd.DataFrame:
        raise AssertionError("the names read the codes, not the frame")

    def learned_table(self) -> LearnedTable:
        self.tables += 1
        return LearnedTable.from_frame(self._frame)


def test_a_source_with_codes_is_read_as_codes_and_another_through_its_frame():
    coded = _CodedSource(_untidy())
    names = LearnedNames.from_source(coded)
    assert coded.tables == 1
    plain = LearnedPlaces(_untidy())
    assert names_state(names) == names_state(LearnedNames.from_source(plain))
    pd.testing.assert_frame_equal(read_learned_table(plain).frame(), plain.learned_places())
