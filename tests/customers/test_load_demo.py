"""load_demo: base data once (a second run duplicates nothing), users per role, registered loaders."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.module_loading import autodiscover_modules

from customers import demo
from customers.models import ConsumptionRecord, Customer, SupplyStation

pytestmark = pytest.mark.django_db


def counts():
    return (SupplyStation.objects.count(), get_user_model().objects.count(), Customer.objects.count(),
            ConsumptionRecord.objects.count())


@pytest.fixture
def loaders(monkeypatch):
    """Only the loaders a test registers run (other apps' demo modules are imported first, so they
    register into the real registry, not into this test's)."""
    autodiscover_modules("demo")
    monkeypatch.setattr(demo, "_LOADERS", {})
    return demo


def test_load_demo_twice_creates_everything_once(loaders, capsys):
    call_command("load_demo", "--force")
    first = counts()
    assert first[0] == 3 and first[1] == 18 and 300 <= first[2] and first[3] == first[2] * 13
    call_command("load_demo", "--force")
    assert counts() == first
    assert "0 stations created, 0 users created, 0 customers created, 0 consumption created" in capsys.readouterr().out


def test_demo_data_looks_like_a_real_register(loaders):
    call_command("load_demo", "--force")
    stations = {s.code: s for s in SupplyStation.objects.select_related("head")}
    assert {c: s.name for c, s in stations.items()} == {"S01": "城东供电所", "S02": "城西供电所", "S03": "山区供电所"}
    assert [stations[c].area_type for c in ("S01", "S02", "S03")] == ["urban", "rural", "remote"]
    assert all(s.head is not None for s in stations.values())
    customers = Customer.objects.all()
    assert customers.filter(dual_power_supply=True).exists() and customers.filter(has_pv=True).exists()
    assert customers.filter(has_ev_charging=True).exists()
    assert customers.exclude(important_level="none").exists()
    assert set(customers.values_list("grade", flat=True)) == {"A", "B", "C"}
    assert customers.filter(account_manager__username="am_s01").exists()
    for c in customers[:50]:
        c.full_clean()  # valid account numbers, phones, voltages
    months = sorted(set(ConsumptionRecord.objects.values_list("period", flat=True)))
    today = date.today()
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    assert len(months) == 13 and months[-1] == last


def test_demo_is_deterministic(loaders):
    call_command("load_demo", "--force")
    snapshot = list(Customer.objects.order_by("account_no").values_list("account_no", "name", "phone", "grade"))
    Customer.objects.all().delete()
    call_command("load_demo", "--force")
    assert list(Customer.objects.order_by("account_no").values_list("account_no", "name", "phone", "grade")) == snapshot


LANDING = {"admin": "/admin/", "manager": "/dashboard/", "leader": "/dashboard/", "handler_s01": "/my-work/",
           "head_s02": "/station/", "counter_s02": "/counter/", "am_s03": "/my-customers/", "crew_s01": "/crew/"}


def test_each_demo_user_signs_in_with_the_demo_password_and_lands_on_their_page(loaders, client):
    call_command("load_demo", "--force")
    for username, landing in LANDING.items():
        assert client.login(username=username, password="demo12345"), username
        assert client.get("/").url == landing, username
        client.logout()


def test_demo_staff_profiles(loaders):
    call_command("load_demo", "--force")
    User = get_user_model()
    assert User.objects.get(username="leader").profile.leadership
    tiers = {u: User.objects.get(username=u).profile.manager_tier for u in ("am_s01", "am_s02", "am_s03")}
    assert tiers == {"am_s01": "chief", "am_s02": "senior", "am_s03": "standard"}
    assert User.objects.get(username="counter_s02").profile.station.code == "S02"
    assert User.objects.get(username="admin").is_superuser


def test_list_users_prints_role_station_and_landing_page(loaders, capsys):
    call_command("load_demo", "--force")
    capsys.readouterr()
    call_command("load_demo", "--list-users")
    out = capsys.readouterr().out
    counter = next(line for line in out.splitlines() if line.strip().startswith("counter_s01"))
    assert "counter" in counter and "S01" in counter and "/counter/" in counter
    assert "demo12345" in out and "leadership" in out


def test_registered_loaders_run_after_the_base_data_in_order(loaders, capsys):
    calls = []

    def complaints():
        calls.append(("complaints", Customer.objects.count()))
        return "12 complaints"

    loaders.register_demo_loader("workorders", lambda: calls.append(("workorders", 0)), order=30)
    loaders.register_demo_loader("complaints", complaints, order=20)
    call_command("load_demo", "--force")
    assert [name for name, _ in calls] == ["complaints", "workorders"]
    assert calls[0][1] >= 300
    assert "Demo complaints: 12 complaints" in capsys.readouterr().out


def test_every_registered_demo_loader_is_idempotent(capsys):
    """The real thing, with the loaders of every app: a second run adds no row anywhere."""
    from django.apps import apps

    call_command("load_demo", "--force")
    before = {m._meta.label: m.objects.count() for m in apps.get_models()}
    call_command("load_demo", "--force")
    after = {m._meta.label: m.objects.count() for m in apps.get_models()}
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]
               and not k.startswith(("sessions.", "admin."))}
    assert not changed, f"a second load_demo added rows: {changed}"
