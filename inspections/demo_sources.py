"""Demonstration sources without a rating framework for Knowsley's board: one of each kind
(a thematic inspection, a practice review, YJB oversight, a National Standards audit, an
internal audit, a peer review, the youth justice plan), each with a recommendation or two.

Every one is invented demo data and says so in its title and author: none is a real report
about Knowsley, and none states a fact about the real service. Idempotent.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import Inspection, Service

Kind = Inspection.Kind
DEMO_AUTHOR = "Demo data (not a real report)"

# kind, title, author, days before the demo is loaded, recommendations (addressee, text)
SOURCES = [
    (
        Kind.THEMATIC,
        "Thematic inspection of education, training and employment (demo)",
        f"An inspectorate's thematic report – {DEMO_AUTHOR}",
        300,
        [
            (
                "Youth justice services",
                "Record every child's education, training or employment status at each review.",
            ),
            (
                "Management boards",
                "Review education, training and employment outcomes at every board meeting.",
            ),
        ],
    ),
    (
        Kind.SAFEGUARDING_REVIEW,
        "Child safeguarding practice review: information sharing (demo)",
        f"The local safeguarding partnership – {DEMO_AUTHOR}",
        240,
        [
            (
                "The YOS manager",
                "Agree with partners how risk information is shared within one working day.",
            ),
        ],
    ),
    (
        Kind.YJB_OVERSIGHT,
        "YJB oversight: quarterly performance conversation (demo)",
        f"Youth Justice Board regional team – {DEMO_AUTHOR}",
        200,
        [
            (
                "The management board",
                "Set out how the board monitors the key performance indicators each quarter.",
            ),
        ],
    ),
    (
        Kind.NATIONAL_STANDARDS,
        "National Standards self-assessment: at court (demo)",
        f"The YOS and its board – {DEMO_AUTHOR}",
        180,
        [
            (
                "The YOS manager",
                "Make sure pre-sentence reports reflect the child's voice in every case.",
            ),
            ("The management board", "Audit a sample of court reports twice a year."),
        ],
    ),
    (
        Kind.INTERNAL_AUDIT,
        "Internal audit of case recording (demo)",
        f"The council's internal audit service – {DEMO_AUTHOR}",
        150,
        [
            (
                "The YOS manager",
                "Close case records within 20 working days of the order ending.",
            ),
        ],
    ),
    (
        Kind.PEER_REVIEW,
        "Peer review of out-of-court disposals (demo)",
        f"A neighbouring youth justice service – {DEMO_AUTHOR}",
        120,
        [
            (
                "The YOS manager",
                "Write down how the joint decision-making panel chooses an outcome.",
            ),
        ],
    ),
    (
        Kind.YOUTH_JUSTICE_PLAN,
        "Youth justice plan priorities (demo)",
        f"The management board – {DEMO_AUTHOR}",
        90,
        [
            ("The management board", "Reduce first-time entrants through early help."),
            ("The management board", "Improve the transition of children to adult services."),
        ],
    ),
]


@transaction.atomic
def load_knowsley_sources(today: datetime.date | None = None) -> list[Inspection]:
    """Knowsley's demo sources of every kind without a framework, each with its
    recommendations, recorded by the demo manager (once)."""
    today = today or timezone.localdate()
    service = Service.objects.get(slug="knowsley")
    manager = get_user_model().objects.get(username="manager")
    made = []
    for kind, title, author, days_ago, recommendations in SOURCES:
        source = Inspection.objects.filter(service=service, title=title).first()
        if source is None:
            source = services.source_record(
                service=service,
                by=manager,
                kind=kind,
                title=title,
                author=author,
                published_on=today - datetime.timedelta(days=days_ago),
            )
            source.is_example = True
            source.save(update_fields=["is_example"])
            for number, (addressee, text) in enumerate(recommendations, start=1):
                services.recommendation_add(
                    source=source, by=manager, number=number, text=text, addressee=addressee
                )
        made.append(source)
    return made
