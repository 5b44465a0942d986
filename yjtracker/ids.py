"""Strict reading of ids and whole numbers from URLs, query strings and forms.

`str.isdigit()` and `int()` accept non-ASCII digits ("²", "٣") and numbers no database
column can hold; both used to end in a server error. Everything that reads an id or a
number from a request goes through here: ASCII digits only, within range, or nothing.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1  # the largest value of a 64-bit signed id (SQLite INTEGER, PostgreSQL bigint)
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`value` as an int if it is ASCII digits (optionally signed when `minimum` < 0) within
    [minimum, maximum]; otherwise None. Never raises."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        if not isinstance(value, str):
            return None
        text = value.strip()
        sign = 1
        if minimum < 0 and text[:1] == "-":
            sign, text = -1, text[1:]
        if not _DIGITS.fullmatch(text):
            return None
        number = sign * int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id (1 to 2**63 - 1) from text, or None."""
    return parse_int(value, minimum=1)


class IdConverter:
    """`<id:pk>` in URL patterns: an id the database can hold, or the URL does not match
    (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError("not an id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class TokenConverter:
    """`<token:token>`: a URL-safe secret (as `secrets.token_urlsafe` makes), or no match.
    Anything else (a NUL byte, a slash, 10,000 characters) never reaches the database."""

    regex = "[A-Za-z0-9_-]{16,128}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
