"""The receipt carries the number, kind, deadlines, the shortened complaint text, the callback phone
and the hotline (SPEC §8); a company customer's complainant defaults to its contact person."""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_receipt_shows_text_callback_phone_and_hotline(client, users, station):
    c = ComplaintFactory(station=station, description="电费" * 100, complainant_phone="13912345678",
                         received_by=users["counter"])
    client.force_login(users["counter"])
    html = client.get(f"/complaints/{c.number}/receipt/?paper=80mm").content.decode()
    assert c.number in html and "95598" in html and 'id="receipt-callback">13912345678<' in html
    assert "电费" * 50 in html and "电费" * 100 not in html  # shortened
    assert 'class="receipt-80mm"' in html and "onclick" not in html


def test_a_company_customers_complainant_defaults_to_its_contact_person(client, users, station):
    customer = CustomerFactory(station=station, name="城东五金机电有限公司", kind="commercial", contact_name="赵建华")
    client.force_login(users["counter"])
    found = client.get("/customers/search.json", {"q": customer.account_no}).json()["results"][0]
    assert found["complainant"] == "赵建华" and found["name"] == "城东五金机电有限公司"
    resp = client.post("/counter/", {"customer": customer.pk, "channel": "counter", "category": "service.attitude",
                                     "severity": "normal", "description": "电压不稳", "complainant_name": "",
                                     "complainant_phone": "13900000000"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    complaint = Complaint.objects.get(customer=customer)
    assert complaint.complainant_name == "赵建华"
