"""`/notifications/`: every user's own notifications, newest first, unread marked; mark one or all
read. `/notifications/unread.json` feeds the bell in every page's header (static/js/bell.js)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from .inbox import notification_list, notification_mark_read, notification_unread_count

PAGE_SIZE = 50


def _local_path(value: str, default: str) -> str:
    """Only a path on this site (never `//host` or `https://…`): no open redirect."""
    return value if value.startswith("/") and not value.startswith("//") else default


@login_required
@require_GET
def notification_page(request):
    qs = notification_list(user=request.user)
    show = request.GET.get("show", "")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/notifications.html", {
        "page": page, "show": show, "unread": notification_unread_count(user=request.user)})


@login_required
@require_GET
def notification_unread_json(request):
    """{"unread": n}: the bell's count (one COUNT on the inbox index)."""
    resp = JsonResponse({"unread": notification_unread_count(user=request.user)})
    resp["Cache-Control"] = "no-store"
    return resp


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read; `open=1` then follows the notification's link. Another user's: 404."""
    note = get_object_or_404(notification_list(user=request.user), pk=pk)
    notification_mark_read(user=request.user, ids=[note.pk])
    if request.POST.get("open") and note.link:
        return redirect(_local_path(note.link, "/notifications/"))
    return redirect(_local_path(request.POST.get("next", ""), "/notifications/"))


@login_required
@require_POST
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect(_local_path(request.POST.get("next", ""), "/notifications/"))
