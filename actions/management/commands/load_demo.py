"""Load the Knowsley demo: services, board, the 2023 inspection, example plans, accounts.

It lives in `actions` because it loads both apps' data (inspections first, then plans)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actions.demo import load_example_board, load_example_plans, load_sefton_plan
from inspections import demo, demo_sources
from inspections.frameworks import available_frameworks, load_framework


class Command(BaseCommand):
    help = "Load the Merseyside demo data and demo accounts (development only; idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to load demo data and create demo accounts: DEBUG is off. "
                "Demo accounts with a published password must never exist in production."
            )
        for slug in available_frameworks():
            load_framework(slug)
        demo.load_services()
        accounts = demo.load_accounts()
        knowsley = demo.load_knowsley_2023()
        demo.load_press_only_inspections()
        plans = load_example_plans(knowsley)
        load_example_board(knowsley)
        load_sefton_plan()
        demo_sources.load_knowsley_sources()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded ({plans} example plans created)."))
        self.stdout.write("")
        self.stdout.write("Sign in at http://127.0.0.1:8000/ with any of these demo accounts,")
        self.stdout.write(f"all with the password: {demo.DEMO_PASSWORD}")
        for username, description in accounts:
            self.stdout.write(f"  {username:<8} {description}")
