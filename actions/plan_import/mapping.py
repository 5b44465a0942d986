"""Which column holds which field of an action plan, guessed from the headings.

A heading is compared with each field's usual headings, whole first ("RAG status"), then as a
part ("Progress update (July 2023)"). A mapping remembered for the service (the headings used
last time) wins over the guess when the file has those headings. Each column serves one field
at most; the person can change every choice before anything is saved.
"""

from __future__ import annotations

import re

FIELDS = {
    "reference": "Reference",
    "recommendation": "Recommendation",
    "action": "Action",
    "lead": "Lead",
    "due": "Due date",
    "rag": "RAG",
    "progress": "Progress",
}
REQUIRED = ("action", "lead", "due")

_HEADINGS = {
    "reference": ("ref", "reference", "ref no", "no", "number", "rec no", "recommendation no",
                  "recommendation number", "rec ref", "id", "#"),
    "recommendation": ("recommendation", "recommendations", "hmip recommendation",
                       "inspection recommendation", "area for improvement", "finding"),
    "action": ("action", "actions", "action s", "planned action", "planned actions",
               "action to be taken", "actions to be taken", "what we will do", "task", "activity"),
    "lead": ("lead", "owner", "action owner", "lead officer", "responsible officer",
             "responsible", "who", "lead person", "lead agency", "accountable lead"),
    "due": ("due", "due date", "deadline", "target date", "by when", "timescale", "timescales",
            "completion date", "date due", "target completion date", "by"),
    "rag": ("rag", "rag status", "rag rating", "status", "rating", "r a g"),
    "progress": ("progress", "progress update", "progress updates", "update", "updates",
                 "progress to date", "commentary", "comments", "progress and evidence"),
}  # fmt: skip
_PARTS = {
    "progress": ("progress", "update"),
    "due": ("due", "deadline", "timescale", "target date"),
    "rag": ("rag",),
    "lead": ("lead", "owner", "responsible"),
    "action": ("action",),
    "recommendation": ("recommendation",),
    "reference": ("ref",),
}


def normalise(heading: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", (heading or "").lower()).split())


def guess_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, int]:
    """{field: column index}, fields without a column left out."""
    keys = [normalise(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for field_name, heading in (remembered or {}).items():
        wanted = normalise(heading)
        for index, key in enumerate(keys):
            if field_name in FIELDS and key and key == wanted and index not in used:
                mapping[field_name] = index
                used.add(index)
                break
    for field_name, names in _HEADINGS.items():
        if field_name in mapping:
            continue
        for index, key in enumerate(keys):
            if index not in used and key in names:
                mapping[field_name] = index
                used.add(index)
                break
    for field_name, parts in _PARTS.items():
        if field_name in mapping:
            continue
        for index, key in enumerate(keys):
            if (
                index not in used
                and key
                and any(part in key.split() or key.startswith(part) for part in parts)
            ):
                mapping[field_name] = index
                used.add(index)
                break
    return mapping


def as_headings(mapping: dict[str, int], headers: list[str]) -> dict[str, str]:
    """The mapping by heading text, to remember for the service."""
    return {f: headers[i] for f, i in mapping.items() if 0 <= i < len(headers) and headers[i]}
