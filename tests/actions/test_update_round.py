"""The update round: every action due an update on one page, each row saved on its own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions import selectors, services
from actions.models import RAG, Action, Evidence, ProgressUpdate
from inspections.models import Person
from tests.actions.test_permissions import Demo
from tests.actions.test_uploads import PDF


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


def row(action: Action, **fields) -> dict:
    return {f"a{action.pk}-{key}": value for key, value in fields.items()}


def shown(actions) -> dict:
    return {"action": [str(a.pk) for a in actions]}


def due_for(user) -> list[Action]:
    return list(selectors.due_an_update(user, selectors.today()))


def test_the_round_lists_the_actions_due_an_update_and_says_what_due_means(client, demo, manager):
    client.force_login(manager)

    page = client.get(reverse("update_round")).content.decode()

    due = due_for(manager)
    assert due, "the demo has actions due an update"
    for action in due:
        assert f'id="row-{action.pk}"' in page
    assert "no update in the last 30 days, due in the next 14 days, or overdue" in page
    # Complete actions and those of plans not yet approved are not due.
    assert all(a.is_open for a in due)
    assert all(a.plan.status == "approved" for a in due)


def test_an_action_updated_recently_and_not_due_soon_is_not_due(demo, manager):
    action = demo.action("2.2")  # due in 60 days
    services.update_log(
        action=action,
        by=manager,
        date=demo.today,
        narrative="On track.",
        rag=RAG.GREEN,
        percent_complete=55,
    )

    assert action not in due_for(manager)


def test_saving_several_rows_at_once_saves_each_and_skips_blank_rows(client, demo, manager):
    due = due_for(manager)
    first, second, *rest = due
    client.force_login(manager)
    before = ProgressUpdate.objects.count()

    response = client.post(
        reverse("update_round"),
        {
            **shown(due),
            **row(first, rag="green", percent_complete="70", narrative="Protocol in use."),
            **row(
                second,
                rag="amber",
                percent_complete="40",
                narrative="Slipping.",
                reason="Staff leave.",
                recovery_step="Cover agreed from January.",
            ),
        },
        follow=True,
    )

    assert ProgressUpdate.objects.count() == before + 2
    assert first.updates.latest().narrative == "Protocol in use."
    assert second.updates.latest().recovery_step == "Cover agreed from January."
    assert "2 updates saved." in response.content.decode()


def test_a_row_with_an_error_is_shown_with_its_input_and_the_rest_are_saved(client, demo, manager):
    due = due_for(manager)
    good, bad = due[0], due[1]
    client.force_login(manager)

    response = client.post(
        reverse("update_round"),
        {
            **shown(due),
            **row(good, rag="green", percent_complete="70", narrative="Going well."),
            **row(bad, rag="red", percent_complete="20", narrative="Stalled at the trusts."),
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "1 update saved; 1 needs attention" in page
    assert good.updates.latest().narrative == "Going well."
    assert not bad.updates.filter(narrative="Stalled at the trusts.").exists()
    assert "Stalled at the trusts." in page  # kept for correcting
    assert "Amber or Red needs a reason" in page
    assert f'href="#row-{bad.pk}"' in page


def test_a_refused_evidence_file_undoes_only_its_own_row(client, demo, manager):
    due = due_for(manager)
    good, bad = due[0], due[1]
    client.force_login(manager)
    fake = SimpleUploadedFile(
        "minutes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    response = client.post(
        reverse("update_round"),
        {
            **shown(due),
            **row(good, rag="green", percent_complete="70", narrative="Going well."),
            **row(
                bad,
                rag="green",
                percent_complete="50",
                narrative="Minutes attached.",
                evidence_file=fake,
            ),
        },
    )

    assert response.status_code == 400
    assert good.updates.latest().narrative == "Going well."
    assert not bad.updates.filter(narrative="Minutes attached.").exists()
    assert not Evidence.objects.filter(action=bad, original_filename="minutes.pdf").exists()
    page = response.content.decode()
    assert "does not contain what its name says" in page  # the file's own reason, not "again"
    assert "Choose the file again" not in page


def test_a_good_file_on_a_row_that_needs_correcting_is_asked_for_again_by_name(
    client, demo, manager
):
    due = due_for(manager)
    client.force_login(manager)
    minutes = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")

    response = client.post(
        reverse("update_round"),
        {
            **shown(due),
            **row(
                due[0],
                rag="red",
                percent_complete="50",
                narrative="Minutes attached.",
                evidence_file=minutes,
            ),
        },
    )

    assert response.status_code == 400
    assert not Evidence.objects.filter(original_filename="minutes.pdf").exists()
    assert (
        "Choose the file again (minutes.pdf): files are not kept when the form has an error"
        in response.content.decode()
    )


def test_evidence_link_saved_with_a_row_belongs_to_its_update(client, demo, manager):
    due = due_for(manager)
    client.force_login(manager)

    client.post(
        reverse("update_round"),
        {
            **shown(due),
            **row(
                due[0],
                rag="green",
                percent_complete="80",
                narrative="Minuted.",
                evidence_link="https://example.org/minutes",
            ),
        },
    )

    update = due[0].updates.latest()
    assert list(update.evidence.values_list("link", flat=True)) == ["https://example.org/minutes"]


def test_an_all_blank_round_saves_nothing_and_says_so(client, demo, manager):
    due = due_for(manager)
    client.force_login(manager)
    before = ProgressUpdate.objects.count()

    response = client.post(reverse("update_round"), shown(due), follow=True)

    assert ProgressUpdate.objects.count() == before
    assert "every row was left blank" in response.content.decode()


def test_an_update_logged_on_behalf_of_a_partner_says_so_in_the_timeline(client, demo, manager):
    partner = services.person_add(
        service_id=demo.inspection.service_id,
        by=manager,
        name="Jo Byrne",
        agency="Merseyside Police",
    )
    action = due_for(manager)[0]
    client.force_login(manager)

    client.post(
        reverse("update_round"),
        {
            **shown([action]),
            **row(
                action,
                rag="green",
                percent_complete="50",
                narrative="Reported by phone.",
                on_behalf_of=str(partner.pk),
            ),
        },
    )

    update = action.updates.latest()
    assert (update.author, update.on_behalf_of) == (manager, partner)
    rec_page = client.get(
        reverse("recommendation_detail", args=[action.plan.recommendation_id])
    ).content.decode()
    assert "Update by manager on behalf of Jo Byrne" in rec_page
    action_page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "by manager on behalf of Jo Byrne" in action_page


def test_the_owner_is_offered_as_on_behalf_of_when_the_action_is_someone_elses(
    client, demo, manager
):
    due = due_for(manager)
    others = [a for a in due if a.owner.user_id != manager.pk]
    assert others
    client.force_login(manager)

    page = client.get(reverse("update_round")).content.decode()

    action = others[0]
    chunk = page.split(f'id="row-{action.pk}"')[1].split("</section>")[0]
    assert f'<option value="{action.owner_id}" selected>' in chunk


def test_on_behalf_of_someone_from_another_service_is_refused(demo, manager):
    sefton_person = Person.objects.get(name="YOT manager")
    action = due_for(manager)[0]

    with pytest.raises(Exception) as refused:
        services.update_log(
            action=action,
            by=manager,
            date=demo.today,
            narrative="x",
            rag=RAG.GREEN,
            percent_complete=10,
            on_behalf_of=sefton_person,
        )
    assert "from this action's service" in str(refused.value)


def test_a_member_sees_only_the_actions_they_may_update(client, demo, member):
    client.force_login(member)

    page = client.get(reverse("update_round")).content.decode()

    assert f'id="row-{demo.action("1.3").pk}"' not in page
    assert f'id="row-{demo.action("2.1").pk}"' in page  # theirs, and overdue


def test_a_posted_row_for_an_action_the_person_may_not_update_is_ignored(client, demo, member):
    not_theirs = demo.action("1.3")
    client.force_login(member)
    before = ProgressUpdate.objects.count()

    client.post(
        reverse("update_round"),
        {
            **shown([not_theirs]),
            **row(not_theirs, rag="green", percent_complete="5", narrative="Not mine."),
        },
    )

    assert ProgressUpdate.objects.count() == before


def test_the_update_date_is_today(client, demo, manager):
    action = due_for(manager)[0]
    client.force_login(manager)

    client.post(
        reverse("update_round"),
        {**shown([action]), **row(action, rag="green", percent_complete="50", narrative="Ok.")},
    )

    assert action.updates.latest().date == demo.today


def test_a_manager_of_another_service_posting_knowsley_rows_changes_nothing(client, demo, outsider):
    action = demo.action("2.1")
    client.force_login(outsider)
    before = ProgressUpdate.objects.count()

    client.post(
        reverse("update_round"),
        {**shown([action]), **row(action, rag="green", percent_complete="5", narrative="x")},
    )

    assert ProgressUpdate.objects.count() == before


def test_a_viewer_cannot_post_a_round(client, demo, viewer):
    client.force_login(viewer)

    response = client.post(reverse("update_round"), shown([demo.action("2.1")]))

    assert response.status_code == 403
