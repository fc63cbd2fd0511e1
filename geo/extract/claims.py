"""Who claims what: speakers of a report, their relays, and the sentences they own.

A speaker is introduced by reported speech ("A military-diplomatic source says",
"the Ministry of Foreign Affairs condemned", "according to X") or after a quote
("..., the source said"). Later mentions with the same head noun ("the unnamed
source", "the ministry"), pronouns ("It also asked") and the documents a
speaker issued ("the letters") refer back to it. "Sputnik quoted the source as
saying" records Sputnik as the relay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo.extract.text import Quotation, Sentence, find_quotations

_VERBS = (r"says|said|say|adds|added|notes|noted|stressed|stresses|condemned|condemns|claimed|"
          r"claims|alleged|alleges|accused|accuses|reported|reports|told|tells|announced|"
          r"announces|stated|states|denied|denies|confirmed|confirms|warned|warns|"
          r"went on to say|asked|asks|called|calls|insisted|insists|concluded|argued|argues|"
          r"wrote|writes|charged|urged|urges|explained|revealed|acknowledged|blamed|blames|"
          r"estimated|documented|recorded")
#: After "reports", "claims" used as nouns ("Separate reports said", "New reports of attacks",
#: "Consistent reports indicate").
_NOT_A_VERB = (r"(?!\s+(?:of|said|say|says|indicate[sd]?|suggest(?:s|ed)?|show(?:s|ed)?|were|was|"
               r"are|is|have|had|has)\b)")
_ADVERBS = r"(?:(?:also|further|later|repeatedly|again|previously|on \w+ occasions)\s+)*"
_LEAD = re.compile(
    rf"^[“\"]?(?:[A-Z]{{3,}}(?:,\s*[A-Z][\w ]{{1,30}})?\s*(?:\([^)]{{1,30}}\)\s*)?[-–—:]\s*)?"
    rf"(?:(?:On|In|Late on|Early on|Earlier on) [^,]{{1,40}},\s+|(?:(?:Earlier |Late |Early )?"
    rf"(?:[Ll]ast|[Tt]his) (?:week|month|year|weekend|night|\w+day)),\s+|(?:Meanwhile|However|"
    rf"Yesterday|Also|Moreover|Earlier|Later|In the meantime|Separately|Elsewhere),\s+)?"
    rf"(?P<who>[^,“”\"]{{2,90}}?)(?:,[^,]{{1,200}}){{0,3}},?\s+(?:(?:has|have|had)\s+)?{_ADVERBS}"
    rf"(?P<verb>{_VERBS})\b{_NOT_A_VERB}"
)
#: A closing attribution: "..., wounding 5 civilians, the Kurdish-led SDF said."
_TRAILING = re.compile(
    rf",\s+(?:as\s+)?(?P<who>(?:[A-Z][\w'’.-]+\s+){{1,3}}[A-Z][\w'’-]+,\s+[^,“”\"]{{2,80}}?"
    rf"|[^,“”\"]{{2,60}}?),?\s+{_ADVERBS}"
    r"(?P<verb>said|says|added|reported|claimed|alleged|stated|noted|announced|"
    r"confirmed|told \w+)(?:,\s+\w+ing\b[^.;]*)?\s*[.!:]?\s*$"
)
#: A closing attribution with the verb first: "..., said the Syrian Observatory on Monday."
_INVERTED = re.compile(
    r",\s+(?:said|says|added|reported|told \w+)\s+(?P<who>(?:the\s+)?[A-Z][^,“”\".;]{2,80}?)"
    r"(?:\s+(?:on|in|late on|early on|last|this)\s+[A-Za-z0-9 ]{1,30})?\s*[.!]?\s*$")
#: A casualty phrase, not a speaker: "Nineteen civilians, including seven children, were
#: killed ..., said the monitor."
_CASUALTY_WHO = re.compile(
    r"^\W*(?:(?:at least|some|about|around|more than|over|nearly)\s+)?(?:one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|"
    r"dozens|scores|hundreds|thousands)(?:[- ]\w+)?\s+(?:\w+\s+)?(?:civilians|people|"
    r"children|women|men|persons|residents|soldiers|fighters|members|bodies|dead|victims)\b",
    re.I)
#: A closing attribution without a comma: "... in Idlib province military sources said."
_BARE_TRAILING = re.compile(
    r"\s(?P<who>(?:[a-z]+\s+){0,2}(?:sources|officials|activists|residents|witnesses|"
    r"medics|monitors))\s+(?:said|say|says|reported)\s*[.!]?\s*$")
#: Nouns a speaker is introduced by, that later mentions refer back with ("the group").
_ROLE_NOUNS = frozenset({"group", "monitor", "observatory", "agency", "organisation",
                         "organization", "ministry", "army", "force", "source", "official",
                         "coalition", "network", "centre", "center", "activist", "collective"})
#: One broadcaster, whatever word a later mention uses for it.
_BROADCAST = frozenset({"television", "tv", "channel", "broadcaster", "station"})
_ACCORDING = re.compile(r"\b[Aa]ccording to (?P<who>[^,.;“”\"]{2,80})")
_AFTER_QUOTE = re.compile(
    rf"^[,.]?\s*(?P<who>[^,“”\".]{{2,80}}?)\s+(?P<verb>{_VERBS})\b"
    r"|^[,.]?\s*(?:(?:a|an|the)\s+[^,“”\".]{2,60}?,\s+)?"  # trial 26: an aside on the quote's
    r"(?:(?:said|says|added|told \w+)\s+)(?P<who2>[^,“”\".]{2,80}"  # last word first
    r"(?:,\s+(?:the\s+)?(?:head|director|chief|founder|spokes(?:man|woman|person))\s+of\s+"
    r"[^,“”\".]{2,80})?)"  # trial 26: "said Rami Abdel Rahman, head of the Observatory"
)
_QUOTED_AS = re.compile(
    r"(?P<relay>[^,“”\".]{2,80}?)\s+(?:quoted|cited)\s+(?P<who>[^,“”\".]{2,80}?)\s+"
    r"(?:as saying|as stating|saying)\b"
)
_QUOTED_BY = re.compile(r"(?P<who>[^,“”\".]{2,80}?),?\s+(?:quoted|cited) by\s+"
                        r"(?P<relay>[^,“”\".;]{2,60})")
_PRONOUNS = frozenset({"it", "he", "she", "they", "the latter"})
_DOCUMENTS = re.compile(r"\b(letters?|statements?|reports?|communiqu[ée]s?|memos?|"
                        r"press releases?|notes?|complaints?)\b", re.I)
_BAD_WHO = re.compile(r"\b(?:that|which|who|was|were|is|are|been|being|if|when|because|could|"
                      r"would|did|does|not|cannot|meanwhile|however|yesterday|today)\b|"
                      r"(?i:^\W*(?:rose|rises|the toll|the death toll)\b|\b(?:That|Which|Who|"
                      r"Was|Were|If|When|Because|Meanwhile|However|Yesterday|Today)\b)|\d|"
                      r"(?i:\b(?:jets?|warplanes?|aircraft|planes?|helicopters?|drones?|strikes?|"
                      r"airstrikes?|raids?|shells?|rockets?|missiles?|bombs?|artillery|attacks?)\b)")
#: Not a speaker: a bare determiner or pronoun-like word ("The alleged strike"), a phrase
#: opening or closing on a preposition ("In the last of three", "Responding to"), a bullet.
_NO_SPEAKER = re.compile(
    r"^\W*(?:the|a|an|this|that|these|those|new|separate|consistent|other|further|several|"
    r"many|some|recent|earlier|initial|preliminary|unconfirmed|conflicting|multiple|"
    r"latest)\W*$|^\W*(?:in|on|at|during|after|before|since|for|with|from|of|by|to|as|amid|"
    r"among|under|over|based|responding|according|despite|following|citing|quoting)\b"
    r"|\b(?:to|of|on|in|for|by|with|about|at|from|than)\W*$|^\s*[•·*-]",
    re.I)
#: "Raqqa is Being Slaughtered Silently": a name, not a clause.
_NAMED_IS = re.compile(r"\bis (?=[A-Z])")
_OUTLET_TAIL = re.compile(r"\s+(?:news agency|agency|newspaper|daily|channel|television|TV|"
                          r"broadcaster|website|outlet)$")


@dataclass
class Speaker:
    """A party making claims in the report.

    Attributes
    ----------
    label : str
        The fullest mention ("Syrian Ministry of Foreign Affairs and Expatriates").
    heads : set of str
        Nouns that refer back to it ("ministry", "letters").
    relay : str
        Who relays it ("Sputnik"), if the text says so.
    unnamed : bool
        True for an anonymous source.
    """

    label: str
    heads: set[str] = field(default_factory=set)
    relay: str = ""
    unnamed: bool = False

    @property
    def claimed_by(self) -> str:
        """The text for ``claimed_by``."""
        label = self.label[:1].upper() + self.label[1:]
        if self.unnamed and "unnamed" not in label.lower() and "anonymous" not in label.lower():
            label = f"An unnamed {label.split(' ', 1)[1]}" if label.lower().startswith(
                ("a ", "an ")) else f"{label} (unnamed)"
        return f"{label}, quoted by {self.relay}" if self.relay else label


@dataclass(frozen=True)
class Attribution:
    """The speaker of one sentence and where its speech clause ends.

    Attributes
    ----------
    speaker : Speaker or None
        None when the report speaks in its own voice.
    clause : tuple of (int, int)
        Article offsets of the speech clause ("On November 13, the ministry
        condemned"); dates inside it date the claim, not the event.
    """

    speaker: Speaker | None
    clause: tuple[int, int] = (0, 0)


def attribute(article: str, sentences: list[Sentence]) -> list[Attribution]:
    """Find the speaker of every sentence.

    Parameters
    ----------
    article : str
    sentences : list of Sentence
        From :func:`geo.extract.text.split_sentences`.

    Returns
    -------
    list of Attribution
        One per sentence, in order.
    """
    speakers: list[Speaker] = []
    out: list[Attribution] = []
    quotes = find_quotations(article)
    quote_speaker: dict[Quotation, Speaker] = {}
    for sentence in sentences:
        found = _explicit(article, sentence, quotes, speakers, quote_speaker)
        if found.speaker is not None:
            for match in _DOCUMENTS.finditer(sentence.text):
                found.speaker.heads.add(_singular(match.group(1).lower()))
        out.append(found)
    # quotes left open at a paragraph end belong to the next quote's speaker
    for i in range(len(quotes) - 1, -1, -1):
        if not quotes[i].closed and quotes[i] not in quote_speaker and i + 1 < len(quotes):
            nxt = quote_speaker.get(quotes[i + 1])
            if nxt is not None:
                quote_speaker[quotes[i]] = nxt
    for i, sentence in enumerate(sentences):
        if out[i].speaker is not None:
            continue
        for quote in quotes:
            if quote.start < sentence.end and sentence.start < quote.end and \
                    quote in quote_speaker:
                out[i] = Attribution(quote_speaker[quote], (sentence.start, sentence.start))
                break
    return out


def _explicit(
    article: str,
    sentence: Sentence,
    quotes: list[Quotation],
    speakers: list[Speaker],
    quote_speaker: dict[Quotation, Speaker],
) -> Attribution:
    text, base = sentence.text, sentence.start
    for quote in quotes:
        if not (sentence.start <= quote.end <= sentence.end) or not quote.closed:
            continue
        tail = article[quote.end:sentence.end]
        quoted = _QUOTED_AS.match(tail.lstrip(" ,"))
        if quoted and not _bad(quoted.group("who"), speakers):
            speaker = _resolve(quoted.group("who"), speakers)
            speaker.relay = speaker.relay or _outlet(quoted.group("relay"))
            quote_speaker[quote] = speaker
            return Attribution(speaker, (quote.end, sentence.end))
        after = _AFTER_QUOTE.match(tail)
        who = after and (after.group("who") or after.group("who2"))
        if who and who.strip().lower() in _PRONOUNS and not speakers:
            return Attribution(None)  # '...," he said': the quote's, nobody named yet
        if who and not _bad(who, speakers):
            speaker = _resolve(who, speakers)
            quote_speaker[quote] = speaker
            return Attribution(speaker, (quote.end, sentence.end))
    if text.startswith(("“", '"')):
        return Attribution(None)
    for pattern in (_QUOTED_BY,):
        match = pattern.search(text)
        if match and not _bad(match.group("who"), speakers):
            speaker = _resolve(match.group("who"), speakers)
            speaker.relay = speaker.relay or _outlet(match.group("relay"))
            return Attribution(speaker, (base, base + match.end()))
    trailing = _TRAILING.search(text)
    if trailing and not _bad(trailing.group("who"), speakers) and \
            len(trailing.group("who").split()) <= 8:
        speaker = _resolve(trailing.group("who"), speakers)
        return Attribution(speaker, (base + trailing.start(), base + len(text)))
    inverted = _INVERTED.search(text)
    if inverted and not _bad(inverted.group("who"), speakers) and \
            len(inverted.group("who").split()) <= 10:
        speaker = _resolve(inverted.group("who"), speakers)
        return Attribution(speaker, (base + inverted.start(), base + len(text)))
    bare = _BARE_TRAILING.search(text)
    if bare:
        speaker = _resolve(bare.group("who"), speakers)
        return Attribution(speaker, (base + bare.start("who"), base + len(text)))
    lead = _LEAD.match(text)
    if lead and not _bad(_NAMED_IS.sub("Is ", lead.group("who")), speakers) and \
            len(lead.group("who").split()) <= 10:
        speaker = _resolve(lead.group("who"), speakers)
        relayed = _QUOTED_AS.search(text)
        if relayed:
            speaker.relay = speaker.relay or _outlet(relayed.group("relay"))
        return Attribution(speaker, (base, base + lead.end()))
    according = _ACCORDING.search(text)
    if according:
        speaker = _resolve(according.group("who"), speakers)
        return Attribution(speaker, (base + according.start(), base + according.end()))
    return Attribution(None)


def _bad(who: str, speakers: list[Speaker]) -> bool:
    """Whether a phrase before a speech verb is no speaker (a clause, a fragment, or a
    pronoun with nobody before it to refer to)."""
    bare = re.sub(r"^(?:the|a|an)\s+", "", " ".join(who.strip(" ,").split()), flags=re.I)
    return bool(_BAD_WHO.search(who) or _NO_SPEAKER.search(who.strip()) or
                _CASUALTY_WHO.search(who) or
                (bare.lower() in _PRONOUNS and not speakers))


def _resolve(who: str, speakers: list[Speaker]) -> Speaker:
    who = " ".join(who.strip(" ,").split())
    bare = re.sub(r"^(?:the|a|an)\s+", "", who, flags=re.I)
    if bare.lower() in _PRONOUNS and speakers:
        return speakers[-1]
    head = _head(bare)
    definite = not re.match(r"^(?:a|an)\s", who, re.I)
    if definite:
        for speaker in reversed(speakers):
            if re.fullmatch(r"[A-Z][\w'’-]+", bare) and speaker.label.endswith(" " + bare):
                return speaker  # "Bakin" after "... center Alexey Bakin"
            if head in speaker.heads:
                if len(bare) > len(speaker.label) and bare[:1].isupper():
                    speaker.label = bare
                if re.search(r"\b(?:unnamed|anonymous|unidentified)\b", who, re.I):
                    speaker.unnamed = True
                return speaker
    label = bare if bare[:1].isupper() else who
    roles = {_singular(w.lower()) for w in re.findall(r"[A-Za-z]+", bare)} & _ROLE_NOUNS
    if roles & _BROADCAST or head in _BROADCAST:
        roles |= _BROADCAST  # "state television said ... the channel reported"
    speaker = Speaker(label, {head, *roles},
                      unnamed=bool(re.search(r"\b(?:unnamed|anonymous|unidentified)\b", who,
                                             re.I)) or (head == "source" and not definite))
    speakers.append(speaker)
    return speaker


def _head(phrase: str) -> str:
    core = re.split(r"\s+(?:of|for|in|at|from|on)\s+", phrase, maxsplit=1)[0]
    words = core.split()
    return _singular(words[-1].lower()) if words else ""


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _outlet(relay: str) -> str:
    relay = " ".join(relay.split())
    relay = re.sub(r"^(?:the\s+)?[\w\-]+(?:’s|'s)\s+", "", relay)
    relay = re.sub(r"^the\s+", "", relay, flags=re.I)
    trimmed = _OUTLET_TAIL.sub("", relay)
    return trimmed if trimmed and trimmed[:1].isupper() else relay
