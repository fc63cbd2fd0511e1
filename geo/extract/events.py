"""Event types and actors named in a sentence.

Event types are those of :data:`geo.schema.EVENT_TYPES`; each is announced by
trigger phrases. Where triggers overlap ("white phosphorus bombs") the longer
one wins, so the weapon is not also read as a bombing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.extract.wordings import EXTRA_TRIGGERS
from geo.vocab import EVENT_TYPES

_AIR = (r"(?:warplanes?|war planes?|fighter jets?|jets?|aircrafts?|planes|aviation|air ?forces?|"
        r"helicopters?|drones?)")
#: The aircraft or its crew acting ("planes dropped ... on", "warplanes ... launched an
#: aggression against", "fixed-wing warplanes ... fired missiles on").
_AIR_VERBS = (rf"{_AIR}\b[^.;]{{0,60}}?\b(?:dropped|fired (?:\w+ )?(?:missiles|rockets|bombs)"
              r"|launched (?:an? )?(?:\w+ )?(?:aggression|attack|assault|strike|raid)s?"
              r"|carried out (?:an? )?(?:\w+ )?(?:attack|strike|raid|bombing)s?|killed|rained)")
#: A passive with the aircraft or missiles as the agent ("was destroyed on Monday by
#: aircraft", "was struck ... by four missiles").
_PASSIVE_AIR = (r"(?:was|were|been|being) (?:\w+ly )?(?:hit|struck|targeted|bombed|destroyed|"
                r"attacked|raided|pounded|bombarded|levell?ed|flattened)\b[^.;]{0,40}?\bby "
                rf"(?:the )?(?:[\w-]+ ){{0,3}}?(?:{_AIR}|missiles?)")
#: One strike named with a determiner or its author ("a strike on", "a US-led strike
#: against", "the coalition strike"), never a labour or hunger strike.
_ONE_STRIKE = (r"(?:a|an|the|one|this|that|another|second|first|coalition|Coalition|Russian|"
               r"US|U\.S\.|American|regime|government|Syrian|Israeli|Turkish|suspected|"
               r"deadly|[\w.]+-led) strike(?! (?:force|team|price|zone))"
               r"|strike (?:on|against|targeting|that hit|which hit)")
_DEATH = r"(?:died|dying|dies|die|deaths?|perished|starved|lost (?:their|his|her) li(?:fe|ves))"
_TRIGGERS: dict[str, str] = {
    "airstrike": r"air[\s-]?strikes?|air[\s-]?raids?|aerial (?:assaults?|attacks?|bombardments?"
                 r"|strikes?|campaign)|(?:drone|missile|rocket) strikes?|warplanes? (?:struck|"
                 r"hit|bombed|targeted|attacked|pounded)|jets? (?:struck|hit|bombed|pounded)"
                 r"|(?:bombed|struck) from the air|aerial (?:operations?|bombardments?|raids?)"
                 rf"|{_AIR}\b[^.;]{{0,60}}?\b(?:attacked|targeted|struck|hit|bombed|raided|"
                 r"pounded|bombarded|destroyed|shelled|launched (?:\w+ )?raids|carried out "
                 r"(?:\w+ )?(?:raids|strikes|air raids))"
                 rf"|(?:raids?|strikes|bombardment|aggression|attacks?) (?:by|of|from) (?:the )?"
                 rf"(?:[\w-]+ ){{0,3}}?{_AIR}"
                 r"|(?:coalition|Russian|regime|government) (?:air )?raids"
                 r"|strikes (?:on|against|targeting|that hit)"
                 # round 4: how wires, monitors and state media phrase strikes from the air
                 rf"|{_AIR_VERBS}|{_PASSIVE_AIR}|{_AIR}[\s-](?:strikes?|raids?|attacks?)"
                 r"|missiles? (?:hit|struck|slammed into|landed|rained|fell|targeted)"
                 r"|missile attacks?",
    "bombing": r"(?:carpet |car |suicide |roadside |barrel )?bomb(?:ing)?s?|bombed|"
               r"(?:car|truck|suicide) bomb(?:er|ing)?s?|explosions?|blasts?|detonat\w+|"
               r"improvised explosive devices?|IEDs?|VBIEDs?"
               r"|(?:explosive|incendiary) devices?|explosive[\s-]laden|booby[\s-]trap\w*"
               r"|land[\s-]?mines?|(?:a|the) mine (?:exploded|blast|went off)|went off"
               r"|blew (?:up|themselves up)|blown up|suicide (?:attacks?|attackers?)",
    "shelling": r"shell(?:ing|ed|s)?|artillery(?: fire| barrage)?|mortars?(?: fire| rounds?)?"
                r"|rocket fire|rockets? (?:hit|struck|landed|fell)|bombardments?"
                r"|projectiles?|tank (?:fire|shells?)|(?:Grad|Katyusha|locally[\s-]made|"
                r"home[\s-]made) rockets?|(?:fired|launched|lobbed) (?:\w+ ){0,3}?rockets"
                r"|delivered (?:artillery |rocket )?(?:fire|strikes?)|salvo (?:fire|systems?)"
                r"|(?:multiple )?rocket launch(?:ers?|ing systems?)",
    "ground attack": r"raid(?:ed)?|storm(?:ed|ing)|ground (?:assault|attack|offensive)s?|"
                     r"gunmen (?:attacked|opened fire|killed)|ambush(?:ed)?|opened fire"
                     r"|shot dead|gunned down|sniper (?:fire|shots?)|snipers? (?:shot|killed)"
                     r"|ransacked|armed attacks?",
    "clashes": r"clash(?:es|ed)?|fighting (?:between|with|erupted)|gun ?battles?|"
               r"exchanged fire|firefights?|skirmish(?:es)?"
               r"|hostilities (?:continued|erupted|resumed|broke out|raged)|(?:heavy|fierce|"
               r"intense|violent|renewed|ongoing|continued|continuing|street) fighting"
               r"|fighting (?:raged|continued|in and around)|battles? (?:for|over|between) "
               r"|(?:captured|seized|overran|overrun|recaptured|retook) (?:the )?(?:\w+ )?"
               r"(?:town|village|city|area|district|neighbou?rhood|hill|base|airport|checkpoint)"
               r"|(?:was|were|been) (?:taken over|captured|seized|overrun) by"
               r"|took (?:full )?control of|(?:fell|falling) to"
               # round 13: control changing hands ("fully liberates X", "retaken control of the
               # city of X", "rebels seize Golan crossing", "had taken the Quneitra crossing")
               r"|(?:liberat(?:ed|es|ing)|recaptur(?:ed|es|ing)|retak(?:en|es|ing)|regain(?:ed|s|ing)"
               r"|seiz(?:ed|es?|ing)|captur(?:ed|es?|ing)|taken|took) (?:full |complete |back )?"
               r"control (?:of|over)"
               r"|(?:liberat(?:ed|es)|seiz(?:ed|es?)|(?:had|have|has) taken) (?:the )?(?:[\w-]+ )?"
               r"(?:town|village|city|area|district|neighbou?rhood|hill|base|airport|checkpoint|"
               r"(?:border )?crossing|dam)",
    "other": r"attacks?[”\"’']? (?:\w+ly )?(?:hit|struck|on|against|targeted)|(?:the )?strikes? "
             r"(?:\w+ly )?(?:hit|struck)"
             r"|strikes|targeted|targeting|pound(?:ed|ing)"
             # a strike named alone ("a Coalition strike on the village", "killed in a strike")
             rf"|{_ONE_STRIKE}|terrorist attacks?|assaults? on"
             r"|(?:was|were|been|being) (?:\w+ly )?(?:struck|hit|targeted|attacked|bombarded)"
             r"(?! by (?:shrapnel|a car|a vehicle|a truck|a bus|lightning))"
             # round 12: an attack told again by where it happened ("The attack where the
             # victims were killed occurred in X village")
             r"|(?:[Tt]he|[Tt]his|[Tt]hat) (?:attack|assault) (?:[\w,’']+ ){0,8}?(?:occurred|"
             r"took place|happened)(?= (?:in|at|on|near)\b)"
             # round 12: one attack named with its place ("a surprise attack in X"), never
             # one a more specific trigger names ("an aerial attack in X")
             r"|(?:a|an|the) (?:(?!(?:heart|aerial|air|drone|rocket|missile|mortar|suicide|bomb|"
             r"chemical|artillery|gas)\b)[\w-]+ )?attack (?=(?:in|near|at)\b)",
    "massacre": r"massacres?|massacred|executed|executions?|summary killings?|mass killings?"
                r"|(?-i:beheaded|beheadings?|slaughtered)",  # round 12: not "Being Slaughtered"
    "use of prohibited weapons": r"(?:internationally[\s-])?(?:banned|prohibited|outlawed|"
                                 r"illegal) (?:weapons?|munitions|arms)|white[\s-]phosphorus"
                                 r"(?: bombs?| munitions| shells| rounds)?|chemical (?:weapons?"
                                 r"|attacks?|agents?)|cluster (?:bombs?|munitions)|napalm|"
                                 r"sarin|chlorine(?: gas)?|nerve agents?|mustard gas",
    "desecration of bodies": r"burn(?:ing|ed|t)? (?:the )?(?:corpses|bodies|remains)|"
                             r"mutilat\w+ (?:the )?(?:corpses|bodies)|desecrat\w+|"
                             r"(?:corpses|bodies) (?:were |was )?(?:burned|burnt|mutilated|"
                             r"dumped|desecrated)",
    "armed movement": r"break(?:ing)? through|broke through|(?:trying|tried|attempt(?:s|ed|"
                      r"ing)?) to (?:flee|escape|break out|infiltrate|cross)|infiltrat\w+|"
                      r"military convoys?|redeploy\w*|advanc(?:e|ed|es|ing) (?:on|towards?)",
    "siege deaths": rf"{_DEATH} (?:of|from) (?:starvation|hunger|malnutrition)|starv\w* to death"
                    r"|starvation deaths?|dying of hunger|died of hunger",
    "camp deaths": rf"{_DEATH}(?=\b[^.;]{{0,120}}?\bcamps?\b)"
                   rf"|camps?(?=\b[^.;]{{0,120}}?\b{_DEATH})",
    "displacement": r"(?:were|was|been|being) displaced|displacement of|displaced (?:from|by|to)|"
                    r"forced to flee|fled (?:their|the) (?:homes?|villages?|town|"
                    r"city|area|fighting)|(?:residents|civilians|families|thousands|people) "
                    r"(?:have |had )?fled|exodus|evacuat(?:ed|ion) of (?:civilians|residents)",
    "deprivation": r"sieges?|besieged|starv\w+|blockade[sd]?|famine|hunger|shortage of "
                   r"(?:humanitarian )?(?:aid|food|medicine|water)|denied (?:aid|access)",
}
_COMPILED = tuple(
    (event, re.compile(rf"\b(?:{pattern})\b", re.I)) for event, pattern in _TRIGGERS.items()
) + tuple(  # round 13b: wordings the lexicon missed (geo/extract/wordings.py)
    (event, re.compile(rf"\b(?:{pattern})\b", re.I)) for event, pattern in EXTRA_TRIGGERS.items()
)
assert set(_TRIGGERS) <= set(EVENT_TYPES)

_ACTORS = re.compile(
    r"\b(?:the\s+)?(?P<actor>"
    r"(?:(?:US|U\.S\.|American|Saudi|Russian|Turkish|Arab|Western|NATO)-led\s+|international\s+"
    r"|anti-(?:Daesh|ISIS|ISIL)\s+)?coalition|"
    r"(?:Takfiri\s+|armed\s+|Daesh\s+|ISIS\s+|jihadist\s+|Islamist\s+|opposition\s+)?"
    r"(?:militants|terrorists|rebels|insurgents|gunmen|jihadists|fighters|militias?)|"
    r"Daesh|ISIS|ISIL|Islamic State|al-Qaeda|al-Nusra(?: Front)?|Jabhat al-Nusra|"
    r"Hay'?at Tahrir al-Sham|HTS|Hezbollah|Hizbollah|Houthis?|Taliban|al-Shabaab|Boko Haram|"
    r"(?:suspected\s+)?(?:pro-government|government|regime|opposition|Kurdish|security|coalition|"
    r"(?:Syrian|Iraqi|Russian|Turkish|Israeli|Iranian|US|U\.S\.|American|Saudi|French|British"
    r"|Jordanian|Lebanese|Yemeni)(?:\s+government)?)\s+"
    r"(?:forces|troops|army|military|warplanes|aircraft|jets|drones|artillery|soldiers|police|"
    r"air\s*strikes|air\s+raids|strikes|raids|shelling|bombardment)|"  # trial 26: the deed's maker
    r"(?:Syrian|Iraqi|Russian|Turkish|Israeli|Iranian|Saudi|Jordanian|Lebanese)\s+army|"
    r"Syrian Democratic Forces|SDF|YPG|PKK|Free Syrian Army|FSA|"
    r"[A-Z][\w.]*-(?:backed|led|allied|supported|affiliated)\s+(?:forces|troops|militias?|"
    r"fighters|rebels|factions|groups))\b",
    re.I,
)
#: A plural trigger after these words names earlier events in general ("the recent
#: massacres in Deir Ezzor"), not one event.
_BACKGROUND = re.compile(r"\b(?:the\s+)?(?:recent|previous|past|earlier|prior)\s+$", re.I)
#: A trigger in a relative clause about places in general ("other regions that fell to",
#: "areas which were shelled") describes their past, not an event of this report.
_GENERIC_RELATIVE = re.compile(r"\b(?:regions|areas|towns|cities|villages|places|parts|"
                               r"provinces|territories|districts)\s+(?:that|which)\s+(?:\w+\s+)?$",
                               re.I)
#: "Besieged" describing a place ("the besieged city of X", "besieged eastern X") says
#: what the place is, not that deaths from a siege happened.
_ATTRIBUTIVE_BEFORE = re.compile(r"\b(?:the|a|an|in|of|around|into|to|from|near|inside|and)\s+$",
                                 re.I)
_ATTRIBUTIVE_AFTER = re.compile(r"^\s+(?:(?:[a-z]+ern|rebel-held|opposition-held)\s+)?"
                                r"(?:[A-Z]|(?:city|town|village|enclave|area|district|suburbs?|"
                                r"neighbou?rhoods?|areas|towns|pocket|quarter|part)\b)")
#: A raid or a bombing by aircraft is an air strike ("the raid was carried out by jets",
#: "the coalition bombed army positions").
_AERIAL = re.compile(rf"\b(?:{_AIR}|coalition|air force)\b", re.I)
_BY_AIR = re.compile(r"(?:[\w.-]+ ){0,2}?(?:raids?|raided|bombed|bombing|strikes?)"
                     r"(?: (?:on|against|targeting|that hit|which hit))?", re.I)
_NEGATED = re.compile(r"\b(?:not|never|no|denied|denies|deny)\s+(?:\w+\s+){0,2}$", re.I)
_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
#: Round 7: what a law or treaty bans ("the Chemical Weapons Convention banning chlorine as
#: a weapon"), not a use ("banned cluster munitions were used" is one).
_BANNED = re.compile(r"\b(?:banning|bans|prohibiting|prohibits|outlawing|outlaws)\s+"
                     r"(?:the\s+(?:use|production)\s+of\s+)?(?:\w+\s+)?$", re.I)
_TREATY_AFTER = re.compile(r"^\s+(?:Convention|Treaty|Protocol|Prohibition)\b")


@dataclass(frozen=True)
class EventMention:
    """An event trigger found in a sentence.

    Attributes
    ----------
    event_type : str
        One of :data:`geo.schema.EVENT_TYPES`.
    start, end : int
        Offsets of the trigger (relative to the searched text, plus offset).
    text : str
        The trigger as written.
    """

    event_type: str
    start: int
    end: int
    text: str


def find_events(text: str, offset: int = 0) -> list[EventMention]:
    """Find event triggers in a text; overlapping triggers keep the longest.

    Parameters
    ----------
    text : str
    offset : int
        Added to the returned offsets.

    Returns
    -------
    list of EventMention
        In text order.
    """
    found = [
        (m.start(), m.end(), event, m.group())
        for event, pattern in _COMPILED for m in pattern.finditer(text)
        if not _NEGATED.search(text[max(0, m.start() - 25):m.start()])
        and not _BANNED.search(text[max(0, m.start() - 40):m.start()])
        and not _TREATY_AFTER.match(text[m.end():m.end() + 20])
        and not (m.group().lower().endswith("s") and
                 _BACKGROUND.search(text[max(0, m.start() - 25):m.start()]))
        and not _GENERIC_RELATIVE.search(text[max(0, m.start() - 40):m.start()])
        and not (m.group().lower() == "besieged" and
                 _ATTRIBUTIVE_BEFORE.search(text[max(0, m.start() - 10):m.start()]) and
                 _ATTRIBUTIVE_AFTER.match(text[m.end():m.end() + 30]))
    ]
    found.sort(key=lambda f: (f[0] - f[1], EVENT_TYPES.index(f[2])))
    kept: list[tuple[int, int, str, str]] = []
    for start, end, event, trigger in found:
        if all(end <= s or e <= start for s, e, _, _ in kept):
            kept.append((start, end, event, trigger))
    kept.sort()
    aerial = bool(_AERIAL.search(text))
    kept = [(s, t_end, "airstrike" if aerial and _BY_AIR.fullmatch(t) else e, t)
            for s, t_end, e, t in kept]
    return [EventMention(e, s + offset, t_end + offset, t) for s, t_end, e, t in kept]


def primary_event(events: list[EventMention]) -> str:
    """The most specific event type among the mentions ("" for none).

    Parameters
    ----------
    events : list of EventMention

    Returns
    -------
    str
        The first in :data:`geo.schema.EVENT_TYPES` order.
    """
    types = {e.event_type for e in events}
    if "use of prohibited weapons" in types:
        return "use of prohibited weapons"  # the weapon names the event ("a sarin air strike")
    return next((t for t in EVENT_TYPES if t in types), "")


def find_actors(text: str, exclude: tuple[tuple[int, int], ...] = ()) -> list[str]:
    """Actors named in a text, agents ("by the coalition") first, without repeats.

    Parameters
    ----------
    text : str
    exclude : tuple of (start, end)
        Spans of ``text`` to ignore (the claimant's own words, for instance).

    Returns
    -------
    list of str
        Actor phrases as written, without a leading article.
    """
    agents: list[str] = []
    others: list[str] = []
    either = _either_actors(text, exclude)  # round 15: "regime or Russian aircraft"
    for actor, _, _ in either:
        agents.append(actor)
    held = -1
    for match in _ACTORS.finditer(text):
        start, end = match.span("actor")
        if any(s <= start < e for s, e in exclude) or any(s <= start < e for _, s, e in either):
            continue
        if _HOLDER_AFTER.match(text[end:]) or \
                _HOLDER_BEFORE.search(text[max(0, start - 60):start]) or \
                held >= 0 and _JOINED.fullmatch(text[held:start]):
            held = end  # round 15: "held by jihadists and rebels": both hold, neither struck
            continue  # round 12: "an Al-Qaeda-held town", "held by the Nusra Front": holders
        actor = match.group("actor")
        bucket = agents if _AGENT.search(text[max(0, match.start() - 10):match.start()]) or \
            _AGENT.search(text[max(0, start - 10):start]) else others
        if all(actor.lower() != a.lower() for a in agents + others):
            bucket.append(actor)
    return agents + others


def _either_actors(text: str, exclude: tuple[tuple[int, int], ...]) -> list[tuple[str, int, int]]:
    """Actors named as alternatives ("by regime or allied Russian aircraft"): each with the
    vehicle, marked uncertain when the text gives them with "or" (round 15, trial 27).

    Returns (actor, start, end) with the span of the whole phrase.
    """
    out: list[tuple[str, int, int]] = []
    for match in _EITHER.finditer(text):
        if any(s <= match.start() < e for s, e in exclude):
            continue
        mark = " (uncertain)" if match.group("conj").lower() != "and" else ""
        vehicle = match.group("vehicle")
        for side in ("a", "b"):
            actor = f"{match.group(side)} {vehicle}{mark}"
            if all(actor.lower() != a.lower() for a, _, _ in out):
                out.append((actor, match.start(), match.end()))
    return out


_SIDE = (r"regime|government|pro-government|Syrian|Iraqi|Russian|Turkish|Israeli|Iranian|US|"
         r"U\.S\.|American|Saudi|French|British|Jordanian|coalition")
#: Two makers of one deed: "regime or allied Russian aircraft", "Syrian and Russian warplanes".
_EITHER = re.compile(
    rf"\b(?P<a>{_SIDE})\s+(?P<conj>or|and|and/or)\s+(?:(?:allied|suspected|its)\s+)?"
    rf"(?P<b>{_SIDE})\s+(?P<vehicle>forces|troops|warplanes|aircraft|jets|drones|artillery|"
    r"air\s*strikes|air\s+raids|strikes|raids|shelling|bombardment|planes)\b", re.I)
#: Between two holders of a place ("held by jihadists and rebels").
_JOINED = re.compile(r"\s*(?:,|,?\s+(?:and|or))\s+(?:the\s+|other\s+)?(?:[\w'’-]+\s+)?", re.I)
#: Round 12: who holds a place is not who struck it ("an Al-Qaeda-held town", "the town,
#: which is held by the Al-Qaeda-affiliated Nusra Front", "under the control of X").
_HOLDER_AFTER = re.compile(r"^-(?:held|controlled|run|ruled|dominated|affiliated|linked|"
                           r"allied)\b", re.I)
_HOLDER_BEFORE = re.compile(r"\b(?:held|controlled|run|ruled|governed|dominated)\s+by\s+"
                            r"(?:the\s+)?(?:[\w'’]+-[\w'’-]+\s+)?$|\bunder\s+(?:the\s+)?"
                            r"(?:\w+\s+)?control\s+of\s+(?:the\s+)?$", re.I)
#: Round 12: the text says who struck is not known ("it is not known which carried out the
#: strikes", "unclear who was behind", "unidentified planes"): no actor is the perpetrator.
_UNKNOWN_PERPETRATOR = re.compile(
    r"\b(?:it\s+(?:is|was|remains|remained)\s+(?:not\s+(?:yet\s+)?(?:known|clear)|unclear)|"
    r"(?:not|never)\s+(?:been\s+)?(?:known|clear|established|determined))\s+(?:which|who|whose|"
    r"whether)\b|\bunidentified\s+(?:planes|aircraft|warplanes|jets|drones?|gunmen|attackers)\b",
    re.I)


def perpetrator_unknown(text: str) -> bool:
    """Whether a sentence says who carried out the attack is not known.

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    bool
        True for "it is not known which carried out the strikes", "unidentified planes".
    """
    return bool(_UNKNOWN_PERPETRATOR.search(text))


def canonical_actor(actor: str, known: list[str]) -> str:
    """The qualified form of an actor the report uses ("coalition" -> "US-led coalition").

    Parameters
    ----------
    actor : str
        The phrase found in one sentence.
    known : list of str
        Every actor phrase of the report, repeats included.

    Returns
    -------
    str
        The report's most frequent "X-led" form with the same head noun, else
        ``actor`` without a trailing vehicle word ("coalition aircraft" ->
        "coalition").
    """
    words = actor.split()
    if len(words) > 1 and words[-1].lower() in _VEHICLES and words[0].lower() == "coalition":
        words = words[:-1]
    head = words[-1].lower()
    qualified = [k for k in known if k.split()[-1].lower() == head and "-led" in k.lower()]
    if qualified and "-led" not in actor.lower():
        return max(set(qualified), key=qualified.count)
    return " ".join(words)


_VEHICLES = frozenset({"aircraft", "warplanes", "jets", "drones", "forces", "artillery"})
