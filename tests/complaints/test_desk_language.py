"""Language, print and names on the desk's pages (issue 15 items 8 and 9, the last review's flaws):
English pages show the data's English names, Chinese pages no English; the receipt names people and
gives every time in one format; a company's complainant is its contact person."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from complaints.display import calendar_day_label, event_label, policy_label
from complaints.models import Complaint, ComplaintEvent
from complaints.templatetags.complaints_tags import time_left
from customers.choices import Grade
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """The text a reader sees (no scripts, styles or attribute values)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def client_for(user, lang="zh-hans"):
    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return c


def test_chinese_complaint_list_has_no_english_in_its_category_filter(users):
    html = client_for(users["manager"]).get("/complaints/").content.decode()
    options = re.findall(r'<select name="category"[^>]*>(.*?)</select>', html, re.S)[0]
    assert "服务规范类（全部）" in options
    assert "(all" not in options and "all）" not in options and "Service conduct" not in options


def test_english_complaint_list_shows_the_categories_english_names(users):
    html = client_for(users["manager"], "en").get("/complaints/").content.decode()
    options = re.findall(r'<select name="category"[^>]*>(.*?)</select>', html, re.S)[0]
    assert "Service conduct (all items)" in options and "Attitude" in options
    assert not re.search(r"[\u4e00-\u9fff]", options), options


def test_english_labels_carry_no_chinese_gloss():
    with translation.override("en"):
        assert str(Grade.A.label) == "A · diamond"
        from complaints.choices import ComplaintChannel
        from workorders.choices import WorkOrderKind

        assert str(ComplaintChannel.FORWARDED.label) == "Forwarded from a higher authority"
        assert str(WorkOrderKind.REPAIR.label) == "Repair"
    with translation.override("zh-hans"):
        assert str(Grade.A.label) == "A · 钻石客户"


def test_queue_times_are_chinese_in_chinese():
    with translation.override("zh-hans"):
        assert time_left(45 * 60) == "45分钟"
        assert time_left(-(3 * 3600 + 5 * 60)) == "已超时3小时5分"
    with translation.override("en"):
        assert time_left(45 * 60) == "45 min"


def test_seeded_policies_and_calendar_days_have_english_names():
    with translation.override("en"):
        assert policy_label("一般投诉·金牌客户(B)") == "Normal complaint · gold customer (B)"
        assert policy_label("自定义策略") == "自定义策略"  # an administrator's own name stays as named
        assert calendar_day_label("春节（补假）") == "Spring Festival (day in lieu)"
        assert calendar_day_label("中秋节; 国庆节") == "Mid-autumn Festival; National Day"
    with translation.override("zh-hans"):
        assert policy_label("一般投诉·金牌客户(B)") == "一般投诉·金牌客户(B)"
        assert calendar_day_label("春节") == "春节"


def test_work_order_rows_on_the_timeline_show_a_label_not_a_code(users, station):
    complaint = ComplaintFactory(station=station, handler=users["handler"])
    ComplaintEvent.objects.create(complaint=complaint, at=timezone.now(), actor=users["handler"],
                                  kind="work_order_created", note="GD202612030001")
    with translation.override("zh-hans"):
        assert event_label("work_order_created") == "已创建工单"
    text = visible(client_for(users["handler"]).get(f"/complaints/{complaint.number}/"))
    assert "已创建工单" in text and "work_order_created" not in text


def test_english_detail_shows_the_policy_in_english(users, station):
    complaint = ComplaintFactory(station=station, handler=users["handler"])
    complaint.sla_targets = {**(complaint.sla_targets or {}), "policy": "一般投诉·普通客户(C)"}
    complaint.save(update_fields=["sla_targets"])
    text = visible(client_for(users["handler"], "en").get(f"/complaints/{complaint.number}/"))
    assert "Normal complaint · ordinary customer (C)" in text and "一般投诉" not in text


@time_machine.travel(datetime(2026, 12, 3, 17, 30, tzinfo=SH), tick=False)
def test_receipt_names_the_clerk_and_gives_every_time_in_one_format(users, station):
    complaint = ComplaintFactory(station=station, received_by=users["counter"], received_at=timezone.now(),
                                 complainant_name="李女士", complainant_phone="13800001111",
                                 description="营业厅窗口排队一小时无人办理，工作人员态度生硬。" * 8)
    text = visible(client_for(users["counter"]).get(f"/complaints/{complaint.number}/receipt/"))
    assert users["counter"].get_full_name() in text and users["counter"].username not in text
    assert "2026-12-03 17:30" in text
    assert not re.search(r"\d{2}:\d{2}:\d{2}", text), "a time with seconds on the receipt"
    times = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    assert len(times) >= 3  # received, first contact, reply
    assert "95598" in text and "13800001111" in text
    assert complaint.description[:40] in text and complaint.description not in text  # shortened


def test_people_are_named_in_the_timeline_queue_and_pauses(users, station):
    complaint = ComplaintFactory(station=station, handler=users["handler"], received_by=users["counter"])
    ComplaintFactory(station=station, handler=None)  # waits in the queue
    c = client_for(users["handler"])
    r = c.post(f"/complaints/{complaint.number}/pause/", {"pause-reason": "等待客户提供电费单"})
    assert r.status_code == 302 and complaint.pauses.exists()
    for url in (f"/complaints/{complaint.number}/", "/queue/", "/my-work/"):
        text = visible(c.get(url))
        assert users["handler"].get_full_name() in text, url
        assert "handler1" not in text and "counter1" not in text, url


def test_counter_from_the_customer_card_takes_the_companys_contact_person(users, station):
    company = CustomerFactory(station=station, name="城东五金机电有限公司", kind="commercial", contact_name="赵建华",
                              phone="0571-88776655")
    c = client_for(users["counter"])
    card = c.get(f"/customers/{company.account_no}/").content.decode()
    assert f"/counter/?customer={company.account_no}" in card
    html = c.get(f"/counter/?customer={company.account_no}").content.decode()
    assert re.search(r'name="complainant_name"[^>]*value="赵建华"', html), "the complainant is the contact person"
    assert 'value="城东五金机电有限公司"' not in html
    assert re.search(rf'name="customer"[^>]*value="{company.pk}"', html)
    assert re.search(r'name="complainant_phone"[^>]*value="0571-88776655"', html)


def test_a_blank_complainant_of_a_company_is_its_contact_person(users, station, category):
    company = CustomerFactory(station=station, name="城东五金机电有限公司", kind="commercial", contact_name="赵建华")
    r = client_for(users["counter"]).post("/counter/", {
        "customer": company.pk, "channel": "counter", "complainant_name": "", "complainant_phone": "13900001111",
        "category": "service.attitude", "severity": "normal", "description": "抄表时间不固定。"})
    assert r.status_code == 302, r.content.decode()[:1000]
    assert Complaint.objects.get(customer=company).complainant_name == "赵建华"


def test_dashboard_shows_the_calendar_warning_once(users):
    # the known calendar ends 2026-12-31; in December every page's header warns managers, once
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=SH), tick=False):
        html = client_for(users["manager"]).get("/dashboard/").content.decode()
    assert html.count('class="notice no-print" id="calendar-notice"') == 1
    assert 'id="calendar-warning"' not in html and "/admin/complaints/workcalendarday/" not in html
    assert html.count("2026-12-31") == 1


def test_complaint_list_cells_are_labelled_for_phones(users, station):
    ComplaintFactory(station=station, received_at=timezone.now() - timedelta(hours=1))
    html = client_for(users["counter"]).get("/complaints/").content.decode()
    for cls in ("c-status", "c-due", "c-sla"):
        assert re.search(rf'<td class="{cls}" data-label="[^"]+">', html), cls


def test_chinese_administration_names_our_models_in_chinese(users):
    c = client_for(users["admin"])
    r = c.get("/admin/", follow=True)
    assert r.status_code == 200 and r.request["PATH_INFO"] == "/admin/", r.redirect_chain
    text = visible(r)
    html = r.content.decode()
    for english in ("Extension requests", "Idempotency keys", "Model name", "Add link", "Access attempts",
                    "Access logs", "Deadlines", "Clock", "Django 站点管理员"):
        assert english not in text and f">{english}<" not in html, english
    assert "延期申请" in text and "幂等键" in text and "供电客户服务中心管理" in html
