"""Corrections without deleting: a wrong update is put right by a correction that names it
and says why. The corrected update stays in the log, marked as corrected; the correction is
the action's position; an action completed by mistake is in progress again.
"""

from __future__ import annotations

import datetime
import html
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import reports, rules, selectors, services
from actions.models import RAG, Action, BoardMeeting, ProgressUpdate, Transition
from inspections.models import Recommendation
from tests.factories import knowsley_action
from tests.formdata import form_data

REASON = "Logged on the wrong action: this was 2.2's news."


def today() -> datetime.date:
    return timezone.localdate()


def page(client, url) -> str:
    return html.unescape(client.get(url).content.decode())


@pytest.fixture
def completed_by_mistake(manager) -> ProgressUpdate:
    """Blue, 100 % logged on action 2.1 by mistake: the action is complete."""
    update = services.update_log(
        action=knowsley_action("2.1"),
        by=manager,
        date=today(),
        narrative="All three academy trusts signed the protocol.",
        rag=RAG.BLUE,
        percent_complete=100,
    )
    assert knowsley_action("2.1").status == Action.Status.COMPLETE
    return update


def correct(update, by, **fields) -> ProgressUpdate:
    values = {
        "date": update.date,
        "narrative": "Two of the three trusts have signed.",
        "rag": RAG.GREEN,
        "percent_complete": 70,
        "correction_reason": REASON,
    } | fields
    return services.update_correct(update=update, by=by, **values)


# --- The service --------------------------------------------------------------------------


def test_correcting_an_update_that_completed_an_action_reopens_it(manager, completed_by_mistake):
    correction = correct(completed_by_mistake, manager)

    action = knowsley_action("2.1")
    assert action.status == Action.Status.IN_PROGRESS
    assert correction.corrects == completed_by_mistake
    assert correction.correction_reason == REASON
    completed_by_mistake.refresh_from_db()
    assert completed_by_mistake.narrative == "All three academy trusts signed the protocol."
    reopened = Transition.objects.filter(action=action).latest("at")
    assert (reopened.from_status, reopened.to_status) == ("complete", "in_progress")
    assert reopened.by == manager and REASON in reopened.reason
    assert action.history.latest().history_change_reason.startswith("Correction of the update")


def test_the_correction_is_the_actions_position_everywhere(manager, completed_by_mistake):
    correct(completed_by_mistake, manager)
    action = knowsley_action("2.1")

    annotated = selectors.action_page().get(pk=action.pk)
    recs = Recommendation.objects.filter(pk=action.plan.recommendation_id)
    position = reports.board_position(recs)[0]
    as_action = next(a for a in position.actions if a.action.pk == action.pk)

    assert (annotated.latest_rag, annotated.latest_percent) == (RAG.GREEN, 70)
    assert as_action.latest.narrative == "Two of the three trusts have signed."
    assert as_action.latest.rag == RAG.GREEN


def test_a_pack_as_at_before_the_correction_shows_what_was_believed_then(
    manager, completed_by_mistake
):
    before = timezone.now()
    correct(completed_by_mistake, manager)
    recs = Recommendation.objects.filter(pk=completed_by_mistake.action.plan.recommendation_id)

    then = reports.board_position(recs, as_at=before)[0]
    as_action = next(a for a in then.actions if a.action.pk == completed_by_mistake.action_id)

    assert as_action.latest == completed_by_mistake
    assert as_action.status == Action.Status.COMPLETE


def test_a_blue_correction_completes_the_action(manager):
    update = services.update_log(
        action=knowsley_action("2.1"),
        by=manager,
        date=today(),
        narrative="Nearly there.",
        rag=RAG.GREEN,
        percent_complete=90,
    )

    correct(update, manager, rag=RAG.BLUE, percent_complete=100, narrative="Done, in fact.")

    assert knowsley_action("2.1").status == Action.Status.COMPLETE


def test_correcting_an_older_update_keeps_the_newer_one_as_the_position(manager):
    action = knowsley_action("2.1")
    older = action.updates.order_by("date").first()
    newest = action.updates.order_by("-date").first()

    correct(older, manager, narrative="The first letter went in March.", percent_complete=5)

    assert knowsley_action("2.1").latest_update == newest


def test_an_update_is_corrected_once_then_its_correction_is(manager, completed_by_mistake):
    first = correct(completed_by_mistake, manager)

    with pytest.raises(ValidationError, match="correct the correction instead"):
        correct(completed_by_mistake, manager)
    second = correct(first, manager, narrative="One trust has signed.", percent_complete=40)

    assert knowsley_action("2.1").latest_update == second


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"correction_reason": "  "},
            "correction_reason",
            "Say why the update is being corrected.",
        ),
        (
            {"correction_reason": "x" * 2001},
            "correction_reason",
            "The reason for the correction must be 2,000 characters or fewer.",
        ),
        (
            {"narrative": "x" * 5001},
            "narrative",
            "The narrative must be 5,000 characters or fewer.",
        ),
        ({"rag": RAG.AMBER}, "reason", rules.REASON_NEEDED),
        ({"date": today() + datetime.timedelta(days=1)}, "date", "cannot be in the future"),
    ],
)
def test_a_correction_follows_the_rules_of_an_update(
    manager, completed_by_mistake, fields, field, message
):
    with pytest.raises(ValidationError) as refused:
        correct(completed_by_mistake, manager, **fields)

    assert message in " ".join(refused.value.message_dict[field])
    assert not completed_by_mistake.corrections.exists()
    assert knowsley_action("2.1").status == Action.Status.COMPLETE


@pytest.mark.parametrize("persona", ["viewer", "outsider", "chair"])
def test_only_the_owner_or_an_editor_may_correct(request, completed_by_mistake, persona):
    with pytest.raises(PermissionDenied):
        correct(completed_by_mistake, request.getfixturevalue(persona))
    assert not completed_by_mistake.corrections.exists()


def test_the_owning_member_may_correct(member, completed_by_mistake):
    correct(completed_by_mistake, member)
    assert completed_by_mistake.corrections.get().author == member


def test_no_correction_once_closure_is_proposed(manager, chair):
    action = knowsley_action("4.1")
    update = services.update_log(
        action=action,
        by=manager,
        date=today(),
        narrative="Done.",
        rag=RAG.BLUE,
        percent_complete=100,
    )
    services.evidence_add(action=action, by=manager, title="Minutes", link="https://x.org/m")
    services.recommendation_propose_closure(
        recommendation=action.plan.recommendation, by=manager, summary="All done."
    )

    with pytest.raises(ValidationError, match="sends it back first"):
        correct(update, manager)


# --- The pages ----------------------------------------------------------------------------


def test_the_action_page_offers_a_correction_per_update_and_prefills_it(
    client, member, completed_by_mistake
):
    client.force_login(member)
    action_url = reverse("action_detail", args=[completed_by_mistake.action_id])
    correct_url = reverse("update_correct", args=[completed_by_mistake.pk])

    assert correct_url in page(client, action_url)
    form_page = client.get(correct_url)
    data = form_data(form_page.content.decode())

    assert form_page.status_code == 200
    assert data["narrative"] == "All three academy trusts signed the protocol."
    assert (data["rag"], data["percent_complete"]) == ("blue", "100")
    assert (data["date_0"], data["date_1"], data["date_2"]) == (
        str(today().day),
        str(today().month),
        str(today().year),
    )


def test_a_correction_made_on_its_page_shows_in_the_log_timeline_and_history(
    client, member, completed_by_mistake
):
    client.force_login(member)
    url = reverse("update_correct", args=[completed_by_mistake.pk])
    data = form_data(client.get(url).content.decode())
    data |= {
        "narrative": "Two of the three trusts have signed.",
        "rag": "green",
        "percent_complete": "70",
        "correction_reason": REASON,
    }

    response = client.post(url, data)

    assert response.status_code == 302
    action = knowsley_action("2.1")
    assert action.status == Action.Status.IN_PROGRESS
    action_page = page(client, reverse("action_detail", args=[action.pk]))
    assert "Correction saved" in action_page
    assert "All three academy trusts signed the protocol." in action_page  # still there
    assert "Corrected</strong>" in action_page and REASON in action_page
    assert "Why: Correction of the update of" in action_page  # the action's history
    assert "Complete" not in action_page.split("<dl", 1)[0]  # in progress again, at the top
    rec_page = page(client, reverse("recommendation_detail", args=[action.plan.recommendation_id]))
    assert f"Corrects the update of {today():%-d %B %Y}: “{REASON}”" in rec_page
    assert "Complete → In progress" in rec_page


def test_a_correction_without_a_reason_comes_back_with_the_text_kept(
    client, manager, completed_by_mistake
):
    client.force_login(manager)
    url = reverse("update_correct", args=[completed_by_mistake.pk])
    data = form_data(client.get(url).content.decode()) | {"narrative": "My corrected words."}

    response = client.post(url, data)

    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "Say why the update is being corrected." in body
    assert "My corrected words." in body
    assert not completed_by_mistake.corrections.exists()


def test_the_board_pack_shows_the_correction_and_its_reason(
    client, chair, manager, knowsley_demo, completed_by_mistake
):
    correct(completed_by_mistake, manager)
    meeting = BoardMeeting.objects.create(
        board=knowsley_demo.service.board, date=today(), title="Today"
    )
    client.force_login(chair)
    url = reverse("board_pack", args=[knowsley_demo.pk])

    pack = page(client, f"{url}?meeting={meeting.pk}")
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))["Updates"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]

    assert f"Correction of the update of {today():%-d %b %Y}: “{REASON}”" in pack
    header = rows[0]
    assert header[-3:] == ["Corrects", "Correction reason", "Corrected"]
    correction = next(r for r in rows if r[header.index("Correction reason")] == REASON)
    assert correction[header.index("Corrects")].startswith(f"2.1, {today():%-d %b %Y}")
    corrected = next(r for r in rows if r[5] == "All three academy trusts signed the protocol.")
    assert corrected[header.index("Corrected")].startswith("Yes, by 2.1")


def test_the_board_pack_pdf_shows_the_correction(client, chair, manager, knowsley_demo):
    from actions import exports

    if not exports.pdf_available():
        pytest.skip("WeasyPrint cannot load here")
    update = knowsley_action("2.1").updates.order_by("-date").first()
    correct(update, manager)
    client.force_login(chair)

    pdf = client.get(reverse("board_pack", args=[knowsley_demo.pk]), {"format": "pdf"}).content

    import pypdfium2

    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))
    assert "Correction of the update of" in text.replace("\r\n", " ").replace("\n", " ")
