"""What the intake pages (counter, phone) show of `core.registry.intake_notices` before saving
(SPEC §12 "Intake knows": the active outage covering the customer — cause, since when, estimated
restore). A notice may name its own `template` (rendered with `notice`); the page renders them
in `_intake_notices.html`, and its preview JSON carries them (times as local text) with the same
HTML, so the page shows them as soon as a customer is picked. One query per registered notice
(`intake_notices_for`)."""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from .registry import intake_notices_for

TIME_FORMAT = "%Y-%m-%d %H:%M"


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime(TIME_FORMAT)
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def notices_html(notices: dict[str, dict]) -> str:
    return render_to_string("_intake_notices.html", {"intake_notices": notices}) if notices else ""


def intake_answer(customer) -> dict:
    """The preview JSON's part: {"notices": {key: {field: text}}, "notices_html": "..."}; nothing
    when there is nothing to show (the page clears what it showed)."""
    notices = intake_notices_for(customer)
    if not notices:
        return {}
    return {"notices": {key: {k: _plain(v) for k, v in notice.items() if k != "template"}
                        for key, notice in notices.items()},
            "notices_html": notices_html(notices)}
