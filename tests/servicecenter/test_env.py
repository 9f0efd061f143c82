"""servicecenter/env.py: strict helpers that refuse what they do not understand."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from servicecenter.env import env_bool, env_duration, env_int, env_list, env_str, parse_duration


@pytest.mark.parametrize("raw,expected", [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
                                          ("false", False), ("0", False), ("No", False), (" off ", False)])
def test_env_bool_understands_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["ture", "maybe", "2", "enabled", "y"])
def test_env_bool_refuses_junk_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG_FLAG must be true or false"):
        env_bool("DEBUG_FLAG", False)


def test_env_bool_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "")
    assert env_bool("FLAG", False) is False


@pytest.mark.parametrize("text,expected", [
    ("30 days", timedelta(days=30)), ("1 day", timedelta(days=1)), ("2 hours", timedelta(hours=2)),
    ("45 minutes", timedelta(minutes=45)), ("10 seconds", timedelta(seconds=10)), ("2 weeks", timedelta(weeks=2)),
    (" 3 Hours ", timedelta(hours=3)),
])
def test_parse_duration_reads_durations_written_for_people(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["30", "thirty days", "30 fortnights", "-1 day", "1.5 hours", "", "30d"])
def test_parse_duration_refuses_anything_else(text):
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_env_duration_names_the_variable(monkeypatch):
    monkeypatch.setenv("REPEAT_WINDOW", "a month")
    with pytest.raises(ImproperlyConfigured, match="REPEAT_WINDOW"):
        env_duration("REPEAT_WINDOW", "30 days")
    monkeypatch.delenv("REPEAT_WINDOW")
    assert env_duration("REPEAT_WINDOW", "30 days") == timedelta(days=30)


def test_env_int_refuses_junk(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="N must be an integer"):
        env_int("N", 1)
    monkeypatch.setenv("N", "10")
    assert env_int("N", 1) == 10


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.com, b.example.com ,,")
    assert env_list("HOSTS", []) == ["a.example.com", "b.example.com"]


def test_a_file_variable_wins_for_secrets(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "from-a-file"


def test_production_settings_refuse_to_start_without_secret_key():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": "example.com"}
    env.pop("SECRET_KEY_FILE", None)
    res = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
                          "'servicecenter.settings'; django.setup()"], env=env, capture_output=True, text=True)
    assert res.returncode != 0 and "SECRET_KEY is required" in res.stderr
