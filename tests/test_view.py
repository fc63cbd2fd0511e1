"""The view state and its round trip through URL query parameters (geo/view.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.view.state import (
    MAX_QUERY_LENGTH,
    MAX_ZOOM,
    MIN_ZOOM,
    NONE_SELECTED,
    PARAMS,
    ViewDomain,
    ViewState,
    decode_view,
    default_view,
    encode_view,
    round_center,
)
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES, PRECISION_LABELS

FINGERPRINT = "0a1b2c3d"
IDS = frozenset({"inc-1", "inc 2 & more=yes#", "سوريا-3"})
DOMAIN = ViewDomain(
    date_min=date(2014, 9, 1),
    date_max=date(2018, 11, 13),
    center=(34.123456789, 39.987654321),
    zoom=7,
    fingerprint=FINGERPRINT,
    has_incident=IDS.__contains__,
    event_types=("airstrike", "bombing", "shelling", "armed movement"),
)


def as_lists(params):
    """encode_view's output as the name -> all values mapping decode_view reads."""
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def through_url(params):
    """Simulate the browser: encode as a query string and parse it back."""
    return parse_qs(urlencode(params, doseq=True), keep_blank_values=True)


# --- strategies ----------------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def _subsequence(values):
    return st.lists(st.sampled_from(values), unique=True).map(
        lambda chosen: tuple(v for v in values if v in chosen)
    ) if values else st.just(())


@st.composite
def domains(draw):
    if draw(st.booleans()):
        first = draw(st.dates(date(1990, 1, 1), date(2030, 12, 31)))
        last = draw(st.dates(first, date(2030, 12, 31)))
    else:
        first = last = None
    ids = frozenset(draw(st.lists(_TEXT.filter(bool), max_size=4)))
    return ViewDomain(
        date_min=first,
        date_max=last,
        center=(draw(st.floats(-85, 85)), draw(st.floats(-180, 180))),
        zoom=draw(st.integers(MIN_ZOOM, MAX_ZOOM)),
        fingerprint=draw(st.sampled_from(["", FINGERPRINT, "ffffffff"])),
        has_incident=ids.__contains__,
        event_types=draw(_subsequence(EVENT_TYPES)),
    ), ids


@st.composite
def domains_and_states(draw):
    domain, ids = draw(domains())
    if domain.date_min is not None:
        start = draw(st.dates(domain.date_min, domain.date_max))
        end = draw(st.dates(start, domain.date_max))
    else:
        start = end = None
    state = ViewState(
        date_from=start,
        date_to=end,
        event_types=draw(_subsequence(domain.event_types)),
        claim_statuses=draw(_subsequence(domain.claim_statuses)),
        precisions=draw(_subsequence(domain.precisions)),
        center=round_center(draw(st.floats(-90, 90)), draw(st.floats(-180, 180))),
        zoom=draw(st.integers(MIN_ZOOM, MAX_ZOOM)),
        query=draw(st.text(st.characters(exclude_categories=("Cs",)),
                           max_size=MAX_QUERY_LENGTH)),
        include_undated=draw(st.booleans()),
        selected=draw(st.sampled_from(sorted(ids))) if ids and draw(st.booleans()) else None,
    )
    return domain, state


_PROPERTY = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


# --- round trip ----------------------------------------------------------------------


@_PROPERTY
@given(domains_and_states())
def test_any_valid_view_survives_the_round_trip(domain_and_state):
    domain, state = domain_and_state
    params = encode_view(state, domain)
    for decoded in (decode_view(as_lists(params), domain),
                    decode_view(through_url(params), domain)):
        assert decoded == state
        assert decoded.notes == ()
    assert all(isinstance(v, str) or (isinstance(v, list) and v and
                                      all(isinstance(x, str) for x in v))
               for v in params.values())


@_PROPERTY
@given(domains())
def test_default_view_encodes_to_the_fingerprint_only(domain_and_ids):
    domain, _ids = domain_and_ids
    params = encode_view(default_view(domain), domain)
    assert params == ({PARAMS["fingerprint"]: domain.fingerprint} if domain.fingerprint else {})
    decoded = decode_view(through_url(params), domain)
    assert decoded == default_view(domain) and decoded.notes == ()


@pytest.mark.parametrize(
    ("change", "keys"),
    [
        ({"date_from": date(2016, 1, 1)}, {"d"}),
        ({"event_types": ("airstrike",)}, {"type"}),
        ({"event_types": ()}, {"type"}),
        ({"claim_statuses": ("confirmed",)}, {"claim"}),
        ({"precisions": (1, 2)}, {"prec"}),
        ({"query": "Raqqah"}, {"q"}),
        ({"include_undated": False}, {"undated"}),
        ({"zoom": 9}, {"lat", "lon", "z"}),
        ({"center": (33.5, 38.6)}, {"lat", "lon", "z"}),
        ({"selected": "inc-1"}, {"sel"}),
    ],
)
def test_only_parameters_off_their_default_are_written(change, keys):
    state = replace(default_view(DOMAIN), **change)
    params = encode_view(state, DOMAIN)
    assert set(params) == keys | {"v"}
    assert decode_view(through_url(params), DOMAIN) == state


def test_deselecting_everything_is_written_as_none():
    state = replace(default_view(DOMAIN), event_types=(), claim_statuses=(), precisions=())
    params = encode_view(state, DOMAIN)
    assert params["type"] == params["claim"] == params["prec"] == [NONE_SELECTED]
    decoded = decode_view(through_url(params), DOMAIN)
    assert decoded.event_types == decoded.claim_statuses == decoded.precisions == ()
    assert decoded.notes == ()


def test_repeated_keys_are_lists():
    state = replace(default_view(DOMAIN), event_types=("airstrike", "shelling"),
                    date_from=date(2015, 1, 1), date_to=date(2015, 12, 31))
    params = encode_view(state, DOMAIN)
    assert params["type"] == ["airstrike", "shelling"]
    assert params["d"] == ["2015-01-01", "2015-12-31"]
    assert "type=airstrike&type=shelling" in urlencode(params, doseq=True)


# --- malformed links -----------------------------------------------------------------

# A shared view off every default, so that a fallback of one part is visible.
SHARED = ViewState(
    date_from=date(2016, 1, 1),
    date_to=date(2017, 6, 30),
    event_types=("airstrike", "shelling"),
    claim_statuses=("alleged", "reported"),
    precisions=(1, 2),
    center=(33.5, 38.6),
    zoom=9,
    query="Ash Sha'fah",
    include_undated=False,
    selected="inc-1",
)
DEFAULT = default_view(DOMAIN)
DATES = {"date_from": DEFAULT.date_from, "date_to": DEFAULT.date_to}
MAP = {"center": DEFAULT.center, "zoom": DEFAULT.zoom}


@pytest.mark.parametrize(
    ("override", "fallback", "note"),
    [
        ({"d": ["2017-06-30", "2016-01-01"]}, DATES, "ends before it starts"),
        ({"d": ["2016/01/01", "2017-06-30"]}, DATES, "ISO date"),
        ({"d": ["yesterday", "today"]}, DATES, "ISO date"),
        ({"d": ["2016-02-30", "2017-06-30"]}, DATES, "ISO date"),
        ({"d": ["2010-01-01", "2011-06-30"]}, DATES, "outside the data"),
        ({"d": ["2010-01-01", "2017-06-30"]},
         {"date_from": date(2014, 9, 1), "date_to": date(2017, 6, 30)}, "runs past the data"),
        ({"d": ["2016-01-01", "2019-01-01"]},
         {"date_from": date(2016, 1, 1), "date_to": date(2018, 11, 13)}, "runs past the data"),
        ({"d": ["2016-01-01"]}, DATES, "two dates"),
        ({"d": ["2016-01-01", "2016-02-01", "2016-03-01"]}, DATES, "two dates"),
        ({"d": [""]}, DATES, "two dates"),
        ({"type": ["tank battle"]}, {"event_types": DEFAULT.event_types}, "tank battle"),
        ({"type": ["massacre"]}, {"event_types": DEFAULT.event_types}, "massacre"),
        ({"type": [""]}, {"event_types": DEFAULT.event_types}, "event type"),
        ({"type": ["shelling", "bogus", "airstrike"]},
         {"event_types": ("airstrike", "shelling")}, "bogus"),
        ({"type": ["none", "airstrike"]}, {"event_types": ("airstrike",)}, "none"),
        ({"claim": ["rumoured"]}, {"claim_statuses": CLAIM_STATUSES}, "rumoured"),
        ({"prec": ["5"]}, {"precisions": tuple(PRECISION_LABELS)}, "precision"),
        ({"prec": ["x", "1"]}, {"precisions": (1,)}, "precision"),
        ({"z": ["0"]}, MAP, "out of range"),
        ({"z": ["19"]}, MAP, "out of range"),
        ({"z": ["abc"]}, MAP, "not numeric"),
        ({"z": [""]}, MAP, "not numeric"),
        ({"z": ["nan"]}, MAP, "out of range"),
        ({"z": ["1e400"]}, MAP, "out of range"),
        ({"lat": ["91"]}, MAP, "out of range"),
        ({"lat": ["-90.5"]}, MAP, "out of range"),
        ({"lon": ["180.5"]}, MAP, "out of range"),
        ({"lat": ["inf"]}, MAP, "out of range"),
        ({"lat": []}, MAP, "needs lat, lon and z"),
        ({"z": []}, MAP, "needs lat, lon and z"),
        ({"undated": ["yes"]}, {"include_undated": True}, "undated"),
        ({"sel": ["inc-404"]}, {"selected": None}, "inc-404"),
        ({"sel": [""]}, {"selected": None}, "not in the data"),
        ({"q": ["x" * (MAX_QUERY_LENGTH + 50)]}, {"query": "x" * MAX_QUERY_LENGTH},
         str(MAX_QUERY_LENGTH)),
        ({"v": ["deadbeef"]}, {}, "changed"),
        ({"v": ["not-a-fingerprint"]}, {}, "malformed"),
        ({"v": ["DEADBEEF0"]}, {}, "malformed"),
        ({"utm_source": ["mail"]}, {}, "utm_source"),
        ({"z": ["7.6"]}, {"zoom": 8}, "rounded"),
    ],
)
def test_a_bad_parameter_falls_back_for_its_part_only(override, fallback, note):
    params = {**as_lists(encode_view(SHARED, DOMAIN)), **override}
    params = {k: v for k, v in params.items() if v != []}
    for decoded in (decode_view(params, DOMAIN), decode_view(through_url(params), DOMAIN)):
        assert decoded == replace(SHARED, **fallback)
        assert len(decoded.notes) >= 1
        assert any(note in n for n in decoded.notes), decoded.notes


def test_a_bad_date_beside_a_good_one_is_the_only_one_called_not_iso():
    params = {**as_lists(encode_view(SHARED, DOMAIN)), "d": ["2016-13-45", "2016-12-31"]}
    notes = " ".join(decode_view(params, DOMAIN).notes)
    assert "'2016-13-45': not an ISO date" in notes and "2016-12-31" not in notes


def test_no_parameters_give_the_default_view_without_notes():
    decoded = decode_view({}, DOMAIN)
    assert decoded == DEFAULT and decoded.notes == ()


def test_dates_are_ignored_with_a_note_when_the_data_is_undated():
    domain = replace(DOMAIN, date_min=None, date_max=None)
    decoded = decode_view({"d": ["2016-01-01", "2016-02-01"]}, domain)
    assert (decoded.date_from, decoded.date_to) == (None, None)
    assert decoded.notes


def test_a_fingerprint_is_not_checked_when_the_data_has_none():
    domain = replace(DOMAIN, fingerprint="")
    decoded = decode_view({"v": ["deadbeef"]}, domain)
    assert decoded == default_view(domain) and decoded.notes == ()


def test_notes_show_hostile_text_shortened_and_printable():
    decoded = decode_view({"\x00evil\n" * 20: ["1"]}, DOMAIN)
    [note] = decoded.notes
    assert "\x00" not in note and "\n" not in note
    assert len(note) < 120


_KEYS = st.sampled_from([*PARAMS.values(), "x", "", "Z", "type[]"])


@_PROPERTY
@given(domains(), st.dictionaries(_KEYS, st.lists(_TEXT, max_size=4), max_size=8))
def test_decoding_any_parameters_never_raises_and_stays_in_the_domain(domain_and_ids, params):
    domain, _ids = domain_and_ids
    state = decode_view(params, domain)
    default = default_view(domain)
    if domain.date_min is None:
        assert (state.date_from, state.date_to) == (None, None)
    else:
        assert domain.date_min <= state.date_from <= state.date_to <= domain.date_max
    assert set(state.event_types) <= set(domain.event_types)
    assert set(state.claim_statuses) <= set(domain.claim_statuses)
    assert set(state.precisions) <= set(domain.precisions)
    assert MIN_ZOOM <= state.zoom <= MAX_ZOOM
    assert -90 <= state.center[0] <= 90 and -180 <= state.center[1] <= 180
    assert len(state.query) <= MAX_QUERY_LENGTH
    assert state.selected is None or domain.has_incident(state.selected)
    if not params:
        assert state == default and state.notes == ()
    # What was decoded encodes and decodes to itself, without notes.
    again = decode_view(through_url(encode_view(state, domain)), domain)
    assert again == state and again.notes == ()


def test_with_map_view_rounds_and_clamps():
    moved = DEFAULT.with_map_view(33.1234567, 218.0, 25.4)
    assert moved.center == (33.12346, -142.0)
    assert moved.zoom == MAX_ZOOM
    assert DEFAULT.with_map_view(0, 0, 0.2).zoom == MIN_ZOOM
