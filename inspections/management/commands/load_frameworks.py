"""Load (or refresh) every inspection framework in `inspections/framework_data/`."""

from django.core.management.base import BaseCommand

from inspections.frameworks import available_frameworks, load_framework


class Command(BaseCommand):
    help = "Load or refresh the inspection frameworks held as data files (idempotent)."

    def handle(self, *args, **options):
        for slug in available_frameworks():
            framework = load_framework(slug)
            self.stdout.write(f"{framework.slug}: {framework.name}")
