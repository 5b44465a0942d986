"""Staff pages of inspections: `pages` (home, inspection, recommendation), `imports`
(reading a published report into a reviewed inspection)."""
