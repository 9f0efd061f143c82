"""Sign-in protection (SPEC §13): the lockout per user and address on the sign-in page, the admin
and the token endpoint; the API throttles; password validators in createstaff; hashed, expiring,
revocable tokens; the TOTP second factor. The test settings turn the lockout and the throttles
off for other tests; the `signin_protection` fixture turns the real ones back on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from servicecenter import settings as production_settings
from tests.customers.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"
ELSEWHERE = "10.9.8.7"


@pytest.fixture
def signin_protection(settings):
    """The lockout and throttles exactly as production configures them (settings.py defaults)."""
    settings.AXES_ENABLED = True
    settings.THROTTLE_RATES = dict(production_settings.THROTTLE_RATES)
    cache.clear()
    yield settings
    cache.clear()


def sign_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def admin_sign_in(client, username, password, **extra):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password,
                                                      "next": "/admin/"}, **extra)


def token(client, username, password, **extra):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, **extra)


def assert_locked(res):
    assert res.status_code == 429
    assert int(res["Retry-After"]) == 15 * 60
    body = res.content.decode()
    assert "Too many failed sign-in attempts" in body or "登录失败次数过多" in body


# --- lockout --------------------------------------------------------------------------------------

@pytest.mark.parametrize("attempt,user,ok", [
    (sign_in, "counter", 302),
    (admin_sign_in, "admin", 302),
    (token, "handler", 200),
], ids=["sign-in page", "admin", "token endpoint"])
def test_five_wrong_passwords_lock_that_user_from_that_address_until_the_lock_ends(
        client, users, signin_protection, attempt, user, ok):
    username = users[user].username
    for _ in range(4):
        res = attempt(client, username, WRONG, HTTP_ACCEPT_LANGUAGE="en")
        assert res.status_code in (200, 400)  # the form again / 400 naming the problem
    assert_locked(attempt(client, username, WRONG, HTTP_ACCEPT_LANGUAGE="en"))  # the fifth locks
    # now even the right password is refused, with the message, for that user from that address
    res = attempt(client, username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert_locked(res)
    assert "_auth_user_id" not in client.session
    # other users from the same address, and the same user from another address, are unaffected
    other = StaffFactory(username="other_admin", role="admin").username if attempt is admin_sign_in else "manager1"
    assert attempt(client.__class__(), other, PASSWORD).status_code == ok
    assert attempt(client.__class__(), username, PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == ok
    # the lock ends by itself after 15 minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=5), tick=False):
        cache.clear()  # the token endpoint's own throttle window is a minute: not what is tested here
        assert attempt(client, username, PASSWORD).status_code == ok


def test_the_lock_message_is_in_chinese_by_default_and_the_page_answers_json_on_the_api(client, users,
                                                                                        signin_protection):
    for _ in range(5):
        sign_in(client, "counter1", WRONG)
    res = sign_in(client, "counter1", PASSWORD)
    assert res.status_code == 429 and "登录失败次数过多" in res.content.decode()
    for _ in range(5):
        token(client, "handler1", WRONG)
    res = token(client, "handler1", PASSWORD)
    assert res.status_code == 429 and res.json()["code"] == "locked_out"


def test_failures_older_than_the_window_are_forgotten(client, users, signin_protection):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            sign_in(client, "counter1", WRONG)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert sign_in(client, "counter1", WRONG).status_code == 200  # a first failure again, no lock
        assert sign_in(client, "counter1", PASSWORD).status_code == 302


# --- throttles ------------------------------------------------------------------------------------

def test_the_token_endpoint_is_throttled_per_address(client, users, signin_protection):
    signin_protection.THROTTLE_RATES = {**signin_protection.THROTTLE_RATES, "token": "3/minute"}
    answers = [token(client, "handler1", PASSWORD).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert token(client, "handler1", PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_the_api_is_throttled_per_user_and_per_address(client, users, signin_protection):
    signin_protection.THROTTLE_RATES = {**signin_protection.THROTTLE_RATES, "user": "3/minute",
                                        "address": "6/minute"}
    mine = token(client, "handler1", PASSWORD).json()["token"]
    theirs = token(client, "counter1", PASSWORD).json()["token"]
    cache.clear()

    def get(key, **extra):
        return client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {key}", **extra).status_code

    assert [get(mine) for _ in range(4)] == [200, 200, 200, 429]  # per user
    res = client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {mine}")
    assert res.status_code == 429 and int(res["Retry-After"]) > 0
    assert get(theirs) == 200  # another user: their own allowance…
    assert get(theirs) == 429  # …but the address has had its six
    assert get(theirs, REMOTE_ADDR=ELSEWHERE) == 200


def test_endpoints_without_sign_in_are_throttled_per_address(client, users, signin_protection):
    signin_protection.THROTTLE_RATES = {**signin_protection.THROTTLE_RATES, "public": "2/minute"}
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/schema/", REMOTE_ADDR=ELSEWHERE).status_code == 200
    client.force_login(users["manager"])
    assert client.get("/api/schema/").status_code == 200  # signed in: the user's own allowance


def test_a_forged_forwarded_for_header_does_not_escape_the_address_throttle(client, users, signin_protection):
    signin_protection.THROTTLE_RATES = {**signin_protection.THROTTLE_RATES, "token": "2/minute"}
    answers = [token(client, "handler1", PASSWORD, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)]
    assert answers == [200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, users, signin_protection):
    signin_protection.TRUSTED_PROXY_COUNT = 1
    signin_protection.THROTTLE_RATES = {**signin_protection.THROTTLE_RATES, "token": "2/minute"}
    answers = [token(client, "handler1", PASSWORD, HTTP_X_FORWARDED_FOR=f"spoof, 10.0.0.{n}").status_code
               for n in range(3)]
    assert answers == [200, 200, 200]
    # the lockout uses the same address
    for _ in range(5):
        sign_in(client, "counter1", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(client, "counter1", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert sign_in(client, "counter1", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


# --- passwords --------------------------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["1", "password123", "1234567890123", "short-1"])
def test_createstaff_refuses_weak_passwords(station, weak):
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match="Password refused"):
        call_command("createstaff", "wang", "--role", "counter", "--station", "S01", "--password", weak)
    assert not get_user_model().objects.filter(username="wang").exists()


def test_createstaff_refuses_a_password_like_the_username(station):
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createstaff", "zhangwei2026", "--role", "counter", "--station", "S01",
                     "--password", "zhangwei2026")


# --- tokens ---------------------------------------------------------------------------------------

def test_tokens_are_stored_hashed(client, users):
    key = token(client, "handler1", PASSWORD).json()["token"]
    row = AuthToken.objects.get(user=users["handler"])
    assert key not in (row.digest, row.token_key) and len(row.digest) == 128


def test_a_token_expires_after_the_idle_time_and_each_use_moves_it_on(client, users, settings):
    res = token(client, "handler1", PASSWORD)
    key, start = res.json()["token"], timezone.now()
    assert res.json()["expiry"]

    def get(at):
        with time_machine.travel(at, tick=False):
            return client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {key}").status_code

    assert get(start + timedelta(hours=7)) == 200  # used within the idle time: moved on
    assert get(start + timedelta(hours=14)) == 200  # 7 h after the last use
    assert get(start + timedelta(hours=22, minutes=30)) == 401  # 8.5 h idle: expired
    assert not AuthToken.objects.filter(user=users["handler"]).exists()


def test_the_idle_time_is_a_setting(client, users, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(minutes=30)}
    key = token(client, "handler1", PASSWORD).json()["token"]
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_tokens_can_be_revoked_one_or_all(client, users):
    first = token(client, "handler1", PASSWORD).json()["token"]
    second = token(client, "handler1", PASSWORD).json()["token"]
    third = token(client, "handler1", PASSWORD).json()["token"]

    def status(key):
        return client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {key}").status_code

    assert client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 204
    assert (status(first), status(second), status(third)) == (401, 200, 200)
    assert client.post("/api/v1/auth/logout-all/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 204
    assert (status(second), status(third)) == (401, 401)
    # an administrator revokes by deleting the row (admin: Knox › Auth tokens); so does deactivation
    fourth = token(client, "handler1", PASSWORD).json()["token"]
    AuthToken.objects.filter(user=users["handler"]).delete()
    assert status(fourth) == 401


def test_a_wrong_password_on_the_token_endpoint_is_a_400_naming_the_problem(client, users):
    res = token(client, "handler1", WRONG)
    assert res.status_code == 400 and "non_field_errors" in res.json()
    res = client.post("/api/v1/auth/token/", {"username": "handler1"})
    assert res.status_code == 400 and "password" in res.json()


# --- second factor --------------------------------------------------------------------------------

def code_for(device: TOTPDevice, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():0{device.digits}d}"


def later(seconds=2):
    """A moment later: a device refuses any code for a second after a wrong one (django-otp)."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_with_a_device_the_sign_in_needs_the_one_time_code(client, users):
    device = enrol(users["manager"])
    res = sign_in(client, "manager1", PASSWORD)
    assert res.status_code == 200 and "_auth_user_id" not in client.session
    res = client.post("/login/", {"username": "manager1", "password": PASSWORD, "otp_token": "000000"})
    assert res.status_code == 200 and "_auth_user_id" not in client.session
    with later():
        res = client.post("/login/", {"username": "manager1", "password": PASSWORD, "otp_token": code_for(device)})
        assert res.status_code == 302 and "_auth_user_id" in client.session
        assert client.get("/dashboard/").status_code == 200


def test_the_token_endpoint_asks_for_the_code_of_an_enrolled_user(client, users):
    device = enrol(users["manager"])
    res = token(client, "manager1", PASSWORD)
    assert res.status_code == 400 and "otp_token" in res.json()
    res = client.post("/api/v1/auth/token/", {"username": "manager1", "password": PASSWORD,
                                              "otp_token": code_for(device)})
    assert res.status_code == 200 and res.json()["token"]


def test_when_required_managers_and_admins_must_enrol_before_anything_else(client, users, settings):
    settings.OTP_REQUIRED = True
    assert sign_in(client, "manager1", PASSWORD).status_code == 302
    res = client.get("/dashboard/")
    assert res.status_code == 302 and res.url.startswith("/account/two-factor/")
    assert client.get("/api/v1/complaints/").status_code == 403
    assert token(client.__class__(), "manager1", PASSWORD).status_code == 403
    # staff of other roles are not asked
    other = client.__class__()
    assert sign_in(other, "counter1", PASSWORD).status_code == 302
    assert other.get("/counter/").status_code == 200
    # enrolling: the page shows the key and a QR code, one code confirms
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and b"otp-secret" in page.content and b"data:image/svg+xml" in page.content
    pending = TOTPDevice.objects.get(user=users["manager"], confirmed=False)
    res = client.post("/account/two-factor/?next=/dashboard/", {"action": "confirm", "otp_token": "000000"})
    assert res.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    with later():
        res = client.post("/account/two-factor/?next=/dashboard/",
                          {"action": "confirm", "otp_token": code_for(pending)})
        assert res.status_code == 302 and res.url == "/dashboard/"
        assert client.get("/dashboard/").status_code == 200  # verified in this session
    # the next sign-in needs a code
    fresh = client.__class__()
    sign_in(fresh, "manager1", PASSWORD)
    assert "_auth_user_id" not in fresh.session
    next_step = timezone.now() + timedelta(seconds=60)
    with time_machine.travel(next_step, tick=False):
        res = fresh.post("/login/", {"username": "manager1", "password": PASSWORD,
                                     "otp_token": code_for(TOTPDevice.objects.get(user=users["manager"]), next_step)})
        assert res.status_code == 302
        assert fresh.get("/dashboard/").status_code == 200


def test_the_admin_sign_in_takes_the_code_too(client, users, settings):
    settings.OTP_REQUIRED = True
    device = enrol(users["admin"])
    res = admin_sign_in(client, "admin1", PASSWORD)
    assert res.status_code == 200 and "_auth_user_id" not in client.session
    res = client.post("/admin/login/?next=/admin/", {"username": "admin1", "password": PASSWORD,
                                                     "otp_token": code_for(device), "next": "/admin/"})
    assert res.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_code_cannot_replace_an_enrolled_device(client, users):
    device = enrol(users["manager"])
    client.force_login(users["manager"])  # e.g. a session opened before the device was enrolled
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and b"otp-secret" not in page.content and b'value="start"' not in page.content
    client.post("/account/two-factor/", {"action": "start"})
    assert list(TOTPDevice.objects.filter(user=users["manager"])) == [device]
