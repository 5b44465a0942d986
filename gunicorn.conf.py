"""gunicorn settings for yjtracker (`gunicorn -c gunicorn.conf.py yjtracker.wsgi`).

Every value can be overridden from the environment (GUNICORN_*) or the command line.
Threads let a worker serve other pages while one waits on the database or storage; PDF and
XLSX renders are capped per process (RENDER_CONCURRENCY), report PDFs are read in a child
process with their own limits, so the timeout below is a last resort, not the plan.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# A request still running after this many seconds is killed with its worker (and logged).
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Replace each worker after this many requests (with jitter), so slow leaks cannot grow.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The limits Django applies anyway, enforced before Django sees the request.
limit_request_line = 8190
limit_request_fields = 100
# Logs: the app logs each request as JSON itself; gunicorn's own lines go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind nginx on the same host: trust its X-Forwarded-Proto (see deploy/nginx).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# /dev/shm for the worker heartbeat files: a slow disk cannot make workers look dead.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn heartbeat files, not user data)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
