"""Candidates the learned scorer set aside, for the Extract page (issue 12, round 13).

With ``INCIDENT_MAP_CANDIDATE_MODEL=on`` a candidate whose keep score is below the model's
threshold is not emitted; the page still lists it, with its score, so an analyst can bring it
back into the review grid. Pure functions on review frames (no Streamlit here).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.extract.pipeline import CandidateIncident
from geo.extract.review import REVIEW_COLUMNS, candidates_frame

#: The column of a set-aside frame holding the keep score ("0.08").
SCORE_COLUMN = "keep_score"


def set_aside_frame(candidates: Sequence[CandidateIncident]) -> pd.DataFrame:
    """Set-aside candidates as a review frame with their keep scores.

    Parameters
    ----------
    candidates : sequence of CandidateIncident
        As :func:`geo.extract.pipeline.extract` put them in its ``set_aside`` list.

    Returns
    -------
    pandas.DataFrame
        :data:`geo.extract.review.REVIEW_COLUMNS` and :data:`SCORE_COLUMN`.
    """
    frame = candidates_frame(candidates)
    frame[SCORE_COLUMN] = [
        f"{c.verdict.keep:.2f}" if c.verdict is not None and c.verdict.keep is not None
        else "" for c in candidates]
    return frame


def aside_label(row: dict[str, object], number: int) -> str:
    """One line for a set-aside candidate ("1. Raqqa – shelling (keep score 0.08)")."""
    place = str(row.get("place") or "") or "(no site)"
    return f"{number}. {place} – {row.get('event_type', '')} (keep score {row.get(SCORE_COLUMN)})"


def bring_back(frame: pd.DataFrame, aside: pd.DataFrame,
               position: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move a set-aside candidate into the review frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The review frame.
    aside : pandas.DataFrame
        The set-aside frame (:func:`set_aside_frame`).
    position : int
        Row position in ``aside`` (0-based).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The review frame with the candidate appended, and the set-aside frame without it.
    """
    row = aside.iloc[[position]].reindex(columns=list(REVIEW_COLUMNS)).fillna("")
    out = pd.concat([frame, row], ignore_index=True) if len(frame) else row.reset_index(
        drop=True)
    return out.astype(object), aside.drop(aside.index[position]).reset_index(drop=True)
