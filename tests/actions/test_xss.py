"""Output is escaped (V3): script stored in any text people enter comes back as text.

Each field gets its own payload, so a failure names the field that leaked. Staff-entered text
is stored through `actions.services`, as the pages store it; text an administrator types in
the admin is created on the models.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from actions import services
from actions.models import RAG, Action, BoardMeeting, Evidence, Measure, MeasureReading
from inspections.models import Finding, Inspection, Person, Recommendation, Theme
from tests import factories

RAW_MARKERS = ("<script>alert", "<img src=x onerror")
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def payload(field: str) -> str:
    """A script tag and an attribute break-out, labelled with the field that holds them."""
    return f'<script>alert("{field}")</script>"><img src=x onerror=alert("{field}")>'


class World:
    """Knowsley with a payload in every field a person can type, reached as users reach it."""

    def __init__(self, inspection: Inspection):
        users = get_user_model().objects
        manager = users.get(username="manager")
        chair = users.get(username="chair")
        today = timezone.localdate()
        self.inspection = inspection

        # Typed by an administrator in the admin.
        service = inspection.service
        service.name = payload("service-name")
        service.save()
        inspection.title = payload("inspection-title")
        inspection.save()
        person = Person.objects.get(service=service, user=manager)
        person.name = payload("person-name")
        person.job_title = payload("job-title")
        person.save()
        rec = factories.make_recommendation(
            inspection,
            number=5,
            text=payload("rec-text"),
            addressee=payload("addressee"),
            board_owner=person,
        )
        rating = inspection.ratings.select_related("standard").first()
        finding = Finding.objects.create(
            inspection=inspection,
            standard=rating.standard,
            kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
            text=payload("finding"),
            order=99,
        )
        rec.findings.add(finding)
        rec.standards.add(rating.standard)
        rec.themes.add(Theme.objects.create(name=payload("theme"), slug="xss-theme"))
        measure = Measure.objects.create(
            recommendation=rec,
            name=payload("measure"),
            unit="%",
            baseline_value=40,
            baseline_date=today - datetime.timedelta(days=200),
            target_value=80,
            target_date=today + datetime.timedelta(days=200),
        )
        MeasureReading.objects.create(
            measure=measure,
            date=today - datetime.timedelta(days=20),
            value=55,
            note=payload("reading-note"),
            recorded_by=manager,
        )
        self.meeting = BoardMeeting.objects.create(
            board=service.board, date=today, title=payload("meeting")
        )

        # Typed by staff on the workflow pages (through the services those pages call).
        plan = services.plan_start(recommendation=rec, by=manager, summary=payload("plan-summary"))
        self.action = services.action_add(
            plan=plan,
            by=manager,
            title=payload("action-title"),
            description=payload("action-description"),
            owner=person,
            start_date=today - datetime.timedelta(days=30),
            due_date=today + datetime.timedelta(days=7),
            success_measure=payload("success-measure"),
        )
        self.cancelled = services.action_add(
            plan=plan,
            by=manager,
            title=payload("cancelled-title"),
            owner=person,
            start_date=today,
            due_date=today + datetime.timedelta(days=30),
            success_measure="Not needed.",
        )
        services.action_cancel(action=self.cancelled, by=manager, reason=payload("cancel-reason"))
        services.plan_submit(plan=plan, by=manager)
        services.plan_return(plan=plan, by=chair, comments=payload("return-reason"))
        services.plan_submit(plan=plan, by=manager)
        services.plan_approve(plan=plan, by=chair)
        update = services.update_log(
            action=self.action,
            by=manager,
            date=today,
            narrative=payload("narrative"),
            rag=RAG.AMBER,
            percent_complete=40,
            reason=payload("update-reason"),
            recovery_step=payload("recovery-step"),
        )
        self.evidence = services.evidence_add(
            action=self.action,
            by=manager,
            title=payload("evidence-title"),
            link="https://example.org/evidence",
            update=update,
        )
        declined = services.date_change_request(
            action=self.action,
            by=manager,
            new_date=today + datetime.timedelta(days=20),
            reason="First request.",
        )
        services.date_change_decide(
            change=declined, by=chair, approve=False, reason=payload("decline-reason")
        )
        self.date_change = services.date_change_request(
            action=self.action,
            by=manager,
            new_date=today + datetime.timedelta(days=30),
            reason=payload("date-reason"),
        )

        # Closure of recommendation 4: summary, send back, proposed again.
        rec4 = Recommendation.objects.get(inspection=inspection, number=4)
        open_action = Action.objects.get(plan__recommendation=rec4, number=1)
        services.update_log(
            action=open_action,
            by=manager,
            date=today,
            narrative="Analysis presented.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        services.evidence_add(
            action=open_action, by=manager, title="Minutes", link="https://example.org/minutes"
        )
        services.recommendation_propose_closure(
            recommendation=rec4, by=manager, summary=payload("closure-summary")
        )
        services.recommendation_send_back(
            recommendation=rec4, by=chair, reason=payload("send-back-reason")
        )
        services.recommendation_propose_closure(
            recommendation=rec4, by=manager, summary=payload("closure-summary")
        )
        self.rec = rec
        self.rec4 = rec4


# page: (who looks, how to build the URL, the fields the page must show)
PAGES = {
    "home for the manager": (
        "manager",
        lambda w: reverse("home"),
        ["inspection-title", "service-name", "action-title"],
    ),
    "home for the chair": (
        "chair",
        lambda w: reverse("home"),
        ["inspection-title", "service-name"],
    ),
    "inspection page": (
        "manager",
        lambda w: reverse("inspection_detail", args=[w.inspection.pk]),
        ["inspection-title", "service-name", "rec-text", "addressee", "person-name", "finding"],
    ),
    "recommendation page": (
        "manager",
        lambda w: reverse("recommendation_detail", args=[w.rec.pk]),
        [
            "inspection-title",
            "rec-text",
            "addressee",
            "person-name",
            "job-title",
            "theme",
            "finding",
            "measure",
            "plan-summary",
            "action-title",
            "cancelled-title",
            "narrative",
            "return-reason",
            "cancel-reason",
            "date-reason",
            "decline-reason",
        ],
    ),
    "recommendation page after a send-back": (
        "chair",
        lambda w: reverse("recommendation_detail", args=[w.rec4.pk]),
        ["closure-summary", "send-back-reason"],
    ),
    "action page": (
        "manager",
        lambda w: reverse("action_detail", args=[w.action.pk]),
        [
            "inspection-title",
            "action-title",
            "action-description",
            "success-measure",
            "person-name",
            "job-title",
            "narrative",
            "update-reason",
            "recovery-step",
            "evidence-title",
            "date-reason",
            "decline-reason",
        ],
    ),
    "page of a cancelled action": (
        "viewer",
        lambda w: reverse("action_detail", args=[w.cancelled.pk]),
        ["cancelled-title", "cancel-reason"],
    ),
    "all actions": (
        "viewer",
        lambda w: reverse("action_list"),
        ["action-title", "person-name", "job-title", "service-name", "theme"],
    ),
    "all actions filtered by the payload owner": (
        "chair",
        lambda w: reverse("action_list") + f"?owner={w.action.owner_id}&status=in_progress",
        ["action-title", "person-name"],
    ),
    "my actions": (
        "manager",
        lambda w: reverse("my_actions"),
        ["action-title", "person-name"],
    ),
    "date change decision page": (
        "chair",
        lambda w: reverse("date_change_decide", args=[w.date_change.pk]),
        ["action-title", "date-reason"],
    ),
    "action edit form": (
        "manager",
        lambda w: reverse("action_edit", args=[w.action.pk]),
        ["action-title", "action-description", "success-measure", "person-name"],
    ),
    "evidence withdrawal form": (
        "manager",
        lambda w: reverse("evidence_withdraw", args=[w.evidence.pk]),
        ["evidence-title"],
    ),
    "account page": (
        "manager",
        lambda w: reverse("account"),
        ["person-name", "job-title", "service-name"],
    ),
    "board dashboard": (
        "member",
        lambda w: reverse("dashboard", args=[w.inspection.pk]),
        ["inspection-title", "service-name", "rec-text", "person-name", "measure", "meeting"],
    ),
    "board pack": (
        "viewer",
        lambda w: reverse("board_pack", args=[w.inspection.pk]),
        ["inspection-title", "service-name", "rec-text", "person-name", "action-title"],
    ),
    "board pack since the last meeting": (
        "chair",
        lambda w: reverse("board_pack", args=[w.inspection.pk]) + f"?meeting={w.meeting.pk}",
        ["narrative", "date-reason", "return-reason", "send-back-reason", "decline-reason"],
    ),
    "overview": (
        "viewer",
        lambda w: reverse("overview"),
        ["service-name"],
    ),
}


@pytest.fixture
def world(knowsley_demo) -> World:
    return World(knowsley_demo)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def assert_escaped(page: str, fields: list[str]) -> None:
    for marker in RAW_MARKERS:
        assert marker not in page, f"raw markup {marker!r} reached the page"
    assert not JAVASCRIPT_URL.search(page)
    missing = [field for field in fields if escape(payload(field)) not in page]
    assert missing == [], f"fields not shown as escaped text: {missing}"


@pytest.mark.parametrize("page_name", PAGES)
def test_stored_script_is_shown_as_text_on_every_staff_page(world, page_name):
    username, url, fields = PAGES[page_name]

    response = client_for(username).get(url(world))

    assert response.status_code == 200
    assert_escaped(response.content.decode(), fields)


def test_script_in_the_query_string_is_shown_as_text_on_the_action_list(world):
    query = {"q": payload("search"), "sort": payload("sort"), "due_before_0": payload("date")}

    response = client_for("manager").get(reverse("action_list"), query)

    assert response.status_code == 200
    assert_escaped(response.content.decode(), ["search", "sort", "date"])


def test_a_bad_as_at_date_is_echoed_as_text_on_the_dashboard(world):
    response = client_for("manager").get(
        reverse("dashboard", args=[world.inspection.pk]), {"as_at": payload("as-at")}
    )

    assert response.status_code == 400  # refused, with the reason on the page
    assert_escaped(response.content.decode(), ["as-at"])


def test_script_typed_into_the_update_form_is_shown_as_text_when_the_form_comes_back(world):
    """A refused form shows the person's text again: escaped, not executed."""
    today = timezone.localdate()
    data = {
        "date_0": str(today.day),
        "date_1": str(today.month),
        "date_2": str(today.year),
        "narrative": payload("typed-narrative"),
        "rag": "red",  # Red without a reason: refused, and the text comes back
        "percent_complete": "10",
        "reason": "",
        "recovery_step": payload("typed-recovery"),
    }

    response = client_for("manager").post(reverse("update_create", args=[world.action.pk]), data)

    assert response.status_code == 400
    assert_escaped(response.content.decode(), ["typed-narrative", "typed-recovery"])


def test_a_javascript_evidence_link_is_refused_on_the_evidence_form(world):
    before = Evidence.objects.count()

    response = client_for("manager").post(
        reverse("evidence_create", args=[world.action.pk]),
        {"evidence_title": "Minutes", "evidence_link": "javascript:alert(1)"},
    )

    assert response.status_code == 400
    assert Evidence.objects.count() == before


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)"]
)
def test_no_page_links_to_a_javascript_url_even_when_the_service_stored_one(world, link):
    """The service is the write path for every caller, not only the form: a stored
    `javascript:` link must never become a clickable link."""
    manager = get_user_model().objects.get(username="manager")
    with contextlib.suppress(ValidationError):  # refusing the link is the other good outcome
        services.evidence_add(action=world.action, by=manager, title="Evidence", link=link)
    client = client_for("manager")

    for url in (
        reverse("action_detail", args=[world.action.pk]),
        reverse("recommendation_detail", args=[world.rec.pk]),
    ):
        page = client.get(url).content.decode()
        assert not JAVASCRIPT_URL.search(page), f"{url} links to {link!r}"


# --- Grep tests (Z3, V3) -----------------------------------------------------------------

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path
    for path in Path(settings.BASE_DIR).glob("*/templates")
    if ".venv" not in path.parts and path.is_dir()
]
UNSAFE_IN_TEMPLATES = re.compile(r"\|\s*safe(?:seq)?\b|{%\s*autoescape\s+off\s*%}")


def template_files() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_the_project_has_templates_to_check():
    assert len(template_files()) > 10


def test_no_template_turns_escaping_off():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in template_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNSAFE_IN_TEMPLATES.search(line)
    ]
    assert offenders == []


def test_the_unsafe_template_check_would_catch_safe_and_autoescape_off():
    assert UNSAFE_IN_TEMPLATES.search("{{ update.narrative|safe }}")
    assert UNSAFE_IN_TEMPLATES.search("{{ rows | safeseq }}")
    assert UNSAFE_IN_TEMPLATES.search("{% autoescape off %}")
    assert not UNSAFE_IN_TEMPLATES.search("{{ form.safe_field }} {{ value|safe_cell }}")


FORM_MODULES = ("actions/forms.py", "inspections/forms.py", "yjtracker/forms.py")
TAKES_EVERY_FIELD = re.compile(r"""fields\s*=\s*["']__all__["']|^\s*exclude\s*=""", re.M)


def project_modules() -> list[Path]:
    """Every Python module of the apps, where a form (or an admin's form) could be defined."""
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for app in ("actions", "inspections", "yjtracker")
        for path in (base / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_form_check_reads_every_forms_module():
    read = {str(path.relative_to(settings.BASE_DIR)) for path in project_modules()}
    assert set(FORM_MODULES) <= read


def test_no_form_takes_every_model_field():
    """Forms list their fields: a field added to a model is never writable by accident."""
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in project_modules()
        if TAKES_EVERY_FIELD.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_every_field_check_would_catch_all_and_exclude():
    assert TAKES_EVERY_FIELD.search('    class Meta:\n        fields = "__all__"\n')
    assert TAKES_EVERY_FIELD.search("    class Meta:\n        exclude = ['owner']\n")
    assert not TAKES_EVERY_FIELD.search('    fields = ["title", "owner"]\n')


def model_forms() -> list[type]:
    """Every ModelForm class defined in the project's modules."""
    import importlib

    from django import forms

    found = []
    for path in project_modules():
        name = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
        module = importlib.import_module(name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, forms.ModelForm) and obj.__module__ == name
        ]
    return found


def test_every_model_form_names_its_fields_or_takes_them_from_its_admin():
    """A ModelForm lists its fields itself, or is an admin's form, whose fields the admin
    lists (and whose read-only fields it leaves out)."""
    from django.contrib import admin

    forms_found = model_forms()
    assert forms_found, "no ModelForm found: the check would pass without checking anything"
    admin_forms = {model_admin.form for model_admin in admin.site._registry.values()}
    for form_class in forms_found:
        meta = getattr(form_class, "_meta", None)
        fields = getattr(meta, "fields", None)
        if form_class in admin_forms:
            model_admin = next(a for a in admin.site._registry.values() if a.form is form_class)
            assert model_admin.fields or model_admin.fieldsets, form_class.__name__
        else:
            assert isinstance(fields, list | tuple), f"{form_class.__name__} lists no fields"
