"""A dateline is nobody's claim (round 10 of issue 12).

"AMMAN, Nov 4 (KUNA) -- Two people were killed ...", "BEIRUT/AMMAN, July 20, (Agencies):",
"Daraa/Sweida, SANA –": the place words at the head of a dispatch say where it was filed,
not who claims what it reports. A speaker that is only such a dateline is dropped, so that
the claim goes to the nearest real speaker, or to the outlet.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.claims import Attribution
from geo.extract.report import Draft

#: One or more place words, capitalised or in capitals, joined by "/" or spaces.
_PLACE_WORDS = re.compile(r"[A-Z][\w'’-]*(?:[/\s][A-Z][\w'’-]*){0,3}")


def is_dateline(claimant: str, article: str) -> bool:
    """Whether a claimant is the dateline a line of the report opens with.

    Parameters
    ----------
    claimant : str
        As found beside the claim.
    article : str

    Returns
    -------
    bool
        True for place words that open a line followed by a comma, a parenthesis or a dash
        ("AMMAN, Nov 4 (KUNA)", "Daraa/Sweida, SANA –"), and that the report never spells
        out as an acronym ("(AMMAN)").
    """
    who = claimant.strip()
    if not _PLACE_WORDS.fullmatch(who) or f"({who})" in article:
        return False
    if not ("/" in who or who.isupper()):
        return False
    return bool(re.search(rf"(?m)^\s*{re.escape(who)}\s*(?:,|\(|–|—|-)", article))


def without_datelines(drafts: list[Draft], attributions: list[Attribution],
                      article: str) -> list[Attribution]:
    """Drop dateline claimants from the drafts; the attributions without dateline speakers.

    Parameters
    ----------
    drafts : list of Draft
        Changed in place: their dateline claimants are removed.
    attributions : list of Attribution
        One per sentence.
    article : str

    Returns
    -------
    list of Attribution
        A copy in which a dateline speaker is no speaker (for
        :func:`geo.extract.report.nearest_claimants`).
    """
    for draft in drafts:
        draft.claimants = [c for c in draft.claimants if not is_dateline(c, article)]
    return [replace(a, speaker=None) if a.speaker is not None and
            is_dateline(a.speaker.claimed_by, article) else a for a in attributions]


#: Round 12: what opens a clause, not a name ("Also in Deir Ezzor", "Earlier in the day",
#: "See also A human rights group", "This report records ...", "The incident occurred ...").
_CLAUSE_OPENING = re.compile(
    r"^(?:also|earlier|later|meanwhile|moreover|however|in\s+addition|see\s+also|read\s+more|"
    r"this\s+(?:report|statement|week|month|year)|the\s+(?:incident|attack|strike|blast|"
    r"explosion|projectile|shell|shelling|bombing)|it|there|then|afterwards?|no\s+(?:party|group|"
    r"one|side)|nobody|none)\b", re.I)
#: A finite verb followed by a lower-case word: a clause ("The village of X has mourned
#: seven people"), not a name ("Raqqa is Being Slaughtered Silently").
_CLAUSE_VERB = re.compile(r"\b(?:has|have|had|was|were|is|are|records|recorded|occurred|"
                          r"came|mourned)\s+(?-i:[a-z])")
#: A title alone ("Dr", "Mr"): the name after it was lost.
_TITLE_ALONE = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Gen|Col|Maj|Capt|Lt|Sgt|Prof|Sheikh)\.?$")


def is_fragment(claimant: str) -> bool:
    """Whether a claimant is a piece of a sentence rather than a speaker's name.

    Round 12 of issue 12 (the issue asks for "a whole name, never a fragment"): a clause
    opener ("Also in Deir Ezzor", "Earlier in the day", "The incident occurred in ..."), a
    clause with a finite verb ("The village of X has mourned seven people"), or a title whose
    name was lost ("Dr"). Such a claimant is dropped, so the claim goes to the nearest real
    speaker, or to the outlet.

    Parameters
    ----------
    claimant : str
        As found beside the claim.

    Returns
    -------
    bool
    """
    text = claimant.strip(" ,.;:")
    return not text or bool(_CLAUSE_OPENING.match(text) or _CLAUSE_VERB.search(text) or
                            _TITLE_ALONE.match(text))
