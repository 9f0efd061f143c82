"""`/notifications/` and the header bell (SPEC §8): a user's own notifications only, newest
first, unread marked; mark one or all read; the bell's count falls when one is read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Notification

pytestmark = pytest.mark.django_db


def _note(user, subject, *, channel="in_app", minutes_ago=0, read=False, link="/complaints/"):
    n = Notification.objects.create(recipient=user, channel=channel, kind="test", dedupe_key=f"{subject}:{channel}",
                                    subject=subject, body=f"{subject} body", link=link,
                                    read_at=timezone.now() if read else None)
    Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return n


@pytest.fixture
def inbox(users):
    h, other = users["handler"], users["other_handler"]
    return {
        "old": _note(h, "较早的通知", minutes_ago=30),
        "new": _note(h, "最新的通知", minutes_ago=1),
        "read": _note(h, "已读的通知", minutes_ago=10, read=True),
        "email_copy": _note(h, "最新的通知", channel="email", minutes_ago=1),
        "foreign": _note(other, "别人的通知", minutes_ago=2),
    }


def _unread(client) -> int:
    resp = client.get("/notifications/unread.json")
    assert resp.status_code == 200
    assert resp["Cache-Control"] == "no-store"
    return resp.json()["unread"]


def test_the_page_lists_the_users_own_in_app_notifications_newest_first(client, users, inbox,
                                                                       django_assert_max_num_queries):
    client.force_login(users["handler"])
    # session + user, groups (menu), the unread count, the page count and the page's rows
    with django_assert_max_num_queries(7):
        resp = client.get("/notifications/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "别人的通知" not in html
    assert html.index("最新的通知") < html.index("已读的通知") < html.index("较早的通知")
    assert html.count('class="note unread') == 2  # the e-mail copy is not a second message
    assert list(resp.context["page"].object_list) == [inbox["new"], inbox["read"], inbox["old"]]


def test_the_bells_count_falls_when_one_is_read(client, users, inbox):
    client.force_login(users["handler"])
    assert _unread(client) == 2
    resp = client.post(f"/notifications/{inbox['new'].pk}/read/", {"next": "/notifications/"})
    assert resp.status_code == 302 and resp["Location"] == "/notifications/"
    assert _unread(client) == 1
    first_read = Notification.objects.get(pk=inbox["new"].pk).read_at
    assert first_read is not None
    # reading it again changes nothing (the first read time stays)
    client.post(f"/notifications/{inbox['new'].pk}/read/")
    assert Notification.objects.get(pk=inbox["new"].pk).read_at == first_read
    assert _unread(client) == 1


def test_open_marks_read_and_follows_the_link_on_this_site_only(client, users, inbox):
    client.force_login(users["handler"])
    resp = client.post(f"/notifications/{inbox['old'].pk}/read/", {"open": "1"})
    assert resp["Location"] == "/complaints/"
    evil = _note(users["handler"], "外部链接", link="//evil.example/")
    resp = client.post(f"/notifications/{evil.pk}/read/", {"open": "1"})
    assert resp["Location"] == "/notifications/"
    resp = client.post(f"/notifications/{inbox['new'].pk}/read/", {"next": "https://evil.example/"})
    assert resp["Location"] == "/notifications/"


def test_mark_all_read_leaves_other_users_alone(client, users, inbox):
    client.force_login(users["handler"])
    client.post("/notifications/read-all/")
    assert _unread(client) == 0
    assert Notification.objects.get(pk=inbox["foreign"].pk).read_at is None
    assert Notification.objects.get(pk=inbox["email_copy"].pk).read_at is None


def test_another_users_notification_is_not_found(client, users, inbox):
    client.force_login(users["handler"])
    assert client.post(f"/notifications/{inbox['foreign'].pk}/read/").status_code == 404
    assert Notification.objects.get(pk=inbox["foreign"].pk).read_at is None


def test_unread_filter_and_sign_in_required(client, users, inbox):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/unread.json").status_code == 302
    client.force_login(users["handler"])
    resp = client.get("/notifications/?show=unread")
    assert [n.pk for n in resp.context["page"].object_list] == [inbox["new"].pk, inbox["old"].pk]


def test_every_page_header_has_the_bell(client, users):
    client.force_login(users["counter"])
    html = client.get("/counter/").content.decode()
    assert 'id="bell"' in html and 'data-url="/notifications/unread.json"' in html
    assert "js/bell.js" in html


def test_api_read_all_marks_only_the_users_own(api, users, inbox):
    client = api(users["handler"])
    resp = client.post("/api/v1/notifications/read-all/")
    assert resp.status_code == 200
    assert resp.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.get(pk=inbox["foreign"].pk).read_at is None
    listed = api(users["other_handler"]).get("/api/v1/notifications/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["subject"] for r in rows] == ["别人的通知"]
