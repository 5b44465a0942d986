"""Import a published inspection report (PDF or text) from the command line."""

import datetime
import getpass
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections import services
from inspections.importer import ReportReadError
from inspections.importer.parse import read_report
from inspections.models import Framework, Service


class Command(BaseCommand):
    help = (
        "Read an inspection report (PDF or text) and save it as an inspection. "
        "--dry-run saves nothing; --json prints the parsed result as one JSON object."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report: a PDF or a text file.")
        parser.add_argument("--service", help="The slug of the service it inspected.")
        parser.add_argument("--dry-run", action="store_true", help="Parse only; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--framework", help="Framework slug, when the report's framework is not recognised."
        )
        parser.add_argument(
            "--by",
            "--user",
            dest="by",
            default="",
            metavar="USERNAME",
            help="Who is importing: an active administrator of the service. Without it, the "
            "import acts as an active superuser and records the operating-system user who ran "
            "the command in every row's history.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            parsed = read_report(data, path.name)
        except ReportReadError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            public = {k: v for k, v in parsed.items() if k != "sources"}
            self.stdout.write(json.dumps(public, ensure_ascii=False))
        else:
            self._summary(parsed)
        if options["dry_run"]:
            return
        self._save(parsed, options)

    def _summary(self, parsed: dict) -> None:
        self.stdout.write(f"Service: {parsed['service'] or 'not found'}")
        self.stdout.write(f"Framework: {parsed['framework']}")
        self.stdout.write(f"Overall rating: {parsed['overall_rating'] or 'not found'}")
        score = f"{parsed['score']}/{parsed['score_max']}" if parsed["score"] is not None else None
        self.stdout.write(f"Score: {score or 'not found'}")
        self.stdout.write(f"Standards: {len(parsed['standards'])}")
        self.stdout.write(f"Recommendations: {len(parsed['recommendations'])}")
        for item in parsed["not_found"]:
            self.stdout.write(f"Not found: {item}")
        for warning in parsed["warnings"]:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))

    def _save(self, parsed: dict, options) -> None:
        if not options["service"]:
            raise CommandError("Say which service it inspected with --service SLUG.")
        try:
            service = Service.objects.get(slug=options["service"])
        except Service.DoesNotExist as error:
            raise CommandError(f"No service has the slug {options['service']!r}.") from error
        framework = Framework.objects.filter(
            slug=options["framework"] or parsed["framework"]
        ).first()
        if framework is None:
            raise CommandError(
                f"The report's framework ({parsed['framework']}) is not loaded: name one with "
                "--framework SLUG (e.g. hmip-youth-2018)."
            )
        user, reason = self._acting_user(options["by"], path=Path(options["file"]))
        fieldwork = parsed["fieldwork_start"]
        published = parsed["published"]
        try:
            inspection = services.inspection_import(
                parsed=parsed,
                service=service,
                framework=framework,
                by=user,
                fieldwork_start=datetime.date.fromisoformat(fieldwork) if fieldwork else None,
                published_on=datetime.date.fromisoformat(published + "-01") if published else None,
                overall_rating=parsed["overall_rating"],
                score=parsed["score"],
                reason=reason,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(f"{user} cannot import for {service}: {error}") from error
        self.stdout.write(f"Recorded as imported by {user} ({reason})")
        self.stdout.write(self.style.SUCCESS(f"Saved inspection {inspection.pk}: {inspection}."))

    def _acting_user(self, username: str, *, path: Path):
        """The user the import is recorded against, and the history's change reason."""
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active user is called {username!r} (--by).")
            return user, f"import_report {path.name}"
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("Say who is importing with --by USERNAME.")
        return user, f"import_report run by OS user {os_user()} without --by: {path.name}"


def os_user() -> str:
    """The operating-system account running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (e.g. a container)
        import os

        return f"uid {os.getuid()}"
