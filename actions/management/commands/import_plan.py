"""Bring in an existing action plan (XLSX, CSV or a Word table) from the command line."""

import hashlib
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from actions import services
from actions.models import PlanImport
from actions.plan_import import PlanReadError
from actions.plan_import.mapping import FIELDS, as_headings, guess_mapping, normalise
from actions.plan_import.read import read_table
from actions.plan_import.rows import interpret
from inspections.models import Inspection


class Command(BaseCommand):
    help = (
        "Read an action plan and bring it in under a source. --dry-run --json prints every row "
        "and what it would create, and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: .xlsx, .csv or .docx.")
        parser.add_argument("--source", required=True, help="The id of the source it answers.")
        parser.add_argument("--user", required=True, help="Username the import is recorded by.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADING",
            help=f"Choose a column by its heading; fields: {', '.join(FIELDS)}.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Preview only; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the preview as JSON.")
        parser.add_argument(
            "--board-agreed",
            action="store_true",
            help="Confirm that the board agreed the plan before it was brought in (to save).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user “{options['user']}”.")
        source = Inspection.objects.filter(pk=options["source"]).select_related("service").first()
        if source is None:
            raise CommandError(f"No source with id {options['source']}.")
        try:
            table = read_table(data, path.name)
        except PlanReadError as error:
            raise CommandError(str(error)) from error
        draft = PlanImport(service=source.service, source=source)
        chosen = {}
        for item in options["map"]:
            field, _, heading = item.partition("=")
            if field not in FIELDS:
                raise CommandError(f"Unknown field “{field}”: use one of {', '.join(FIELDS)}.")
            chosen[field] = heading
        mapping = guess_mapping(table.headers, chosen or services.imports.remembered(draft))
        for heading in chosen.values():
            if normalise(heading) not in [normalise(h) for h in table.headers]:
                raise CommandError(f"No column headed “{heading}”.")
        recs, people = services.imports.plan_import_context(draft)
        result = interpret(
            table, mapping, today=timezone.localdate(), recommendations=recs, people=people
        )
        report = {
            "file": path.name,
            "sheet": table.sheet,
            "mapping": as_headings(mapping, table.headers),
            "summary": result.summary(),
            "errors": result.errors,
            "warnings": table.warnings,
            "rows": [row.as_dict() for row in result.rows],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, default=str))
        else:
            self._print(report)
        if options["dry_run"]:
            return
        if not result.ok:
            raise CommandError("Some rows cannot be read: nothing was saved.")
        try:
            with transaction.atomic():
                draft.original_filename = path.name[:255]
                draft.size = len(data)
                draft.sha256 = hashlib.sha256(data).hexdigest()
                draft.uploaded_by = user
                draft.file.save("upload", ContentFile(data), save=False)
                draft.save()
                summary = services.plan_import_save(
                    plan_import=draft,
                    by=user,
                    mapping=mapping,
                    board_agreed=options["board_agreed"],
                )
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", [str(error)])
            raise CommandError(" ".join(messages)) from error
        if not options["json"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Saved: {summary['actions']} actions, {summary['updates']} updates."
                )
            )

    def _print(self, report: dict) -> None:
        self.stdout.write(f"Columns: {report['mapping']}")
        for problem in report["errors"] + report["warnings"]:
            self.stdout.write(f"! {problem}")
        for row in report["rows"]:
            if row["errors"]:
                self.stdout.write(f"Row {row['row']}: cannot be read: {' '.join(row['errors'])}")
            else:
                self.stdout.write(
                    f"Row {row['row']}: recommendation {row['recommendation']}, "
                    f"“{row['action']}” ({row['lead']}, due {row['due']}), "
                    f"{len(row['updates'])} update(s)"
                )
        summary = report["summary"]
        self.stdout.write(
            f"{summary['actions']} actions, {summary['updates']} updates, "
            f"{summary['unreadable_rows']} unreadable rows."
        )
