"""Reminders that reach people: what is due to whom on a day, sending it, and calendar feeds.

- `rules`: who is owed which reminder on a day (windows, owners, the chair's digest);
- `sending`: sending what is owed, recording each only after the mail server took it;
- `calendar`: each login's secret calendar feed of due dates.

`reminders_due(today=...)` works out every e-mail owed on a day and leaves out those the
sent-log (`ReminderSent`) already holds; `run(...)` sends them, one at a time, and records
each only after the mail server accepted it. A failed send is logged and left unrecorded,
so the next run tries it again.

Every reminder belongs to a window, and its `period_key` is the window's first day. A run
on any later day of the same window finds it already sent; a day the job did not run is
caught up on the next.

- Due soon (owner): with offsets (14, 3), the 14-day window runs from 14 days before the
  due date until the 3-day window starts, which runs to the due date itself. An action
  first seen inside the 3-day window gets only that reminder.
- Overdue (owner, cannot be turned off): weekly from the first overdue day: the day after
  the due date, then every 7 days.
- No update lately (owner, `Person.wants_nudges`): every N days after the latest progress
  update (the start date when there is none); not sent while the action is overdue, as
  the overdue notice says it all.
- Digest (board chair, `Person.wants_digest`): once per week (Monday to Sunday, sent on the
  first run of the week), and only when there is something in it.

Owners hear only about actions of approved plans (recommendation in progress): a draft
plan's dates are not yet commitments. Nobody inactive (the person, or their login) and
nobody without an e-mail address is sent anything. E-mails carry titles, dates, statuses
and counts only: never a progress narrative, reason or comment.
"""
