import contextlib
import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.text import capfirst

register = template.Library()


@register.filter
def dict_get(mapping, key):
    """`{{ counts|dict_get:key }}`: a value from a dict by a variable key."""
    return mapping.get(key, 0) if mapping else 0


@register.filter
def status_label(code):
    """A lifecycle status code in words (`closure_proposed` → "Closure proposed")."""
    from actions.models import Action, ActionPlan, DueDateChange
    from inspections.models import Recommendation

    for choices in (Recommendation.Status, ActionPlan.Status, Action.Status, DueDateChange.Status):
        if code in choices.values:
            return choices(code).label
    return code


@register.filter
def as_list(choices):
    """Read a field's choices once: the template `for` would otherwise COUNT them first."""
    return [choice for choice in choices]  # not list(): it asks the length (a COUNT) first


@register.filter
def transition_text(t):
    """A transition in words, without who and why: "In progress → Complete", or for a due
    date "New due date asked for: 1 April 2026 → 3 May 2026"."""
    from actions.models import DueDateChange, Transition

    if t.subject == Transition.Subject.DUE_DATE:
        dates = " → ".join(
            formats.date_format(d, "j F Y") if d else "–" for d in (t.old_due_date, t.new_due_date)
        )
        verb = {
            DueDateChange.Status.PENDING: "asked for",
            DueDateChange.Status.APPROVED: "approved",
            DueDateChange.Status.DECLINED: "declined",
        }.get(t.to_status, status_label(t.to_status))
        return f"New due date {verb}: {dates}"
    moved = status_label(t.to_status)
    return f"{status_label(t.from_status)} → {moved}" if t.from_status else moved


@register.filter
def readable(value):
    """A value of a record's history or log in words: a date as "3 November 2026" (also
    when the log holds it as YYYY-MM-DD text), a status code as its label."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str) and len(value) == 10:
        with contextlib.suppress(ValueError):
            value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return status_label(value)


@register.filter
def decision_words(transition):
    """A chair's decision in words, saying what it was about: "Recommendation 3: action
    plan approved", "Action 2.1: new due date 3 March 2027 approved"."""
    from actions.rules import decision_label

    label = decision_label(transition)
    if transition.action_id:
        return label
    return f"Recommendation {transition.recommendation.number}: {label[0].lower()}{label[1:]}"


# --- Tags: colour AND words ---------------------------------------------------------------
# The one place tags are made (the includes `includes/rag_tag.html` and `status_tag.html`
# call these): a filter renders far faster than an include inside a long table.

RAG_TAGS = {
    "green": ("govuk-tag--green app-tag--rag", "Green: on track"),
    "amber": ("govuk-tag--yellow app-tag--rag", "Amber: at risk"),
    "red": ("govuk-tag--red app-tag--rag", "Red: off track"),
    "blue": ("app-tag--rag", "Blue: complete"),
    "overdue": ("govuk-tag--red app-tag--rag app-tag--overdue", "Overdue"),
    "cancelled": ("govuk-tag--grey app-tag--rag", "Cancelled"),
    "not_recorded": ("govuk-tag--grey app-tag--rag", "RAG not recorded"),
    "none": ("govuk-tag--grey app-tag--rag", "No update yet"),
    "": ("govuk-tag--grey app-tag--rag", "No update yet"),
}
STATUS_TAG_COLOURS = {
    "open": "govuk-tag--grey",
    "cancelled": "govuk-tag--grey",
    "superseded": "govuk-tag--grey",
    "planned": "govuk-tag--teal",
    "draft": "govuk-tag--teal",
    "submitted": "govuk-tag--yellow",
    "closure_proposed": "govuk-tag--yellow",
    "pending": "govuk-tag--yellow",
    "in_progress": "",
    "approved": "govuk-tag--green",
    "complete": "govuk-tag--green",
    "closed": "govuk-tag--green",
    "returned": "govuk-tag--red",
    "declined": "govuk-tag--red",
}


@register.filter
def rag_tag(rag):
    """A RAG as a tag: "green", "amber", "red", "blue", "overdue", "cancelled", or empty or
    "none" for no update yet. Overdue is red with a heavy outline (app.css)."""
    classes, label = RAG_TAGS.get(rag or "", ("govuk-tag--grey app-tag--rag", None))
    return format_html('<strong class="govuk-tag {}">{}</strong>', classes, label or capfirst(rag))


@register.simple_tag
def status_tag(status, label=""):
    """A lifecycle status as a tag. GOV.UK Frontend 6 has no blue modifier: the plain tag
    is its blue, and teal stands in for light blue."""
    classes = STATUS_TAG_COLOURS.get(status, "govuk-tag--grey")
    text = label or status_label(status)
    if classes:
        return format_html('<strong class="govuk-tag {}">{}</strong>', classes, text)
    return format_html('<strong class="govuk-tag">{}</strong>', text)


@register.simple_tag
def recommendation_status(position):
    """A recommendation's status tag, with its plan's state whenever the plan is what it
    waits on, so a "Planned" recommendation never hides a plan that was returned."""
    tag = status_tag(position.status, position.status_label)
    if not position.plan_status or position.plan_status == "approved":
        return tag
    plan = status_tag(position.plan_status, position.plan_status_label)
    return format_html('{}<br><span class="app-plan-state">Plan: {}</span>', tag, plan)


@register.filter
def reason_recovery(update):
    """An Amber or Red update's reason and recovery step, on a line of their own."""
    if update is None or not (update.reason or update.recovery_step):
        return ""
    return format_html(
        '<br><span class="app-reason"><strong>Why:</strong> {} '
        "<strong>Recovery:</strong> {}</span>",
        update.reason or "–",
        update.recovery_step or "–",
    )
