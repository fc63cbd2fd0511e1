"""Which kind of event each site of a sentence had (issue 12, round 15).

heldout13's event types were right on 34 of 65 matched incidents. Three general causes, none a
report's wording:

* **one type for every site of a sentence.** "Warplanes carried out raids on Rastan ..., while
  the regime forces shelled Al-Ghantu ..." gave Al-Ghantu an air strike: the sentence's most
  specific type went to all its sites. Each site now takes the triggers of its own stretch of
  the sentence (from the site before it to its own end, the last one to the sentence's end,
  as tolls are tied: :func:`geo.extract.tolls.site_casualties`), or, with none there, the
  nearest trigger before it ("... shelled A, also fell ... on B");
* **a generic verb over the weapon.** "bombed the town ... with artillery shells" was a
  bombing: "bombed" and "bombing" say only that something was hit. When the sentence names the
  weapon (shells, rockets, mortars), the weapon's type wins;
* **explosive remnants.** A landmine or a war remnant going off under a shepherd or a car is
  no bombing (four annotators of four blind sets, 13 of 14 such incidents, call it ``other``):
  a draft whose bombing triggers are all mines or their explosions becomes ``other``, unless
  the text names a device laid for the attack (a car bomb, an IED, a booby trap, "planted").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo.extract.events import EventMention, primary_event
from geo.extract.places import PlaceMention
from geo.extract.report import Draft
from geo.extract.text import Sentence

#: Types a sentence gives every site whatever its stretch says (the weapon or the outcome).
SENTENCE_WIDE = frozenset({"use of prohibited weapons", "massacre"})
#: The kinds of attack a site's own clause may tell apart (an outcome or "killed" is no kind).
ATTACKS = frozenset({"airstrike", "bombing", "shelling", "ground attack", "clashes"})
#: Verbs that say something was hit, not with what.
_GENERIC = frozenset({"bombed", "bombing", "bombings"})
#: A mine or a remnant of war.
_REMNANT = re.compile(r"\b(?:land[\s-]?mines?|mines?|unexploded|remnants?\s+of\s+(?:the\s+)?war|"
                      r"(?:explosive\s+)?remnants|ordnance|UXOs?|cluster\s+bomblets?)\b", re.I)
#: A device laid or thrown for an attack.
_DEVICE = re.compile(r"\b(?:car|truck|suicide|barrel|roadside)\s+bomb|\bIEDs?\b|"
                     r"\b(?:improvised|explosive)\s+devices?\b|\bbooby[\s-]trap|\bplanted\b|"
                     r"\bsuicide\b|\bgrenades?\b|\bdetonated\b|explosive[\s-]laden", re.I)


def site_event_type(
    events: Sequence[EventMention],
    site: PlaceMention | None,
    sites: Sequence[PlaceMention | None],
    default: str,
    end: int,
) -> str:
    """The event type of one site of a sentence (see the module's docstring).

    Parameters
    ----------
    events : sequence of EventMention
        The sentence's triggers (offsets in the article).
    site : PlaceMention or None
        The site.
    sites : sequence of PlaceMention or None
        Every site of the sentence the event is placed at.
    default : str
        The type the sentence gives its events (kept when it is not the sentence's own
        reading: borrowed from a sentence before, or a weapon or an outcome).
    end : int
        Offset of the sentence's end in the article.

    Returns
    -------
    str
    """
    if site is None or default in SENTENCE_WIDE or default != primary_event(list(events)):
        return default
    specific = _without_generic(events)
    marks = sorted((s for s in sites if s is not None), key=lambda m: m.start)
    if not specific:
        return default
    if len(marks) < 2 or len({e.event_type for e in specific}) < 2 or site not in marks:
        return primary_event(specific)
    i = marks.index(site)
    lo = marks[i - 1].end if i else 0
    hi = site.end if i < len(marks) - 1 else end
    own = [e for e in specific if lo <= e.start < hi]
    if own:
        return primary_event(own)
    before = [e for e in specific if e.start < lo]
    return max(before, key=lambda e: e.start).event_type if before else default


def _without_generic(events: Sequence[EventMention]) -> list[EventMention]:
    """The attack triggers (:data:`ATTACKS`), without "bombed"/"bombing" when another kind of
    attack is there."""
    events = [e for e in events if e.event_type in ATTACKS]
    plain = [e for e in events if e.text.lower() not in _GENERIC]
    if plain and any(e.event_type != "bombing" for e in plain):
        return plain
    return list(events)


def remnants_as_other(drafts: Sequence[Draft], sentences: Sequence[Sentence]) -> None:
    """A bombing told only as mines or remnants going off becomes ``other`` (in place).

    Parameters
    ----------
    drafts : sequence of Draft
    sentences : sequence of Sentence
        The report's sentences (indexed as the drafts' ``sentences``).
    """
    for draft in drafts:
        if draft.event_type != "bombing":
            continue
        said = [sentences[i].text for i in draft.sentences if i < len(sentences)]
        if any(_REMNANT.search(t) for t in said) and not any(_DEVICE.search(t) for t in said):
            draft.event_type = "other"
