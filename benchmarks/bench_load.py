"""Requests a second for the board dashboard and the action lists under concurrent load.

Starts gunicorn (2 workers, sync, as in production with DEBUG off) on a free loopback port
against the database the settings select (the national dataset of
``python manage.py generate_synthetic``), signs in as the ``synthetic`` login by making a
session for it, then runs ``wrk`` (Debian: ``apt-get install -y wrk``) at each concurrency
for each page and prints requests a second and latency, then one JSON line. Without wrk, a
small threaded Python client does the same, less precisely.

Run from the repository root:
``python benchmarks/bench_load.py [--seconds 15] [--concurrency 1 4 16]``.
Indicative only on a shared machine: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "yjtracker.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
}
for key, value in ENV.items():
    os.environ.setdefault(key, value)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.bench_board import bench_users, pick_inspections  # noqa: E402

LOG = Path("/tmp/bench_load_gunicorn.log")  # noqa: S108 (outside the repository on purpose)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user) -> str:
    """A signed-in session for `user`, as the sign-in page would make it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that signs people in (not axes's, which only throttles).
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
        [
            str(gunicorn),
            "yjtracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=(log := open(LOG, "w")),  # noqa: SIM115 (kept open for the server's life)
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def run_wrk(port: int, path: str, cookie: str, concurrency: int, seconds: int) -> dict:
    out = subprocess.run(  # noqa: S603 (fixed tool and arguments)
        [
            "wrk",
            f"-t{min(concurrency, 2)}",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[latency.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_second": round(rps, 1),
        "median_latency_ms": round(float(latency.group(1)) * factor, 1),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "tool": "wrk",
    }


def run_python(port: int, path: str, cookie: str, concurrency: int, seconds: int) -> dict:
    stop = time.monotonic() + seconds
    times: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def worker():
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = get(port, path, cookie)
            with lock:
                times.append((time.perf_counter() - started) * 1000)
                failures[0] += status != 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "requests_per_second": round(len(times) / (time.monotonic() - began), 1),
        "median_latency_ms": round(statistics.median(times), 1) if times else None,
        "non_2xx": failures[0],
        "tool": "python",
    }


def main(seconds: int, levels: list[int], workers: int) -> dict:
    viewer, _ = bench_users()
    typical, big = pick_inspections()
    cookie = session_cookie(viewer)
    pages = {
        "dashboard_large": reverse("dashboard", args=[big.pk]),
        "actions": reverse("action_list"),
        "actions_service": reverse("action_list") + f"?service={big.service_id}",
    }
    # DEBUG off serves static files from the collected manifest, as in production.
    subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )
    port = free_port()
    server = start_gunicorn(port, workers)
    run = run_wrk if shutil.which("wrk") else run_python
    results: dict = {}
    try:
        for name, path in pages.items():
            for _ in range(3):  # warm up each worker
                status = get(port, path, cookie)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: see {LOG}")
            results[name] = {}
            for level in levels:
                r = run(port, path, cookie, level, seconds)
                results[name][str(level)] = r
                print(
                    f"{name:>16} c={level:<3} {r['requests_per_second']:7.1f} req/s  "
                    f"median {r['median_latency_ms']} ms  non-2xx {r['non_2xx']}  ({r['tool']})"
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    figures = {
        "benchmark": "load",
        "workers": workers,
        "seconds": seconds,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "pages": pages,
        "results": results,
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="per page and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    main(args.seconds, args.concurrency, args.workers)
