"""Speakers, relays and coreference (geo.extract.claims)."""

from geo.extract.claims import attribute
from geo.extract.text import split_sentences


def _speakers(text):
    sentences = split_sentences(text)
    return [a.speaker.claimed_by if a.speaker else None for a in attribute(text, sentences)]


def test_reported_speech_and_coreference_by_head_noun():
    text = ("A senior security official says the market was shelled. "
            "The sky was clear. "
            "The official added that rebels fired first.")
    assert _speakers(text) == [
        "A senior security official", None, "A senior security official"]


def test_unnamed_source_relayed_by_an_outlet():
    text = ("An intelligence source says the depot burned. "
            "“The depot burned for hours,” the Zeta News agency quoted the unnamed source "
            "as saying.")
    said = _speakers(text)
    assert said[0] == said[1] == "An unnamed intelligence source, quoted by Zeta News"


def test_quote_spanning_sentences_and_paragraphs_takes_the_closing_speaker():
    text = ("“Convoys moved at night.\n"
            "“They crossed twice. Then they hid,” the governor said.")
    assert _speakers(text) == ["The governor"] * 3


def test_documents_and_pronouns_refer_back_to_their_author():
    text = ("On May 3, the Interior Ministry condemned the raid in a statement. "
            "It also asked for an inquiry. "
            "The statement noted that mortars were used.")
    assert _speakers(text) == ["Interior Ministry"] * 3


def test_according_to_and_claim_clause():
    text = "According to local medics, the clinic was hit twice."
    sentences = split_sentences(text)
    [attribution] = attribute(text, sentences)
    assert attribution.speaker.claimed_by == "Local medics"
    assert text[attribution.clause[0]:attribution.clause[1]].startswith("According to")


def test_own_voice_has_no_speaker():
    assert _speakers("The bridge was destroyed in 2016.") == [None]


def test_speech_verb_before_its_speaker_closes_the_sentence():
    text = ("Nineteen civilians, including seven children, were killed in overnight raids on "
            "Kafr Dael, said the Northern Rights Monitor on Wednesday.")
    assert _speakers(text) == ["Northern Rights Monitor"]


def test_a_casualty_phrase_is_never_the_speaker():
    text = "Twelve people, among them three medics, were wounded in the shelling, officials said."
    assert _speakers(text) == ["Officials"]
    text = "Dozens of civilians, fleeing the town, were killed on the road, it added."
    assert _speakers(text) == [None]
