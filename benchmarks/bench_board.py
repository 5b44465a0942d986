"""Time the board and list pages against the synthetic national dataset.

Needs the dataset loaded first (``python manage.py generate_synthetic``) in the database the
settings select (DATABASE_URL for PostgreSQL; SQLITE_PATH for a SQLite file). For each page it
prints the SQL query count of one request and the median and 95th percentile server time
over ``--repeat`` requests through django.test.Client, then the two references (the admin
changelist of actions with a filter, and one hand-written SQL statement giving the
dashboard's per-recommendation RAG counts), then one JSON line with every figure.

Run from the repository root: ``python benchmarks/bench_board.py [--repeat 30]``. No asserts:
the targets are reported, never enforced (docs/performance.md).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yjtracker.settings")
# As in production: DEBUG off (no query log, no template debug); the test client's host.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# Page cost, not sign-in: the benchmark logins are not asked for a second factor.
os.environ.setdefault("MFA_REQUIRED_FOR", "")
hosts = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join([*hosts, "testserver", "127.0.0.1", "localhost"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions import synthetic  # noqa: E402
from actions.models import Action, ProgressUpdate  # noqa: E402
from inspections.models import Inspection, Recommendation  # noqa: E402

# The manifest needs collectstatic; the plain storage serves the same pages.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Ratios of medians, measured side by side in one run (issue 13), and a query budget.
TARGETS = {
    "max_queries": 15,
    "dashboard_large_vs_admin": 0.5,
    "dashboard_large_vs_typical": 1.5,
    "pdf_vs_pack_page": 3,
    "national_list_vs_service_list": 1.2,
}

RAW_SQL = """
SELECT r.id, r.number,
  SUM(CASE WHEN a.status IN ('cancelled', 'superseded') THEN 1 ELSE 0 END) AS cancelled,
  SUM(CASE WHEN a.status = 'complete' THEN 1 ELSE 0 END) AS blue,
  SUM(CASE WHEN a.status IN ('not_started', 'in_progress') AND a.current_due_date < %s
      THEN 1 ELSE 0 END) AS overdue,
  SUM(CASE WHEN a.status IN ('not_started', 'in_progress') AND a.current_due_date >= %s
      AND u.rag = 'red' THEN 1 ELSE 0 END) AS red,
  SUM(CASE WHEN a.status IN ('not_started', 'in_progress') AND a.current_due_date >= %s
      AND u.rag = 'amber' THEN 1 ELSE 0 END) AS amber,
  SUM(CASE WHEN a.status IN ('not_started', 'in_progress') AND a.current_due_date >= %s
      AND u.rag = 'green' THEN 1 ELSE 0 END) AS green,
  SUM(CASE WHEN a.status IN ('not_started', 'in_progress') AND a.current_due_date >= %s
      AND a.id IS NOT NULL AND u.id IS NULL THEN 1 ELSE 0 END) AS no_update,
  MAX(u.date) AS last_update
FROM inspections_recommendation r
LEFT JOIN actions_actionplan p ON p.recommendation_id = r.id
LEFT JOIN actions_action a ON a.plan_id = p.id
LEFT JOIN actions_progressupdate u ON u.id = (
  SELECT u2.id FROM actions_progressupdate u2 WHERE u2.action_id = a.id
  ORDER BY u2.date DESC, u2.created_at DESC, u2.id DESC LIMIT 1
)
WHERE r.inspection_id = %s
GROUP BY r.id, r.number
ORDER BY r.number
"""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (0 < share <= 1)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this thread's CPU milliseconds of each of `repeat` calls.

    The CPU time leaves out waiting (for a busy machine's other processes, or for the
    PostgreSQL server, which runs in its own process)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


class QueryCounter:
    """Counts the SQL statements run, whatever DEBUG says."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def summary(wall: list[float], cpu: list[float], digits: int = 1) -> dict:
    return {
        "median_ms": round(statistics.median(wall), digits),
        "p95_ms": round(percentile(wall, 0.95), digits),
        "cpu_median_ms": round(statistics.median(cpu), digits),
    }


def measure_page(client: Client, url: str, repeat: int) -> dict:
    client.get(url)  # warm up: the session's first request stamps it; caches fill
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    wall, cpu = timed(lambda: client.get(url), repeat)
    return {
        "url": url,
        "queries": len(counter.statements),
        "bytes": len(response.content),
        **summary(wall, cpu),
    }


def measure_cold_pdf(client: Client, url: str, repeat: int) -> dict:
    """The PDF when it must be rendered: the cache is emptied before each request."""
    from django.core.cache import cache

    url = url + "?format=pdf"

    def cold():
        cache.clear()
        return client.get(url)

    counter = QueryCounter()
    cache.clear()
    with connection.execute_wrapper(counter):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    wall, cpu = timed(cold, repeat)
    return {
        "url": url + " (rendered each time)",
        "queries": len(counter.statements),
        "bytes": len(response.content),
        **summary(wall, cpu),
    }


def measure_raw_sql(inspection: Inspection, repeat: int) -> dict:
    today = timezone.localdate()
    params = [today] * 5 + [inspection.pk]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, params)
            return cursor.fetchall()

    rows = run()
    wall, cpu = timed(run, repeat)
    return {
        "url": "raw SQL: per-recommendation RAG counts of one inspection",
        "queries": 1,
        "rows": len(rows),
        **summary(wall, cpu, digits=2),
    }


def bench_users():
    User = get_user_model()
    viewer = User.objects.get(username=synthetic.USERNAME)
    admin, created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_unusable_password()
        admin.save()
    return viewer, admin


def pick_inspections() -> tuple[Inspection, Inspection]:
    """A typical inspection (the median by actions) and the largest one (for the packs)."""
    inspections = list(
        Inspection.objects.filter(service__in=synthetic.synthetic_services())
        .annotate(actions=Count("recommendations__plan__actions"))
        .order_by("actions", "pk")
    )
    if not inspections:
        raise SystemExit("No synthetic data: run `python manage.py generate_synthetic` first.")
    big = inspections[-1]
    if big.actions < 100:
        print(
            f"warning: the largest inspection has {big.actions} actions, not 100: "
            "generate the dataset with --big 10x10 (the default)."
        )
    return inspections[len(inspections) // 2], big


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main(repeat: int, export_repeat: int) -> dict:
    viewer, admin = bench_users()
    typical, big = pick_inspections()
    rec = (
        Recommendation.objects.filter(inspection=typical, status="in_progress")
        .annotate(updates=Count("plan__actions__updates"))
        .order_by("-updates", "number")
        .first()
    ) or Recommendation.objects.filter(inspection=typical).first()
    user_client, admin_client = Client(), Client()
    user_client.force_login(viewer)
    admin_client.force_login(admin)
    pack = reverse("board_pack", args=[big.pk])
    pages = {
        "dashboard": (user_client, reverse("dashboard", args=[typical.pk]), repeat),
        "dashboard_large": (user_client, reverse("dashboard", args=[big.pk]), repeat),
        "actions": (user_client, reverse("action_list"), repeat),
        "actions_service": (
            user_client,
            reverse("action_list") + f"?service={big.service_id}",
            repeat,
        ),
        "actions_overdue": (user_client, reverse("action_list") + "?overdue=true", repeat),
        "actions_mine": (user_client, reverse("my_actions"), repeat),
        "recommendation": (
            user_client,
            reverse("recommendation_detail", args=[rec.pk]),
            repeat,
        ),
        "board_pack_html": (user_client, pack, repeat),
        "board_pack_csv": (user_client, pack + "?format=csv", repeat),
        "board_pack_xlsx": (user_client, pack + "?format=xlsx", export_repeat),
        "board_pack_pdf": (user_client, pack + "?format=pdf", export_repeat),
        "overview": (user_client, reverse("overview"), repeat),
        "ref_admin_actions": (
            admin_client,
            "/admin/actions/action/?status__exact=in_progress",
            repeat,
        ),
    }
    results = {}
    for name, (client, url, n) in pages.items():
        results[name] = measure_page(client, url, n)
        r = results[name]
        print(
            f"{name:>20}: {r['queries']:3d} queries  median {r['median_ms']:9.1f} ms  "
            f"p95 {r['p95_ms']:9.1f} ms  cpu {r['cpu_median_ms']:9.1f} ms  ({n} runs)  {url}"
        )
    results["board_pack_pdf_cold"] = measure_cold_pdf(user_client, pack, export_repeat)
    r = results["board_pack_pdf_cold"]
    print(
        f"{'board_pack_pdf_cold':>20}: {r['queries']:3d} queries  median {r['median_ms']:9.1f} ms  "
        f"p95 {r['p95_ms']:9.1f} ms  cpu {r['cpu_median_ms']:9.1f} ms  (cache emptied each time)"
    )
    results["ref_raw_sql"] = measure_raw_sql(typical, repeat)
    results["ref_raw_sql_large"] = measure_raw_sql(big, repeat)
    for name in ("ref_raw_sql", "ref_raw_sql_large"):
        r = results[name]
        print(
            f"{name:>20}:   1 query    median {r['median_ms']:9.2f} ms  "
            f"p95 {r['p95_ms']:9.2f} ms  cpu {r['cpu_median_ms']:9.2f} ms"
        )

    app_pages = [k for k in results if not k.startswith("ref_")]

    def ratio(a: str, b: str, key: str = "median_ms") -> float:
        return round(results[a][key] / max(results[b][key], 0.01), 2)

    checks = {
        "max_queries": max(results[k]["queries"] for k in app_pages),
        "queries_ok": all(results[k]["queries"] <= TARGETS["max_queries"] for k in app_pages),
        "dashboard_queries_same_typical_and_large": (
            results["dashboard"]["queries"] == results["dashboard_large"]["queries"]
        ),
        "dashboard_large_vs_admin": ratio("dashboard_large", "ref_admin_actions"),
        "dashboard_large_vs_typical": ratio("dashboard_large", "dashboard"),
        "pdf_vs_pack_page": ratio("board_pack_pdf", "board_pack_html"),
        "pdf_cold_vs_pack_page": ratio("board_pack_pdf_cold", "board_pack_html"),
        "national_list_vs_service_list": ratio("actions", "actions_service"),
    }
    pairs = {
        "dashboard_large_vs_admin": ("dashboard_large", "ref_admin_actions"),
        "dashboard_large_vs_typical": ("dashboard_large", "dashboard"),
        "pdf_vs_pack_page": ("board_pack_pdf", "board_pack_html"),
        "national_list_vs_service_list": ("actions", "actions_service"),
    }
    for name, (a, b) in pairs.items():
        checks[f"{name}_ok"] = checks[name] <= TARGETS[name]
        # The same ratio of CPU time: steadier on a busy, shared machine (see the notes).
        checks[f"{name}_cpu"] = ratio(a, b, "cpu_median_ms")
    print("targets:", ", ".join(f"{k}={v}" for k, v in checks.items()))
    figures = {
        "benchmark": "board_pages",
        "date": datetime.date.today().isoformat(),
        "database": database_version(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "repeat": repeat,
        "export_repeat": export_repeat,
        "dataset": {
            "services": synthetic.synthetic_services().count(),
            "actions": Action.objects.count(),
            "progress_updates": ProgressUpdate.objects.count(),
            "typical_inspection_actions": typical.actions,
            "large_inspection_actions": big.actions,
        },
        "pages": results,
        "targets": TARGETS,
        "checks": checks,
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--export-repeat", type=int, default=None, help="for the XLSX and PDF (default --repeat)"
    )
    args = parser.parse_args()
    main(args.repeat, args.export_repeat or args.repeat)
