"""Database URLs of the store: its own ``schema`` parameter, and passwords kept out of sight."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def split_url(url: str) -> tuple[str, str]:
    """Separate the store's own ``schema`` query parameter from a database URL.

    Parameters
    ----------
    url : str
        ``postgresql://...``, optionally with ``schema=NAME`` among its parameters.

    Returns
    -------
    tuple of str
        The URL for libpq and the schema (``public`` by default).
    """
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in params if k == "schema"), "public") or "public"
    rest = urlencode([(k, v) for k, v in params if k != "schema"], safe="/")
    return urlunsplit(parts._replace(query=rest)), schema


def safe_url(url: str) -> str:
    """The URL without its password, for display."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.netloc.split("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username}:***@{host}")
    return urlunsplit(parts)
