"""Photo captions: a line that credits a photographer or an agency describes a picture.

Round 6 of issue 12: pages carry captions under their headline ("A man rides past military
vehicles in X near Y, on Feb. 11, 2020. Jane Roe/Reuters", "Turkish artillery firing at a
target (Photo: Defence Ministry)"). A caption shows a picture, often an archive one from
another day and place; when it shows the event, the body tells it too. A caption is not read
for events.

Round 7: a line pointing to another story ("Read More: Turkish drone kills two in X",
"Related: ...", "See also: ...") tells that story's event, not this report's. A wire photo's
caption tells what the picture shows in the present and ends on the
day it was taken, with no "on" ("People gather at the site of a blast in the town of X,
October 24, 2019."); a sentence telling the news says "on October 24".

Round 8: a line stringing three or more items together with bullets ("Police say ...  •
Explosion at embassy ...  • Airstrikes kill 20 in Yemen ...") is a page's ticker of other
stories' headlines, not the report: it is not read for events.
"""

from __future__ import annotations

import re

from geo.extract.text import Sentence

_AGENCIES = (r"(?:Reuters|REUTERS|AFP|AP|Anadolu(?: Agency)?|AA|Getty Images|EPA(?:-EFE)?|"
             r"SANA|ANHA|Xinhua|TASS|Sputnik|UNICEF|UNHCR|OCHA|WFP|Shutterstock)")
#: "(Photo: X)", "(Photo by X)", "Photo: X/Y" at the end, "Jane Roe/Reuters", "... via Getty
#: Images", "© EPA-EFE/John Doe".
_CREDIT = re.compile(
    r"\((?i:photo|picture|image)(?:\s+credit)?(?::|\s+by\b)[^)]{1,60}\)\W*$"  # round 13: "by"
    r"|\b(?i:photo|picture|image)(?:\s+credit)?:\s*[A-Z][\w.&'’ -]{0,40}(?:/[\w.&'’ -]{1,40})*\W*$"
    rf"|(?:^|\s)(?:[A-Z][\w.'’-]+\s+){{1,3}}?[A-Z][\w.'’-]+\s*/\s*{_AGENCIES}\b"
    r"(?:\s*/\s*[A-Z][\w.'’ -]{0,30}|\s+via\s+Getty\s+Images)?\W*$"
    rf"|\b{_AGENCIES}\s*/\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){{1,3}}\W*$"
    r"|\bvia Getty Images\W*$|^\s*©")

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
#: A picture's day closing its caption: ", October 24, 2019." (never "on October 24").
_CAPTION_DAY = re.compile(rf"(?<!\bon),\s+(?:{_MONTH}\s+\d{{1,2}},?|\d{{1,2}}\s+{_MONTH})"
                          r"\s+\d{4}\.?\s*$")

#: A pointer to another story: its headline follows.
_POINTER = re.compile(r"^\W*(?:read\s+(?:more|also)|related(?:\s+(?:stories|articles?|news))?|"
                      r"see\s+also|also\s+read|more\s+on\s+this|recommended)\s*[:>»|-]", re.I)
#: Words a caption tells before its day ("Wednesday, 10 June 2020" alone is a date line).
CAPTION_WORDS = 6


def is_photo_caption(sentences: list[Sentence], index: int) -> bool:
    """Whether a sentence is a photo's caption: it, or the next line of its paragraph,
    credits a photographer or an agency, or it ends on a bare day (", October 24, 2019.");
    or a pointer to another story ("Read More: ...").

    Parameters
    ----------
    sentences : list of Sentence
    index : int

    Returns
    -------
    bool
    """
    sentence = sentences[index]
    day = _CAPTION_DAY.search(sentence.text)
    if _POINTER.match(sentence.text):
        return True  # "Read More: ...": another story's headline
    if _CREDIT.search(sentence.text) or (day and len(sentence.text[:day.start()].split()) >=
                                         CAPTION_WORDS):
        return True
    nxt = sentences[index + 1] if index + 1 < len(sentences) else None
    return nxt is not None and nxt.paragraph == sentence.paragraph and \
        len(nxt.text) <= 80 and bool(_CREDIT.search(nxt.text)) and \
        bool(re.fullmatch(r"[\w.'’/ ©&():-]+", nxt.text.strip()))  # round 14: "Photo: X/Y"


#: Bullets that join items on one line (a ticker or a list of links).
_BULLET = re.compile(r"\s[•·▪●]\s")
#: Items a line strings together before it reads as a list of other stories' headlines.
TICKER_ITEMS = 3
#: The longest a headline in a ticker runs (characters).
HEADLINE_CHARS = 160


def ticker_paragraphs(sentences: list[Sentence]) -> frozenset[int]:
    """The paragraphs that are tickers: bullet-joined items, other stories' headlines.

    Parameters
    ----------
    sentences : list of Sentence
        The article's sentences.

    Returns
    -------
    frozenset of int
        Paragraph indexes whose line joins at least :data:`TICKER_ITEMS` items with bullets,
        each (but the last, which may run into the page) a headline: short, no full stop
        inside.
    """
    lines: dict[int, list[str]] = {}
    for sentence in sentences:
        lines.setdefault(sentence.paragraph, []).append(sentence.text)
    out = set()
    for paragraph, texts in lines.items():
        items = [i.strip() for i in _BULLET.split(f" {' '.join(texts)} ")]
        # headlines: short, no full stop inside (a situation report's bullet points run on)
        if len(items) >= TICKER_ITEMS and all(
                len(i) <= HEADLINE_CHARS and not re.search(r"[a-z]{2}[.!?]\s+[A-Z]", i)
                for i in items[:-1]):
            out.add(paragraph)
    return frozenset(out)


def without_tickers(article: str, sentences: list[Sentence]) -> tuple[str, list[Sentence]]:
    """The article with its tickers blanked (offsets kept), and its other sentences.

    Parameters
    ----------
    article : str
    sentences : list of Sentence
        The article's sentences.

    Returns
    -------
    str, list of Sentence
        The text with each sentence of a ticker (:func:`ticker_paragraphs`) replaced by
        spaces, so that other stories' places vote for no country; the other sentences.
    """
    tickers = ticker_paragraphs(sentences)
    if not tickers:
        return article, sentences
    chars = list(article)
    for sentence in sentences:
        if sentence.paragraph in tickers:
            chars[sentence.start:sentence.end] = " " * (sentence.end - sentence.start)
    return "".join(chars), [s for s in sentences if s.paragraph not in tickers]
