"""Tolls tied to their sites: one figure per site, aggregates left untied, lone tolls placed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from geo.extract.casualties import Casualties, combine, find_casualties
from geo.extract.places import PlaceMention
from geo.extract.report import Draft, compatible
from geo.extract.text import Sentence


def siteless_tolls(drafts: list[Draft], tolls: dict[int, tuple[str, Casualties]],
                   sentences: Sequence[Sentence] = ()) -> None:
    """A toll given without a site ("At least 22 civilians were killed in air strikes on a
    town") belongs to the one sited event of that type in the sentences beside it; with
    two or more such events it is their aggregate and stays untied.

    Trial 26: further on, a toll that names the event back ("more than 25 people were wounded
    in the strikes") adds the kinds it lacks to the report's one sited event of that type.
    """
    tied = False  # one lone toll is tied to the sited event beside it, no more
    for index, (kind, toll) in tolls.items():
        own = [d for d in drafts if d.site is not None and index in d.sentences]
        if len({d.site.text for d in own if d.site is not None}) == 1:
            for draft in own:  # round 15: a sentence of the event's own (a promise kept next)
                draft.casualties = combine(draft.casualties, toll)
            continue
        named_back = _THE_EVENT.search(sentences[index].text) if index < len(sentences) else None
        if named_back and _ONE_EVENT.match(named_back.group()) and \
                _tie_to_previous(drafts, index, kind, toll):
            continue  # round 15: "in that shelling", the previous sentence's event
        if named_back:
            alike = [d for d in drafts if d.site is not None and compatible(kind, d.event_type)
                     and min(d.sentences) < index]
            if len({d.site.text for d in alike if d.site is not None}) == 1 and \
                    all(combine(d.casualties, toll) is not d.casualties for d in alike):
                for draft in alike:
                    draft.casualties = combine(draft.casualties, toll)
                    draft.sentences = sorted({*draft.sentences, index})
                continue
        if tied:
            continue
        near = [d for d in drafts if d.site is not None and
                min(abs(i - index) for i in d.sentences) <= 2 and compatible(kind, d.event_type)]
        sites = {d.site.text for d in near if d.site is not None}
        if len(sites) == 1 and all(d.casualties.killed_min is None and
                                   d.casualties.killed_max is None for d in near):
            for draft in near:
                draft.casualties = combine(toll, draft.casualties)  # round 12: keep "40 injured"
                draft.sentences = sorted({*draft.sentences, index})
            tied = True


def attach_casualties(drafts: list[Draft], sentence: Sentence, casualties: Casualties) -> bool:
    """A toll in the sentence after an event with none of its own is that event's toll.

    After an event with a toll, a figure of "others" ("The monitor said 25 others had been
    injured") adds the kinds the event's toll lacks.
    """
    if not drafts or sentence.index - drafts[-1].sentences[-1] > 1:
        return False
    target = drafts[-1]
    if not target.casualties.is_empty():
        if not _OTHERS.search(sentence.text):
            return False
        combined = combine(target.casualties, casualties)
        if combined is target.casualties:
            return False
        target.casualties = combined
        target.sentences.append(sentence.index)
        return True
    target.casualties = casualties
    target.sentences.append(sentence.index)
    return True


def _tie_to_previous(drafts: list[Draft], index: int, kind: str, toll: Casualties) -> bool:
    """Tie a toll that names its event back ("At least nine were killed in that shelling") to
    the one sited event of a compatible type told in the sentence before it (or the one before
    that when none is between), if it lacks the kinds the toll gives (round 15)."""
    for back in (1, 2):
        told = [d for d in drafts if d.site is not None and index - back in d.sentences and
                compatible(kind, d.event_type)]
        if not told:
            continue
        if len({d.site.text for d in told if d.site is not None}) != 1 or \
                any(combine(d.casualties, toll) is d.casualties for d in told):
            return False
        for draft in told:
            draft.casualties = combine(draft.casualties, toll)
            draft.sentences = sorted({*draft.sentences, index})
        return True
    return False


#: Trial 26: the event named back with the definite article ("in the strikes", "by the raid");
#: round 15: or a demonstrative ("in that shelling", "this attack").
_THE_EVENT = re.compile(r"\b(?:in|by|from|during|of)\s+(?:the|that|this|these|those)\s+"
                        r"(?:air\s*strikes?|strikes?|raids?|"
                        r"air\s+raids?|attacks?|bombardment|bombing|shelling|explosions?|blasts?)\b",
                        re.I)
#: Round 15: an event named back as one ("that shelling", "those strikes", "the attack"), not
#: as several ("in the strikes": the report's strikes, tied only when all are at one site).
_ONE_EVENT = re.compile(r"\w+\s+(?:(?:that|this|these|those)\s+|the\s+(?!\S+s\b))", re.I)
#: A figure counted beside one already given: "25 others", "dozens more".
_OTHERS = re.compile(r"\b(?:\d{1,4}|[a-z]+)\s+(?:others|more)\b", re.I)


_COORDINATED = re.compile(r"(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?(?:(?:towns?|cities|villages?)"
                          r"\s+of\s+)?$", re.I)


#: A bare figure for the next site, its category given for the site before ("and five in X").
_ELIDED = re.compile(r"^\W*(?:and|,)\s+(?:another\s+)?(?P<n>\d{1,4}|one|two|three|four|five|six|"
                     r"seven|eight|nine|ten|eleven|twelve)\s+(?:more\s+|others?\s+)?(?:in|at)\b",
                     re.I)


def site_casualties(
    sentence: Sentence, sites: Sequence[PlaceMention | None], casualties: Casualties
) -> list[Casualties]:
    """Each site's own toll: "53 killed in Jableh and another 48 died in Tartus".

    With one site the sentence's toll is its toll. With several, each figure belongs to the
    site whose stretch of the sentence holds it (a site's stretch runs from the previous
    site's end to its own end; the last one's to the sentence's end). Sites named together
    ("Saraqeb and Ehsim") share an aggregate: it is tied to none of them, only noted.
    """
    marks = sorted((s for s in sites if s is not None), key=lambda m: m.start)
    if len(sites) < 2 or casualties.is_empty() or len(marks) < len(sites):
        return [casualties] * len(sites)
    base = sentence.start
    joined = all(_COORDINATED.fullmatch(sentence.text[a.end - base:b.start - base])
                 for a, b in zip(marks, marks[1:], strict=False))
    if joined:
        names = " and ".join(m.text for m in marks)
        note = f"aggregate toll for {names}: " + "; ".join(casualties.notes or ["as stated"])
        return [Casualties(notes=[note]) for _ in sites]
    out: dict[int, Casualties] = {}
    previous, before = 0, Casualties()
    for i, mark in enumerate(marks):
        end = len(sentence.text) if i == len(marks) - 1 else mark.end - base
        toll = find_casualties(sentence.text[previous:end], base + previous)
        elided = _ELIDED.match(sentence.text[previous:end])
        if elided and toll.killed_min is None and toll.killed_max is None and \
                before.killed_min is not None:  # "three killed in Ablen and five in al-Fuah"
            count = find_casualties(f"{elided.group('n')} killed", 0).killed_min
            toll = replace(toll, killed_min=count, killed_max=count,
                           notes=[*toll.notes, f"{count} killed, the figure before it "
                                                "naming the dead"])
        out[id(mark)] = before = toll
        previous = end
    return [out[id(s)] for s in sites]
