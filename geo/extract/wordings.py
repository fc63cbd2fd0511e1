"""Round 13b: incident wordings the trigger lexicon missed (issue 12).

Triggers added to :data:`geo.extract.events._TRIGGERS` (compiled there with the same
filters: negation, "the recent ...", generic relative clauses), each a general wording of
wires, monitors and state media rather than a report's own phrase:

* a bombardment told with an active verb ("The army bombarded opposition strongholds in
  ...", "troops hammered rebel belts in ...", "pummelled");
* a change of control told as a liberation or as control gained ("liberated the city of X",
  "seized control of X", "regained control over several districts", "has retaken full
  control of");
* an attack told with its attacker as the subject ("The militants attacked the civilians",
  "the army on Tuesday attacked terrorists"), a state-media killing ("eliminated a group of
  terrorists", "neutralised 20 militants"), an attack "launched on" a place ("An attack was
  launched on X") or headed "toward" it ("an attack toward the town of X");
* an abduction ("kidnapped 25 people", "were abducted");
* hostilities that went on ("Hostilities between government forces and armed groups continued
  in ..."), attacks counted or qualified ("six separate indiscriminate attacks in X"), a
  monitor's record of a death ("documented the death of another member in X village").
"""

from __future__ import annotations

#: Who attacks, when "attacked" has them as its subject.
_ATTACKERS = (r"(?:militants|terrorists|gunmen|jihadists|rebels|insurgents|fighters|militias?|"
              r"forces|troops|army|soldiers|assailants|attackers|cells?|units?|members)")
#: What strikes from the air, as a headline's subject.
_AIR_NOUNS = (r"(?:drones?|warplanes?|war planes?|jets?|missiles?|air ?strikes?|air ?raids?|"
              r"aircraft|helicopters?)")
#: A death (as :data:`geo.extract.events._DEATH`).
_DEATH = r"(?:died|dying|dies|die|deaths?|perished|lost (?:their|his|her) li(?:fe|ves))"
#: Whom state media say were eliminated or neutralised.
_ENEMIES = (r"(?:terrorists?|militants?|gunmen|jihadists?|insurgents?|fighters?|members|"
            r"mercenaries|elements)")

EXTRA_TRIGGERS: dict[str, str] = {
    # a headline's present tense ("Turkish drone kills two", "Israeli missiles target X")
    "airstrike": rf"{_AIR_NOUNS} (?:kills?|hits?|targets?|strikes?|pounds?|bombs?)"
                 r"(?! (?:back|out)\b)",
    "bombing": r"(?:hand )?grenades?",
    "shelling": r"(?:bombarded|hammered|pumm?ell?ed|mortared)(?! (?:out|home|away|by)\b)"
                r"|(?<!the )(?<!a )batter(?:ed|ing)(?= (?:the |rebel|opposition|[\w-]+-held|"
                r"towns|villages|areas|positions|neighbou?rhoods))",
    "clashes": r"hostilities (?:between [^.;]{0,80}? )?(?:continued|intensified|escalated|"
               r"erupted|resumed|raged)"
               r"|liberat(?:ed|es|ing) (?:the )?(?:\w+ )?(?:town|village|city|area|district|"
               r"neighbou?rhood|hill|base|airport|checkpoint|countryside)s?\b"
               r"|(?:seized|regained|retook|retaken|wrested) (?:full |complete |total )?control "
               r"(?:of|over)",
    "ground attack": rf"{_ATTACKERS} (?:[\w-]+ ){{0,3}}?attacked(?! by)"
                     rf"|(?:eliminated|neutrali[sz]ed|liquidated) (?:[\w-]+ ){{0,5}}?{_ENEMIES}"
                     r"|(?:launched|mounted|began|started|waged) (?:an? |the |their |its )?"
                     r"(?:[\w-]+ )?(?:offensive|assault|ground attack|incursion)s? (?:on|against)"
                     r"|shot (?:[\w-]+ ){0,4}?(?:to death|dead)|fatally shot"
                     r"|by (?:unknown |unidentified |armed |masked )?"
                     r"(?:gunmen|assailants|attackers)"
                     r"|assassinated|assassination of",
    "siege deaths": r"(?:malnutrition|starvation|hunger) (?:has |have )?(?:killed|claimed)"
                    rf"|{_DEATH}(?=[^.;]{{0,80}}?\b(?:due to|from|of) (?:severe |acute )?"
                    r"(?:malnutrition|starvation|hunger)\b)",
    "other": r"(?:attacks?|assaults?|offensives?) (?:was |were )?launched (?:on|against)"
             r"|(?:attacks?|assaults?) (?:toward|towards)"
             r"|another (?:[\w-]+ )?attack(?= (?:in|on|at|near|struck|hit|targeted)\b)"
             r"|(?:school|hospital|market|mosque|church|bakery|checkpoint|convoy|camp) attacks?"
             r"(?= (?:in|on|at|near)\b)"
             r"|kidnapp(?:ed|ing)|abduct(?:ed|ing|ions?)"
             r"|(?:separate|indiscriminate|deadly|simultaneous) attacks?"
             r"|(?:documented|recorded|confirmed) the (?:death|killing|injury) of",
}
"""Event type -> a regular expression of more triggers (case-insensitive, word-bounded)."""
