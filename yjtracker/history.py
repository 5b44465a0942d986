"""Field history (django-simple-history) attributed to the person who acted.

A history row takes its user from the request while a page is being served. Services are
also called from commands, the demo loader and tests, where there is no request: they name
the acting user on each record they save with `attributed`, so every history row says who
made the change, wherever it was made.
"""

from __future__ import annotations

REASON_MAX = 100  # django-simple-history's `history_change_reason` column


def attributed(obj, by, reason: str = ""):
    """Mark `obj` so that its next history row names `by` (and `reason`, if any)."""
    obj._history_user = by
    obj._change_reason = short_reason(reason) if reason else None
    return obj


def short_reason(text: str) -> str:
    """A change reason that fits its column: cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= REASON_MAX:
        return text
    cut = text[: REASON_MAX - 1].rsplit(" ", 1)[0]
    return cut + "…"
