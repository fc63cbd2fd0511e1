"""The shareable link: an absolute URL that decodes back to the same view."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs, urlsplit

from geo.view.state import ViewDomain, decode_view, default_view, encode_view, view_link

DOMAIN = ViewDomain(
    date_min=date(2014, 9, 1),
    date_max=date(2018, 11, 13),
    center=(34.6, 39.8),
    zoom=7,
    fingerprint="d5a2cf68",
    has_incident={"a", "b"}.__contains__,
    event_types=("airstrike", "bombing"),
)


def test_link_points_at_the_app_root_and_round_trips():
    state = replace(
        default_view(DOMAIN),
        date_from=date(2017, 10, 1),
        event_types=("bombing",),
        query="Ar-Raqqah & al-Shaafah",
        selected="b",
    ).with_map_view(35.2, 40.1, 8)
    for page in ("http://host:8501/map?x=1#top", "http://host:8501/", "http://host:8501"):
        link = view_link(state, DOMAIN, page)
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "host:8501", "/")
        decoded = decode_view(parse_qs(parts.query, keep_blank_values=True), DOMAIN)
        assert decoded == state
        assert decoded.notes == ()


def test_link_keeps_a_path_prefix():
    link = view_link(default_view(DOMAIN), DOMAIN, "https://example.org/tools/incidents/map")
    assert link == "https://example.org/tools/incidents/?v=d5a2cf68"


def test_a_links_type_the_data_does_not_code_is_named_with_what_it_has():
    # trial of issue 14: UCDP data codes only some types; "airstrike" gave 0 silently
    domain = replace(DOMAIN, event_types=("clashes", "other"))
    state = decode_view({"type": ["airstrike", "clashes"]}, domain)
    assert state.event_types == ("clashes",)
    assert state.notes == (
        "No incident in this data has the event type 'airstrike' (its types: clashes, "
        "other); its source may not code it. Type of violence (UCDP) and Actor may say "
        "more. The link's type was ignored.",)
    # a word that is no event type at all stays an unknown one
    assert decode_view({"type": ["flood"]}, domain).notes == (
        "Ignored unknown event type 'flood' in the link. The data has: clashes, other.",)


def test_a_bad_precision_in_a_link_is_named_with_the_filter_s_words():
    # trial of issue 14: the note listed the codes "1, 2, 3, 4", which the filter never shows
    notes = decode_view({"prec": ["9"]}, DOMAIN).notes
    assert notes == (
        "Ignored unknown location precision '9' in the link. The data has: site or town "
        "(1), near / district (2), region / governorate (3), country (4).",)


def test_place_only_search_travels_in_the_link():
    state = replace(default_view(DOMAIN), query="Manbij", place_only=True)
    params = encode_view(state, DOMAIN)
    assert params["by_place"] == "1"
    assert decode_view({k: v if isinstance(v, list) else [v] for k, v in params.items()},
                       DOMAIN) == state
    assert "by_place" not in encode_view(replace(state, place_only=False), DOMAIN)
    wrong = decode_view({"q": ["Manbij"], "by_place": ["yes"]}, DOMAIN)
    assert not wrong.place_only
    assert wrong.notes == ("Ignored 'by_place=yes' in the link (expected 0 or 1).",)


def test_a_links_map_position_names_each_value_it_could_not_use():
    # trial of issue 14: "lat=200&z=99" without lon did not say which values were wrong
    state = decode_view({"lat": ["200"], "z": ["99"]}, DOMAIN)
    assert (state.center, state.zoom) == (DOMAIN.center, DOMAIN.zoom)
    assert state.notes == (
        "The link's map position was not used: it needs lat, lon and z (lon is missing); "
        "lat 200 is out of range (-90 to 90); z 99 is out of range (1 to 18). Showing all "
        "incidents.",)
    assert decode_view({"lat": ["35"], "lon": ["east"], "z": ["7"]}, DOMAIN).notes == (
        "The link's map position was not used: lon 'east' is not numeric. Showing all "
        "incidents.",)


def test_a_links_search_with_nothing_to_look_for_is_kept_as_given():
    # trial of issue 14: "q=%_';--"; the page says what was not searched (under the
    # count line and the search box), the link keeps the text as given, with no note
    state = decode_view({"q": ["%_';--"]}, DOMAIN)
    assert state.query == "%_';--" and state.notes == ()
