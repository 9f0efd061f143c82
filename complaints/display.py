"""Text that was stored in one language, shown in the reader's.

The SLA sweep stores its timeline notes ("首次联系 · 已超时") and escalation reasons as text in
the language it ran under (settings.LANGUAGE_CODE at the time); the services store their own
fixed sentences ("Second urge: escalated to the station head.") in the language of the request
that wrote them. Pages render such rows again in the active language: escalation rows from the
event's data (deadline, level), known fixed sentences by recognising them in any language. What
people typed is shown as they typed it.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .choices import DeadlineKind, EscalationLevel, Satisfaction, SubjectType

# The sentences the services write as notes and reasons (the same msgids as in services.py).
SYSTEM_SENTENCES = (
    _("Second urge: escalated to the station head."),
    _("urged twice by the complainant"),
    _("The complainant is dissatisfied."),
    _("Closed after the callback."),
    # the orders of every kind (services.order_intake, _reply): shown in the reader's language
    _("Answered on the spot."),
    _("Closed with the reply (no callback)."),
)


# Timeline rows a higher app writes on a complaint (workorders' services), by kind.
OTHER_EVENT_LABELS = {
    "work_order_created": _("Work order created"),
    "work_order_completed": _("Work order completed"),
    "work_order_cancelled": _("Work order cancelled"),
}


def event_label(kind: str) -> str:
    """A complaint timeline row's kind as a label in the active language, never the code."""
    from .choices import EventKind

    try:
        return str(EventKind(kind).label)
    except ValueError:
        return str(OTHER_EVENT_LABELS.get(kind, kind.replace("_", " ")))


def deadline_label(value: str, *, strict: bool = False):
    """The label of a deadline kind: complaints' own, else one a higher app registered
    (core.registry.labels "deadline:<kind>", e.g. the outages' notice); `strict`: ValueError for
    an unknown kind, else the value itself."""
    from core.registry import label

    try:
        return DeadlineKind(value).label
    except ValueError:
        found = label("deadline", value)
        if found is None and strict:
            raise
        return found if found is not None else value


def subject_label(value: str):
    """The label of a subject type: complaints' own, else one a higher app registered
    (core.registry.labels "subject:<type>"), else the value itself."""
    from core.registry import label

    try:
        return SubjectType(value).label
    except ValueError:
        return label("subject", value, value)


def escalation_summary(data) -> str | None:
    """"首次联系 · 已超时" for an escalation event, in the active language, from the event's
    structured data (`deadline`, `level`); None when the data does not name both."""
    data = data or {}
    try:
        kind = deadline_label(data["deadline"], strict=True)
        level = EscalationLevel(int(data["level"])).label
    except (KeyError, TypeError, ValueError):
        return None
    return f"{kind} · {level}"


@lru_cache(maxsize=1)
def _known_sentences() -> dict[str, object]:
    """{the sentence in any of the site's languages (or untranslated): the lazy sentence}."""
    from .sweep import REASON_SEVERE_AT_ONCE, REASONS

    out = {}
    for sentence in (*REASONS.values(), REASON_SEVERE_AT_ONCE, *SYSTEM_SENTENCES):
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                out[str(sentence)] = sentence
        with translation.override(None):
            out[str(sentence)] = sentence
    return out


def system_text(text: str) -> str:
    """`text` in the active language when it is one of the system's own sentences; else as is."""
    known = _known_sentences().get(text)
    return str(known) if known is not None else text


def escalation_reason(reason: str) -> str:
    """An escalation's stored reason in the active language (the sweep's and the services' own
    reasons; anything else as stored)."""
    return system_text(reason)


def event_note(kind: str, note: str, data) -> str:
    """The note a timeline row (of a complaint or a work order) shows."""
    data = data or {}
    if kind == "escalated":
        return escalation_summary(data) or system_text(note)
    if kind == "escalation_acknowledged":
        return " · ".join(part for part in (escalation_summary(data), note) if part)
    if kind == "repeat_warning" and isinstance(data.get("earlier"), list):
        from .selectors import repeat_window

        return _("%(n)s complaints from the same customer or phone within %(days)s days.") % {
            "n": len(data["earlier"]) + 1, "days": repeat_window().days}
    return system_text(note)


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


# The seeded policies' names (seeds.SLA_POLICIES, stored in Chinese) in English; a policy an
# administrator named shows as named.
POLICY_NAMES_EN = {
    "默认（普通客户）": "Default (ordinary customers)",
    "一般投诉·普通客户(C)": "Normal complaint · ordinary customer (C)",
    "一般投诉·金牌客户(B)": "Normal complaint · gold customer (B)",
    "一般投诉·钻石客户(A)": "Normal complaint · diamond customer (A)",
    "重大投诉": "Major complaint",
    "越级投诉（上级转办）": "Forwarded complaint (from a higher authority)",
}


def policy_label(name: str) -> str:
    """A policy's stored name in the page's language (English for the seeded policies)."""
    return POLICY_NAMES_EN.get(name, name) if name and _english() else (name or "")


# The work calendar stores its day names in Chinese (core.seeds.HOLIDAY_NAMES_ZH).
_DAY_SUFFIXES_EN = {"（补假）": " (day in lieu)", "（调休）": " (make-up working day)"}


def calendar_day_label(name: str) -> str:
    """A work-calendar day's name ("春节（补假）") in the page's language."""
    if not name or not _english():
        return name or ""
    from core.seeds import HOLIDAY_NAMES_ZH

    english = {zh: en for en, zh in HOLIDAY_NAMES_ZH.items()} | {"农历除夕": "Spring Festival Eve"}
    parts = []
    for part in name.split("; "):
        suffix = next((s for s in _DAY_SUFFIXES_EN if part.endswith(s)), "")
        base = part[: -len(suffix)] if suffix else part
        parts.append(english.get(base, base) + _DAY_SUFFIXES_EN.get(suffix, ""))
    return "; ".join(parts)


def satisfaction_label(value) -> str:
    """The label of a stored satisfaction value ("dissatisfied" -> 不满意)."""
    try:
        return str(Satisfaction(value).label)
    except ValueError:
        return value or ""
