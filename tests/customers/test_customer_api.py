"""The customer API: scoping per role (out of scope = 404), writes, validation, query budget."""

import pytest

from customers.models import Customer
from tests.customers.factories import ConsumptionFactory, CustomerFactory
from tests.helpers import role_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(users, station, other_station):
    mine = CustomerFactory(station=station, account_manager=users["account_manager"], name="张三")
    ours = CustomerFactory(station=station, name="李四")
    theirs = CustomerFactory(station=other_station, name="王五")
    return {"mine": mine, "ours": ours, "theirs": theirs}


# role -> which customers it sees in list/detail
VISIBLE = {
    "counter": {"mine", "ours"},
    "handler": {"mine", "ours"},
    "manager": {"mine", "ours", "theirs"},
    "admin": {"mine", "ours", "theirs"},
    "account_manager": {"mine"},
    "crew": set(),
}


@pytest.mark.parametrize("role", list(VISIBLE))
def test_each_role_lists_only_the_customers_in_its_scope(api, users, customers, role):
    res = api(users[role]).get("/api/v1/customers/")
    assert res.status_code == 200
    names = {c["account_no"] for c in res.json()["results"]}
    assert names == {customers[k].account_no for k in VISIBLE[role]}


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("which", ["mine", "ours", "theirs"])
def test_detail_outside_scope_is_404(api, users, customers, role, which):
    res = api(users[role]).get(f"/api/v1/customers/{customers[which].pk}/")
    assert res.status_code == (200 if which in VISIBLE[role] else 404)


NEW = {"account_no": "1234567890123", "name": "新客户", "station": "S01", "phone": "13800138000",
       "voltage_kv": "10", "kind": "industrial"}


@role_matrix({"manager": 201, "admin": 201}, others=403)
def test_only_managers_and_admins_create_customers(api, users, role, expected):
    res = api(users[role]).post("/api/v1/customers/", NEW, format="json")
    assert res.status_code == expected, res.content
    assert Customer.objects.filter(account_no=NEW["account_no"]).exists() == (expected == 201)


@pytest.mark.parametrize("role,which,expected", [
    ("manager", "theirs", 200), ("admin", "ours", 200),
    ("handler", "ours", 403), ("handler", "theirs", 404), ("account_manager", "mine", 403),
    ("account_manager", "ours", 404), ("crew", "ours", 404),
])
def test_update_permissions(api, users, customers, role, which, expected):
    res = api(users[role]).patch(f"/api/v1/customers/{customers[which].pk}/", {"address": "新地址"}, format="json")
    assert res.status_code == expected, res.content
    customers[which].refresh_from_db()
    assert (customers[which].address == "新地址") == (expected == 200)


def test_unauthenticated_request_is_refused(api, customers):
    assert api().get("/api/v1/customers/").status_code == 401


@pytest.mark.parametrize("field,value", [
    ("account_no", "12345"),            # too short
    ("account_no", "12345678901234567890123"),  # too long
    ("account_no", "12345abcde"),       # not digits
    ("phone", "12345"),
    ("voltage_kv", "-10"),
    ("station", "NOPE"),
    ("kind", "spaceship"),
])
def test_bad_customer_input_is_400_naming_the_field(api, users, station, field, value):
    res = api(users["manager"]).post("/api/v1/customers/", {**NEW, field: value}, format="json")
    assert res.status_code == 400
    assert field in res.json()
    assert not Customer.objects.filter(name="新客户").exists()


def test_duplicate_account_number_is_400(api, users, customers):
    res = api(users["manager"]).post("/api/v1/customers/", {**NEW, "account_no": customers["ours"].account_no},
                                     format="json")
    assert res.status_code == 400 and "account_no" in res.json()


def test_a_grade_set_by_a_manager_is_manual(api, users, customers):
    res = api(users["manager"]).patch(f"/api/v1/customers/{customers['ours'].pk}/", {"grade": "A"}, format="json")
    assert res.status_code == 200
    assert res.json()["grade"] == "A" and res.json()["grade_source"] == "manual"


def test_filters_grade_station_account_manager_and_q(api, users, customers, station):
    customers["mine"].grade = "A"
    customers["mine"].save()
    client = api(users["manager"])

    def numbers(query):
        return {c["account_no"] for c in client.get(f"/api/v1/customers/?{query}").json()["results"]}

    assert numbers("grade=A") == {customers["mine"].account_no}
    assert numbers("station=S02") == {customers["theirs"].account_no}
    assert numbers("account_manager=am1") == {customers["mine"].account_no}
    assert numbers("q=王五") == {customers["theirs"].account_no}
    assert numbers(f"q={customers['ours'].account_no[:8]}") >= {customers["ours"].account_no}
    assert numbers(f"q={customers['ours'].phone}") == {customers["ours"].account_no}


@pytest.mark.parametrize("size", [5, 50, 200])
def test_customer_list_runs_a_constant_number_of_queries(api, users, station, size, django_assert_max_num_queries):
    CustomerFactory.create_batch(size, station=station, account_manager=users["account_manager"])
    client = api(users["handler"])
    # 1 profile (station of the user) + 1 groups (roles) + 1 count + 1 page with station and
    # account manager joined.
    with django_assert_max_num_queries(4):
        res = client.get(f"/api/v1/customers/?page_size={size}")
    assert len(res.json()["results"]) == size


def test_consumption_get_and_upsert(api, users, customers):
    c = customers["ours"]
    ConsumptionFactory(customer=c, period="2026-01-01", amount_yuan="100.00", kwh="150.00")
    client = api(users["manager"])
    res = client.post(f"/api/v1/customers/{c.pk}/consumption/", {"rows": [
        {"period": "2026-01-01", "kwh": "200.00", "amount_yuan": "120.00"},
        {"period": "2026-02-01", "kwh": "210.00", "amount_yuan": "130.00"},
    ]}, format="json")
    assert res.status_code == 200, res.content
    assert res.json()["changed"] == 2
    rows = client.get(f"/api/v1/customers/{c.pk}/consumption/").json()
    assert [(r["period"], r["amount_yuan"]) for r in rows] == [("2026-01-01", "120.00"), ("2026-02-01", "130.00")]
    again = client.post(f"/api/v1/customers/{c.pk}/consumption/", {"rows": [
        {"period": "2026-01-01", "kwh": "200.00", "amount_yuan": "120.00"}]}, format="json")
    assert again.json()["changed"] == 0


def test_consumption_period_must_be_first_of_month(api, users, customers):
    res = api(users["manager"]).post(f"/api/v1/customers/{customers['ours'].pk}/consumption/",
                                     {"rows": [{"period": "2026-01-15", "kwh": "1", "amount_yuan": "1"}]},
                                     format="json")
    assert res.status_code == 400 and "rows" in res.json()


def test_counter_cannot_upsert_consumption(api, users, customers):
    res = api(users["counter"]).post(f"/api/v1/customers/{customers['ours'].pk}/consumption/",
                                     {"rows": [{"period": "2026-01-01", "kwh": "1", "amount_yuan": "1"}]},
                                     format="json")
    assert res.status_code == 403


def test_token_endpoint_gives_a_working_token(client, users, customers):
    res = client.post("/api/v1/auth/token/", {"username": "manager1", "password": "test-pass-123"})
    assert res.status_code == 200
    token = res.json()["token"]
    res = client.get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Token {token}")
    assert res.status_code == 200 and res.json()["count"] == 3


def test_openapi_schema_and_docs_are_served(client, users):
    assert client.get("/api/schema/").status_code == 200
    client.force_login(users["manager"])
    res = client.get("/api/docs/")
    assert res.status_code == 200 and b"swagger" in res.content.lower()
