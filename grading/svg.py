"""Inline SVG charts drawn on the server (no JavaScript, no CDN): a sparkline and a bar chart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _num(value) -> float:
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def sparkline(values: list, *, width: int = 120, height: int = 28, label: str = "") -> SafeString:
    """A polyline of the values (None = no data, drawn as 0), scaled to the largest."""
    if not any(v for v in values):
        return mark_safe('<span class="muted">—</span>')
    nums = [_num(v) for v in values]
    top = max(nums, default=0) or 1.0
    step = width / max(len(nums) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(nums))
    last = ""
    if nums:
        x, y = (len(nums) - 1) * step, height - 2 - (nums[-1] / top) * (height - 4)
        last = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#0b4f9c"/>'
    return mark_safe(
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}"><polyline fill="none" stroke="#0b4f9c" stroke-width="1.5" '
        f'points="{points}"/>{last}</svg>')


def bars(months: list[tuple[date, object]], *, width: int = 640, height: int = 180, unit: str = "") -> SafeString:
    """Vertical bars, one per month, labelled with the month number; a tooltip gives the value."""
    nums = [_num(v) for _m, v in months]
    top = max(nums, default=0) or 1.0
    n = max(len(months), 1)
    slot = width / n
    chart_h = height - 22
    parts = []
    for i, ((month, _value), v) in enumerate(zip(months, nums, strict=True)):
        h = (v / top) * (chart_h - 14)
        x = i * slot + slot * 0.15
        y = chart_h - h
        parts.append(
            f'<g><title>{month:%Y-%m}: {v:,.2f} {escape(unit)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="#0b4f9c" rx="2"/>'
            f'<text x="{i * slot + slot / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
            f'fill="#555">{month:%y-%m}</text></g>')
    return mark_safe(
        f'<svg class="barchart" width="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" '
        f'role="img"><line x1="0" y1="{chart_h}" x2="{width}" y2="{chart_h}" stroke="#ccd"/>'
        f'<text x="2" y="10" font-size="11" fill="#555">{top:,.0f} {escape(unit)}</text>{"".join(parts)}</svg>')
