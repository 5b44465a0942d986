"""Every change attributed (L5): field history with who and when on every model a board or
inspector relies on, wherever the change is made (a page, the admin, a service called by a
command), and due-date moves recorded as typed dates, not text to be parsed back.
"""

from __future__ import annotations

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions import reports, rules, services
from actions.models import RAG, Action, DueDateChange, Transition
from actions.templatetags.board import transition_text
from inspections.models import Inspection, Recommendation, Service
from tests.factories import knowsley_action
from tests.inspections.test_importer_parse import KNOWSLEY

RELIED_ON = [
    "inspections.Inspection",
    "inspections.StandardRating",
    "inspections.KeyQuestionResult",
    "inspections.Finding",
    "inspections.Recommendation",
    "inspections.Person",
    "inspections.Board",
    "inspections.BoardMembership",
    "inspections.ServiceRole",
    "actions.ActionPlan",
    "actions.Action",
    "actions.Evidence",
    "actions.Measure",
    "actions.MeasureReading",
    "actions.BoardMeeting",
]
DateStatus = DueDateChange.Status


@pytest.mark.parametrize("label", RELIED_ON)
def test_each_model_a_board_relies_on_keeps_field_history(knowsley_demo, label):
    model = apps.get_model(label)
    assert hasattr(model, "history"), f"{label} keeps no field history"
    obj = model.objects.order_by("pk").first()
    if obj is not None:  # the demo's own rows were recorded as they were made
        assert obj.history.exists()


# --- Services name who acted, with or without a request ---------------------------------


def test_a_service_called_outside_any_page_names_who_acted_in_the_history(manager):
    action = knowsley_action("2.1")

    services.update_log(
        action=action,
        by=manager,
        date=timezone.localdate(),
        narrative="All three trusts signed.",
        rag=RAG.BLUE,
        percent_complete=100,
    )

    latest = action.history.latest()
    assert latest.status == Action.Status.COMPLETE
    assert latest.history_user == manager
    assert latest.history_change_reason == "Update marked complete."


def test_evidence_withdrawn_by_a_service_records_who_and_why(manager):
    evidence = services.evidence_add(
        action=knowsley_action("2.1"), by=manager, title="Minutes", link="https://example.org/m"
    )
    services.evidence_withdraw(evidence=evidence, by=manager, reason="Minutes of another board.")

    added, withdrawn = evidence.history.order_by("history_date", "history_id")
    assert (added.history_user, withdrawn.history_user) == (manager, manager)
    assert withdrawn.withdrawn and withdrawn.history_change_reason == "Minutes of another board."


def test_a_long_reason_is_shortened_to_fit_the_history_but_kept_whole_on_the_transition(
    manager,
):
    reason = "The partner asked for more time because " + "of the new data system " * 10
    action = knowsley_action("2.2")

    services.action_cancel(action=action, by=manager, reason=reason)

    record = action.history.latest().history_change_reason
    assert len(record) <= 100 and record.endswith("…")
    assert Transition.objects.filter(action=action).latest("at").reason == reason


# --- Imports: who imported -------------------------------------------------------------


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "knowsley.txt"
    path.write_text(KNOWSLEY)
    return path


def import_liverpool(report, *options) -> io.StringIO:
    out = io.StringIO()
    call_command("import_report", str(report), "--service", "liverpool", *options, stdout=out)
    return out


def imported() -> Inspection:
    return Inspection.objects.get(service__slug="liverpool", fieldwork_start="2023-01-09")


def test_import_report_by_a_named_user_records_them_on_every_row(report, administrator):
    import_liverpool(report, "--by", "admin")

    inspection = imported()
    rows = [
        inspection.history.get(),
        *[r.history.get() for r in inspection.ratings.all()],
        *[r.history.get() for r in inspection.recommendations.all()],
        *[f.history.get() for f in inspection.findings.all()[:5]],
    ]
    assert {row.history_user for row in rows} == {administrator}
    assert {row.history_change_reason for row in rows} == {"import_report knowsley.txt"}


def test_import_report_without_by_records_the_operating_system_user(
    report, administrator, monkeypatch
):
    monkeypatch.setattr("getpass.getuser", lambda: "jsmith")
    out = import_liverpool(report)

    record = imported().recommendations.first().history.get()
    assert "OS user jsmith" in record.history_change_reason
    assert record.history_user == administrator  # the superuser it acted as, named too
    assert "jsmith" in out.getvalue()


def test_import_report_refuses_someone_who_cannot_administer_the_service(report, viewer):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="cannot import"):
        import_liverpool(report, "--by", viewer.username)
    assert not Inspection.objects.filter(service__slug="liverpool", fieldwork_start="2023-01-09")


def test_the_staff_import_page_records_the_signed_in_user(client, administrator, knowsley_demo):
    from tests.inspections.test_import import _review, _upload

    client.force_login(administrator)
    _upload(client, "knowsley.txt", KNOWSLEY.encode())
    liverpool = Service.objects.get(slug="liverpool")

    assert _review(client, service=liverpool.pk, confirm_service="on").status_code == 302

    inspection = imported()
    assert inspection.history.get().history_user == administrator
    assert {r.history.get().history_user for r in inspection.recommendations.all()} == {
        administrator
    }


# --- Due-date transitions carry typed dates ----------------------------------------------


def ask_and_decide(manager, chair, *, approve: bool) -> tuple[Action, DueDateChange]:
    action = knowsley_action("2.1")
    change = services.date_change_request(
        action=action,
        by=manager,
        new_date=action.current_due_date + datetime.timedelta(days=30),
        reason="The trusts meet next month.",
    )
    services.date_change_decide(
        change=change, by=chair, approve=approve, reason="" if approve else "Keep the date."
    )
    change.refresh_from_db()
    return action, change


@pytest.mark.parametrize("approve", [True, False])
def test_a_date_change_is_logged_with_typed_dates_and_status_codes(manager, chair, approve):
    action, change = ask_and_decide(manager, chair, approve=approve)

    asked, decided = Transition.objects.filter(
        action=action, subject=Transition.Subject.DUE_DATE
    ).order_by("at", "pk")

    dates = (change.previous_due_date, change.requested_due_date)
    assert (asked.from_status, asked.to_status) == ("", DateStatus.PENDING)
    assert (asked.old_due_date, asked.new_due_date) == dates
    assert decided.from_status == DateStatus.PENDING
    assert decided.to_status == (DateStatus.APPROVED if approve else DateStatus.DECLINED)
    assert (decided.old_due_date, decided.new_due_date) == dates
    assert not rules.is_decision(asked) and rules.is_decision(decided)
    decisions = Transition.objects.filter(rules.DECISIONS, action=action)
    assert list(decisions) == [decided]


def test_a_date_decision_reads_in_words(manager, chair):
    action, change = ask_and_decide(manager, chair, approve=True)
    decided = Transition.objects.filter(action=action, subject="due_date").latest("at")
    new = f"{change.requested_due_date:%-d %B %Y}"

    assert rules.decision_label(decided) == (
        f"New due date for action {action.reference} approved: {new}"
    )
    assert transition_text(decided) == (
        f"New due date approved: {change.previous_due_date:%-d %B %Y} → {new}"
    )


def test_the_board_pack_and_timeline_show_date_decisions_in_words(manager, chair, knowsley_demo):
    from actions.models import BoardMeeting

    action, change = ask_and_decide(manager, chair, approve=True)
    meeting = BoardMeeting.objects.create(
        board=knowsley_demo.service.board, date=timezone.localdate(), title="Today's board"
    )
    client = Client()
    client.force_login(chair)
    new = f"{change.requested_due_date:%-d %B %Y}"

    pack = client.get(reverse("board_pack", args=[knowsley_demo.pk]), {"meeting": meeting.pk})
    timeline = client.get(reverse("recommendation_detail", args=[action.plan.recommendation_id]))

    pack, timeline = pack.content.decode(), timeline.content.decode()
    assert f"New due date for action {action.reference} approved: {new}" in pack
    assert f"New due date approved: {change.previous_due_date:%-d %B %Y} → {new}" in timeline
    for page in (pack, timeline):
        assert change.requested_due_date.isoformat() not in page


def test_since_counts_a_date_decision_once_and_not_the_request(manager, chair, knowsley_demo):
    ask_and_decide(manager, chair, approve=False)
    board = reports.read_board(Recommendation.objects.filter(inspection=knowsley_demo))

    window = reports.since(board, timezone.now() - datetime.timedelta(hours=1))

    due_date_decisions = [t for t in window["decisions"] if t.subject == "due_date"]
    assert [t.to_status for t in due_date_decisions] == [DateStatus.DECLINED]


def test_the_migration_reads_old_text_dates_once(manager, knowsley_demo):
    migration = importlib.import_module("actions.migrations.0004_history_and_typed_dates")
    action = knowsley_action("2.1")
    rec = action.plan.recommendation
    old = [
        ("2026-03-01", "requested 2026-04-01"),
        ("2026-03-01", "2026-04-01"),
        ("2026-03-01", "declined 2026-05-01"),
        ("not a date", "requested whenever"),
    ]
    rows = [
        Transition.objects.create(
            recommendation=rec,
            action=action,
            subject="due_date",
            from_status=f,
            to_status=t,
            by=manager,
        )
        for f, t in old
    ]

    migration.typed_due_dates(apps, None)

    got = [
        Transition.objects.values_list(
            "from_status", "to_status", "old_due_date", "new_due_date"
        ).get(pk=r.pk)
        for r in rows
    ]
    march, april, may = (datetime.date(2026, m, 1) for m in (3, 4, 5))
    assert got == [
        ("", "pending", march, april),
        ("pending", "approved", march, april),
        ("pending", "declined", march, may),
        ("not a date", "requested whenever", None, None),  # left alone, not guessed
    ]
    migration.text_due_dates(apps, None)
    assert [
        Transition.objects.values_list("from_status", "to_status").get(pk=r.pk) for r in rows
    ] == old


def test_nothing_parses_dates_out_of_transition_text():
    """The old prefixes are gone from the code that reads transitions."""
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(base))
        for folder in ("actions", "inspections", "templates")
        for path in (base / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and "migrations" not in path.parts
        and any(
            needle in path.read_text(encoding="utf-8")
            for needle in ('startswith("requested', 'startswith("declined', '"requested {')
        )
    ]
    assert offenders == []
