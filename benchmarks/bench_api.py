"""Time the read-only API's lists against the synthetic national dataset.

Needs the dataset first (``python manage.py generate_synthetic``), as ``bench_board.py`` does,
whose helpers it shares. Reads as the ``synthetic`` login (manager of all 150 services) with a
personal API token made for the run and revoked after it. For each address it prints the SQL
query count of one request and the median and 95th percentile server time over ``--repeat``
requests, beside the admin changelist of actions (the reference ``bench_board.py`` uses),
then one JSON line with every figure. The rate limit is lifted for the run.

Run from the repository root: ``python benchmarks/bench_api.py [--repeat 20]``. No asserts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_board  # noqa: E402  (sets Django up as in production: DEBUG off)
from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions import synthetic  # noqa: E402
from actions.api import tokens  # noqa: E402
from actions.models import Action, ProgressUpdate  # noqa: E402
from inspections.models import Inspection  # noqa: E402

MAX_QUERIES = 5


def main(repeat: int) -> dict:
    settings.API_RATE_LIMIT = 10**9
    viewer, admin = bench_board.bench_users()
    inspection = (
        Inspection.objects.filter(service__in=synthetic.synthetic_services())
        .annotate(actions=Count("recommendations__plan__actions"))
        .order_by("-actions", "pk")
        .first()
    )
    if inspection is None:
        raise SystemExit("No synthetic data: run `python manage.py generate_synthetic` first.")
    token, secret = tokens.api_token_create(user=viewer, name="bench_api")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    admin_client = Client()
    admin_client.force_login(admin)
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    api = "/api/v1/"
    addresses = {
        "api_inspections": (client, f"{api}inspections/"),
        "api_recommendations": (client, f"{api}recommendations/"),
        "api_actions": (client, f"{api}actions/"),
        "api_actions_1000": (client, f"{api}actions/?limit=1000"),
        "api_actions_last_page": (
            client,
            f"{api}actions/?limit=1000&offset={Action.objects.count() // 1000 * 1000}",
        ),
        "api_actions_one_inspection": (client, f"{api}actions/?inspection={inspection.pk}"),
        "api_updates": (client, f"{api}progress-updates/"),
        "api_updates_1000": (client, f"{api}progress-updates/?limit=1000"),
        "api_updates_since_a_week": (client, f"{api}progress-updates/?since={week_ago}"),
        "ref_admin_actions": (admin_client, "/admin/actions/action/?status__exact=in_progress"),
    }
    results = {}
    try:
        for name, (who, url) in addresses.items():
            results[name] = r = bench_board.measure_page(who, url, repeat)
            print(
                f"{name:>27}: {r['queries']:3d} queries  median {r['median_ms']:8.1f} ms  "
                f"p95 {r['p95_ms']:8.1f} ms  {r['bytes']:>9,d} bytes  {url}"
            )
    finally:
        tokens.api_token_revoke(token=token, by=viewer)
    reference = results["ref_admin_actions"]["median_ms"]
    checks = {
        "max_queries": max(r["queries"] for k, r in results.items() if k.startswith("api_")),
        "queries_ok": all(
            r["queries"] <= MAX_QUERIES for k, r in results.items() if k.startswith("api_")
        ),
        "actions_100_vs_admin": round(results["api_actions"]["median_ms"] / reference, 2),
    }
    print("checks:", ", ".join(f"{k}={v}" for k, v in checks.items()))
    figures = {
        "benchmark": "api",
        "date": datetime.date.today().isoformat(),
        "database": bench_board.database_version(),
        "python": platform.python_version(),
        "cpu": bench_board.cpu_model(),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "repeat": repeat,
        "dataset": {
            "actions": Action.objects.count(),
            "progress_updates": ProgressUpdate.objects.count(),
        },
        "pages": results,
        "checks": checks,
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per address")
    main(parser.parse_args().repeat)
