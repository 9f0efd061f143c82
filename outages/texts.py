"""The customers' SMS texts (SPEC §12): Chinese, naming the area or line, the cause, the times and
the hotline 95598, and each ONE segment: at most 70 characters (a UCS-2 SMS segment), so a
customer gets one message, not a concatenated pair. When the cause or the scope's name is too long
it is shortened with "…" (the cause first). Pure functions: no ORM, times passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.utils import timezone

SEGMENT = 70  # characters of one UCS-2 SMS segment
HOTLINE = "95598"
SIGN = f"【{HOTLINE}】"
MIN_PART = 4  # the cause and the scope keep at least this many characters


def scope_label(names: Sequence[str]) -> str:
    """"10kV东风01线" for one line or area, "10kV东风01线等3处" for several."""
    names = [n for n in names if n]
    if not names:
        return "您所在区域"
    return names[0] if len(names) == 1 else f"{names[0]}等{len(names)}处"


def when(moment: datetime | None, *, same_day_as: datetime | None = None) -> str:
    """"12月18日08:00" in local time; "17:00" when on the same local day as `same_day_as`."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if same_day_as is not None and timezone.localtime(same_day_as).date() == local.date():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _cut(text: str, over: int) -> str:
    keep = max(MIN_PART, len(text) - over - 1)
    return text if len(text) <= keep else text[:keep] + "…"


def fit(make: Callable[[str, str], str], scope: str, cause: str) -> str:
    """`make(scope, cause)` within one segment: shorten the cause, then the scope."""
    text = make(scope, cause)
    if len(text) > SEGMENT:
        cause = _cut(cause, len(text) - SEGMENT)
        text = make(scope, cause)
    if len(text) > SEGMENT:
        scope = _cut(scope, len(text) - SEGMENT)
        text = make(scope, cause)
    return text


def _until(end: datetime | None, start: datetime | None) -> str:
    return f"预计{when(end, same_day_as=start)}恢复" if end else "恢复时间另行通知"


def planned_notice(*, scope: str, cause: str, start: datetime, end: datetime | None) -> str:
    """A planned outage, when published (not urgent: waits for the end of quiet hours)."""
    span = f"{when(start)}至{when(end, same_day_as=start)}" if end else when(start)
    return fit(lambda s, c: f"{SIGN}{s}计划于{span}停电，原因：{c}。咨询请拨{HOTLINE}。", scope, cause)


def advance_notice(*, scope: str, cause: str, start: datetime, end: datetime | None) -> str:
    """A temporary outage, told ahead to the important users of its scope."""
    until = _until(end, start)
    return fit(lambda s, c: f"{SIGN}{s}将于{when(start)}临时停电，{until}，原因：{c}。咨询{HOTLINE}。", scope, cause)


def power_off(*, scope: str, cause: str, start: datetime, end: datetime | None, fault: bool) -> str:
    """A fault or temporary outage, when it starts (urgent)."""
    what = "故障停电，正在抢修" if fault else "临时停电"
    until = _until(end, start)
    return fit(lambda s, c: f"{SIGN}{s}{when(start)}起{what}，原因：{c}，{until}。咨询{HOTLINE}。", scope, cause)


def new_estimate(*, scope: str, reason: str, new: datetime, now: datetime) -> str:
    """The estimated restore time changed."""
    at = when(new, same_day_as=now)
    return fit(lambda s, c: f"{SIGN}{s}停电预计恢复时间改为{at}，原因：{c}。咨询{HOTLINE}。", scope, reason)


def restored(*, scope: str, at: datetime) -> str:
    """Power is back (urgent)."""
    return fit(lambda s, c: f"{SIGN}{s}已于{when(at)}恢复供电，感谢您的理解与支持。咨询{HOTLINE}。", scope, "")


def cancelled(*, scope: str, start: datetime | None) -> str:
    """An announced outage will not happen."""
    planned = f"原定{when(start)}的" if start else ""
    return fit(lambda s, c: f"{SIGN}{s}{planned}停电已取消，正常供电。咨询{HOTLINE}。", scope, "")
