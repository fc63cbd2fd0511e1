"""Per-stage scores of extraction on annotated reports, for ``bench/bench_extract_real.py``.

The strict score needs every stage right at once: the place, the dates, then the facts. These
counts take the stages one at a time, so the stage that loses the most shows:

* place: annotated incidents for which some candidate is at the place (within 10 km of a known
  point, in the governorate of a region-level incident, or naming a site no gazetteer holds),
  whatever its dates;
* dates: of those, how many have such a candidate whose dates overlap the annotation's; how
  many have only undated candidates there; how many have dated candidates, none overlapping;
  and how many candidates are undated at all;
* facts: on matched pairs (the first matching candidate of each matched incident), how many
  have the event type, the casualties and the claimant right.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class StageScores:
    """Counts per stage over a set of reports (see the module docstring)."""

    located: int = 0  # incidents with a known point or a region
    located_place: int = 0
    located_dated: int = 0
    located_undated_only: int = 0
    located_wrong_dates: int = 0
    by_name: int = 0  # incidents at sites no gazetteer holds (found by name, for review)
    by_name_place: int = 0
    by_name_dated: int = 0
    by_name_undated_only: int = 0
    candidates: int = 0
    undated_candidates: int = 0
    matched: int = 0
    type_ok: int = 0
    casualties_ok: int = 0
    claimant_ok: int = 0

    def add(self, other: StageScores) -> None:
        """Add another set of counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def undated(candidate: dict) -> bool:
    """Whether a candidate (a JSON record) has no date at all."""
    return not candidate.get("date_start")


def record_incident(stages: StageScores, *, by_name: bool, at_place: list[dict],
                    dated_hits: int) -> None:
    """Count one annotated incident's place and date stages.

    Parameters
    ----------
    stages : StageScores
    by_name : bool
        The site is one no gazetteer holds (matched by name).
    at_place : list of dict
        The candidates at the incident's place, whatever their dates.
    dated_hits : int
        How many of them have dates overlapping the annotation's.
    """
    undated_only = bool(at_place) and all(undated(c) for c in at_place)
    if by_name:
        stages.by_name += 1
        stages.by_name_place += bool(at_place)
        stages.by_name_dated += dated_hits > 0
        stages.by_name_undated_only += undated_only
        return
    stages.located += 1
    stages.located_place += bool(at_place)
    stages.located_dated += dated_hits > 0
    stages.located_undated_only += undated_only
    stages.located_wrong_dates += bool(at_place) and not dated_hits and not undated_only


def record_facts(stages: StageScores, *, type_ok: bool, casualties_ok: bool,
                 claimant_ok: bool) -> None:
    """Count one matched pair's event type, casualties and claimant."""
    stages.matched += 1
    stages.type_ok += type_ok
    stages.casualties_ok += casualties_ok
    stages.claimant_ok += claimant_ok


def record_candidates(stages: StageScores, candidates: list[dict]) -> None:
    """Count a report's candidates and how many of them are undated."""
    stages.candidates += len(candidates)
    stages.undated_candidates += sum(undated(c) for c in candidates)


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else f"{part}/0"


def stage_lines(stages: StageScores) -> list[str]:
    """The stage figures as printable lines."""
    s = stages
    return [
        f"  place (a candidate at the site, any dates): {_pct(s.located_place, s.located)}; "
        f"sites by name: {_pct(s.by_name_place, s.by_name)}",
        f"  dates (of those at the place, dates overlap): "
        f"{_pct(s.located_dated, s.located_place)}; sites by name: "
        f"{_pct(s.by_name_dated, s.by_name_place)}",
        f"    at the place but only undated candidates there: {s.located_undated_only} "
        f"(+{s.by_name_undated_only} by name); dated, none overlapping: "
        f"{s.located_wrong_dates}",
        f"    undated candidates: {_pct(s.undated_candidates, s.candidates)}",
        f"  facts on matched pairs: type {_pct(s.type_ok, s.matched)}; casualties "
        f"{_pct(s.casualties_ok, s.matched)}; claimant {_pct(s.claimant_ok, s.matched)}",
    ]
