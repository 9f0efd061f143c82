"""A staff member's own in-app notifications: the `/notifications/` page, the header bell and the
API's read actions. Reads are always the user's own rows of the in-app channel (the e-mail and SMS
copies of a message are delivery records, not a second message to read)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from core.choices import NotificationChannel
from core.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first (index customers_notif_inbox)."""
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP).order_by(
        "-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read: those of `ids`, or all of them. One guarded
    UPDATE: a notification read already keeps its first read time. Returns rows marked."""
    qs = notification_list(user=user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.order_by().update(read_at=timezone.now(), updated_at=timezone.now())
