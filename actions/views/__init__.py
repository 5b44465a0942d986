"""Staff pages of the workflow: `actions` (action pages and lists), `plans` (plans and
recommendation decisions)."""
