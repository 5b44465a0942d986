"""The read-only JSON API for BI tools (Power BI, Excel) and its personal API tokens.

- `models.py`: `ApiToken`, a personal token stored as a SHA-256 hash (registered with the
  actions app through `actions.models`).
- `tokens.py`: creating, revoking and checking tokens, and the per-token rate limit.
- `schemas.py`: what each endpoint returns (the OpenAPI schema is built from these).
- `reads.py`: the scoped, paginated querysets, a fixed number of queries per page.
- `views.py`: the django-ninja endpoints; `urls.py` mounts them under /api/v1/.
- `forms.py`, `pages.py`: the account pages that create and revoke tokens; `admin.py`:
  tokens in the admin (seen, and revoked by a superuser).

Kept free of imports at package level, so `actions.models` can import `models` early.
"""
