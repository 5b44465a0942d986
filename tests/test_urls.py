"""Sign-in is required everywhere except the pages a signed-out person must reach."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "accessibility", "healthz", "readyz", "sso_error"}
# Reached by calendar programs, and by partners updating one action by link, who cannot
# sign in: the secret token in the URL is the key, and a wrong token is 404.
TOKEN_PROTECTED = {"calendar_feed", "partner_update"}
# The read-only API (api:...) never signs anyone in: without a personal API token in the
# Authorization header it answers 401 in JSON (an unknown API address, 404).
API_NOT_FOUND = "api:not_found"


def is_allauth(resolver: URLResolver) -> bool:
    """django-allauth's own URLs, included as a whole under accounts/."""
    return getattr(resolver.urlconf_module, "__name__", "") == "allauth.urls"


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or str(entry.pattern).startswith("admin/"):
                continue
            if is_allauth(entry):  # walked by tests/test_accounts.py
                continue
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            for name, pattern in _walk(entry, prefix + str(entry.pattern)):
                yield (namespace + name if name else name), pattern
        elif isinstance(entry, URLPattern):
            yield entry.name, prefix + str(entry.pattern)


def staff_urls():
    """Every named staff URL with sample arguments (1 for each converter)."""
    import re

    urls = []
    for name, pattern in _walk(get_resolver()):
        if not name:
            continue
        kwargs = {m: 1 for m in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}
        for key in list(kwargs):
            if "token" in key or "uidb64" in key:
                kwargs[key] = "x" * 32
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


@pytest.mark.parametrize("name, url", staff_urls(), ids=[n for n, _ in staff_urls()])
def test_anonymous_is_sent_to_sign_in_from_every_staff_page(client, db, name, url):
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code in (200, 302, 401)
        return
    if name in TOKEN_PROTECTED or name == API_NOT_FOUND:
        assert response.status_code == 404
        return
    if name.startswith("api:"):
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_admin_needs_sign_in_too(client, db):
    response = client.get("/admin/inspections/inspection/")
    assert response.status_code == 302 and "login/?next=/admin/" in response["Location"]


def test_the_sign_in_page_and_accessibility_statement_are_public(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("accessibility")).status_code == 200
