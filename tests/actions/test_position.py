"""Each action's current position (`Action.latest_*`) always says what its update log says,
whatever order updates are written in; and no list or board page reads the whole log.
"""

from __future__ import annotations

import datetime
import importlib
import random

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import RAG, Action, ProgressUpdate

DAY = datetime.timedelta(days=1)


def log_says(action: Action) -> tuple:
    """The position read from the log in Python: the latest update by date, then time
    written, then id, among those no correction replaced."""
    updates = list(action.updates.all())
    corrected = {u.corrects_id for u in updates if u.corrects_id}
    standing = [u for u in updates if u.pk not in corrected]
    latest = max(standing, key=lambda u: (u.date, u.created_at, u.pk), default=None)
    if latest is None:
        return (None, "", None, None)
    return (latest.pk, latest.rag, latest.percent_complete, latest.date)


def stored(action: Action) -> tuple:
    action.refresh_from_db()
    return (action.latest_update_id, action.latest_rag, action.latest_percent,
            action.latest_update_date)  # fmt: skip


def assert_every_position_matches_its_log() -> None:
    mismatched = [a.pk for a in Action.objects.all() if stored(a) != log_says(a)]
    assert not mismatched, f"actions whose position differs from their log: {mismatched}"


def test_the_demo_actions_positions_match_their_logs(knowsley_demo):
    assert Action.objects.exclude(latest_update=None).exists()
    assert_every_position_matches_its_log()


def test_the_position_follows_updates_written_in_any_order_of_dates(knowsley_demo, manager):
    """Updates dated out of order (a late entry for last week), corrections, completion and
    reopening: after each write the action's position is its log's latest entry."""
    action = Action.objects.get(
        plan__recommendation__inspection=knowsley_demo,
        plan__recommendation__number=1,
        number=3,
    )
    rng = random.Random(13)
    today = timezone.localdate()
    for i in range(12):
        rag = rng.choice([RAG.GREEN, RAG.AMBER, RAG.RED, RAG.BLUE])
        fields = dict(
            by=manager,
            date=today - rng.randint(0, 20) * DAY,
            narrative=f"Entry {i}.",
            rag=rag,
            percent_complete=100 if rag == RAG.BLUE else rng.randint(0, 99),
            reason="" if rag in (RAG.GREEN, RAG.BLUE) else "Slipping.",
            recovery_step="" if rag in (RAG.GREEN, RAG.BLUE) else "Extra sessions.",
        )
        if i % 5 == 4:
            earlier = rng.choice(list(action.updates.standing().order_by("pk")))
            services.update_correct(update=earlier, correction_reason="Wrong figure.", **fields)
        else:
            services.update_log(action=action, **fields)
        assert stored(action) == log_says(action), f"after entry {i}"
    assert_every_position_matches_its_log()


def test_an_update_dated_before_the_latest_does_not_become_the_position(knowsley_demo, manager):
    action = Action.objects.get(
        plan__recommendation__inspection=knowsley_demo,
        plan__recommendation__number=1,
        number=3,
    )
    before = stored(action)

    services.update_log(
        action=action,
        by=manager,
        date=before[3] - 30 * DAY,
        narrative="A late note about last month.",
        rag=RAG.RED,
        percent_complete=5,
        reason="Was off track then.",
        recovery_step="Already recovered.",
    )

    assert stored(action) == before


def test_the_data_migration_fills_the_position_of_existing_actions(knowsley_demo):
    Action.objects.update(latest_update=None, latest_rag="", latest_percent=None,
                          latest_update_date=None)  # fmt: skip
    migration = importlib.import_module("actions.migrations.0007_action_position")

    migration.fill_positions(apps, None)

    assert Action.objects.exclude(latest_update=None).count() == (
        Action.objects.filter(updates__isnull=False).distinct().count()
    )
    assert_every_position_matches_its_log()


def test_the_synthetic_dataset_keeps_positions_like_the_services(db):
    from django.core.management import call_command

    call_command(
        "generate_synthetic",
        "--services=1",
        "--inspections=1",
        "--recommendations=3",
        "--actions=2",
        "--updates=3",
        "--big=0",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert Action.objects.exclude(latest_update=None).exists()
    assert_every_position_matches_its_log()


# --- Pages read positions, not logs ---------------------------------------------------------


class UpdatesBuilt:
    """Counts ProgressUpdate model objects built while it is open."""

    def __init__(self):
        self.count = 0

    def __call__(self, sender, **kwargs):
        self.count += 1

    def __enter__(self):
        post_init.connect(self, sender=ProgressUpdate)
        return self

    def __exit__(self, *exc):
        post_init.disconnect(self, sender=ProgressUpdate)


@pytest.mark.parametrize(
    "page",
    [
        "action_list",
        "my_actions",
        "dashboard",
        "board_pack",
        "board_pack_xlsx",
        "board_pack_csv",
    ],
)
def test_no_list_or_board_page_builds_more_updates_than_the_actions_it_shows(
    knowsley_demo, manager, page
):
    """At most one update object per action (its latest), never the whole log."""
    action = Action.objects.get(
        plan__recommendation__inspection=knowsley_demo,
        plan__recommendation__number=2,
        number=1,
    )
    for i in range(30):
        services.update_log(
            action=action,
            by=manager,
            date=timezone.localdate() - (i % 10) * DAY,
            narrative=f"Weekly note {i}.",
            rag=RAG.GREEN,
            percent_complete=40,
        )
    urls = {
        "action_list": reverse("action_list"),
        "my_actions": reverse("my_actions"),
        "dashboard": reverse("dashboard", args=[knowsley_demo.pk]),
        # "since=": no "what changed" section, which lists each update it covers.
        "board_pack": reverse("board_pack", args=[knowsley_demo.pk]) + "?since=",
        "board_pack_xlsx": reverse("board_pack", args=[knowsley_demo.pk]) + "?since=&format=xlsx",
        "board_pack_csv": reverse("board_pack", args=[knowsley_demo.pk]) + "?since=&format=csv",
    }
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    actions = Action.objects.filter(plan__recommendation__inspection=knowsley_demo).count()
    updates = ProgressUpdate.objects.filter(
        action__plan__recommendation__inspection=knowsley_demo
    ).count()
    assert updates > 2 * actions

    with UpdatesBuilt() as built:
        response = client.get(urls[page])

    assert response.status_code == 200
    assert built.count <= actions, f"{built.count} update objects for {actions} actions"
