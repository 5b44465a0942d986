"""Page-shaped reads that cross models, each in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from inspections.models import (
    Finding,
    Inspection,
    KeyQuestionResult,
    Recommendation,
    StandardRating,
)


def inspection_with_ratings() -> QuerySet[Inspection]:
    """Inspections with everything the inspection page shows prefetched (scope them with
    `for_user`)."""
    return Inspection.objects.select_related(
        "service__board", "framework", "published_rating"
    ).prefetch_related(
        "inspectorates",
        "framework__levels",
        "framework__score_bands",
        "framework__standards",
        "framework__domains",
        Prefetch(
            "ratings",
            queryset=StandardRating.objects.select_related(
                "standard__domain", "level"
            ).prefetch_related(
                Prefetch(
                    "key_question_results",
                    queryset=KeyQuestionResult.objects.select_related("key_question"),
                )
            ),
        ),
        Prefetch("findings", queryset=Finding.objects.select_related("standard", "domain")),
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.select_related("board_owner"),
        ),
    )
