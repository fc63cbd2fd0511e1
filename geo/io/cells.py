"""Spreadsheet cells that are safe to open: the OWASP CSV-injection rule, both ways.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``). Every CSV
or Excel cell this project writes from data goes through :func:`neutralise`, which puts
an apostrophe in front of such a cell (spreadsheets show the text, run nothing). Plain
numbers (``-3.5``, ``+12``) are left alone: they are not formulas and must read back as
numbers. :func:`restore` undoes the escape when such a file is imported again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet cell a formula (OWASP)."""

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: str) -> str:
    """A cell's text, with an apostrophe in front when a spreadsheet would run it.

    Parameters
    ----------
    value : str

    Returns
    -------
    str
        ``value`` unchanged, or ``"'" + value`` when it starts with one of
        :data:`FORMULA_PREFIXES` and is not a plain number.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("-36.2")
    '-36.2'
    """
    if value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise_row(values: Iterable[object]) -> list[str]:
    """:func:`neutralise` every cell of a row (None becomes '')."""
    return [neutralise("" if v is None else str(v)) for v in values]


def restore(value: str) -> str:
    """Undo :func:`neutralise`: drop the apostrophe it put before a formula character."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) and not _NUMBER.match(
        value[1:]
    ):
        return value[1:]
    return value
