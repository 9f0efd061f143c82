from django import template

from complaints.templatetags.complaints_tags import time_left

register = template.Library()


@register.filter
def lookup(mapping, key):
    """{{ d|lookup:key }}: a dict item by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def pct(value):
    """A 0..1 rate as a percentage with one decimal, or a dash when there is nothing to rate."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


# the work lists' time-left column, one definition (complaints, below this app)
register.filter("time_left", time_left)
