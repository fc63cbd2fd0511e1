"""Round 13b: sites in lists (issue 12).

A list of shelled places carries its cue from one name to the next ("militants shelled A, B
and C"): :func:`geo.extract.places.find_places` reads a name after ", " or " and " as cued
when the name before it was. Two shapes broke the chain and lost the sites after the break:

* a count after a name ("Nahshebba (twice), Mammumkhiyah (twice), Nabi Yunis"): the count
  stands between the name and the comma; and a list in groups, one per province, with
  semicolons between them ("... in the Latakia governorate; Hamamiyat, al-Asi and Kornaz in
  the Hama governorate") (:func:`listed_after_cued`);
* a name the gazetteer does not hold ("shelled Hwaiz and Kornaz"): it is dropped, and the
  known name after it lost its cue. A dropped name that had a cue now passes the cue on (the
  name itself stays dropped).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from geo.extract.phrases import COORDINATION

#: A count after a listed name: "(twice)", "(four times)", "(3 times)", "(x2)".
_COUNT = re.compile(r"\s*\((?:once|twice|thrice|(?:\d+|two|three|four|five|six|seven|eight|"
                    r"nine|ten|several|many)\s+times|x\s?\d+)\)$", re.I)

#: The next group of a list, after a semicolon ("...; and the area around X").
_NEXT_GROUP = re.compile(r";\s*(?:and\s+)?(?:the\s+)?$", re.I)


def listed_after_cued(whole_before: str, cued_ends: Collection[int]) -> bool:
    """Whether a name follows a cued name of the same list across a count.

    Parameters
    ----------
    whole_before : str
        The sentence's text before the name.
    cued_ends : collection of int
        Offsets (in the sentence) where cued names end.

    Returns
    -------
    bool
        True for "... Nahshebba (twice), " after a cued "Nahshebba".
    """
    group = _NEXT_GROUP.search(whole_before[-16:])
    if group:  # "A and B in X governorate; C, D and E in Y governorate"
        return len(whole_before) - len(group.group()) in cued_ends
    link = COORDINATION.search(whole_before[-16:])
    if not link:
        return False
    head = whole_before[:len(whole_before) - len(link.group())]
    count = _COUNT.search(head)
    return count is not None and len(head) - len(count.group()) in cued_ends
