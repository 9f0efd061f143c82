from django import template
from django.utils.translation import gettext as _

from complaints import display

register = template.Library()


@register.filter
def policy_label(name):
    """A stored policy name in the page's language (display.policy_label)."""
    return display.policy_label(name)


@register.filter
def calendar_day_label(name):
    """A work-calendar day's stored name in the page's language (display.calendar_day_label)."""
    return display.calendar_day_label(name)


@register.filter
def time_left(seconds):
    """Seconds to a deadline as '2 d 3 h', '45 min', or 'overdue 3 h' (the work lists' column)."""
    if seconds is None:
        return "—"
    overdue = seconds < 0
    s = abs(int(seconds))
    days, rem = divmod(s, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    if days:
        text = _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    elif hours:
        text = _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    else:
        text = _("%(m)d min") % {"m": minutes}
    return _("overdue by %(t)s") % {"t": text} if overdue else text
