"""A page that makes several writes saves all of them or none, so a refused part never
leaves half a change behind (and a retry never duplicates the part that was saved)."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import services
from actions.models import ActionPlan, Evidence, ProgressUpdate
from inspections.models import Person, Recommendation
from tests import factories
from tests.formdata import form_data


def _open_action(knowsley_demo):
    rec = knowsley_demo.recommendations.get(number=1)
    return rec.plan.actions.get(number=3)


def _update(**extra):
    today = datetime.date.today()
    return {
        "date_0": today.day,
        "date_1": today.month,
        "date_2": today.year,
        "narrative": "Lead areas agreed.",
        "rag": "green",
        "percent_complete": "60",
        **extra,
    }


def test_refused_evidence_undoes_the_update_it_came_with(
    client, manager, knowsley_demo, monkeypatch
):
    action = _open_action(knowsley_demo)

    def refuse(**kwargs):
        raise ValidationError("The evidence store is unavailable.")

    monkeypatch.setattr(services, "evidence_add", refuse)
    client.force_login(manager)
    before = ProgressUpdate.objects.filter(action=action).count()
    response = client.post(
        reverse("update_create", args=[action.pk]),
        _update(evidence_link="https://example.org/minutes"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The evidence store is unavailable." in page
    assert "Lead areas agreed." in page  # the typed narrative is kept
    assert ProgressUpdate.objects.filter(action=action).count() == before


def test_a_link_that_is_not_http_is_refused_on_the_form(client, manager, knowsley_demo):
    action = _open_action(knowsley_demo)
    client.force_login(manager)
    before = (ProgressUpdate.objects.count(), Evidence.objects.count())
    response = client.post(
        reverse("update_create", args=[action.pk]),
        _update(evidence_link="ftp://example.org/minutes"),
    )
    assert response.status_code == 400
    assert "Enter a full web address, starting https://" in response.content.decode()
    assert (ProgressUpdate.objects.count(), Evidence.objects.count()) == before


def test_a_refused_first_action_does_not_leave_a_plan_started(
    client, manager, knowsley_demo, monkeypatch
):
    rec = factories.make_recommendation(knowsley_demo, number=9)
    owner = Person.objects.get(service__slug="knowsley", name="YOS service manager")

    def refuse(**kwargs):
        raise ValidationError("The plan cannot take this action.")

    monkeypatch.setattr(services, "action_add", refuse)
    client.force_login(manager)
    url = reverse("action_add", args=[rec.pk])
    data = form_data(client.get(url).content.decode())
    data.update(
        {
            "title": "Map provision",
            "owner": str(owner.pk),
            "start_date_0": "1",
            "start_date_1": "1",
            "start_date_2": "2027",
            "due_date_0": "1",
            "due_date_1": "3",
            "due_date_2": "2027",
            "success_measure": "A published map.",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The plan cannot take this action." in response.content.decode()
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.OPEN
    assert not ActionPlan.objects.filter(recommendation=rec).exists()
