"""The pipeline's hook for the learned candidate scorer (issue 12, round 13).

:func:`score_candidates` gives each finished candidate its features
(:mod:`geo.extract.candidate_features`) and, when a model file is there, its keep and
place-trust scores (:mod:`geo.extract.candidate_model`). With the hook on
(``INCIDENT_MAP_CANDIDATE_MODEL=on``) a candidate below the keep threshold is set aside and a
point below the trust threshold goes to review (``unsure``), its point kept as a suggestion.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from geo.extract.candidate_features import Emitted, ReportView, candidate_features
from geo.extract.candidate_model import (
    DOUBTED_STATUS,
    MODES,
    CandidateModel,
    Verdict,
    judge,
    load_model,
)
from geo.extract.report import Draft
from geo.settings import load_settings

_UNSET = object()
_OVERRIDE: ContextVar[object] = ContextVar("candidate_model_override", default=_UNSET)


class Scored(Protocol):
    """What the hook changes of a candidate (:class:`geo.extract.pipeline.CandidateIncident`)."""

    record: dict[str, object]
    geocode_status: str


@contextmanager
def using_model(model: CandidateModel | None, mode: str = "on") -> Iterator[None]:
    """Use this model (None: none) and mode in the hook, whatever the settings say."""
    if mode not in MODES:
        raise ValueError(f"candidate model mode must be one of {', '.join(MODES)}, "
                         f"not {mode!r}")
    token = _OVERRIDE.set((model, mode))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def active_model() -> tuple[CandidateModel | None, str]:
    """The model and mode the hook uses (an override, else the settings).

    Returns
    -------
    (CandidateModel or None, str)
        The model file's model (None when absent) and ``on`` or ``off``.
    """
    override = _OVERRIDE.get()
    if override is not _UNSET:
        return override  # type: ignore[return-value]
    settings = load_settings()
    return load_model(settings.candidate_model_path), settings.candidate_model_mode


def score_candidates(drafts: Sequence[Draft], candidates: Sequence[Scored],
                     report: ReportView) -> list[Verdict]:
    """Score the report's candidates; with the hook on, send doubted points to review.

    Parameters
    ----------
    drafts : sequence of Draft
        The rules' drafts, one per candidate, in the same order.
    candidates : sequence of Scored
        The finished candidates; a doubted one's ``geocode_status`` becomes ``unsure``
        here (its point stays, as a suggestion) and its description says why.
    report : ReportView

    Returns
    -------
    list of Verdict
        One per candidate; ``set_aside`` ones are for the caller to hold back.
    """
    emitted = [Emitted(d, c.geocode_status, _int(c.record.get("geo_precision")),
                       _float(c.record.get("latitude")), _float(c.record.get("longitude")),
                       str(c.record.get("admin1") or ""))
               for d, c in zip(drafts, candidates, strict=True)]
    rows = [candidate_features(e, emitted, report) for e in emitted]
    site = [e.status == "resolved" and e.precision == 1 and e.latitude is not None
            for e in emitted]
    model, mode = active_model()
    verdicts = judge(rows, site, model, act=mode == "on")
    for candidate, verdict in zip(candidates, verdicts, strict=True):
        if verdict.doubted and not verdict.set_aside:
            candidate.geocode_status = DOUBTED_STATUS
            candidate.record["description"] = (
                f"{candidate.record.get('description', '')} The learned scorer doubts this "
                f"point (place trust {verdict.trust:.2f}): check the place before accepting.")
    return verdicts


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
