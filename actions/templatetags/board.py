import contextlib
import datetime

from django import template

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
