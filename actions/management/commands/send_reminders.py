"""`python manage.py send_reminders`: e-mail what is due today. Run it daily (README).

Safe to run again: the sent-log holds what went, so nothing goes twice. A send that fails
is logged and left for the next run; the command then exits non-zero.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions.reminders import sending
from yjtracker import locks


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "E-mail action owners (due soon, overdue, no update lately) and board chairs (weekly "
        "digest). Idempotent; exits non-zero when any e-mail could not be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send and record nothing.",
        )
        parser.add_argument(
            "--today",
            type=_date,
            help="Work out reminders as on this date (YYYY-MM-DD), for testing or backfill.",
        )

    def handle(self, *args, dry_run: bool = False, today=None, **opts):
        if isinstance(today, str):  # call_command(today="...") skips the parser
            today = _date(today)
        today = today or timezone.localdate()
        # Runs started on several app servers at once take turns: the later finds the
        # earlier's reminders in the sent-log and sends nothing twice.
        with locks.exclusive("send_reminders"):
            result = sending.run(today=today, dry_run=dry_run, write=self.stdout.write)
        if dry_run:
            self.stdout.write(f"Dry run for {today}: {len(result.due)} e-mail(s) would be sent.")
            return
        self.stdout.write(
            f"{today}: sent {len(result.sent)} e-mail(s), {len(result.failed)} failed."
        )
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} e-mail(s) could not be sent; they will be tried again "
                "on the next run."
            )
