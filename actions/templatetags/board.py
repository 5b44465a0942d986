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
