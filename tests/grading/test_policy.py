"""The grading policy: versioned, one active, edited in admin; runs keep the snapshot they used."""

from django.test import Client

from grading import services
from grading.models import GradingPolicy

from .conftest import OCTOBER


def active() -> GradingPolicy:
    """The default policy (a migration creates it; a transactional test's flush may have removed it)."""
    return GradingPolicy.objects.filter(is_active=True).first() or GradingPolicy.objects.create(name="default")


def test_editing_a_policy_bumps_its_version_and_a_run_keeps_the_old_parameters(station, users, at_run_moment):
    policy = active()
    run, _ = services.reevaluate_grades(period=OCTOBER)
    policy.top_a = 5
    services.policy_save(policy=policy)
    policy.refresh_from_db()
    assert policy.version == 2
    run.refresh_from_db()
    assert (run.policy_snapshot["top_a"], run.policy_snapshot["version"]) == (10, 1)


def test_activating_a_policy_deactivates_the_others(db):
    services.policy_save(policy=GradingPolicy(name="score", kind="scorecard", is_active=True))
    assert list(GradingPolicy.objects.filter(is_active=True).values_list("name", flat=True)) == ["score"]


def test_an_administrator_edits_the_policy_in_admin(users):
    client = Client()
    client.force_login(users["admin"])
    policy = active()
    url = f"/admin/grading/gradingpolicy/{policy.pk}/change/"
    assert client.get(url).status_code == 200
    data = {"name": "default", "kind": "ranking", "is_active": "on", "notes": "", "top_a": "10", "top_b": "60",
            "attribute_rules": "on", "hysteresis_runs": "2", "history_weight": "0.5", "forecast_weight": "0.5",
            "bonus_factor": "1.05", "band_a": "85", "band_b": "60"}
    assert client.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert (policy.top_b, policy.version) == (60, 2)
    bad = client.post(url, {**data, "top_b": "5"})
    assert bad.status_code == 200 and "top_b" in bad.context["adminform"].form.errors
    for page in ("/admin/grading/graderun/", "/admin/grading/gradechange/", "/admin/grading/visit/"):
        assert client.get(page).status_code == 200


def test_the_api_schema_describes_the_grading_endpoints(users, api):
    schema = api(users["manager"]).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/grading/runs/", "/api/v1/grading/changes/", "/api/v1/customers/{customer_id}/visits/"} <= set(paths)
