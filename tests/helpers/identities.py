"""Identities the tests write with (see geo.access)."""

from __future__ import annotations

from geo.access import Identity, Role


def analyst(account: str = "tester") -> Identity:
    """An analyst account."""
    return Identity(account, Role.ANALYST)


def viewer(account: str = "reader") -> Identity:
    """A viewer account."""
    return Identity(account, Role.VIEWER)


def admin(account: str = "lead") -> Identity:
    """An admin account."""
    return Identity(account, Role.ADMIN)


ANALYST = analyst()
