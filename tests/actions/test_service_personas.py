"""Every service function called directly, as every persona, with no page in front of it:
the services hold the permission rules themselves, so removing a check inside one fails
here even though the views check too.

Each call is made from a state in which it is allowed for the right people (so a refusal
is the permission's, not the lifecycle's): the allowed personas succeed and change the
record; everyone else gets PermissionDenied and the record is unchanged.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from actions import services
from actions.models import (
    RAG,
    Action,
    ActionPlan,
    BoardMeeting,
    DueDateChange,
    Evidence,
    Measure,
    PlanImport,
    ProgressUpdate,
)
from inspections import services as inspection_services
from inspections.importer.parse import parse_report
from inspections.models import (
    Inspection,
    Person,
    Recommendation,
    Role,
    StandardRating,
)
from tests import factories
from tests.actions.test_permissions import PRESS_RELEASE, Demo, snapshot
from tests.actions.test_plan_import import workbook

PERSONAS = ["viewer", "member", "member-owner", "manager", "chair", "administrator", "outsider"]
EDITORS = {"manager", "administrator"}
PROGRESS = EDITORS | {"member-owner"}
CHAIR = {"chair"}
MEETINGS = EDITORS | CHAIR
ADMINISTRATORS = {"administrator"}


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def people(knowsley_demo) -> dict:
    """The personas as logins. The member owns action 2.1 (Education representative); a
    second member owns nothing; the administrator is a service role, not a superuser."""
    users = get_user_model().objects
    knowsley = knowsley_demo.service
    return {
        "viewer": users.get(username="viewer"),
        "member": factories.make_user("member2", service=knowsley, role=Role.MEMBER),
        "member-owner": users.get(username="member"),
        "manager": users.get(username="manager"),
        "chair": users.get(username="chair"),
        "administrator": factories.make_user(
            "knowsley-admin", service=knowsley, role=Role.ADMINISTRATOR
        ),
        "outsider": users.get(username="sefton"),
    }


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Issued packs and plan files are stored: keep them out of the project's media."""
    settings.MEDIA_ROOT = tmp_path


def whole_record() -> dict:
    """The workflow's records, and what the inspection services write."""
    return snapshot() | {
        "plan_imports": list(PlanImport.objects.values_list("pk", "status")),
        "inspections": Inspection.objects.count(),
        "ratings": StandardRating.objects.count(),
        "recommendation_fields": list(
            Recommendation.objects.values_list("pk", "text", "addressee", "board_owner")
        ),
    }


@dataclass
class Call:
    prepare: Callable  # demo -> subject, reached through the services as users would
    run: Callable  # (subject, user) -> None
    allowed: set[str]


def _action(demo, reference="2.1") -> Action:
    return demo.action(reference)


def _update_on_2_1(demo) -> ProgressUpdate:
    return services.update_log(
        action=demo.action("2.1"),
        by=demo.manager,
        date=today(),
        narrative="Two trusts signed.",
        rag=RAG.GREEN,
        percent_complete=60,
    )


def _link_on_2_1(demo) -> Evidence:
    return services.evidence_add(
        action=demo.action("2.1"), by=demo.manager, title="Minutes", link="https://x.org/m"
    )


def _new_knowsley_rec(demo) -> Recommendation:
    return factories.make_recommendation(demo.inspection, number=7, text="Entered by hand.")


def _import(parsed, user):
    knowsley = Inspection.objects.get(service__slug="knowsley", fieldwork_start__isnull=False)
    inspection_services.inspection_import(
        parsed=parsed, service=knowsley.service, framework=knowsley.framework, by=user
    )


def _next_meeting(demo) -> BoardMeeting:
    return services.meeting_schedule(
        board=demo.inspection.service.board,
        by=demo.chair,
        date=today() + datetime.timedelta(days=14),
        title="Next board",
    )


def _measure(demo) -> Measure:
    return services.measure_add(
        recommendation=demo.rec(2),
        by=demo.manager,
        name="Children in education",
        unit="%",
        baseline_value=Decimal("40"),
        baseline_date=today() - datetime.timedelta(days=60),
        target_value=Decimal("60"),
        target_date=today() + datetime.timedelta(days=300),
    )


def _measure_fields(measure: Measure) -> dict:
    return {
        "name": "Children in education, training or employment",
        "unit": measure.unit,
        "baseline_value": measure.baseline_value,
        "baseline_date": measure.baseline_date,
        "target_value": measure.target_value,
        "target_date": measure.target_date,
    }


def _partner(demo) -> Person:
    return Person.objects.get(service=demo.inspection.service, name="Police representative")


def _link_to_partner(demo):
    link, _secret = services.link_send(
        action=demo.action("2.1"), person=_partner(demo), by=demo.manager
    )
    return link


def _plan_draft(demo) -> PlanImport:
    source = factories.make_inspection(
        demo.inspection.service, title="Knowsley improvement plan 2023", published_on=None
    )
    draft = PlanImport(
        service=source.service,
        source=source,
        original_filename="plan.xlsx",
        size=0,
        sha256="0" * 64,
        uploaded_by=demo.manager,
    )
    draft.file.save("upload", ContentFile(workbook()), save=False)
    draft.save()
    return draft


def _saved_plan(draft: PlanImport, user) -> None:
    _table, mapping, _result = services.plan_import_read(draft)
    services.plan_import_save(plan_import=draft, by=user, mapping=mapping, board_agreed=True)


def _press_release(demo) -> dict:
    return parse_report(PRESS_RELEASE.read_text(encoding="utf-8"))


CALLS: dict[str, Call] = {
    "plan_start": Call(
        lambda d: d.open_recommendation(),
        lambda rec, u: services.plan_start(recommendation=rec, by=u),
        EDITORS,
    ),
    "action_add": Call(
        lambda d: d.rec(2).plan,
        lambda plan, u: services.action_add(
            plan=plan,
            by=u,
            title="Meet the trusts each term",
            owner=Person.objects.get(service=plan.recommendation.service_id, name="Chair"),
            start_date=today(),
            due_date=today() + datetime.timedelta(days=90),
            success_measure="Minutes of each meeting.",
        ),
        EDITORS,
    ),
    "action_edit": Call(
        _action,
        lambda a, u: services.action_edit(
            action=a,
            by=u,
            expected_version=a.version,
            title="A clearer title",
            owner=a.owner,
            start_date=a.start_date,
            success_measure=a.success_measure,
        ),
        EDITORS,
    ),
    "action_cancel": Call(
        lambda d: d.action("2.2"),
        lambda a, u: services.action_cancel(action=a, by=u, reason="Replaced."),
        EDITORS,
    ),
    "plan_submit": Call(
        lambda d: d.draft_plan(),
        lambda plan, u: services.plan_submit(plan=plan, by=u),
        EDITORS,
    ),
    "plan_approve": Call(
        lambda d: d.rec(3).plan,
        lambda plan, u: services.plan_approve(plan=plan, by=u),
        CHAIR,
    ),
    "plan_return": Call(
        lambda d: d.rec(3).plan,
        lambda plan, u: services.plan_return(plan=plan, by=u, comments="Name a lead."),
        CHAIR,
    ),
    "update_log": Call(
        _action,
        lambda a, u: services.update_log(
            action=a, by=u, date=today(), narrative="Met.", rag=RAG.GREEN, percent_complete=50
        ),
        PROGRESS,
    ),
    "update_correct": Call(
        _update_on_2_1,
        lambda update, u: services.update_correct(
            update=update,
            by=u,
            date=update.date,
            narrative="One trust signed.",
            rag=RAG.GREEN,
            percent_complete=30,
            correction_reason="Only one had signed.",
        ),
        PROGRESS,
    ),
    "evidence_add": Call(
        _action,
        lambda a, u: services.evidence_add(
            action=a, by=u, title="Protocol", link="https://x.org/protocol"
        ),
        PROGRESS,
    ),
    "evidence_withdraw": Call(
        _link_on_2_1,
        lambda e, u: services.evidence_withdraw(evidence=e, by=u, reason="Wrong meeting."),
        PROGRESS,
    ),
    "date_change_request": Call(
        _action,
        lambda a, u: services.date_change_request(
            action=a,
            by=u,
            new_date=a.current_due_date + datetime.timedelta(days=30),
            reason="The trusts meet later.",
        ),
        PROGRESS,
    ),
    "date_change_decide": Call(
        lambda d: d.pending_date_change(),
        lambda c, u: services.date_change_decide(change=c, by=u, approve=True),
        CHAIR,
    ),
    "recommendation_propose_closure": Call(
        lambda d: d.closable_recommendation(),
        lambda rec, u: services.recommendation_propose_closure(
            recommendation=rec, by=u, summary="Done, with evidence."
        ),
        EDITORS,
    ),
    "recommendation_sign_off": Call(
        lambda d: d.closure_proposed(),
        lambda rec, u: services.recommendation_sign_off(recommendation=rec, by=u),
        CHAIR,
    ),
    "recommendation_send_back": Call(
        lambda d: d.closure_proposed(),
        lambda rec, u: services.recommendation_send_back(
            recommendation=rec, by=u, reason="Show the effect."
        ),
        CHAIR,
    ),
    "recommendation_reopen": Call(
        lambda d: d.closed(),
        lambda rec, u: services.recommendation_reopen(
            recommendation=rec, by=u, reason="It happened again."
        ),
        CHAIR,
    ),
    "meeting_schedule": Call(
        lambda d: d.inspection.service.board,
        lambda board, u: services.meeting_schedule(
            board=board, by=u, date=today() + datetime.timedelta(days=40), title="Extra board"
        ),
        MEETINGS,
    ),
    "meeting_edit": Call(
        _next_meeting,
        lambda m, u: services.meeting_edit(
            meeting=m, by=u, date=m.date, title="Moved board", expected_version=m.version
        ),
        MEETINGS,
    ),
    "pack_issue": Call(
        _next_meeting,
        lambda m, u: services.pack_issue(
            meeting=m,
            inspection=Inspection.objects.get(
                pk=m.board.service.inspections.filter(fieldwork_start__isnull=False).first().pk
            ),
            by=u,
        ),
        MEETINGS,
    ),
    "recommendation_set_response": Call(
        lambda d: d.rec(3),
        lambda rec, u: services.recommendation_set_response(
            recommendation=rec, by=u, response="partly_agreed", reason="Funding is not agreed."
        ),
        EDITORS,
    ),
    "measure_add": Call(
        lambda d: d.rec(2),
        lambda rec, u: services.measure_add(
            recommendation=rec,
            by=u,
            name="Exclusions",
            unit="children",
            baseline_value=Decimal("12"),
            baseline_date=today() - datetime.timedelta(days=30),
            target_value=Decimal("6"),
            target_date=today() + datetime.timedelta(days=365),
            higher_is_better=False,
        ),
        EDITORS,
    ),
    "measure_edit": Call(
        _measure,
        lambda m, u: services.measure_edit(
            measure=m, by=u, expected_version=m.version, **_measure_fields(m)
        ),
        EDITORS,
    ),
    "reading_add": Call(
        _measure,
        lambda m, u: services.reading_add(measure=m, by=u, date=today(), value=Decimal("45")),
        EDITORS,
    ),
    "person_add": Call(
        lambda d: d.inspection.service_id,
        lambda service_id, u: services.person_add(
            service_id=service_id, by=u, name="Health lead", agency="Health"
        ),
        EDITORS,
    ),
    "person_edit": Call(
        _partner,
        lambda p, u: services.person_edit(person=p, by=u, name=p.name, job_title="Inspector"),
        EDITORS,
    ),
    "link_send": Call(
        lambda d: d.action("2.1"),
        lambda a, u: services.link_send(action=a, person=_partner_of(a), by=u),
        EDITORS,
    ),
    "link_revoke": Call(
        _link_to_partner,
        lambda link, u: services.link_revoke(link=link, by=u),
        EDITORS,
    ),
    "plan_import_save": Call(_plan_draft, _saved_plan, EDITORS),
    "inspection_import": Call(_press_release, _import, ADMINISTRATORS),
    "recommendation_save": Call(
        _new_knowsley_rec,
        lambda rec, u: inspection_services.recommendation_save(recommendation=_edited(rec), by=u),
        ADMINISTRATORS,
    ),
    "recommendation_add": Call(
        lambda d: d.inspection,
        lambda source, u: inspection_services.recommendation_add(
            source=source, by=u, number=9, text="Entered from the plan."
        ),
        EDITORS,
    ),
    "source_record": Call(
        lambda d: d.inspection.service,
        lambda service, u: inspection_services.source_record(
            service=service,
            by=u,
            kind="internal_audit",
            title="Internal audit of case recording",
            published_on=None,
        ),
        EDITORS,
    ),
}

# Public services that act for no one else, each tested where its rule lives.
NOT_IN_THE_MATRIX = {
    "person_set_preferences",  # a person's own settings (the test below)
    "link_find",  # reads a link from its token (tests/actions/test_update_links.py)
    "update_by_link",  # the link is the permission (tests/actions/test_update_links.py)
    "plan_import_read",  # reads a stored file, writes nothing
    "positions_refresh",  # a derived copy kept inside the services' own writes
}


def _partner_of(action: Action) -> Person:
    return Person.objects.get(service=action.service_id, name="Police representative")


def _edited(rec: Recommendation) -> Recommendation:
    rec.addressee = "The Board (as written in the report)"
    return rec


def matrix() -> list:
    return [
        pytest.param(name, persona, id=f"{name}-{persona}")
        for name in CALLS
        for persona in PERSONAS
    ]


@pytest.mark.parametrize("name, persona", matrix())
def test_each_service_allows_exactly_its_personas(demo, people, name, persona):
    call = CALLS[name]
    subject = call.prepare(demo)
    user = people[persona]
    before = whole_record()

    if persona in call.allowed:
        call.run(subject, user)
        assert whole_record() != before, f"{name} as {persona} changed nothing"
    else:
        with pytest.raises(PermissionDenied):
            call.run(subject, user)
        assert whole_record() == before, f"{name} as {persona} was refused but wrote"


def test_person_set_preferences_changes_only_the_callers_own_people(people):
    member = people["member-owner"]
    others = list(Person.objects.exclude(user=member).values_list("pk", "wants_digest"))

    services.person_set_preferences(user=member, wants_digest=False, wants_nudges=False)

    assert not Person.objects.filter(user=member, wants_digest=True).exists()
    assert list(Person.objects.exclude(user=member).values_list("pk", "wants_digest")) == others


def public_services() -> set[str]:
    names = {n for n in services.__all__ if inspect.isfunction(getattr(services, n))}
    names |= {
        n
        for n, f in vars(inspection_services).items()
        if inspect.isfunction(f)
        and f.__module__ == inspection_services.__name__
        and not n.startswith("_")
        and "by" in inspect.signature(f).parameters
    }
    return names


def test_every_service_that_acts_for_someone_is_in_the_persona_matrix():
    assert public_services() - set(CALLS) == NOT_IN_THE_MATRIX


def test_the_matrix_reaches_a_state_where_each_call_is_allowed(demo, people):
    """A sanity check on the fixtures: the states the matrix starts from are the ones the
    lifecycle allows (a plan submitted for approval, closure proposed, and so on)."""
    assert demo.rec(3).plan.status == ActionPlan.Status.SUBMITTED
    assert demo.pending_date_change().status == DueDateChange.Status.PENDING
    assert demo.action("2.1").owner.user == people["member-owner"]
