"""Personas and shared fixtures. The Knowsley demo is the usual test world."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import factories  # noqa: E402


@pytest.fixture
def knowsley_demo(db, settings):
    """The whole `load_demo` world: Knowsley, Liverpool, Sefton, accounts and example plans."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from inspections.models import Inspection

    return Inspection.objects.get(service__slug="knowsley")


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
def fast_password_hashing(settings):
    """Tests don't need slow hashing; the product's own hashers are tested separately."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
