"""Generate the synthetic national dataset (see `actions.synthetic`)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from actions import synthetic


class Command(BaseCommand):
    help = (
        "Generate a synthetic national dataset: services named 'Synthetic service 001', ... "
        "(slugs synthetic-...), each with a board, people, HMIP inspections, recommendations "
        "in every status, plans, actions, progress updates, date changes and evidence. "
        "The defaults give 150 services, about 16,000 actions and 340,000 progress "
        "updates, plus one large inspection (10 recommendations x 10 actions) on service "
        "001 for the board pack. "
        "Rows are written with bulk_create for speed, bypassing the services but consistent "
        "with the lifecycle (every status has its transitions); django-simple-history "
        "records no history for them. The same --seed gives the same data on the same day. "
        "The 'synthetic' login (no usable password) authors the records, is the manager of "
        "every synthetic service and is linked to each service's manager. Not for production."
    )

    def add_arguments(self, parser):
        size = synthetic.Size()
        parser.add_argument("--services", type=int, default=size.services)
        parser.add_argument("--inspections", type=int, default=size.inspections, help="per service")
        parser.add_argument(
            "--recommendations", type=int, default=size.recommendations, help="per inspection"
        )
        parser.add_argument(
            "--actions", type=int, default=size.actions, help="per recommendation with a plan"
        )
        parser.add_argument(
            "--updates",
            type=int,
            default=size.updates,
            help="progress updates per started action (a third for cancelled ones)",
        )
        parser.add_argument(
            "--big",
            default=f"{size.big_recommendations}x{size.big_actions}",
            help="extra inspection on service 001, RECOMMENDATIONSxACTIONS; 0 for none",
        )
        parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
        parser.add_argument(
            "--clear", action="store_true", help="delete the synthetic services first"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            big = (
                [int(n) for n in options["big"].lower().split("x")]
                if options["big"] != "0"
                else [0, 0]
            )
            big_recs, big_actions = big
        except ValueError as error:
            raise CommandError("--big takes RECOMMENDATIONSxACTIONS, e.g. 10x10, or 0.") from error
        for name in ("services", "inspections", "recommendations", "actions", "updates"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if options["clear"]:
            removed = synthetic.clear()
            self.stdout.write(f"Removed {removed} synthetic services.")
        elif synthetic.synthetic_services().exists():
            raise CommandError("Synthetic data exists already: add --clear to replace it.")
        size = synthetic.Size(
            services=options["services"],
            inspections=options["inspections"],
            recommendations=options["recommendations"],
            actions=options["actions"],
            updates=options["updates"],
            big_recommendations=big_recs,
            big_actions=big_actions,
        )
        verbose = options["verbosity"] > 1
        counts = synthetic.generate(
            size=size,
            seed=options["seed"],
            progress=(lambda n: self.stdout.write(f"  {n} services written")) if verbose else None,
        )
        if connection.vendor == "postgresql":
            # Fresh planner statistics after a bulk load, as autovacuum would give later.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        for name, value in counts.items():
            self.stdout.write(f"{name:>32}: {value:,}")
        self.stdout.write(self.style.SUCCESS(f"Synthetic data generated in {elapsed:.1f} s."))
