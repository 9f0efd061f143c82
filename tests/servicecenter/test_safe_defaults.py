"""Safe by default (SPEC §13): DEBUG off unless set, no development key in production, no `*`
host, `check --deploy` clean with the production settings the README documents, and the response
headers: CSP without inline script or style, HSTS on HTTPS, Secure cookies on HTTPS."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def production_env_from_readme() -> dict[str, str]:
    """The variables between the `production-env` markers of README.md (the deployment section)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- production-env -->\s*```\w*\n(.*?)```", text, re.S)
    assert block, "README.md lost its production-env block"
    env = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def settings_in_subprocess(env: dict[str, str], *names: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "HTTPS", "TRUSTED_PROXY_COUNT"}}
    code = ("import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'servicecenter.settings'; django.setup(); "
            "from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}))")
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                          cwd=ROOT)


def read_settings(env, *names):
    res = settings_in_subprocess(env, *names)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


KEY = secrets.token_urlsafe(50)


def test_debug_is_off_unless_set():
    values = read_settings({"SECRET_KEY": KEY, "ALLOWED_HOSTS": "kf.example.com"}, "DEBUG", "ALLOWED_HOSTS")
    assert values == {"DEBUG": False, "ALLOWED_HOSTS": ["kf.example.com"]}
    assert read_settings({"DEBUG": "true"}, "DEBUG")["DEBUG"] is True


@pytest.mark.parametrize("env,message", [
    ({"ALLOWED_HOSTS": "kf.example.com"}, "SECRET_KEY is required"),
    ({"SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production", "ALLOWED_HOSTS": "kf.example.com"},
     "not the development key"),
    ({"SECRET_KEY": KEY}, "ALLOWED_HOSTS is required"),
], ids=["no key", "development key", "no hosts"])
def test_production_refuses_to_start_without_its_settings(env, message):
    res = settings_in_subprocess(env, "DEBUG")
    assert res.returncode != 0 and message in res.stderr


def test_https_settings_and_the_opt_in_proxy_header():
    base = {"SECRET_KEY": KEY, "ALLOWED_HOSTS": "kf.example.com"}
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
             "SECURE_HSTS_SECONDS")
    plain = read_settings(base, *names)
    assert plain == {"SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False,
                     "SECURE_PROXY_SSL_HEADER": None, "SECURE_HSTS_SECONDS": 31536000}
    behind = read_settings({**base, "HTTPS": "true", "TRUSTED_PROXY_COUNT": "1"}, *names)
    assert behind == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
                      "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "SECURE_HSTS_SECONDS": 31536000}


@pytest.mark.django_db
def test_check_deploy_is_clean_with_the_documented_production_settings():
    env = {**production_env_from_readme(), "SECRET_KEY": KEY}
    clean = {k: v for k, v in os.environ.items() if k not in env and k != "SECRET_KEY_FILE"}
    clean["DJANGO_SETTINGS_MODULE"] = "servicecenter.settings"
    res = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], env={**clean, **env}, cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    issues = re.findall(r"^\?: \(([\w.]+)\)", res.stderr + res.stdout, re.M)
    # drf-spectacular's deploy check reports the schema's own imprecisions (issue 16 item 5,
    # "schema truth", worked on separately); every other check must be silent.
    assert [i for i in issues if not i.startswith("drf_spectacular.")] == []


@pytest.mark.django_db
def test_demo_data_is_refused_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        call_command("load_demo")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="admin").exists()


# --- headers ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_without_inline_code(client):
    res = client.get("/login/")
    csp = res["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "Content-Security-Policy" in client.get("/api/schema/")


@pytest.mark.django_db
def test_hsts_and_secure_cookies_over_https_only(client, users):
    plain = client.get("/login/")
    assert "Strict-Transport-Security" not in plain
    assert not plain.cookies["csrftoken"]["secure"]
    secure = client.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure.cookies["csrftoken"]["secure"]
    res = client.post("/login/", {"username": "counter1", "password": "test-pass-123"}, secure=True)
    assert res.status_code == 302
    assert res.cookies["sessionid"]["secure"] and res.cookies["sessionid"]["httponly"]


@pytest.mark.django_db
def test_the_forwarded_proto_header_counts_only_when_a_proxy_is_trusted(client, settings):
    assert "Strict-Transport-Security" not in client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # what TRUSTED_PROXY_COUNT>0 sets
    res = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" in res and res.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
def test_the_api_docs_load_their_script_from_a_file(client, users):
    client.force_login(users["manager"])
    html = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
