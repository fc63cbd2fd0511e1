"""Sentence splitting and quotations (geo.extract.text)."""

from geo.extract.text import find_quotations, split_sentences


def test_sentences_keep_offsets():
    text = "An airstrike hit the town. Five people died.\nA second paragraph follows."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "An airstrike hit the town.", "Five people died.", "A second paragraph follows."]
    for s in sentences:
        assert text[s.start:s.end] == s.text
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_abbreviations_initials_and_ellipsis_do_not_split():
    text = "Dr. Hana Ali said U.S. forces left at 3.5 km. The hive … was set in motion."
    assert [s.text for s in split_sentences(text)] == [
        "Dr. Hana Ali said U.S. forces left at 3.5 km.", "The hive … was set in motion."]


def test_closing_quote_stays_with_its_sentence():
    text = "“The town was shelled.” The mayor spoke later."
    assert [s.text for s in split_sentences(text)] == [
        "“The town was shelled.”", "The mayor spoke later."]


def test_quotations_closed_and_open():
    text = "“Open quote runs on.\n“Closed one,” she said."
    quotes = find_quotations(text)
    assert [(q.closed, text[q.start]) for q in quotes] == [(False, "“"), (True, "“")]
    assert text[quotes[1].start:quotes[1].end] == "“Closed one,”"
