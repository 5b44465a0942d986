"""Demonstration data: Merseyside services, the Knowsley 2023 inspection and demo accounts.

Knowsley 2023 comes from the published report (`demo_data/knowsley-2023.json`); Liverpool
and Sefton 2019 hold only what their press coverage states. Board members are role titles,
never invented names of real people. Every function here is idempotent.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from inspections.frameworks import load_framework
from inspections.models import (
    Board,
    BoardMembership,
    Finding,
    Framework,
    Inspection,
    Inspectorate,
    KeyQuestionResult,
    OversightViewer,
    Person,
    RatingLevel,
    Recommendation,
    Region,
    Role,
    Service,
    ServiceRole,
    StandardRating,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "knowsley-demo-2026"  # noqa: S105 (published demo password; DEBUG only)

SERVICES = [
    ("knowsley", "Knowsley YOS", "Knowsley Council", "Knowsley Youth Justice Management Board"),
    (
        "liverpool",
        "Liverpool YOS",
        "Liverpool City Council",
        "Liverpool Youth Justice Management Board",
    ),
    ("sefton", "Sefton YOT", "Sefton Council", "Sefton Youth Justice Management Board"),
]

# (name, job title, agency, board role or None)
KNOWSLEY_PEOPLE = [
    ("Chair", "Chair of the management board", "", BoardMembership.BoardRole.CHAIR),
    ("Education representative", "Board member for education", "Education", "member"),
    ("Police representative", "Board member for policing", "Merseyside Police", "member"),
    ("Health representative", "Board member for health", "Health", "member"),
    (
        "Children's social care representative",
        "Board member for children's social care",
        "Children's social care",
        "member",
    ),
    ("Probation representative", "Board member for probation", "Probation Service", "member"),
    ("YOS service manager", "Service manager", "Knowsley YOS", None),
    ("YOS operational manager", "Operational manager", "Knowsley YOS", None),
]

# username, role, service, person linked to the login
ACCOUNTS = [
    ("admin", Role.ADMINISTRATOR, "knowsley", None),
    ("chair", Role.CHAIR, "knowsley", "Chair"),
    ("manager", Role.MANAGER, "knowsley", "YOS service manager"),
    ("member", Role.MEMBER, "knowsley", "Education representative"),
    ("viewer", Role.VIEWER, "knowsley", None),
    ("sefton", Role.MANAGER, "sefton", None),
]

ACCOUNT_DESCRIPTIONS = {
    "admin": "administrator (Django admin, all data entry)",
    "chair": "Knowsley board chair (approves plans, signs off closure)",
    "manager": "Knowsley YOS service manager (drafts plans, logs updates)",
    "member": "Knowsley board member for education (updates what they own)",
    "viewer": "Knowsley viewer (read only)",
    "sefton": "Sefton YOT manager (another service: sees none of Knowsley)",
    "regional": "Merseyside regional viewer (reads every Merseyside service, changes nothing)",
}


@transaction.atomic
def load_services() -> dict[str, Service]:
    region, _ = Region.objects.get_or_create(slug="merseyside", defaults={"name": "Merseyside"})
    services = {}
    for slug, name, authority, board_name in SERVICES:
        service, _ = Service.objects.get_or_create(
            slug=slug, defaults={"name": name, "local_authority": authority, "region": region}
        )
        Board.objects.get_or_create(service=service, defaults={"name": board_name})
        services[slug] = service
    knowsley = services["knowsley"]
    for name, title, agency, board_role in KNOWSLEY_PEOPLE:
        person, _ = Person.objects.get_or_create(
            service=knowsley, name=name, defaults={"job_title": title, "agency": agency}
        )
        if board_role:
            BoardMembership.objects.get_or_create(
                board=knowsley.board,
                person=person,
                defaults={"board_role": board_role, "agency_represented": agency},
            )
    Person.objects.get_or_create(
        service=services["sefton"], name="YOT manager", defaults={"job_title": "Service manager"}
    )
    return services


@transaction.atomic
def load_accounts() -> list[tuple[str, str]]:
    """Create the demo logins. Callers must refuse this outside development."""
    User = get_user_model()
    created = []
    for username, role, service_slug, person_name in ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMINISTRATOR
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        service = Service.objects.get(slug=service_slug)
        ServiceRole.objects.update_or_create(user=user, service=service, defaults={"role": role})
        if person_name:
            Person.objects.filter(service=service, name=person_name, user=None).update(user=user)
        created.append((username, ACCOUNT_DESCRIPTIONS[username]))
    regional, was_created = User.objects.get_or_create(
        username="regional", defaults={"email": "regional@example.org"}
    )
    if was_created:
        regional.set_password(DEMO_PASSWORD)
        regional.save()
    OversightViewer.objects.get_or_create(
        user=regional,
        region=Region.objects.get(slug="merseyside"),
        defaults={"note": "Regional oversight (demo)"},
    )
    created.append(("regional", ACCOUNT_DESCRIPTIONS["regional"]))
    return created


def _level(framework: Framework, name: str | None) -> RatingLevel | None:
    return framework.levels.get(name=name) if name else None


@transaction.atomic
def load_knowsley_2023() -> Inspection:
    data = json.loads((DATA_DIR / "knowsley-2023.json").read_text(encoding="utf-8"))
    framework = load_framework(data["framework"])
    service = Service.objects.get(slug=data["service"])
    existing = Inspection.objects.filter(service=service, fieldwork_start=data["fieldwork_start"])
    if existing.exists():
        return existing.get()
    inspection = Inspection.objects.create(
        service=service,
        framework=framework,
        title=data["title"],
        fieldwork_start=datetime.date.fromisoformat(data["fieldwork_start"]),
        published_on=datetime.date.fromisoformat(data["published_on"]),
        published_month_only=data["published_month_only"],
        published_rating=_level(framework, data["published_rating"]),
        published_score=data["published_score"],
    )
    inspection.inspectorates.set(Inspectorate.objects.filter(short_name__in=data["inspectorates"]))
    standards = {s.code: s for s in framework.standards.prefetch_related("key_questions")}
    findings: dict[tuple[str, str, int], Finding] = {}
    for row in data["standards"]:
        standard = standards[row["code"]]
        rating = StandardRating.objects.create(
            inspection=inspection, standard=standard, level=_level(framework, row["rating"])
        )
        for question, percent in zip(
            standard.key_questions.all(), row.get("key_question_percents", []), strict=True
        ):
            KeyQuestionResult.objects.create(rating=rating, key_question=question, percent=percent)
        for kind in (Finding.Kind.STRENGTH, Finding.Kind.AREA_FOR_IMPROVEMENT):
            key = "strengths" if kind == Finding.Kind.STRENGTH else "areas_for_improvement"
            for position, text in enumerate(row.get(key, [])):
                findings[(row["code"], kind, position)] = Finding.objects.create(
                    inspection=inspection, standard=standard, kind=kind, text=text, order=position
                )
    for row in data["recommendations"]:
        rec = Recommendation.objects.create(
            inspection=inspection,
            number=row["number"],
            text=row["text"],
            addressee=row["addressee"],
            response=Recommendation.Response.AGREED,
            board_owner=Person.objects.get(service=service, name=row["board_owner"]),
        )
        for name in row["themes"]:
            theme, _ = Theme.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
            rec.themes.add(theme)
        rec.findings.set(findings[(code, kind, i)] for code, kind, i in row["findings"])
        rec.standards.set(standards[code] for code in row["standards"])
    return inspection


LIVERPOOL_BASIS = (
    "HM Inspectorate of Probation's press release “Liverpool youth offending service "
    "delivering good work” (report published 14 June 2019; fieldwork in March 2019, no day "
    "given). The full report's ratings and recommendations are not recorded here."
)
SEFTON_BASIS = (
    "Sefton Council's press release after the inspection (fieldwork in February 2019; no "
    "publication date given). The report's own ratings, wording and number of recommendations "
    "are not recorded here."
)
# (domain number or None for the whole service, kind, text as the press release states it)
LIVERPOOL_FINDINGS = [
    (
        3,
        Finding.Kind.AREA_FOR_IMPROVEMENT,
        "The YOS's work with children and young people who were being dealt with outside the "
        "court system was “disappointing”: in most of the inspected cases the YOS did not "
        "assess children and young people properly.",
    ),
    (
        2,
        Finding.Kind.STRENGTH,
        "The YOS is doing excellent work with children and young people who have come before "
        "the courts.",
    ),
    (
        None,
        Finding.Kind.STRENGTH,
        "The service has a stable workforce, vacancy rates are low and most staff stated their "
        "workload is manageable.",
    ),
    (
        None,
        Finding.Kind.AREA_FOR_IMPROVEMENT,
        "More could be done to ensure children and young people take up education and training "
        "opportunities.",
    ),
    (
        None,
        Finding.Kind.AREA_FOR_IMPROVEMENT,
        "The Chief Inspector would like to see improved communication between the strategic and "
        "operational levels of the organisation.",
    ),
]
SEFTON_FINDINGS = [
    (
        None,
        Finding.Kind.STRENGTH,
        "A skilled and dedicated workforce supporting young people to turn away from crime.",
    ),
    (
        None,
        Finding.Kind.STRENGTH,
        "The YOT makes effective use of local resources to meet the needs of children and young "
        "people and their families.",
    ),
]
# As the council reported it; the report's own wording and numbering are not recorded.
SEFTON_RECOMMENDATION = (
    "Gain a deeper understanding of the children and young people that it works with."
)


@transaction.atomic
def load_press_only_inspections() -> list[Inspection]:
    """Liverpool 2019 and Sefton 2019: only what the press coverage states, each finding at
    the level it was stated (Liverpool's out-of-court work for its domain, not a standard)."""
    framework = load_framework("hmip-youth-2018")
    hmip = Inspectorate.objects.get(short_name="HMIP")
    rows = [
        # service, title, fieldwork month, published on, published month only, rating
        (
            "liverpool",
            "HMIP inspection of Liverpool YOS (2019)",
            datetime.date(2019, 6, 14),
            False,
            "Good",
        ),
        ("sefton", "HMIP inspection of Sefton YOT (2019)", None, True, "Requires improvement"),
    ]
    inspections = []
    for slug, title, published_on, month_only, rating in rows:
        inspection, created = Inspection.objects.get_or_create(
            service=Service.objects.get(slug=slug),
            title=title,
            defaults={
                "framework": framework,
                "published_on": published_on,
                "published_month_only": month_only,
                "published_rating": _level(framework, rating),
            },
        )
        if created:
            inspection.inspectorates.add(hmip)
        inspections.append(inspection)
    liverpool, sefton = inspections
    domains = {d.number: d for d in framework.domains.all()}
    for inspection, basis, findings in (
        (liverpool, LIVERPOOL_BASIS, LIVERPOOL_FINDINGS),
        (sefton, SEFTON_BASIS, SEFTON_FINDINGS),
    ):
        if not inspection.basis:
            inspection.basis = basis
            inspection.save(update_fields=["basis"])
        if not inspection.findings.exists():
            for order, (domain, kind, text) in enumerate(findings):
                Finding.objects.create(
                    inspection=inspection,
                    domain=domains[domain] if domain else None,
                    kind=kind,
                    text=text,
                    order=order,
                )
    Recommendation.objects.get_or_create(
        inspection=sefton,
        number=1,
        defaults={"text": SEFTON_RECOMMENDATION, "addressee": ""},
    )
    return inspections
