"""Casualty figures with their hedges.

"more than 60 people dead and injured" is a lower bound (61) on dead and
injured together (``casualties_min``), not 60 killed; "at least 5 killed" is
``killed_min`` 5; "up to 10 wounded" is ``injured_max`` 10. Unknown stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100, "a dozen": 12,
}
#: Vague quantities as lower bounds ("dozens" is at least two dozen).
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}
#: One person named with an article, read as 1 ("a citizen was martyred", "claiming the life
#: of a civilian").
_ONE_PERSON = (r"citizen|civilian|child|man|woman|boy|girl|person|soldier|serviceman|teacher|"
               r"journalist|policeman|fighter|worker|farmer|shepherd|student|pupil|baby|infant|"
               r"doctor|nurse|paramedic|volunteer|resident|member of [\w ]{1,30}?")
#: Who the dead are, with up to two words before ("Russian contract soldiers", "staff
#: members", "citizens").
_PEOPLE_NOUNS = (r"citizens|persons|staff(?: members)?|workers|patients|students|pupils|guards|"
                 r"policemen|officers|troops|servicemen|service ?members|soldiers|rebels|"
                 r"insurgents|inhabitants|worshipp?ers|relatives|journalists|medics|doctors|"
                 r"nurses|teachers|infants|babies|boys|girls|adults|detainees|prisoners|"
                 r"farmers|shepherds|volunteers|paramedics|rescuers|fighters|militants|"
                 r"civilians|children|women|men|people|residents|villagers")
#: Trial 26: members of a named group ("2 members of Fath al-Sham Front") count as people too.
_GROUP_MEMBERS = (r"\s+(?:members|fighters|militants|elements)\s+of\s+(?:the\s+)?"
                  r"(?:(?-i:[A-Z])[\w'’-]*|al-[\w'’-]+)(?:\s+(?:(?-i:[A-Z])[\w'’-]*|al-[\w'’-]+)){0,4}")
_PEOPLE = rf"(?:(?:\s+[A-Za-z'’-]+){{0,2}}?\s+(?:{_PEOPLE_NOUNS})|{_GROUP_MEMBERS})"
#: An aside between a figure and what it counts (", including women,", " - including
#: children - ", "(two children and a woman)").
_ASIDE = (r"(?:\s*\([^()]{1,60}\)|\s*(?:,|\(|–|—|\s-)\s*(?:including|among them|"
          r"among whom|mostly|most of them|many of them|of whom|half of them|"
          r"nearly half of them)\b[^,()–—]{0,60}?"
          r"(?:,|\)|–|—|\s-))?")
_NUMBER = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|"
    + "|".join(sorted((k for k in _UNITS if " " in k or len(k) > 3 or k in ("one", "two", "six",
                                                                             "ten")),
                      key=len, reverse=True))
    + r"|dozens|scores|hundreds|thousands"
    rf"|(?:a|an) (?:{_ONE_PERSON}))"
)
_HEDGE = (r"(?P<hedge>more than|over|upwards of|in excess of|at least|no fewer than|"
          r"no less than|a minimum of|up to|as many as|at most|no more than|nearly|almost|"
          r"close to|fewer than|less than|under|about|around|approximately|roughly|some|"
          r"an estimated|estimated)")
_RANGE = re.compile(
    r"\b(?:between\s+(?P<lo>\d+)\s+and\s+(?P<hi>\d+)|(?P<lo2>\d+)\s*(?:-|–|to)\s*(?P<hi2>\d+))"
    r"(?=\s)", re.I)
_FIGURE = re.compile(rf"\b(?:{_HEDGE}\s+)?{_NUMBER}\b(?![-,.]?\d)", re.I)
_FILLER = (r"(?:\s+(?:other|more|people|persons|civilians|children|women|men|residents|"
           r"villagers|refugees|soldiers|fighters|militants|members|of them|individuals|of|the|"
           r"our|its|their|"
           r"were|was|have been|had been|has been|have|has|had|are|reportedly|reported|also|got|"
           r"others|being|at least|"  # trial 26: "4 persons at least were killed"
           r"(?:from|of)\s+(?:the\s+same|one|a\s+single)\s+family))*")
_KILLED = r"killed|dead|died|deaths?|fatalities|perished|lost their lives|bodies|martyred|martyrs"
_INJURED = r"injured|wounded|hurt|injuries|casualties-injured"
_CATEGORY = re.compile(
    rf"^(?:{_PEOPLE})?{_FILLER}{_ASIDE}{_FILLER}\s+(?P<first>{_KILLED}|{_INJURED}|casualties|"
    r"victims)"
    rf"(?:\s+(?:and|or|and/or)\s+(?P<second>{_KILLED}|{_INJURED}))?\b",
    re.I,
)
_VERB_BEFORE = re.compile(
    r"(?P<verb>killing|killed|kills|kill|wounding|wounded|wounds|injuring|injured|injures|"
    r"death toll"
    r"(?:\s+(?:rose|rises|climbed|reached|stood|stands))?(?:\s+(?:to|of|at))?|"
    r"claim(?:s|ed|ing)?\s+(?:the\s+)?li(?:fe|ves)\s+of|took\s+the\s+li(?:fe|ves)\s+of|"
    r"left|leaving|(?:the\s+)?(?:killing|deaths?|martyrdom)\s+of)\s+"
    r"(?:another\s+|a\s+further\s+|an?\s+additional\s+)?$",
    re.I,
)
#: A figure coordinated with the one after it, both counting the same dead ("one citizen
#: and three children were killed": 4).
_SUMMAND = re.compile(
    _NUMBER.replace("(?P<num>", "(?P<summand>")
    + rf"(?:\s+[A-Za-z'’-]+){{0,2}}?\s+(?:{_ONE_PERSON}|{_PEOPLE_NOUNS})"
    r"\s+and\s+(?:their\s+|other\s+)?$", re.I)
#: The same after a verb: "claiming the lives of one citizen and three children".
_ADDEND = re.compile(
    rf"^\s+(?:{_ONE_PERSON}|{_PEOPLE_NOUNS})\s+and\s+(?:their\s+|other\s+)?"
    + _NUMBER.replace("(?P<num>", "(?P<addend>") + rf"(?:\s+(?:{_PEOPLE_NOUNS}))\b", re.I)
_SUBCOUNT = re.compile(r"(?:including|among them|among whom|of whom|of them)\s+$", re.I)
_AGE = re.compile(r"\b(?:age of|aged|ages of|ages)\s+$", re.I)
_MONTHS = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|"
                     r"November|December)\s*$|^\s*(?:January|February|March|April|May|June|"
                     r"July|August|September|October|November|December)\b")


@dataclass
class Casualties:
    """Casualty bounds found in a text (None is unknown).

    Attributes
    ----------
    killed_min, killed_max, injured_min, injured_max, casualties_min, casualties_max : int or None
        As in :data:`geo.schema.CASUALTY_COLUMNS`.
    civilians_killed : int or None
        Round 12: the killed figure's lower bound when the text counts civilians ("at least
        22 civilians have been killed"): ``deaths_civilians``.
    notes : list of str
        How each figure was read, for the description.
    spans : list of (int, int)
        Offsets of the figures read.
    """

    killed_min: int | None = None
    killed_max: int | None = None
    injured_min: int | None = None
    injured_max: int | None = None
    casualties_min: int | None = None
    casualties_max: int | None = None
    notes: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    civilians_killed: int | None = None

    def is_empty(self) -> bool:
        """True when no figure was found."""
        return not self.spans

    def as_columns(self) -> dict[str, int | None]:
        """The six casualty columns."""
        return {k: getattr(self, k) for k in (
            "killed_min", "killed_max", "injured_min", "injured_max",
            "casualties_min", "casualties_max")}


def number_value(text: str) -> int | None:
    """Value of a number as written ("60", "1,200", "sixty-two", "a dozen").

    Parameters
    ----------
    text : str

    Returns
    -------
    int or None
    """
    words = text.lower().replace("-", " ").split()
    joined = " ".join(words)
    if joined.replace(",", "").isdigit():
        return int(joined.replace(",", ""))
    if joined in _UNITS:
        return _UNITS[joined]
    if joined in _VAGUE:
        return _VAGUE[joined]
    if len(words) >= 2 and words[0] in ("a", "an") and \
            re.fullmatch(_ONE_PERSON, " ".join(words[1:])):
        return 1
    if len(words) == 2 and words[0] in _UNITS and words[1] in _UNITS:
        return _UNITS[words[0]] + _UNITS[words[1]]
    return None


def bounds(hedge: str, value: int, vague: bool = False) -> tuple[int | None, int | None, str]:
    """Lower and upper bound a hedged figure stands for.

    Parameters
    ----------
    hedge : str
        "more than", "at least", "up to", "nearly", "about" ... or "".
    value : int
    vague : bool
        True for "dozens", "hundreds": a lower bound only.

    Returns
    -------
    tuple
        ``(minimum, maximum, note)``; None where the text sets no bound.
    """
    hedge = " ".join(hedge.lower().split())
    if vague:
        return value, None, f"vague figure read as at least {value}"
    if hedge in ("more than", "over", "upwards of", "in excess of"):
        return value + 1, None, f"'{hedge} {value}': at least {value + 1}"
    if hedge in ("at least", "no fewer than", "no less than", "a minimum of"):
        return value, None, ""
    if hedge in ("up to", "as many as", "at most", "no more than"):
        return None, value, ""
    if hedge in ("nearly", "almost", "close to", "fewer than", "less than", "under"):
        return None, value - 1, f"'{hedge} {value}': at most {value - 1}"
    if hedge:
        return value, value, f"'{hedge} {value}': approximate"
    return value, value, ""


def find_casualties(text: str, offset: int = 0) -> Casualties:
    """Read the casualty figures of a text (usually one sentence).

    Parameters
    ----------
    text : str
    offset : int
        Added to the recorded spans.

    Returns
    -------
    Casualties
        The first figure of each kind; sub-counts ("including 3 children") are
        not read as totals.
    """
    out = Casualties()
    for match in _RANGE.finditer(text):
        lo = int(match.group("lo") or match.group("lo2"))
        hi = int(match.group("hi") or match.group("hi2"))
        if lo <= hi:
            kinds = _kinds(text, match.start(), match.end())
            if kinds:
                _store(out, kinds, lo, hi, f"'{match.group().strip()}'",
                       (match.start() + offset, match.end() + offset))
    for match in _FIGURE.finditer(text):
        if any(s - offset <= match.start() < e - offset for s, e in out.spans):
            continue
        if _MONTHS.search(text[max(0, match.start("num") - 12):match.start("num")]) or \
                _MONTHS.match(text[match.end():match.end() + 12]):
            continue
        if _SUBCOUNT.search(text[max(0, match.start() - 20):match.start()]) or \
                _AGE.search(text[max(0, match.start() - 16):match.start()]):
            continue
        value = number_value(match.group("num"))
        if value is None or (1900 <= value <= 2100 and match.group("num").isdigit()):
            continue
        kinds = _kinds(text, match.start(), match.end())
        if not kinds:
            continue
        vague = match.group("num").lower() in _VAGUE
        value, summed = _with_summand(text, match.start(), value)
        added = _ADDEND.match(text[match.end():]) if not summed else None
        if added and (number_value(added.group("addend")) or 0) and \
                _VERB_BEFORE.search(text[max(0, match.start() - 40):match.start()]):
            second = number_value(added.group("addend")) or 0
            summed = f"{match.group().strip()}{added.group()}: summed to {value + second}"
            value += second
        post = _POST_HEDGE.match(text[match.end():match.end() + 60])
        hedge = match.group("hedge") or (post.group("hedge") if post else "")
        low, high, note = bounds(hedge, value, vague)
        note = "; ".join(n for n in (summed, note) if n)
        fresh = out.killed_min is None and out.killed_max is None
        _store(out, kinds, low, high, note, (match.start() + offset, match.end() + offset))
        if kinds[0] == "killed" and fresh and _CIVILIANS_AFTER.match(text[match.end():]):
            out.civilians_killed = low if low is not None else high
    return out


#: Round 12: the figure counts civilians ("22 civilians", "22 Syrian civilians").
_CIVILIANS_AFTER = re.compile(r"(?:\s+[A-Za-z'’-]+)?\s+civilians?\b", re.I)


def combine(first: Casualties, second: Casualties) -> Casualties:
    """Two tolls of one event: ``first``'s figures, and ``second``'s of the kinds it lacks.

    Round 12: "at least 22 civilians have been killed" then "some 40 others were injured"
    make one toll of 22 killed and 40 injured. Round 15: a figure one toll gives as exact and
    the other as a lower bound ("kill 14", "killed at least 14") stays a lower bound.

    Parameters
    ----------
    first, second : Casualties

    Returns
    -------
    Casualties
        A new toll (``first`` when ``second`` adds nothing).
    """
    out = Casualties(**{k: v for k, v in first.as_columns().items()}, notes=list(first.notes),
                     spans=list(first.spans), civilians_killed=first.civilians_killed)
    added = False
    for kind in ("killed", "injured", "casualties"):
        low, high = getattr(second, f"{kind}_min"), getattr(second, f"{kind}_max")
        if _hedge_kept(out, kind, low, high):  # round 15: "14 killed", then "at least 14"
            setattr(out, f"{kind}_max", None)
            added = True
        elif (low is not None or high is not None) and getattr(out, f"{kind}_min") is None \
                and getattr(out, f"{kind}_max") is None:
            setattr(out, f"{kind}_min", low)
            setattr(out, f"{kind}_max", high)
            added = True
            if kind == "killed":
                out.civilians_killed = second.civilians_killed
    if not added:
        return first
    out.notes += [n for n in second.notes if n not in out.notes]
    out.spans += [sp for sp in second.spans if sp not in out.spans]
    return out


def _hedge_kept(toll: Casualties, kind: str, low: int | None, high: int | None) -> bool:
    """True when ``toll`` gives a figure as exact and another toll of the event gives the same
    figure as a lower bound ("Air strikes kill 14" in a headline, "killed at least 14" in the
    text): the hedge is the report's claim, so the bound stays open (round 15)."""
    mine_low, mine_high = getattr(toll, f"{kind}_min"), getattr(toll, f"{kind}_max")
    return low is not None and high is None and mine_low == low and mine_high == low


def _with_summand(text: str, start: int, value: int) -> tuple[int, str]:
    """The figure plus a figure before it joined by "and" that counts nothing of its own."""
    before = _SUMMAND.search(text[max(0, start - 60):start])
    if before is None:
        return value, ""
    first = number_value(before.group("summand"))
    begin = max(0, start - 60) + before.start("summand")
    if first is None or _kinds(text, begin, begin + len(before.group("summand"))) or \
            _SUBCOUNT.search(text[max(0, begin - 20):begin]):
        return value, ""
    return first + value, f"{before.group().strip()} ... {value}: summed to {first + value}"


#: Trial 26: a hedge written after what the figure counts ("4 persons at least were killed").
_POST_HEDGE = re.compile(rf"^(?:{_PEOPLE})?\s+(?P<hedge>at least)\b", re.I)
#: Trial 26: SOHR's "it rose to 9, including a girl, the number of people who were killed".
_ROSE_TO = re.compile(r"\b(?:rose|risen|increased|climbed)\s+to\s+$", re.I)
_NUMBER_OF = re.compile(
    rf"^(?:,[^,]{{1,80}})?,?\s+the\s+(?:number|toll)\s+of(?:{_PEOPLE})?\s+"
    rf"(?:who|that)\s+(?:were|was|have\s+been|had\s+been|are)\s+(?P<first>{_KILLED}|{_INJURED})\b",
    re.I)


def _kinds(text: str, start: int, end: int) -> tuple[str, ...]:
    if _ROSE_TO.search(text[max(0, start - 30):start]):
        risen = _NUMBER_OF.match(text[end:end + 160])
        if risen:
            return (_kind(risen.group("first")),)
    after = _CATEGORY.match(text[end:end + 80])
    if after:
        first = _kind(after.group("first"))
        second = _kind(after.group("second")) if after.group("second") else None
        if second and second != first:
            return ("casualties",)
        return (first,)
    verb = _VERB_BEFORE.search(text[max(0, start - 40):start])
    if verb:
        word = verb.group("verb").lower()
        if word.startswith(("left", "leaving")):
            return ()
        return ("injured",) if word.startswith(("wound", "injur")) else ("killed",)
    return ()


def _kind(word: str) -> str:
    word = word.lower()
    if word in ("casualties", "victims"):
        return "casualties"
    return "injured" if re.match(_INJURED, word) else "killed"


def _store(out: Casualties, kinds: tuple[str, ...], low: int | None, high: int | None,
           note: str, span: tuple[int, int]) -> None:
    kind = kinds[0]
    if getattr(out, f"{kind}_min") is not None or getattr(out, f"{kind}_max") is not None:
        return
    setattr(out, f"{kind}_min", low)
    setattr(out, f"{kind}_max", high)
    out.spans.append(span)
    label = {"killed": "killed", "injured": "injured",
             "casualties": "dead and injured together"}[kind]
    out.notes.append(f"{label}: {note}" if note else label)
