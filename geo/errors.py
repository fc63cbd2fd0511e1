"""Typed exceptions of the engine. Imports nothing from ``geo``.

Callers catch these by meaning (a record that is not there, input that is not valid,
a store that cannot be used) rather than by Python's built-in exception types.
"""

from __future__ import annotations


class IncidentMapError(Exception):
    """Base class of every error the engine raises on purpose."""


class NotFound(IncidentMapError, LookupError):
    """A record, place or correction that was asked for does not exist.

    Parameters
    ----------
    what : str
        What was looked up ("incident", "override", ...).
    key : str
        Its identifier.
    """

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"no {what} {key!r}")
        self.what = what
        self.key = key


class Invalid(IncidentMapError, ValueError):
    """Input that cannot be used as it is: a value, a row, a file or a parameter."""


class StoreUnavailable(IncidentMapError, OSError):
    """The incident store cannot be opened, read or written (path, server, disk, permissions)."""
