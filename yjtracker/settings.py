"""Settings for yjtracker: one module, configured from the environment.

Development needs no environment at all: SQLite, DEBUG on, a throwaway secret key.
Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and usually
DATABASE_URL; with DEBUG off the app refuses to start without a secret key.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "yjtracker.apps.YjtrackerConfig",
    "inspections",
    "actions",
]

MIDDLEWARE = [
    "yjtracker.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "yjtracker.middleware.SessionExpiryMiddleware",
    "yjtracker.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yjtracker.accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yjtracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actions.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "yjtracker.wsgi.application"

# Database: SQLite by default; DATABASE_URL (postgres://...) selects PostgreSQL via psycopg 3.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # Writers take the lock at BEGIN, so concurrent writers queue instead of
                # failing half-way; WAL lets readers carry on meanwhile.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Field history is a record to read: the admin never saves an earlier version again
# (inspections.admin.HistoryAdmin refuses it too; docs/admin.md).
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGIN_URL = "login"  # allauth's sign-in page, under its usual name
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: an idle timeout (SESSION_COOKIE_AGE, renewed by activity at most once a minute)
# and an absolute lifetime from sign-in (SESSION_ABSOLUTE_SECONDS); both are enforced by
# SessionExpiryMiddleware.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies that
# each append to X-Forwarded-For, the address the outermost of them saw
# (yjtracker.client_ip). Never trust the header without a proxy in front that sets it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# django-axes: lock a username at one client address after 10 failures for an hour; the
# same username from another address is not locked.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "yjtracker.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "yjtracker.client_ip.attempted_username"

# Accounts (django-allauth): sign-in by username, password reset by e-mail link, password
# and e-mail change (a new address is used only once confirmed from it). Nobody signs
# themselves up: administrators create accounts, or single sign-on links a known person.
ACCOUNT_ADAPTER = "yjtracker.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "yjtracker.accounts.adapter.SocialAccountAdapter"
MFA_ADAPTER = "yjtracker.accounts.adapter.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "yjtracker: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed sign-ins are counted per username and address by django-axes; allauth's own
# per-username limit would let anyone lock a person out, so it counts per address only.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip"}

# Two-factor sign-in: TOTP with recovery codes. People holding any role listed in
# MFA_REQUIRED_FOR (administrator covers superusers and staff too) must set it up before
# reaching any page, and give a code at every sign-in.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "yjtracker")
MFA_REQUIRED_FOR = env_list("MFA_REQUIRED_FOR", "administrator,chair")

# Single sign-on by OpenID Connect: Microsoft Entra ID (ENTRA_*) and any other provider
# (OIDC_*). A known person only: linking by an e-mail address that an administrator has
# marked verified on their account; an unknown identity is refused, never signed up.
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
_oidc_apps = []
if env_str("ENTRA_TENANT_ID") and env_str("ENTRA_CLIENT_ID"):
    _oidc_apps.append(
        {
            "provider_id": "entra",
            "name": env_str("ENTRA_NAME", "Microsoft"),
            "client_id": env_str("ENTRA_CLIENT_ID"),
            "secret": env_str("ENTRA_CLIENT_SECRET"),
            "settings": {
                "server_url": "https://login.microsoftonline.com/"
                f"{env_str('ENTRA_TENANT_ID')}/v2.0",
                "oauth_pkce_enabled": True,
            },
        }
    )
if env_str("OIDC_SERVER_URL") and env_str("OIDC_CLIENT_ID"):
    _oidc_apps.append(
        {
            "provider_id": env_str("OIDC_PROVIDER_ID", "oidc"),
            "name": env_str("OIDC_NAME", "your organisation"),
            "client_id": env_str("OIDC_CLIENT_ID"),
            "secret": env_str("OIDC_CLIENT_SECRET"),
            "settings": {"server_url": env_str("OIDC_SERVER_URL"), "oauth_pkce_enabled": True},
        }
    )
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": _oidc_apps, "OAUTH_PKCE_ENABLED": True}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence, imported reports): the local disk (MEDIA_ROOT) by default, or
# S3-compatible object storage when S3_BUCKET is set. Either way files are private: they
# are served only through permission-checked views, never by a public or signed URL.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX"),
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if env_bool("S3_SERVER_SIDE_ENCRYPTION", True)
            else {},
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded files (evidence, report files) live outside static and are served only through
# permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
REPORT_IMPORT_MAX_BYTES = env_int("REPORT_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# A report's PDF is read in a child process with these limits (yjtracker.bounded).
REPORT_PDF_MEMORY_MB = env_int("REPORT_PDF_MEMORY_MB", 1024)
REPORT_PDF_SECONDS = env_int("REPORT_PDF_SECONDS", 60)
# PDF and XLSX renders at once per process (yjtracker.render_slots); beyond them, a 429 page.
RENDER_CONCURRENCY = env_int("RENDER_CONCURRENCY", 2)
RENDER_RETRY_AFTER_SECONDS = env_int("RENDER_RETRY_AFTER_SECONDS", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None  # the file-based backend's folder
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "yjtracker <no-reply@localhost>")
# Reminders (`manage.py send_reminders`, run daily): links in e-mails and calendar feeds
# start with SITE_URL; owners hear at these days before a due date, and get a nudge after
# this many days without a progress update.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
REMINDER_DUE_OFFSETS = [int(days) for days in env_list("REMINDER_DUE_OFFSETS", "14,3")]
REMINDER_STALE_DAYS = env_int("REMINDER_STALE_DAYS", 30)

# Logs: one JSON object a line on standard output (LOG_FORMAT=plain for people reading a
# terminal), each with the request id and user id of the request it belongs to. Every
# request is logged by yjtracker.request (method, path without the query, status,
# duration); every 5xx by django.request with its traceback; sign-ins, lockouts and
# refusals by yjtracker.security.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "yjtracker.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "yjtracker.logging.JSONFormatter"},
        "plain": {
            "format": "%(asctime)s UTC %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "()": "yjtracker.log_format.UTCFormatter",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"level": "INFO"},
        "django.server": {"level": "WARNING"},
        "yjtracker": {"level": LOG_LEVEL},
        "axes": {"level": "WARNING"},
        "allauth": {"level": "WARNING"},
    },
}

# Error reporting (optional): set SENTRY_DSN to send errors to Sentry, scrubbed of
# narratives, names and e-mail addresses (yjtracker.sentry).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from yjtracker.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# Health: /healthz and /readyz answer load balancers over plain HTTP too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

FORMS_URLFIELD_ASSUME_HTTPS = True  # transitional: the Django 6 default
# The read-only API (/api/v1/): each personal token may make API_RATE_LIMIT requests in each
# window of API_RATE_PERIOD seconds (counted in the default cache: share it between server
# processes, e.g. the database cache, for the limit to hold across them).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_PERIOD = env_int("API_RATE_PERIOD", 60)

# Partner update links (one action, one person, no account): how long a link lives by
# default, how many a person may send in an hour, how many updates one link takes in a day.
UPDATE_LINK_DAYS = env_int("UPDATE_LINK_DAYS", 14)
UPDATE_LINKS_PER_HOUR = env_int("UPDATE_LINKS_PER_HOUR", 30)
UPDATE_LINK_UPDATES_PER_DAY = env_int("UPDATE_LINK_UPDATES_PER_DAY", 10)
