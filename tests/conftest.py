"""Personas and shared fixtures. The Knowsley demo is the usual test world."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import factories  # noqa: E402


def _load_demo():
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(
        DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo once per test database; each test runs in a transaction rolled back
    afterwards, so the demo is the same for every test. (Transactional tests, which
    pytest-django runs last, flush it; `knowsley_demo` then loads it again.)"""
    with django_db_blocker.unblock():
        _load_demo()


@pytest.fixture
def knowsley_demo(db):
    """The whole `load_demo` world: Knowsley, Liverpool, Sefton, accounts and example plans."""
    from inspections.models import Inspection

    found = Inspection.objects.filter(service__slug="knowsley", fieldwork_start__isnull=False)
    if not found.exists():
        _load_demo()
    return found.get()


def _demo_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.fixture
def chair(knowsley_demo):
    return _demo_user("chair")


@pytest.fixture
def manager(knowsley_demo):
    return _demo_user("manager")


@pytest.fixture
def member(knowsley_demo):
    return _demo_user("member")


@pytest.fixture
def viewer(knowsley_demo):
    return _demo_user("viewer")


@pytest.fixture
def administrator(knowsley_demo):
    return _demo_user("admin")


@pytest.fixture
def outsider(knowsley_demo):
    """A manager of another service (Sefton): sees nothing of Knowsley."""
    return _demo_user("sefton")


@pytest.fixture
def service(db):
    return factories.make_service()


@pytest.fixture(autouse=True)
def two_factor_not_required(settings):
    """Personas sign in with force_login and no authenticator; tests of two-factor sign-in
    (tests/test_two_factor.py) turn the requirement back on."""
    settings.MFA_REQUIRED_FOR = []


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: allauth counts sign-in attempts in it, and ids
    come back after a rolled-back test, so a key made of ids could otherwise meet another
    test's value."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests don't need slow hashing; the product's own hashers are tested separately."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API (moto's server) on a free loopback port, for the whole session."""
    from tests.servers import MotoS3

    server = MotoS3().start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """Uploaded files go to the S3 server, emptied for each test."""
    s3_server.reset()
    settings.STORAGES = s3_server.storages(settings.STORAGES)
    return s3_server


@pytest.fixture
def steady_sessions(monkeypatch):
    """Query-count tests compare two requests: keep the once-a-minute session renewal out
    of them, or a slow machine (more than a minute between the two) adds a session write
    to the second and the count looks as if it grew with the rows."""
    monkeypatch.setattr("yjtracker.middleware.RENEW_AFTER_SECONDS", 10**9)
