"""The permission matrix: every named URL of the project, for every persona (Z1, Z2, Z3, C1, T2).

`ROUTES` maps each URL name to the cases that exercise it: how to reach a Knowsley object in
the right state, whether the case reads (GET) or writes (POST), and what each persona must
get. The URLconf is walked, so a new page that is not in `ROUTES` fails the suite.

The API's cases (`auth=TOKEN`) are made with each persona's own personal API token in the
`Authorization` header instead of a signed-in session; an anonymous request sends none.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from actions import services
from actions.api import tokens
from actions.models import (
    RAG,
    Action,
    ActionPlan,
    BoardMeeting,
    DueDateChange,
    Evidence,
    IssuedPack,
    Measure,
    MeasureReading,
    Notification,
    ProgressUpdate,
    Transition,
    UpdateLink,
)
from actions.reminders import calendar
from inspections.models import Inspection, Person, Recommendation
from tests import factories

PERSONAS = ("anonymous", "outsider", "viewer", "member", "manager", "chair")
ADMIN = "administrator"  # only in the rows of pages that are theirs alone
PRESS_RELEASE = (
    Path(__file__).resolve().parent.parent
    / "inspections"
    / "importer_data"
    / "knowsley-council-press-release-2023.txt"
)

# What a persona must get.
SIGN_IN = "sign-in"  # 302 to the sign-in page, with ?next=
NO_TOKEN = "no token"  # 401 with a JSON error (the API, without a token)
ALLOWED = "allowed"  # a write that went ahead or was refused on its merits: 302, 200 or 400
SEES_NONE = "sees none of Knowsley"  # 200, with no row of Knowsley's data
OK = 200
FORBIDDEN = 403
NOT_FOUND = 404


# --- The demo world ---------------------------------------------------------------------


class Demo:
    """The Knowsley demo, with helpers to reach its objects by their public numbers."""

    def __init__(self, inspection: Inspection):
        self.inspection = inspection
        users = get_user_model().objects
        self.manager = users.get(username="manager")
        self.chair = users.get(username="chair")

    def rec(self, number: int) -> Recommendation:
        return Recommendation.objects.get(inspection=self.inspection, number=number)

    def action(self, reference: str) -> Action:
        rec_number, number = (int(part) for part in reference.split("."))
        return Action.objects.get(
            plan__recommendation__inspection=self.inspection,
            plan__recommendation__number=rec_number,
            number=number,
        )

    def person(self, name: str) -> Person:
        return Person.objects.get(service=self.inspection.service, name=name)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    # States that the demo does not hold, reached through the services as users would.

    def open_recommendation(self) -> Recommendation:
        return factories.make_recommendation(
            self.inspection, number=5, text="Review the board's use of data."
        )

    def draft_plan(self) -> ActionPlan:
        rec = self.open_recommendation()
        plan = services.plan_start(recommendation=rec, by=self.manager)
        services.action_add(
            plan=plan,
            by=self.manager,
            title="Agree a data set for the board",
            owner=self.person("YOS service manager"),
            start_date=self.today,
            due_date=self.today + datetime.timedelta(days=60),
            success_measure="The board sees the data set every meeting.",
        )
        plan.refresh_from_db()
        return plan

    def closable_recommendation(self) -> Recommendation:
        """Recommendation 4 with every action complete and evidence attached."""
        action = self.action("4.1")
        services.update_log(
            action=action,
            by=self.manager,
            date=self.today,
            narrative="Analysis presented to the board.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
        services.evidence_add(
            action=action, by=self.manager, title="Board minutes", link="https://example.org/m"
        )
        return self.rec(4)

    def closure_proposed(self) -> Recommendation:
        rec = self.closable_recommendation()
        services.recommendation_propose_closure(
            recommendation=rec, by=self.manager, summary="Analysis done; protocol signed."
        )
        return self.rec(4)

    def closed(self) -> Recommendation:
        rec = self.closure_proposed()
        services.recommendation_sign_off(recommendation=rec, by=self.chair)
        return self.rec(4)

    def pending_date_change(self) -> DueDateChange:
        return services.date_change_request(
            action=self.action("2.1"),
            by=self.manager,
            new_date=self.today + datetime.timedelta(days=45),
            reason="The academy trusts meet next month.",
        )

    def file_evidence(self) -> Evidence:
        upload = SimpleUploadedFile(
            "protocol.pdf", b"%PDF-1.4\n% protocol\n", content_type="application/pdf"
        )
        return services.evidence_add(
            action=self.action("2.1"),
            by=self.manager,
            title="Signed protocol",
            file=upload,
            original_filename="protocol.pdf",
            content_type="application/pdf",
        )


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    """A GOV.UK date input as the browser posts it: day, month and year boxes."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# --- How to build each case's URL arguments and POST data ----------------------------------

Built = tuple[dict, dict]


def no_args(demo: Demo) -> Built:
    return {}, {}


def knowsley_inspection(demo: Demo) -> Built:
    return {"pk": demo.inspection.pk}, {}


def board_pack_as(fmt: str) -> Callable[[Demo], Built]:
    def build(demo: Demo) -> Built:
        return {"pk": demo.inspection.pk}, ({"format": fmt} if fmt else {})

    build.__name__ = f"board_pack_{fmt or 'page'}"
    return build


def calendar_token(demo: Demo) -> Built:
    return {"token": calendar.calendar_feed_get(user=demo.manager).token}, {}


def preferences(demo: Demo) -> Built:
    return {}, {"wants_digest": "on", "wants_nudges": "on"}


def withdraw_evidence_on_2_1(demo: Demo) -> Built:
    evidence = services.evidence_add(
        action=demo.action("2.1"),
        by=demo.manager,
        title="Minutes of the wrong meeting",
        link="https://example.org/wrong-minutes",
    )
    return {"pk": evidence.pk}, {"reason": "Added to the wrong action."}


def knowsley_board(demo: Demo) -> Built:
    return {"pk": demo.inspection.service.board.pk}, {}


def schedule_meeting(demo: Demo) -> Built:
    return {"pk": demo.inspection.service.board.pk}, {
        **date_fields("date", demo.today + datetime.timedelta(days=40)),
        "title": "Extra board meeting",
    }


def future_meeting(demo: Demo) -> BoardMeeting:
    return BoardMeeting.objects.create(
        board=demo.inspection.service.board,
        date=demo.today + datetime.timedelta(days=14),
        title="Next board meeting",
    )


def knowsley_meeting(demo: Demo) -> Built:
    return {"pk": future_meeting(demo).pk}, {}


def edit_meeting(demo: Demo) -> Built:
    meeting = future_meeting(demo)
    return {"pk": meeting.pk}, {
        **date_fields("date", meeting.date + datetime.timedelta(days=1)),
        "title": "Moved board meeting",
        "version": str(meeting.version),
    }


def issue_pack(demo: Demo) -> Built:
    return {"pk": future_meeting(demo).pk}, {"inspection": str(demo.inspection.pk)}


def issued_pack(demo: Demo) -> Built:
    pack = services.pack_issue(
        meeting=future_meeting(demo), inspection=demo.inspection, by=demo.chair
    )
    return {"pk": pack.pk}, {}


def api_token_of_the_manager(demo: Demo) -> Built:
    token, _secret = tokens.api_token_create(user=demo.manager, name="Power BI")
    return {"pk": token.pk}, {}


def api_token_name(demo: Demo) -> Built:
    return {}, {"name": "Power BI board report"}


def api_unknown_address(demo: Demo) -> Built:
    return {"rest": "no-such-list/"}, {}


def report_text(demo: Demo) -> Built:
    return {}, {"text": PRESS_RELEASE.read_text(encoding="utf-8")}


def recommendation_2(demo: Demo) -> Built:
    return {"pk": demo.rec(2).pk}, {}


def action_2_1(demo: Demo) -> Built:
    return {"pk": demo.action("2.1").pk}, {}


def edit_action_2_1(demo: Demo) -> Built:
    action = demo.action("2.1")
    return {"pk": action.pk}, {
        "title": "Report every proposed exclusion, including academies",
        "description": "",
        "owner": str(action.owner_id),
        **date_fields("start_date", action.start_date),
        "success_measure": action.success_measure,
        "version": str(action.version),
    }


def cancel_action_2_2(demo: Demo) -> Built:
    return {"pk": demo.action("2.2").pk}, {"reason": "Replaced by the new audit."}


def update_action_2_1(demo: Demo) -> Built:
    return {"pk": demo.action("2.1").pk}, {
        **date_fields("date", demo.today),
        "narrative": "Protocol agreed with two of the three academy trusts.",
        "rag": "green",
        "percent_complete": "60",
        "reason": "",
        "recovery_step": "",
    }


def correct_latest_update_on_2_1(demo: Demo) -> Built:
    update = demo.action("2.1").updates.order_by("-date", "-created_at").first()
    return {"pk": update.pk}, {
        **date_fields("date", update.date),
        "narrative": "Protocol agreed with one academy trust, not two.",
        "rag": "amber",
        "percent_complete": "30",
        "reason": "One trust has not replied.",
        "recovery_step": "The chair writes to the trust.",
        "correction_reason": "The second trust had not signed.",
    }


def evidence_on_action_2_1(demo: Demo) -> Built:
    return {"pk": demo.action("2.1").pk}, {
        "evidence_title": "Protocol with the academy trusts",
        "evidence_link": "https://example.org/protocol",
    }


def new_date_for_action_2_1(demo: Demo) -> Built:
    return {"pk": demo.action("2.1").pk}, {
        **date_fields("new_date", demo.today + datetime.timedelta(days=30)),
        "reason": "The academy trusts meet next month.",
    }


def decide_date_change(demo: Demo) -> Built:
    return {"pk": demo.pending_date_change().pk}, {"decision": "approve", "reason": ""}


def download_evidence(demo: Demo) -> Built:
    return {"pk": demo.file_evidence().pk}, {}


def start_plan(demo: Demo) -> Built:
    return {"pk": demo.open_recommendation().pk}, {}


def add_action_to_recommendation_2(demo: Demo) -> Built:
    return {"pk": demo.rec(2).pk}, {
        "title": "Meet the academy trusts each term",
        "description": "",
        "owner": str(demo.person("Education representative").pk),
        **date_fields("start_date", demo.today),
        **date_fields("due_date", demo.today + datetime.timedelta(days=90)),
        "success_measure": "Termly meetings held and minuted.",
    }


def submit_draft_plan(demo: Demo) -> Built:
    plan = demo.draft_plan()
    return {"pk": plan.recommendation_id}, {"version": str(plan.version)}


def approve_plan_3(demo: Demo) -> Built:
    rec = demo.rec(3)
    return {"pk": rec.pk}, {"version": str(rec.plan.version)}


def return_plan_3(demo: Demo) -> Built:
    return {"pk": demo.rec(3).pk}, {"reason": "Give the employer scheme a named lead."}


def propose_closure_of_4(demo: Demo) -> Built:
    return {"pk": demo.closable_recommendation().pk}, {
        "summary": "Analysis presented; protocol signed by police and children's homes."
    }


def sign_off_4(demo: Demo) -> Built:
    return {"pk": demo.closure_proposed().pk}, {"confirmed": "on", "comment": "Well evidenced."}


def send_back_4(demo: Demo) -> Built:
    return {"pk": demo.closure_proposed().pk}, {"reason": "Show the effect on arrests."}


PLAN_CSV = b"Ref,Recommendation,Action,Lead,Due\n5,Use data,Agree a data set,Chair,31/03/2027\n"


def plan_upload(demo: Demo) -> Built:
    upload = SimpleUploadedFile("plan.csv", PLAN_CSV, content_type="text/csv")
    return {}, {"source": str(demo.inspection.pk), "plan_file": upload}


def plan_draft(demo: Demo) -> Built:
    from django.core.files.base import ContentFile

    from actions.models import PlanImport

    draft = PlanImport(
        service=demo.inspection.service,
        source=demo.inspection,
        original_filename="plan.csv",
        size=len(PLAN_CSV),
        sha256="0" * 64,
        uploaded_by=demo.manager,
    )
    draft.file.save("upload", ContentFile(PLAN_CSV), save=False)
    draft.save()
    columns = {"col_reference": "0", "col_recommendation": "1", "col_action": "2"}
    return {"pk": draft.pk}, columns | {
        "col_lead": "3",
        "col_due": "4",
        "board_agreed": "on",
        "save": "1",
    }


def _partner(demo: Demo) -> Person:
    return Person.objects.get_or_create(
        service=demo.inspection.service,
        name="Police lead",
        defaults={"email": "police.lead@example.org"},
    )[0]


def link_for_2_1(demo: Demo) -> Built:
    return {"pk": demo.action("2.1").pk}, {"person": str(_partner(demo).pk), "days": "14"}


def revoke_link_on_2_1(demo: Demo) -> Built:
    link, _ = services.link_send(action=demo.action("2.1"), person=_partner(demo), by=demo.manager)
    return {"pk": link.pk}, {}


def partner_link(demo: Demo) -> Built:
    action = demo.action("2.1")
    link, path = services.link_send(action=action, person=_partner(demo), by=demo.manager)
    token = path.rstrip("/").rsplit("/", 1)[1]
    return {"pk": action.pk, "token": token}, {
        **date_fields("date", demo.today),
        "narrative": "Officers briefed.",
        "rag": "green",
        "percent_complete": "20",
        "reason": "",
        "recovery_step": "",
    }


def reopen_4(demo: Demo) -> Built:
    return {"pk": demo.closed().pk}, {"reason": "Arrests of children in care rose again."}


def response_to_3(demo: Demo) -> Built:
    rec = demo.rec(3)
    return {"pk": rec.pk}, {
        "response": "partly_agreed",
        "reason": "Apprenticeships depend on the council's budget.",
        "version": str(rec.version),
    }


def measure_fields(demo: Demo) -> dict:
    return {
        "name": "Children in full-time education",
        "unit": "%",
        "baseline_value": "50",
        **date_fields("baseline_date", demo.today - datetime.timedelta(days=100)),
        "target_value": "90",
        **date_fields("target_date", demo.today + datetime.timedelta(days=300)),
        "higher_is_better": "on",
    }


def measure_on_2(demo: Demo) -> Built:
    return {"pk": demo.rec(2).pk}, measure_fields(demo)


def demo_measure(demo: Demo) -> Measure:
    return Measure.objects.filter(recommendation__inspection=demo.inspection).first()


def edit_demo_measure(demo: Demo) -> Built:
    measure = demo_measure(demo)
    return {"pk": measure.pk}, {**measure_fields(demo), "version": str(measure.version)}


def reading_of_demo_measure(demo: Demo) -> Built:
    return {"pk": demo_measure(demo).pk}, {**date_fields("date", demo.today), "value": "61"}


def register_pack_as(fmt: str) -> Callable[[Demo], Built]:
    def build(demo: Demo) -> Built:
        query = {"kind": "internal_audit"}
        return {"pk": demo.inspection.service.board.pk}, (query | ({"format": fmt} if fmt else {}))

    build.__name__ = f"register_pack_{fmt or 'page'}"
    return build


def new_source(demo: Demo) -> Built:
    return {}, {
        "service": str(demo.inspection.service_id),
        "kind": "peer_review",
        "title": "Peer review of out-of-court work",
        "author": "A neighbouring youth justice service",
        **date_fields("published_on", demo.today),
    }


def recommendation_of_a_source(demo: Demo) -> Built:
    return {"pk": demo.inspection.pk}, {
        "number": "9",
        "addressee": "The YOS manager",
        "text": "Review how out-of-court decisions are recorded.",
    }


def knowsley_service(demo: Demo) -> Built:
    return {"pk": demo.inspection.service_id}, {}


def new_person(demo: Demo) -> Built:
    return {"pk": demo.inspection.service_id}, {
        "name": "Jo Byrne",
        "job_title": "Inspector",
        "agency": "Merseyside Police",
        "email": "",
    }


def edit_police_representative(demo: Demo) -> Built:
    person = demo.person("Police representative")
    return {"pk": person.pk}, {
        "name": person.name,
        "job_title": "Superintendent",
        "agency": person.agency,
        "email": "",
        "is_active": "on",
    }


def round_row_for_2_1(demo: Demo) -> Built:
    action = demo.action("2.1")  # overdue: due an update; the member owns it
    prefix = f"a{action.pk}-"
    return {}, {
        "action": [str(action.pk)],
        prefix + "rag": "green",
        prefix + "percent_complete": "65",
        prefix + "narrative": "Protocol agreed with the third academy trust.",
    }


def managers_notification(demo: Demo) -> Built:
    services.update_log(
        action=demo.action("1.2"),  # owned by the chair: the chair is told
        by=demo.manager,
        date=demo.today,
        narrative="Nomination confirmed in writing.",
        rag=RAG.GREEN,
        percent_complete=80,
    )
    services.update_log(
        action=demo.action("1.3"),  # owned by the manager: the chair logs it, manager told
        by=demo.chair,
        date=demo.today,
        narrative="Lead areas confirmed.",
        rag=RAG.GREEN,
        percent_complete=70,
    )
    return {"pk": Notification.objects.get(user=demo.manager).pk}, {}


# --- The matrix ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    build: Callable[[Demo], Built]
    method: str  # "GET" reads, "POST" writes
    expect: dict[str, object] = field(hash=False)
    label: str = ""
    workflow_write: bool = True  # False: the write changes a session or account, not the plan
    auth: str = "session"  # TOKEN: the persona sends their API token, not a session


TOKEN = "token"


def everyone(status) -> dict[str, object]:
    return dict.fromkeys(PERSONAS, status)


def signed_in_user(status) -> dict[str, object]:
    """Pages about the signed-in person's own account: anyone signed in may use them."""
    return {"anonymous": SIGN_IN} | dict.fromkeys(PERSONAS[1:], status)


def administrators_only(status) -> dict[str, object]:
    """Only a service's administrators (none of the six personas) may use it."""
    expect = {"anonymous": SIGN_IN} | dict.fromkeys(PERSONAS[1:], FORBIDDEN)
    return expect | {"administrator": status}


def staff_read(outsider=NOT_FOUND) -> dict[str, object]:
    return {
        "anonymous": SIGN_IN,
        "outsider": outsider,
        "viewer": OK,
        "member": OK,
        "manager": OK,
        "chair": OK,
    }


def knowsley_write(*allowed: str, granted=ALLOWED) -> dict[str, object]:
    """A write on a Knowsley object: only `allowed` personas may make it."""
    expect = {"anonymous": SIGN_IN, "outsider": NOT_FOUND}
    for persona in ("viewer", "member", "manager", "chair"):
        expect[persona] = granted if persona in allowed else FORBIDDEN
    return expect


def write_with_form_page(build, *allowed: str) -> list[Case]:
    """A write that has a page of its own: the form (GET) and the submission (POST)."""
    return [
        Case(build, "GET", knowsley_write(*allowed, granted=OK), "form"),
        Case(build, "POST", knowsley_write(*allowed), "submit"),
    ]


def api_read(outsider=NOT_FOUND) -> dict[str, object]:
    """An API read with each persona's token: no token is 401, another service's record 404."""
    return staff_read(outsider) | {"anonymous": NO_TOKEN}


def api_case(build=no_args, outsider=NOT_FOUND, label="") -> list[Case]:
    return [Case(build, "GET", api_read(outsider), label, auth=TOKEN)]


MANAGER = "manager"
CHAIR = "chair"
OWNER = "member"  # the demo member owns action 2.1 (Education representative)

ROUTES: dict[str, list[Case]] = {
    # Public pages and signing out.
    "login": [Case(no_args, "GET", {"anonymous": OK} | dict.fromkeys(PERSONAS[1:], 302))],
    "accessibility": [Case(no_args, "GET", everyone(OK))],
    "healthz": [Case(no_args, "GET", everyone(OK))],
    "readyz": [Case(no_args, "GET", everyone(OK))],
    "social_connections_off": [Case(no_args, "GET", signed_in_user(302))],
    # After a failed single sign-on, nobody is signed in: the page says so with a 401.
    "sso_error": [Case(no_args, "GET", everyone(401))],
    "logout": [Case(no_args, "POST", signed_in_user(302), workflow_write=False)],
    # One's own account; the calendar feed is reached by its secret token, without sign-in.
    "account": [
        Case(no_args, "GET", signed_in_user(OK), "page"),
        Case(preferences, "POST", signed_in_user(ALLOWED), "submit", workflow_write=False),
    ],
    "calendar_feed_reset": [Case(no_args, "POST", signed_in_user(ALLOWED), workflow_write=False)],
    "calendar_feed": [Case(calendar_token, "GET", everyone(OK))],
    # Personal API tokens: one's own, made and revoked on the account pages.
    "api_token_create": [
        Case(no_args, "GET", signed_in_user(OK), "form"),
        Case(api_token_name, "POST", signed_in_user(ALLOWED), "submit", workflow_write=False),
    ],
    # Nothing made just now: back to the account page.
    "api_token_created": [Case(no_args, "GET", signed_in_user(302))],
    # The manager's token: theirs to revoke; anyone else's is 404.
    "api_token_revoke": [
        Case(
            api_token_of_the_manager,
            "POST",
            {"anonymous": SIGN_IN, "manager": ALLOWED}
            | dict.fromkeys(("outsider", "viewer", "member", "chair"), NOT_FOUND),
            workflow_write=False,
        )
    ],
    # The read-only API, with each persona's own token.
    "api:index": api_case(outsider=OK),
    "api:openapi": api_case(outsider=OK),
    "api:inspections": api_case(outsider=SEES_NONE),
    "api:inspection": api_case(knowsley_inspection),
    "api:recommendations": api_case(outsider=SEES_NONE),
    "api:recommendation": api_case(recommendation_2),
    "api:actions": api_case(outsider=SEES_NONE),
    "api:action": api_case(action_2_1),
    "api:progress_updates": api_case(outsider=SEES_NONE),
    "api:not_found": [Case(api_unknown_address, "GET", everyone(NOT_FOUND), auth=TOKEN)],
    # Report import: administrators.
    "import_start": [
        Case(no_args, "GET", administrators_only(OK), "form"),
        Case(report_text, "POST", administrators_only(ALLOWED), "submit", workflow_write=False),
    ],
    # Nothing uploaded yet: an administrator is sent back to the start.
    "import_preview": [Case(no_args, "GET", administrators_only(302))],
    # Bringing in an existing plan: YOS managers (and administrators). Another service's
    # manager may use the upload page for their own service, not for Knowsley's source.
    "plan_import_start": [
        Case(no_args, "GET", knowsley_write(MANAGER, granted=OK) | {"outsider": OK}, "form"),
        Case(
            plan_upload,
            "POST",
            knowsley_write(MANAGER) | {"outsider": ALLOWED},
            "submit",
            workflow_write=False,
        ),
    ],
    "plan_import_preview": [
        Case(plan_draft, "GET", knowsley_write(MANAGER, granted=OK), "page"),
        Case(plan_draft, "POST", knowsley_write(MANAGER), "save"),
    ],
    # Partner update links: managers send and withdraw them; whoever holds a live link
    # (no account needed) opens that one action's update page and logs an update.
    "update_links": write_with_form_page(link_for_2_1, MANAGER),
    "update_link_revoke": [Case(revoke_link_on_2_1, "POST", knowsley_write(MANAGER))],
    "partner_update": [
        Case(partner_link, "GET", everyone(OK), "page"),
        Case(partner_link, "POST", everyone(ALLOWED), "update"),
    ],
    # Reads.
    "home": [Case(no_args, "GET", staff_read(outsider=SEES_NONE))],
    "action_list": [Case(no_args, "GET", staff_read(outsider=SEES_NONE))],
    "my_actions": [Case(no_args, "GET", staff_read(outsider=SEES_NONE))],
    "overview": [Case(no_args, "GET", staff_read(outsider=SEES_NONE))],
    "inspection_detail": [Case(knowsley_inspection, "GET", staff_read())],
    "dashboard": [Case(knowsley_inspection, "GET", staff_read())],
    # The board's whole register: every open source of the service, in one dashboard and pack.
    "register_dashboard": [Case(knowsley_board, "GET", staff_read())],
    "register_pack": [
        Case(register_pack_as(""), "GET", staff_read(), "page"),
        Case(register_pack_as("csv"), "GET", staff_read(), "csv"),
        Case(register_pack_as("xlsx"), "GET", staff_read(), "xlsx"),
        Case(register_pack_as("pdf"), "GET", staff_read(), "pdf"),
    ],
    # Sources of any kind and their recommendations: YOS managers (and administrators). The
    # page is for one's own services: another service's manager may not choose Knowsley.
    "source_create": [
        Case(no_args, "GET", knowsley_write(MANAGER, granted=OK) | {"outsider": OK}, "form"),
        Case(new_source, "POST", knowsley_write(MANAGER) | {"outsider": ALLOWED}, "submit"),
    ],
    "recommendation_create": write_with_form_page(recommendation_of_a_source, MANAGER),
    "board_pack": [
        Case(board_pack_as(""), "GET", staff_read(), "page"),
        Case(board_pack_as("csv"), "GET", staff_read(), "csv"),
        Case(board_pack_as("xlsx"), "GET", staff_read(), "xlsx"),
        Case(board_pack_as("pdf"), "GET", staff_read(), "pdf"),
    ],
    "recommendation_detail": [Case(recommendation_2, "GET", staff_read())],
    "action_detail": [Case(action_2_1, "GET", staff_read())],
    "evidence_download": [Case(download_evidence, "GET", staff_read())],
    # Drafting: YOS managers.
    "plan_start": [Case(start_plan, "POST", knowsley_write(MANAGER))],
    "action_add": write_with_form_page(add_action_to_recommendation_2, MANAGER),
    "action_edit": write_with_form_page(edit_action_2_1, MANAGER),
    "action_cancel": write_with_form_page(cancel_action_2_2, MANAGER),
    "plan_submit": [Case(submit_draft_plan, "POST", knowsley_write(MANAGER))],
    "propose_closure": write_with_form_page(propose_closure_of_4, MANAGER),
    # Progress on an action: managers, and the member who owns it.
    "update_create": [Case(update_action_2_1, "POST", knowsley_write(MANAGER, OWNER))],
    "update_correct": write_with_form_page(correct_latest_update_on_2_1, MANAGER, OWNER),
    "evidence_create": [Case(evidence_on_action_2_1, "POST", knowsley_write(MANAGER, OWNER))],
    "evidence_withdraw": write_with_form_page(withdraw_evidence_on_2_1, MANAGER, OWNER),
    "date_change_create": [Case(new_date_for_action_2_1, "POST", knowsley_write(MANAGER, OWNER))],
    # The update round: a list of one's own; a row of someone else's action is ignored.
    # One's own notifications: another's is 404.
    "notifications": [Case(no_args, "GET", signed_in_user(OK))],
    "notification_read": [
        Case(
            managers_notification,
            "POST",
            {"anonymous": SIGN_IN}
            | dict.fromkeys(("outsider", "viewer", "member", CHAIR), NOT_FOUND)
            | {MANAGER: ALLOWED},
            workflow_write=False,
        )
    ],
    "notifications_read_all": [
        Case(no_args, "POST", signed_in_user(ALLOWED), workflow_write=False)
    ],
    "update_round": [
        Case(no_args, "GET", staff_read(outsider=SEES_NONE), "page"),
        Case(
            round_row_for_2_1,
            "POST",
            {"anonymous": SIGN_IN, "outsider": ALLOWED, "viewer": FORBIDDEN}
            | dict.fromkeys((MANAGER, CHAIR, OWNER), ALLOWED),
            "submit",
        ),
    ],
    # Decisions: the chair.
    "plan_approve": [Case(approve_plan_3, "POST", knowsley_write(CHAIR))],
    "plan_return": write_with_form_page(return_plan_3, CHAIR),
    "sign_off": write_with_form_page(sign_off_4, CHAIR),
    "send_back": write_with_form_page(send_back_4, CHAIR),
    "reopen": write_with_form_page(reopen_4, CHAIR),
    "date_change_decide": write_with_form_page(decide_date_change, CHAIR),
    # Board meetings: everyone of the board reads them and downloads issued packs; the
    # chair and managers schedule them and issue packs.
    "meeting_list": [Case(knowsley_board, "GET", staff_read())],
    "meeting_detail": [Case(knowsley_meeting, "GET", staff_read())],
    "meeting_create": write_with_form_page(schedule_meeting, MANAGER, CHAIR),
    "meeting_edit": write_with_form_page(edit_meeting, MANAGER, CHAIR),
    "pack_issue": [Case(issue_pack, "POST", knowsley_write(MANAGER, CHAIR))],
    "issued_pack_pdf": [Case(issued_pack, "GET", staff_read())],
    "issued_pack_xlsx": [Case(issued_pack, "GET", staff_read())],
    # Recorded beside the plan: YOS managers.
    "response_edit": write_with_form_page(response_to_3, MANAGER),
    "measure_add": write_with_form_page(measure_on_2, MANAGER),
    "measure_edit": write_with_form_page(edit_demo_measure, MANAGER),
    "reading_add": write_with_form_page(reading_of_demo_measure, MANAGER),
    "people_list": [Case(knowsley_service, "GET", staff_read())],
    "person_add": write_with_form_page(new_person, MANAGER),
    "person_edit": write_with_form_page(edit_police_representative, MANAGER),
}


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin" or str(entry.pattern).startswith("admin/"):
                continue
            # django-allauth's URLs (accounts, two-factor, single sign-on), included as a
            # whole under accounts/: tests/test_accounts.py walks them.
            if getattr(entry.urlconf_module, "__name__", "") == "allauth.urls":
                continue
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            for name, pattern in _walk(entry, prefix + str(entry.pattern)):
                yield (namespace + name if name else name), pattern
        elif isinstance(entry, URLPattern):
            yield entry.name, prefix + str(entry.pattern)


def project_urls() -> list[tuple[str | None, str]]:
    return list(_walk(get_resolver()))


def matrix() -> list:
    params = []
    for name, cases in ROUTES.items():
        for case in cases:
            for persona in case.expect:
                case_id = "-".join(filter(None, [name, case.label, persona]))
                params.append(pytest.param(name, case, persona, id=case_id))
    return params


def first_allowed(case: Case) -> str:
    """The persona to act as when the case is exercised by someone allowed."""
    for persona in ("manager", "chair", "member", "viewer", "outsider", "anonymous", ADMIN):
        if case.expect.get(persona, FORBIDDEN) not in (FORBIDDEN, NOT_FOUND, SIGN_IN, NO_TOKEN):
            return persona
    if set(case.expect.values()) == {NOT_FOUND}:
        return "manager"  # an address that is not there for anyone (the API's unknown ones)
    raise AssertionError("no persona may use this case")


def every_case(method: str | None = None) -> list:
    return [
        pytest.param(name, case, id="-".join(filter(None, [name, case.label])))
        for name, cases in ROUTES.items()
        for case in cases
        if method is None or case.method == method
    ]


# --- Fixtures and helpers --------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


def persona_user(persona: str):
    username = {"outsider": "sefton", ADMIN: "admin"}.get(persona, persona)
    return get_user_model().objects.get(username=username)


def signed_in(persona: str, client: Client | None = None) -> Client:
    client = client or Client()
    if persona != "anonymous":
        client.force_login(persona_user(persona))
    return client


def with_token(persona: str, **client_options) -> Client:
    """A client that sends the persona's own new API token (none when anonymous)."""
    if persona == "anonymous":
        return Client(**client_options)
    _token, secret = tokens.api_token_create(user=persona_user(persona), name="Matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **client_options)


def client_for(persona: str, case: Case) -> Client:
    return with_token(persona) if case.auth == TOKEN else signed_in(persona)


def request(client: Client, case: Case, url: str, data: dict):
    """A read sends its data as the query string (e.g. ?format=csv); a write posts it."""
    if case.method == "GET":
        return client.get(url, data)
    return client.post(url, data)


def snapshot() -> dict:
    """Everything a write could change, to prove that nothing did."""
    return {
        "transitions": Transition.objects.count(),
        "update_links": list(UpdateLink.objects.values_list("pk", "revoked_at")),
        "updates": list(ProgressUpdate.objects.values_list("pk", "corrects", "narrative")),
        "evidence": list(Evidence.objects.values_list("pk", "title", "withdrawn")),
        "date_changes": list(DueDateChange.objects.values_list("pk", "status")),
        "actions": list(
            Action.objects.values_list(
                "pk", "status", "title", "owner", "current_due_date", "version"
            )
        ),
        "plans": list(ActionPlan.objects.values_list("pk", "status", "version")),
        "recommendations": list(
            Recommendation.objects.values_list(
                "pk", "status", "closure_summary", "response", "response_reason", "version"
            )
        ),
        "meetings": list(BoardMeeting.objects.values_list("pk", "date", "title", "version")),
        "issued_packs": list(IssuedPack.objects.values_list("pk", "xlsx_sha256")),
        "measures": list(Measure.objects.values_list("pk", "name", "version")),
        "readings": list(MeasureReading.objects.values_list("pk", "value")),
        "people": list(Person.objects.values_list("pk", "name", "job_title", "is_active")),
        "notifications": list(Notification.objects.values_list("pk", "read_at")),
        "sources": list(Inspection.objects.values_list("pk", "kind", "title", "author")),
    }


def assert_shows_nothing_of_knowsley(response, demo: Demo) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert "Knowsley" not in page
    for action in Action.objects.filter(plan__recommendation__inspection=demo.inspection):
        assert reverse("action_detail", args=[action.pk]) + '"' not in page
        assert escape(action.title) not in page
    for rec in demo.inspection.recommendations.all():
        assert reverse("recommendation_detail", args=[rec.pk]) + '"' not in page
    assert reverse("inspection_detail", args=[demo.inspection.pk]) + '"' not in page


# --- The matrix tests ------------------------------------------------------------------


def test_every_url_of_the_project_is_in_the_permission_matrix(db):
    names = {name for name, _ in project_urls()}
    missing = sorted(n for n in names if n and n not in ROUTES)
    assert missing == [], f"URL names with no row in the permission matrix: {missing}"


def test_the_permission_matrix_names_no_url_that_no_longer_exists(db):
    names = {name for name, _ in project_urls()}
    stale = sorted(set(ROUTES) - names)
    assert stale == [], f"the permission matrix names URLs that no longer exist: {stale}"


def test_every_url_pattern_has_a_name_so_it_cannot_escape_the_matrix(db):
    unnamed = [pattern for name, pattern in project_urls() if not name]
    assert unnamed == []


@pytest.mark.parametrize("name, case, persona", matrix())
def test_each_persona_gets_what_the_matrix_says(demo, name, case, persona):
    kwargs, data = case.build(demo)
    url = reverse(name, kwargs=kwargs)
    expected = case.expect[persona]

    response = request(client_for(persona, case), case, url, data)

    status = response.status_code
    if expected == SIGN_IN:
        assert status == 302, f"{case.method} {url} as {persona}: {status}"
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == NO_TOKEN:
        assert status == 401, f"{case.method} {url} as {persona}: {status}"
        assert "Authorization: Bearer" in response.json()["detail"]
    elif expected == ALLOWED:
        assert status in (200, 302, 400), f"{case.method} {url} as {persona}: {status}"
    elif expected == SEES_NONE:
        assert_shows_nothing_of_knowsley(response, demo)
    else:
        assert status == expected, f"{case.method} {url} as {persona}: {status}"


def refused_writes() -> list:
    return [
        param
        for param in matrix()
        if param.values[1].method == "POST"
        and param.values[1].expect[param.values[2]] in (SIGN_IN, FORBIDDEN, NOT_FOUND)
    ]


@pytest.mark.parametrize("name, case, persona", refused_writes())
def test_a_refused_write_changes_nothing(demo, name, case, persona):
    kwargs, data = case.build(demo)
    before = snapshot()

    request(signed_in(persona), case, reverse(name, kwargs=kwargs), data)

    assert snapshot() == before


@pytest.mark.parametrize("name, case", every_case("POST"))
def test_an_allowed_write_with_good_data_goes_through(demo, name, case):
    persona = first_allowed(case)
    kwargs, data = case.build(demo)
    before = snapshot()

    response = request(signed_in(persona), case, reverse(name, kwargs=kwargs), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    if case.workflow_write:
        assert snapshot() != before


# --- Outsiders and lists ---------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["action_list", "my_actions"])
def test_an_outsider_filtering_by_knowsley_ids_still_sees_none_of_knowsley(
    demo, url_name, outsider
):
    knowsley = demo.inspection
    query = {
        "service": knowsley.service_id,
        "inspection": knowsley.pk,
        "owner": demo.person("Education representative").pk,
        "recommendation": demo.rec(2).pk,
        "q": "exclusion",
    }
    client = signed_in("outsider")

    response = client.get(reverse(url_name), query)

    assert_shows_nothing_of_knowsley(response, demo)


def test_a_knowsley_manager_sees_knowsley_actions_in_the_list(demo):
    """The other side of the outsider's empty list: the check above can fail."""
    response = signed_in("manager").get(reverse("action_list"))

    assert response.status_code == 200
    assert escape(demo.action("2.1").title) in response.content.decode()


# --- Progress on actions someone else owns ---------------------------------------------

PROGRESS_WRITES = {
    "update_create": lambda demo: update_action_2_1(demo)[1],
    "evidence_create": lambda demo: evidence_on_action_2_1(demo)[1],
    "date_change_create": lambda demo: new_date_for_action_2_1(demo)[1],
}


@pytest.mark.parametrize("url_name", PROGRESS_WRITES)
def test_a_member_cannot_log_progress_on_an_action_someone_else_owns(demo, url_name):
    # 1.3 is owned by the YOS service manager, under recommendation 1 (owned by the Chair):
    # nothing of it is the member's.
    not_theirs = demo.action("1.3")
    data = PROGRESS_WRITES[url_name](demo)
    before = snapshot()

    response = signed_in("member").post(reverse(url_name, args=[not_theirs.pk]), data)

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("url_name", PROGRESS_WRITES)
def test_a_member_can_log_progress_on_an_action_they_own(demo, url_name):
    theirs = demo.action("2.1")  # owned by the Education representative, the demo member
    data = PROGRESS_WRITES[url_name](demo)
    before = snapshot()

    response = signed_in("member").post(reverse(url_name, args=[theirs.pk]), data)

    assert response.status_code == 302
    assert snapshot() != before


@pytest.mark.parametrize("url_name", PROGRESS_WRITES)
def test_the_chair_can_log_progress_on_an_action_the_chair_owns(demo, url_name):
    chairs_action = demo.action("1.2")  # owned by the Chair
    data = PROGRESS_WRITES[url_name](demo)
    before = snapshot()

    response = signed_in("chair").post(reverse(url_name, args=[chairs_action.pk]), data)

    assert response.status_code == 302
    assert snapshot() != before


def test_the_member_sees_the_update_form_only_on_an_action_they_own(demo):
    client = signed_in("member")

    own = client.get(reverse("action_detail", args=[demo.action("2.1").pk]))
    other = client.get(reverse("action_detail", args=[demo.action("1.3").pk]))

    assert "Log an update" in own.content.decode()
    assert "Log an update" not in other.content.decode()


# --- C1: no GET writes; CSRF on every POST ---------------------------------------------


@pytest.mark.parametrize("name, case", every_case())
def test_no_get_ever_writes(demo, name, case):
    """GET every URL as someone allowed to use it, with the write's data in the query."""
    persona = first_allowed(case)
    kwargs, data = case.build(demo)
    client = client_for(persona, case)
    before = snapshot()

    response = client.get(reverse(name, kwargs=kwargs), data)

    assert response.status_code in (200, 302, 401, 404, 405), response.status_code
    assert snapshot() == before


@pytest.mark.parametrize("name, case", every_case("POST"))
def test_a_post_without_a_csrf_token_is_refused_and_writes_nothing(demo, name, case):
    persona = first_allowed(case)
    kwargs, data = case.build(demo)
    client = signed_in(persona, Client(enforce_csrf_checks=True))
    before = snapshot()

    response = client.post(reverse(name, kwargs=kwargs), data)

    assert response.status_code == 403
    assert snapshot() == before
    if persona != "anonymous":
        # Still signed in: the refused POST did not sign them out either.
        assert client.get(reverse("home")).status_code == 200


# --- The API: tokens only, reads only (T2) ---------------------------------------------

API_CASES = [
    pytest.param(name, case, id=name)
    for name, cases in ROUTES.items()
    for case in cases
    if case.auth == TOKEN and name != "api:not_found"
]


@pytest.mark.parametrize("name, case", API_CASES)
def test_a_signed_in_session_alone_never_reaches_the_api(demo, name, case):
    kwargs, _data = case.build(demo)
    url = reverse(name, kwargs=kwargs)

    for persona in PERSONAS[1:]:
        response = signed_in(persona).get(url)

        assert response.status_code == 401, persona
        assert response["Content-Type"].startswith("application/json")
        assert "Knowsley" not in response.content.decode()


@pytest.mark.parametrize("name, case", API_CASES)
def test_the_api_refuses_every_method_but_get_and_writes_nothing(demo, name, case):
    kwargs, _data = case.build(demo)
    url = reverse(name, kwargs=kwargs)
    token_client = with_token("manager")
    session_client = signed_in("manager", Client(enforce_csrf_checks=True))
    before = snapshot()

    for method in ("post", "put", "patch", "delete", "head", "options"):
        with_token_response = getattr(token_client, method)(url, {"title": "changed"})
        session_response = getattr(session_client, method)(url, {"title": "changed"})

        assert with_token_response.status_code == 405, method
        if method != "head":
            assert with_token_response.json() == {"detail": "This API only reads: use GET."}
        assert with_token_response["Allow"] == "GET"
        assert session_response.status_code == 405, method
    assert snapshot() == before


def _refused_tokens(demo) -> dict[str, str]:
    """Tokens that must never work, by why."""
    _token, revoked = tokens.api_token_create(user=demo.manager, name="Old laptop")
    tokens.api_token_revoke(token=_token, by=demo.manager)
    leaver = factories.make_user(service=demo.inspection.service, role="manager")
    _token, deactivated = tokens.api_token_create(user=leaver, name="Leaver's report")
    leaver.is_active = False
    leaver.save()
    _token, good = tokens.api_token_create(user=demo.manager, name="Good")
    return {
        "wrong": "yjt_" + "A" * 43,
        "malformed": "not a token at all",
        "one character changed": good[:-1] + ("A" if good[-1] != "A" else "B"),
        "revoked": revoked,
        "deactivated user": deactivated,
    }


@pytest.mark.parametrize("name, case", API_CASES)
def test_wrong_revoked_and_deactivated_tokens_get_401_on_every_api_url(demo, name, case):
    kwargs, _data = case.build(demo)
    url = reverse(name, kwargs=kwargs)

    for why, secret in _refused_tokens(demo).items():
        response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(url)

        assert response.status_code == 401, why
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Knowsley" not in response.content.decode(), why
