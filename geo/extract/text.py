"""Text units of a report for extraction: sentences with offsets and quotations.

Everything here keeps character offsets into the original article, so that any
span found later can be highlighted in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "brig",
        "adm", "gov", "sen", "rep", "st", "mt", "ft", "no", "vs", "etc", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
        "est", "dept", "govt"
    ]
)
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_OPEN_QUOTES = "“«\""
_CLOSE_QUOTES = "”»\""


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article.

    Attributes
    ----------
    index : int
        Position among the article's sentences (0-based).
    start, end : int
        Character offsets in the article (``article[start:end] == text``).
    text : str
        The sentence, without surrounding white space.
    paragraph : int
        Index of the paragraph (blocks separated by line breaks).
    """

    index: int
    start: int
    end: int
    text: str
    paragraph: int


def split_sentences(article: str) -> list[Sentence]:
    """Split an article into sentences, keeping offsets.

    Parameters
    ----------
    article : str
        The report's text; line breaks separate paragraphs.

    Returns
    -------
    list of Sentence
        In reading order; abbreviations (``Dr.``, ``U.S.``), decimals and a
        full stop followed by a lower-case word do not end a sentence.
    """
    sentences: list[Sentence] = []
    for paragraph, (p_start, p_end) in enumerate(_paragraphs(article)):
        start = p_start
        for match in _END.finditer(article, p_start, p_end):
            cut = match.end()
            if not _is_boundary(article, match.start(), cut, p_end):
                continue
            _add(sentences, article, start, cut, paragraph)
            start = cut
        _add(sentences, article, start, p_end, paragraph)
    return sentences


def _paragraphs(article: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n]+", article):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans


def _is_boundary(article: str, mark: int, cut: int, limit: int) -> bool:
    rest = article[cut:limit]
    if rest and not rest[0].isspace():
        return False  # "U.S.-led", "3.5", "e.g.,"
    following = rest.lstrip()
    if not following:
        return True
    if article[mark] == ".":
        word = re.search(r"([A-Za-z]+)\.?$", article[max(0, mark - 12):mark + 1])
        if word and word.group(1).lower() in _ABBREVIATIONS:
            return False
        if word and len(word.group(1)) == 1 and word.group(1).isupper():
            return False  # initials: "U.S. forces", "J. Smith"
    return not following[0].islower()


def _add(out: list[Sentence], article: str, start: int, end: int, paragraph: int) -> None:
    chunk = article[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    begin = start + lead
    out.append(Sentence(len(out), begin, begin + len(stripped), stripped, paragraph))


@dataclass(frozen=True)
class Quotation:
    """A quoted passage: offsets of its opening and closing marks.

    Attributes
    ----------
    start, end : int
        ``article[start]`` is the opening mark; ``end`` is just after the
        closing mark (or the end of the paragraph for a quote left open).
    closed : bool
        False when the quote runs on into the next paragraph (typographic
        convention: the next paragraph opens with a new mark).
    """

    start: int
    end: int
    closed: bool


def find_quotations(article: str) -> list[Quotation]:
    """Find quoted passages (curly, guillemet or straight double quotes).

    Parameters
    ----------
    article : str

    Returns
    -------
    list of Quotation
        In reading order; a quote is never longer than its paragraph.
    """
    quotes: list[Quotation] = []
    for p_start, p_end in _paragraphs(article):
        opened: int | None = None
        for pos in range(p_start, p_end):
            char = article[pos]
            if opened is None and char in _OPEN_QUOTES:
                if char == '"' and pos + 1 < p_end and article[pos + 1].isspace():
                    continue
                opened = pos
            elif opened is not None and char in _CLOSE_QUOTES and pos > opened:
                quotes.append(Quotation(opened, pos + 1, True))
                opened = None
        if opened is not None:
            quotes.append(Quotation(opened, p_end, False))
    return quotes
