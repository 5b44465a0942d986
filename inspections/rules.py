"""Inspectorate rating rules, driven by a framework's rows (levels and score bands).

- A case-based standard's rating: its LOWEST key-question % placed in the levels' bands.
- The total score: the points of the ratings that count towards the score.
- The overall rating: the score band the total falls in.
Published values always win; where they differ from the computed ones we warn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Level(Protocol):
    name: str
    rank: int
    points: int | None
    min_key_question_percent: int | None


class Band(Protocol):
    level_id: int
    min_total: int
    max_total: int


def level_from_key_questions(percents: Iterable[int], levels: Sequence[Level]) -> Level | None:
    """The best level whose threshold the lowest key-question % reaches."""
    percents = list(percents)
    if not percents:
        return None
    lowest = min(percents)
    banded = [lv for lv in levels if lv.min_key_question_percent is not None]
    for level in sorted(banded, key=lambda lv: lv.min_key_question_percent, reverse=True):
        if lowest >= level.min_key_question_percent:
            return level
    return None


def total_score(ratings: Iterable[tuple[bool, Level | None]]) -> int | None:
    """Sum of points over (counts_towards_score, level) pairs; None if nothing has points."""
    points = [
        lv.points for counts, lv in ratings if counts and lv is not None and lv.points is not None
    ]
    return sum(points) if points else None


def level_from_total(total: int | None, bands: Sequence[Band], levels: Sequence[Level]):
    if total is None:
        return None
    by_id = {getattr(lv, "pk", None): lv for lv in levels}
    for band in bands:
        if band.min_total <= total <= band.max_total:
            return by_id.get(band.level_id)
    return None


@dataclass
class ScoreSummary:
    computed_score: int | None
    computed_rating: Level | None
    published_score: int | None
    published_rating: Level | None
    max_score: int | None
    warnings: list[str] = field(default_factory=list)

    @property
    def score(self) -> int | None:
        """The score to show: the published one when there is one."""
        return self.published_score if self.published_score is not None else self.computed_score

    @property
    def rating(self):
        return self.published_rating or self.computed_rating


def summarise_score(
    *,
    has_points: bool,
    ratings: Sequence[tuple[bool, Level | None]],
    bands: Sequence[Band],
    levels: Sequence[Level],
    scored_standards: int,
    published_score: int | None,
    published_rating: Level | None,
) -> ScoreSummary:
    computed_score = total_score(ratings) if has_points else None
    computed_rating = level_from_total(computed_score, bands, levels) if has_points else None
    top_points = max((lv.points or 0 for lv in levels), default=0)
    max_score = top_points * scored_standards if has_points and scored_standards else None
    warnings = []
    if (
        published_score is not None
        and computed_score is not None
        and published_score != computed_score
    ):
        warnings.append(
            f"The published score ({published_score}) differs from the score the ratings give "
            f"({computed_score}). The published score is kept."
        )
    if (
        published_rating is not None
        and computed_rating is not None
        and published_rating.pk != computed_rating.pk
    ):
        warnings.append(
            f"The published overall rating ({published_rating.name}) differs from the rating "
            f"the total gives ({computed_rating.name}). The published rating is kept."
        )
    return ScoreSummary(
        computed_score=computed_score,
        computed_rating=computed_rating,
        published_score=published_score,
        published_rating=published_rating,
        max_score=max_score,
        warnings=warnings,
    )
