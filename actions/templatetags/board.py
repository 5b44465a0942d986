from django import template
from django.utils import formats

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
