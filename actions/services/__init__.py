"""The workflow: every write that moves a plan, action or recommendation, with its record.

Each function takes the acting user, checks the role and the lifecycle rule, writes the
change and its Transition row in one transaction. Views, admin actions, commands and tests
all call these (`from actions import services; services.update_log(...)`); nothing else
changes a status. By topic:

- `lifecycle`: the moves allowed, and the helpers that make one with its Transition;
- `plans`: drafting a plan and its actions, submission, approval and return;
- `progress`: progress updates and their corrections, evidence and due-date changes;
- `closure`: proposal, sign-off, send-back and reopening;
- `meetings`: board meetings, and packs issued to them;
- `people`: a person's own settings (e-mail preferences); people a manager adds;
- `records`: the service's response to a recommendation; measures of impact and readings;
- `imports`: bringing in an existing action plan, with its history;
- `links`: partner update links (one action, one person, no account).
"""

from actions.services.closure import (
    recommendation_propose_closure,
    recommendation_reopen,
    recommendation_send_back,
    recommendation_sign_off,
)
from actions.services.imports import plan_import_read, plan_import_save
from actions.services.lifecycle import (
    ACTION_MOVES,
    PLAN_MOVES,
    RECOMMENDATION_MOVES,
    STALE_MESSAGE,
    StaleEdit,
)
from actions.services.links import (
    link_find,
    link_revoke,
    link_send,
    update_by_link,
)
from actions.services.meetings import meeting_edit, meeting_schedule, pack_issue
from actions.services.people import person_add, person_edit, person_set_preferences
from actions.services.plans import (
    action_add,
    action_cancel,
    action_edit,
    plan_approve,
    plan_return,
    plan_start,
    plan_submit,
)
from actions.services.progress import (
    date_change_decide,
    date_change_request,
    evidence_add,
    evidence_withdraw,
    positions_refresh,
    update_correct,
    update_log,
)
from actions.services.records import (
    measure_add,
    measure_edit,
    reading_add,
    recommendation_set_response,
)

__all__ = [
    "ACTION_MOVES",
    "PLAN_MOVES",
    "RECOMMENDATION_MOVES",
    "STALE_MESSAGE",
    "StaleEdit",
    "action_add",
    "action_cancel",
    "action_edit",
    "date_change_decide",
    "date_change_request",
    "evidence_add",
    "evidence_withdraw",
    "link_find",
    "link_revoke",
    "link_send",
    "measure_add",
    "measure_edit",
    "meeting_edit",
    "meeting_schedule",
    "pack_issue",
    "person_add",
    "person_edit",
    "person_set_preferences",
    "plan_import_read",
    "plan_import_save",
    "reading_add",
    "recommendation_set_response",
    "plan_approve",
    "plan_return",
    "plan_start",
    "plan_submit",
    "positions_refresh",
    "recommendation_propose_closure",
    "recommendation_reopen",
    "recommendation_send_back",
    "recommendation_sign_off",
    "update_correct",
    "update_by_link",
    "update_log",
]
