"""Incident details as safe Markdown: every value from data is escaped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote, urlparse

import pandas as pd

from geo.vocab import PRECISION_LABELS

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """A count and its noun, singular or plural, with thousands separators.

    ``counted(1, "valid row")`` is ``1 valid row``; ``counted(6170, "row")`` is
    ``6,170 rows``; ``nouns`` gives an irregular plural.
    """
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def file_size(size: int) -> str:
    """A file size as an analyst reads it: ``812 bytes``, ``3.4 KB``, ``12.5 MB``."""
    if size < 1024:
        return counted(size, "byte")
    if size < 1 << 20:
        return f"{size / 1024:,.1f} KB"
    return f"{size / (1 << 20):,.1f} MB"


def escape_markdown(text: object) -> str:
    """Escape text so that Markdown and HTML render it literally.

    Parameters
    ----------
    text : object
        Any value; None and NA become ''.

    Returns
    -------
    str
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return " ".join(value.split())


#: Unicode's first-strong isolate and pop directional isolate (Unicode bidi algorithm).
_FSI, _PDI = "\u2068", "\u2069"


def isolate(text: object) -> str:
    """``text`` set apart in its own direction, to put into an English sentence.

    A right-to-left name (Arabic) would otherwise pull the punctuation and figures
    after it into its own run: "Search 'تدمر': 161 at the place" read as
    "Search '161 :'تدمر at the place" (trial 22). Text without a right-to-left letter
    cannot do that and is returned as it is; None and NA become ''.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    value = str(text)
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in value):
        return value
    return f"{_FSI}{value}{_PDI}"


#: How dates read at each precision: in details ("long") and in lists ("short").
_DATE_STYLES: dict[str, dict[str, str]] = {
    "long": {
        "day": "{s:%d %B %Y} (day)",
        "month": "{s:%B %Y} (month)",
        "year": "{s:%Y} (year)",
        "range": "between {s:%d %B %Y} and {e:%d %B %Y} (range)",
    },
    "short": {
        "day": "{s:%Y-%m-%d}",
        "month": "{s:%Y-%m}",
        "year": "{s:%Y}",
        "range": "{s:%Y-%m-%d}/{e:%Y-%m-%d}",
    },
}


def _dates(incident: Mapping[str, object], style: str, unknown: str) -> str:
    start, end = incident.get("date_start"), incident.get("date_end")
    if start is None or pd.isna(start):
        return unknown
    formats = _DATE_STYLES[style]
    form = formats.get(str(incident.get("date_precision") or ""), formats["range"])
    return form.format(s=pd.Timestamp(start), e=pd.Timestamp(end))


def format_dates(incident: Mapping[str, object]) -> str:
    """Human date of an incident with its precision, e.g. 'October 2017 (month)'."""
    return _dates(incident, "long", "date unknown")


def format_casualties(incident: Mapping[str, object]) -> str:
    """Casualty ranges as stated, e.g. 'killed: 3–8 (best estimate 5); dead and injured:
    more than 60'."""
    parts = []
    for label, low_key, high_key in (
        ("killed", "killed_min", "killed_max"),
        ("injured", "injured_min", "injured_max"),
        ("dead and injured", "casualties_min", "casualties_max"),
    ):
        low, high = incident.get(low_key), incident.get(high_key)
        low = None if low is None or pd.isna(low) else int(str(low))
        high = None if high is None or pd.isna(high) else int(str(high))
        if low is None and high is None:
            continue
        if low is not None and high is not None:
            text = str(low) if low == high else f"{low}–{high}"
        elif low is not None:
            text = f"at least {low}"
        else:
            text = f"at most {high}"
        if label == "killed" and _count(incident.get("killed_best")) is not None:
            text += f" (best estimate {_count(incident.get('killed_best'))})"
        parts.append(f"{label}: {text}")
    best = _count(incident.get("killed_best"))
    if best is not None and not any(p.startswith("killed:") for p in parts):
        parts.insert(0, f"killed: best estimate {best}")
    return "; ".join(parts) or "not stated"


def _count(value: object) -> int | None:
    """A whole number of people, or None when not given."""
    return None if value is None or pd.isna(value) else int(str(value))


def _safe_link(url: str, label: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return escape_markdown(label or url)
    target = quote(url, safe=":/?&=#%@+,;~")
    return f"[{escape_markdown(label or url)}]({target})"


def incident_markdown(incident: Mapping[str, object]) -> str:
    """Details of one incident as Markdown safe to render.

    Parameters
    ----------
    incident : mapping
        One incident record (a row of the incident frame).

    Returns
    -------
    str
    """
    precision = incident.get("geo_precision")
    located = (
        PRECISION_LABELS.get(int(str(precision)), "?")
        if precision is not None and not pd.isna(precision)
        else "not located"
    )
    source_name = str(incident.get("source_name") or "")
    url = str(incident.get("source_url") or "")
    source = _safe_link(url, source_name) if url else escape_markdown(source_name)
    lines = [
        f"**{escape_markdown(incident.get('event_type'))}** at "
        f"**{escape_markdown(incident.get('place') or 'an unnamed point')}**",
        f"- **When:** {escape_markdown(format_dates(incident))}",
        f"- **Location precision:** {escape_markdown(located)}",
        f"- **Actors:** {escape_markdown(incident.get('actors')) or 'not stated'}",
        f"- **Casualties:** {escape_markdown(format_casualties(incident))}",
        f"- **Claim status:** {escape_markdown(incident.get('claim_status'))}",
        f"- **Claimed by:** {escape_markdown(incident.get('claimed_by')) or 'not stated'}",
        f"- **Source:** {source or 'not stated'}"
        + ("" if url else " (no link)"),
        f"- **Id:** {escape_markdown(incident.get('id'))}",
    ]
    civilians = pd.to_numeric(pd.Series([incident.get("deaths_civilians")], dtype=object)
                              .astype(str), errors="coerce").iloc[0]
    if not pd.isna(civilians):
        # the source's civilian deaths (UCDP deaths_civilians), left out until trial 21
        at = next(i for i, x in enumerate(lines) if x.startswith("- **Casualties:**"))
        lines.insert(at + 1, f"- **Civilian deaths:** {int(civilians):,}")
    note = incident.get("date_note")
    if note:
        lines.insert(2, f"- **Date note:** {escape_markdown(note)}")
    quality = incident.get("quality")
    if quality and not pd.isna(quality):
        lines.append(f"- **Data quality:** {escape_markdown(quality)} (kept as the source "
                     "gives it)")
    near = nearest_label(incident)
    if near:
        lines.insert(1, f"- **Nearest town:** {escape_markdown(near)}")
    area = _area_lines(incident)
    if area:
        at = next(i for i, x in enumerate(lines) if x.startswith("- **Location precision:**"))
        lines[at + 1:at + 1] = area
    description = escape_markdown(_dated_location_note(incident))
    if description:
        lines.append(f"\n{description}")
    quote_text = escape_markdown(incident.get("quote"))
    if quote_text:
        lines.append(f"\n> {quote_text}")
    return "\n".join(lines)


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _area_lines(incident: Mapping[str, object]) -> list[str]:
    """The governorate and district the point falls in (OCHA boundaries), and where the
    source names another governorate, that disagreement (trial of issue 14: "Abu Allaj",
    Ar Raqqah by UCDP, falls in Aleppo › Menbij)."""
    latitude = incident.get("latitude")
    governorate = _text(incident.get("adm1_name"))
    if latitude is None or pd.isna(latitude) or not governorate:
        return []
    where = " › ".join(n for n in (governorate, _text(incident.get("adm2_name"))) if n)
    lines = [f"- **Area (where the point falls):** {escape_markdown(where)}"]
    given = _text(incident.get("source_area"))
    if given:
        claimant = _text(incident.get("claimed_by")) or _text(incident.get("source_name"))
        who = claimant.split(":")[0].strip() or "The source"
        lines.append(f"- **Area disagreement:** {escape_markdown(who)} says "
                     f"{escape_markdown(given)}; the point falls in {escape_markdown(where)}")
    return lines


#: ``geocode_source`` of a point an analyst typed (the correction form writes it).
_ANALYST_SOURCE = "analyst"
_WHERE_PREC = re.compile(r"\(where_prec (\d)\)\.")


def _dated_location_note(incident: Mapping[str, object]) -> str:
    """The description, its source's location note ("within about 25 km ... (where_prec
    2)") said to be the source's once an analyst corrected the point or made it a site
    (trial 22: the note still read as the record's own after a correction)."""
    text = str(incident.get("description") or "")
    found = _WHERE_PREC.search(text)
    if not found:
        return text
    precision = pd.to_numeric(pd.Series([incident.get("geo_precision")], dtype=object)
                              .astype(str), errors="coerce").iloc[0]
    moved = incident.get("geocode_source") == _ANALYST_SOURCE
    sharper = precision == 1 and found.group(1) != "1"
    if not (moved or sharper):
        return text
    return (text[:found.start()] + f"(where_prec {found.group(1)}: the source's; the "
            "point was corrected since)." + text[found.end():])


def nearest_label(incident: Mapping[str, object]) -> str:
    """'Kafr Nabl, 2.3 km' for a point named after its nearest town, else ''."""
    name = incident.get("nearest_place")
    if not isinstance(name, str) or not name:
        return ""
    metres = incident.get("nearest_distance_m")
    if metres is None or pd.isna(metres):
        return name
    return f"{name}, {float(metres) / 1000:.1f} km"  # type: ignore[arg-type]


def short_date(incident: Mapping[str, object]) -> str:
    """Compact date at its precision: '2017-10', '2018', '2014-09-01/2018-11-13', 'undated'."""
    return _dates(incident, "short", "undated")


def incident_label(incident: Mapping[str, object]) -> str:
    """One-line label of an incident for lists, as plain text (not Markdown)."""
    place = incident.get("place") or (
        f"near {incident['nearest_place']}" if incident.get("nearest_place") else ""
    )
    parts = (short_date(incident), incident.get("event_type"), place)
    return " · ".join(str(p) for p in parts if isinstance(p, str) and p)
