"""Features of one place mention for the learned place-role labeller (issue 12, round 7).

Each place mention the rules find is described by a small set of named, sparse features
(a name -> value mapping, most values 1.0) read from its sentence and its report: the words
around it, the preposition before it, event triggers and tolls in its sentence and how far,
dateline shape, capitals only, governorate words after it, distance/bearing patterns, its
position in a list and in the report, whether it is quoted, the rule role, and the gazetteer's
answer (feature class, population, status). :mod:`geo.extract.role_model` weighs them.
Everything here is plain text handling: no gazetteer access beyond the mention's own answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.extract.events import EventMention
from geo.extract.places import PlaceMention
from geo.extract.text import Quotation, Sentence
from geo.extract.wordlist import is_common_word

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+|[,;:()–—\"“”]")
_PREPOSITIONS = frozenset({
    "in", "on", "at", "near", "from", "to", "of", "outside", "towards", "toward", "into",
    "around", "across", "between", "inside", "against", "targeting", "hit", "struck", "by",
    "through", "via", "and", "the", "with", "for", "over",
})
#: Words kept as themselves in the word features (anything else is a class: capitalised, a
#: number, punctuation, another word), so no weight is tied to a report's own names.
_CUE_WORDS = _PREPOSITIONS | frozenset({
    "village", "villages", "town", "towns", "city", "cities", "province", "governorate",
    "countryside", "camp", "district", "neighbourhood", "neighborhood", "area", "region",
    "capital", "said", "told", "reported", "says", "northern", "southern", "eastern",
    "western", "north", "south", "east", "west", "km", "outskirts", "suburb", "strike",
    "strikes", "airstrike", "airstrikes", "shelling", "attack", "killed", "bombing", ",",
    "(", ")", ":", ";", "–", "—", "\"", "“", "”", "'s", "’s", "rural", "residents",
})
_REGION_WORDS = re.compile(r"^\s*(?:'s\s+)?(?:province|governorate|countryside|region|"
                           r"district|area|countryside|suburbs?|outskirts|rural)\b", re.I)
_DISTANCE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:km|kilomet(?:er|re)s?|miles?)\b[^.]{0,40}$",
                       re.I)
_BEARING = re.compile(r"\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+"
                      r"(?:the\s+)?(?:\w+\s+){0,3}$", re.I)
_TOLL = re.compile(r"\b(?:killed|dead|died|deaths?|wounded|injured|martyred|casualties)\b",
                   re.I)
_SPEECH_AFTER = re.compile(r"^\s*(?:\(|,)?\s*(?:said|told|reported|says|news agency|\(?AFP|"
                           r"\(?AP|\(?Reuters|\(?SANA|\(?Xinhua|\(?TASS)", re.I)
_DASHES = frozenset("–—-")
_ADDRESS = re.compile(r"^\s*,\s*(?:[A-Z][\w'’ -]{1,30},\s*)?Syria\b")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|President|Minister|General|Gen|Colonel|Col|Sheikh|"
                    r"spokes(?:man|woman|person)|commander|chief|leader|envoy)\.?\s+$", re.I)
#: A place this populous is a city that reports often name as a reference or a seat.
BIG_CITY = 250_000


@dataclass(frozen=True)
class MentionContext:
    """What the features of a sentence's mentions read beyond the mention itself.

    Attributes
    ----------
    article : str
        The whole report.
    sentence : Sentence
        The mention's sentence.
    sentences : int
        How many sentences the report has.
    events : sequence of EventMention
        Event triggers of the sentence (article offsets).
    quotations : sequence of Quotation
        Quoted passages of the report.
    """

    article: str
    sentence: Sentence
    sentences: int
    events: Sequence[EventMention] = ()
    quotations: Sequence[Quotation] = ()


def mention_features(
    mention: PlaceMention, others: Sequence[PlaceMention], context: MentionContext
) -> dict[str, float]:
    """The features of one place mention.

    Parameters
    ----------
    mention : PlaceMention
        The mention (article offsets), with the role the rules gave it.
    others : sequence of PlaceMention
        All mentions of its sentence, in text order (the mention among them).
    context : MentionContext
        Its sentence and report.

    Returns
    -------
    dict of str to float
        Feature name -> value (absent features are 0).
    """
    sentence = context.sentence
    text = sentence.text
    start = max(0, mention.start - sentence.start)
    end = max(start, mention.end - sentence.start)
    before, after = text[:start], text[end:]
    out: dict[str, float] = {"bias": 1.0, f"role={mention.role}": 1.0}
    words_before = _WORD.findall(before)
    words_after = _WORD.findall(after)
    out[f"prev1={_word_class(words_before[-1:])}"] = 1.0
    out[f"prev2={_word_class(words_before[-2:-1])}"] = 1.0
    out[f"next1={_word_class(words_after[:1])}"] = 1.0
    prep = next((w.lower() for w in reversed(words_before[-3:]) if w.lower() in _PREPOSITIONS),
                "")
    out[f"prep={prep or 'none'}"] = 1.0
    _place_features(mention, out)
    _shape_features(mention, before, after, context, out)
    _event_features(mention, before, context, out)
    _list_features(mention, others, out)
    return out


def _word_class(words: list[str]) -> str:
    if not words:
        return "<edge>"
    word = words[0]
    if word.isdigit():
        return "<num>"
    if word.lower() in _CUE_WORDS:
        return word.lower()
    if not word[0].isalpha():
        return "<punct>"
    return "<cap>" if word[0].isupper() else "<word>"


def _place_features(mention: PlaceMention, out: dict[str, float]) -> None:
    out[f"status={mention.status}"] = 1.0
    if mention.descriptor:
        out[f"descriptor={mention.descriptor.lower()}"] = 1.0
    else:
        out["descriptor=none"] = 1.0
    for flag in ("near", "partial", "unsure"):
        if getattr(mention, flag):
            out[f"flag={flag}"] = 1.0
    if mention.container:
        out["has_container"] = 1.0
    if mention.offset:
        out["has_offset"] = 1.0
    place = mention.place
    if place is None:
        out["place=none"] = 1.0
        return
    out[f"kind={place.kind}"] = 1.0
    out[f"fcode={(place.feature_code or 'none')[:4]}"] = 1.0
    out[f"precision={place.precision}"] = 1.0
    out["log_population"] = math.log10(1 + place.population) / 7.0
    out[f"abroad={place.country != 'SY'}"] = 1.0
    if len(mention.candidates) > 1:
        out["many_candidates"] = 1.0
    if place.population >= BIG_CITY:
        out["big_city"] = 1.0


def _shape_features(
    mention: PlaceMention, before: str, after: str, context: MentionContext,
    out: dict[str, float],
) -> None:
    letters = [c for c in mention.text if c.isalpha()]
    if len(letters) > 2 and all(c.isupper() for c in letters):
        out["all_capitals"] = 1.0
    if len(mention.text.split()) == 1:
        out["one_word"] = 1.0
    if is_common_word(mention.name):
        out["common_word"] = 1.0
    at_start = not before.strip(" \"'“”")
    if at_start:
        out["sentence_start"] = 1.0
    stripped = after.lstrip()
    if at_start and (stripped[:1] in _DASHES or stripped[:1] == "(" or
                     re.match(r"^,\s*(?:\w+\s+){0,3}\d{1,2}\b", stripped)):
        out["dateline_shape"] = 1.0
    index = context.sentence.index
    out[f"sentence_index={index if index < 3 else ('3-5' if index < 6 else '6+')}"] = 1.0
    if context.sentence.paragraph == 0:
        out["first_paragraph"] = 1.0
    if _REGION_WORDS.match(after):
        out["region_word_after"] = 1.0
    if _DISTANCE.search(before[-60:]):
        out["distance_before"] = 1.0
    if _BEARING.search(before[-50:]):
        out["bearing_before"] = 1.0
    if _SPEECH_AFTER.match(after):
        out["speech_after"] = 1.0
    if _ADDRESS.match(after):
        out["address_line"] = 1.0
    if _TITLE.search(before[-40:]):
        out["title_before"] = 1.0
    if re.search(r"[A-Z][\w'’-]*\s+$", before) and not at_start:
        out["capital_word_before"] = 1.0
    if after.startswith(("'s", "’s")):
        out["possessive"] = 1.0
    if any(q.start < mention.start < q.end for q in context.quotations):
        out["in_quote"] = 1.0
    count = context.article.count(mention.name) if mention.name else 0
    out[f"name_count={min(count, 4)}"] = 1.0
    first = context.article.find(mention.name) if mention.name else -1
    if first == mention.start or (first >= 0 and first >= mention.start - len(mention.text)):
        out["first_mention"] = 1.0


def _event_features(
    mention: PlaceMention, before: str, context: MentionContext, out: dict[str, float]
) -> None:
    events = list(context.events)
    if not events:
        out["no_trigger"] = 1.0
    else:
        gaps = [max(e.start - mention.end, mention.start - e.end, 0) for e in events]
        nearest = min(gaps)
        out[f"trigger_gap={_bucket(nearest, (10, 30, 80))}"] = 1.0
        if any(e.end <= mention.start for e in events):
            out["trigger_before"] = 1.0
        if any(e.start >= mention.end for e in events):
            out["trigger_after"] = 1.0
    if _TOLL.search(context.sentence.text):
        out["toll_word"] = 1.0


def _list_features(
    mention: PlaceMention, others: Sequence[PlaceMention], out: dict[str, float]
) -> None:
    out[f"mentions_in_sentence={min(len(others), 4)}"] = 1.0
    rank = next((i for i, m in enumerate(others) if m.start == mention.start), 0)
    out[f"list_rank={min(rank, 3)}"] = 1.0
    roles = {m.role for m in others if m.start != mention.start}
    own = mention.place.population if mention.place else 0
    smaller = [m for m in others if m.start != mention.start and m.role == "site" and
               (m.place is None or m.place.population < own)]
    if own and smaller:
        out["larger_than_another_site"] = 1.0
    for role in roles:
        out[f"other_role={role}"] = 1.0


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"
