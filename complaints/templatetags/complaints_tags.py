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


@register.filter
def order_url(order):
    """The page of an order of any kind (complaints.kinds.order_url)."""
    from complaints.kinds import order_url as url

    return url(order)


@register.filter
def informant_hidden(order, user):
    """`{% if c|informant_hidden:user %}`: a report's informant is not for this user
    (complaints.selectors.informant_hidden, the one rule)."""
    from complaints.selectors import informant_hidden as hidden

    return hidden(user, order)


@register.simple_tag
def complainant_of(order, user):
    """Who filed the order as a list shows it: anonymous, the informant withheld, the named
    complainant, the customer, or a dash."""
    from complaints.selectors import informant_hidden as hidden

    if order.anonymous:
        return _("Anonymous")
    if hidden(user, order):
        return _("Informant withheld")
    if order.complainant_name:
        return order.complainant_name
    return order.customer.name if order.customer_id and order.customer else "—"
