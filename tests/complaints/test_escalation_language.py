"""Escalation levels and deadline kinds read in the reader's language on every page, whatever
language the sweep that wrote the rows ran under (its notes and reasons are stored text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from complaints.display import escalation_reason, event_note
from complaints.models import ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from tests.complaints.factories import ComplaintFactory

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ENGLISH = ("Warning", "Breached", "Severe", "Acknowledge ·", "escalation_acknowledged",
           "The deadline passed unmet", "Breach of a major or forwarded complaint")


@pytest.fixture
def escalated_in_english(settings, users, station):
    """A major complaint past its acknowledge deadline, swept by a site whose LANGUAGE_CODE was
    English at the time (rows written before the site switched, or a worker set up differently)."""
    complaint = ComplaintFactory(station=station, handler=users["handler"], received_at=T0, severity="major",
                                 ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))
    settings.LANGUAGE_CODE = "en"
    enforce_sla(now=T0 + timedelta(hours=2))
    settings.LANGUAGE_CODE = "zh-hans"
    assert ComplaintEvent.objects.filter(complaint=complaint, note="Acknowledge · Breached").exists()
    assert Escalation.objects.filter(complaint=complaint, reason__startswith="Breach of a major").exists()
    return complaint


def _page(client, user, url, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_detail_timeline_and_escalations_in_chinese(client, users, escalated_in_english):
    c = escalated_in_english
    esc = Escalation.objects.get(complaint=c, level=3)
    client.force_login(users["manager"])
    client.post(f"/escalations/{esc.pk}/acknowledge/", {"note": "已协调"})
    html = _page(client, users["manager"], f"/complaints/{c.number}/", "zh-hans")
    for level in ("预警", "已超时", "严重"):
        assert f"首次联系 · {level}" in html
    assert "升级已确认" in html and "首次联系 · 严重 · 已协调" in html
    assert "重大或越级投诉超期：立即升级为严重。" in html  # the reason, stored in English
    for word in ENGLISH:
        assert word not in html, word


def test_detail_timeline_in_english_when_the_sweep_wrote_chinese(client, users, station):
    c = ComplaintFactory(station=station, handler=users["handler"], received_at=T0,
                         ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))
    enforce_sla(now=T0 + timedelta(hours=2))  # the site's language: Chinese notes and reasons
    assert ComplaintEvent.objects.filter(complaint=c, note="首次联系 · 已超时").exists()
    html = _page(client, users["manager"], f"/complaints/{c.number}/", "en")
    assert "Acknowledge · Warning" in html and "Acknowledge · Breached" in html
    assert "The deadline passed unmet." in html
    assert "已超时" not in html and "已超过时限仍未完成" not in html


@pytest.mark.parametrize("url", ["/escalations/", "/dashboard/"])
def test_inbox_and_dashboard_name_levels_and_deadlines_in_chinese(client, users, escalated_in_english, url):
    html = _page(client, users["manager"], url, "zh-hans")
    assert "严重" in html and "已超时" in html and "首次联系" in html
    for word in ("Warning", "Breached", "Severe", ">Acknowledge<"):
        assert word not in html, word


@translation.override("zh-hans")
def test_display_helpers_fall_back_to_what_was_stored():
    assert event_note("escalated", "stored", {}) == "stored"
    assert event_note("escalated", "stored", {"deadline": "nonsense", "level": 2}) == "stored"
    assert event_note("acknowledged", "已电话联系", {"deadline": "ack", "level": 1}) == "已电话联系"
    assert event_note("escalation_acknowledged", "", {"deadline": "resolve", "level": 2}) == "答复处理结果 · 已超时"
    assert escalation_reason("人工填写的原因") == "人工填写的原因"
    assert escalation_reason("The deadline passed unmet.") == "已超过时限仍未完成。"


def test_sentences_the_services_stored_in_english_read_in_chinese(client, users, station):
    from complaints import services

    c = ComplaintFactory(station=station, handler=users["handler"], received_at=T0)
    with translation.override("en"):  # a handler working in English urged it twice
        for _ in range(2):
            c = services.complaint_urge(complaint=c, by=users["handler"], note="")
    ComplaintEvent.objects.create(complaint=c, at=T0 + timedelta(hours=1), kind="called_back", note="",
                                  data={"satisfaction": "dissatisfied"})
    ComplaintEvent.objects.create(complaint=c, at=T0 + timedelta(hours=1), kind="reopened",
                                  note="The complainant is dissatisfied.", data={})
    assert ComplaintEvent.objects.filter(complaint=c, note="Second urge: escalated to the station head.").exists()
    html = _page(client, users["manager"], f"/complaints/{c.number}/", "zh-hans")
    for english in ("Second urge", "urged twice by the complainant", "dissatisfied", "The complainant is"):
        assert english not in html, english
    assert "第二次催办：已升级至供电所所长。" in html and "客户两次催办" in html and "客户不满意。" in html
    assert "满意度: 不满意" in html
