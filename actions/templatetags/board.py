from django import template

register = template.Library()


@register.filter
def dict_get(mapping, key):
    """`{{ counts|dict_get:key }}`: a value from a dict by a variable key."""
    return mapping.get(key, 0) if mapping else 0
