"""Sign-in: each role lands on its own page; the sign-in page speaks Chinese by default, English on request."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

LANDING = {"admin": "/admin/", "manager": "/dashboard/", "leader": "/dashboard/", "handler": "/my-work/",
           "counter": "/counter/", "account_manager": "/my-customers/", "crew": "/crew/"}


def test_visitors_are_sent_to_the_sign_in_page(client):
    res = client.get("/")
    assert res.status_code == 302 and res.url.endswith("/login/")


@pytest.mark.parametrize("role", list(LANDING))
def test_after_sign_in_each_role_lands_on_its_page(client, users, role):
    res = client.post("/login/", {"username": users[role].username, "password": "test-pass-123"})
    assert res.status_code == 302
    res = client.get(res.url)  # LOGIN_REDIRECT_URL is "/", which sends each role on
    assert res.status_code == 302 and res.url == LANDING[role]
    assert client.get(res.url, follow=True).status_code == 200


def test_a_wrong_password_stays_on_the_sign_in_page(client, users):
    res = client.post("/login/", {"username": "counter1", "password": "nope"})
    assert res.status_code == 200 and "_auth_user_id" not in client.session


def test_the_sign_in_page_is_in_chinese_by_default(client):
    html = client.get("/login/").content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html
    assert 'lang="zh-hans"' in html
    assert "Sign in" not in html


def test_the_sign_in_page_switches_to_english(client):
    res = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert res.status_code == 302
    html = client.get("/login/").content.decode()
    assert "Sign in" in html and "Username" in html and 'lang="en"' in html
    assert "登录" not in html


def test_the_browser_language_is_honoured(client):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Sign in" in html


# --- createstaff ---------------------------------------------------------------------------------

@pytest.fixture
def s01(station):
    return station


def test_createstaff_creates_a_user_with_role_station_and_password(s01, client):
    call_command("createstaff", "wang", "--role", "counter", "--station", "S01", "--password", "secret-123",
                 "--name", "王小明")
    user = get_user_model().objects.get(username="wang")
    assert list(user.groups.values_list("name", flat=True)) == ["counter"]
    assert user.profile.station.code == "S01" and user.first_name == "王小明" and not user.is_staff
    assert client.login(username="wang", password="secret-123")
    assert client.get("/").url == "/counter/"


def test_createstaff_leadership_tier_and_admin(s01):
    call_command("createstaff", "boss", "--role", "manager", "--leadership", "--password", "secret-123")
    call_command("createstaff", "am", "--role", "account_manager", "--station", "S01", "--tier", "chief",
                 "--password", "secret-123")
    call_command("createstaff", "root", "--role", "admin", "--password", "secret-123")
    User = get_user_model()
    assert User.objects.get(username="boss").profile.leadership
    assert User.objects.get(username="boss").profile.station is None
    assert User.objects.get(username="am").profile.manager_tier == "chief"
    root = User.objects.get(username="root")
    assert root.is_staff and root.is_superuser


def test_createstaff_updates_an_existing_user_without_touching_the_password(s01, other_station, client):
    call_command("createstaff", "li", "--role", "handler", "--station", "S01", "--password", "secret-123")
    call_command("createstaff", "li", "--role", "handler", "--role", "counter", "--station", "S02")
    user = get_user_model().objects.get(username="li")
    assert set(user.groups.values_list("name", flat=True)) == {"handler", "counter"}
    assert user.profile.station.code == "S02"
    assert client.login(username="li", password="secret-123")


@pytest.mark.parametrize("args,message", [
    (["x", "--role", "counter", "--password", "p-123456"], "--station is required"),
    (["x", "--role", "counter", "--station", "NOPE", "--password", "p-123456"], "No station"),
    (["x", "--role", "counter", "--station", "S01"], "--password is required"),
])
def test_createstaff_refuses_incomplete_input(s01, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("createstaff", *args)
    assert not get_user_model().objects.filter(username="x").exists()
