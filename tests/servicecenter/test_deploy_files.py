"""docker-compose.yml, Dockerfile and .env.example are checked by reading them (Docker does not run here)."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def command(service) -> str:
    cmd = service.get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def test_compose_has_the_five_services_with_their_images(compose):
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "." and services[name]["image"] == "servicecenter:latest"


def test_compose_commands(compose):
    services = compose["services"]
    assert command(services["web"]).startswith("gunicorn servicecenter.wsgi:application")
    worker = command(services["worker"])
    assert worker.startswith("celery -A servicecenter worker")
    for queue in ("default", "sla", "notifications", "grading", "reports"):
        assert queue in worker
    assert command(services["beat"]).startswith("celery -A servicecenter beat")
    assert "django_celery_beat.schedulers:DatabaseScheduler" in command(services["beat"])
    migrate = command(services["migrate"])
    assert "manage.py migrate" in migrate and "setup_schedules" in migrate


def test_the_app_services_wait_for_the_database_broker_and_migrations(compose):
    for name in ("web", "worker", "beat"):
        deps = compose["services"][name]["depends_on"]
        assert deps["db"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"


def test_the_app_services_run_in_production_mode_on_postgres_and_redis(compose):
    for name in ("migrate", "web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert "ALLOWED_HOSTS" in env


def test_dockerfile_builds_a_slim_non_root_image_with_static_files():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert "pip install" in text and "collectstatic --noinput" in text
    user = re.findall(r"^USER (\S+)$", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "gunicorn servicecenter.wsgi" in " ".join(re.findall(r"^CMD (.*)$", text, re.M)).replace('", "', " ")


def test_env_example_documents_every_variable_settings_reads():
    settings_src = (ROOT / "servicecenter" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_(?:str|bool|int|list|duration)\(\s*"([A-Z0-9_]+)"', settings_src))
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    assert read, "no env_* calls found in settings.py"
    missing = sorted(read - documented)
    assert not missing, f"add these variables to .env.example: {missing}"
