"""The client's real address, and the username a sign-in attempt was for.

Behind TRUSTED_PROXY_COUNT reverse proxies, each appending the address it saw to
X-Forwarded-For, the client is the entry the outermost proxy appended: the
TRUSTED_PROXY_COUNT-th from the right. Entries further left were written by the client and
prove nothing. With no trusted proxy the header is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        entries = [entry for entry in forwarded.split(",") if entry.strip()]
        if entries:
            chosen = entries[-proxies] if len(entries) >= proxies else entries[0]
            cleaned = _clean(chosen)
            if cleaned:
                return cleaned
    return _clean(remote)


def attempted_username(request, credentials: dict | None = None) -> str | None:
    """The username a sign-in attempt named: allauth's form posts it as `login`."""
    if credentials:
        name = credentials.get("username") or credentials.get("login")
        if name:
            return str(name)
    data = getattr(request, "POST", None) or {}
    return data.get("login") or data.get("username")
