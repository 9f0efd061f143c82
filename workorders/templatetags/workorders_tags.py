"""Time left to a deadline, for people in a hurry: "还剩 35 分钟" / "超时 12 分钟"."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _span(minutes: int) -> str:
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        if rest:
            return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


@register.simple_tag
def time_left(due, now=None):
    """{'text': ..., 'state': 'ok'|'soon'|'late'|'none'} for a deadline."""
    if due is None:
        return {"text": _("no deadline"), "state": "none"}
    now = now or timezone.now()
    seconds = (due - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    if seconds < 0:
        return {"text": _("%(span)s overdue") % {"span": _span(max(minutes, 1))}, "state": "late"}
    state = "soon" if seconds <= 30 * 60 else "ok"
    return {"text": _("%(span)s left") % {"span": _span(minutes)}, "state": state}


@register.filter
def event_label(kind: str) -> str:
    from ..choices import EVENT_LABELS

    return str(EVENT_LABELS.get(kind, kind))


@register.filter
def event_note(event) -> str:
    """A history row's note; the sweep's escalation notes are rendered again from the event's data
    in the reader's language (they are stored in the language the sweep ran under)."""
    from complaints.display import event_note as _event_note

    return _event_note(event.kind, event.note, event.data)
