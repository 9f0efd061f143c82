"""`/api/schema/` tells the truth (issue 16 item 5): what the fuzzer in `.ci/fuzz` checks against the
live server, pinned here on the points it found wrong."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api, users):
    resp = api(users["manager"]).get("/api/schema/")
    assert resp.status_code == 200
    return yaml.safe_load(resp.content)


def _props(schema, component):
    return schema["components"]["schemas"][component]["properties"]


def test_fields_that_can_be_null_say_so(schema):
    complaint = _props(schema, "Complaint")
    for name in ("customer", "customer_account_no", "handler", "repeat_of", "verified", "acknowledged_at"):
        assert complaint[name].get("nullable") is True, name
    assert _props(schema, "WorkOrder")["crew"].get("nullable") is True
    assert _props(schema, "WorkOrder")["customer_account_no"].get("nullable") is True


def test_a_choice_that_can_be_blank_lists_the_blank(schema):
    satisfaction = _props(schema, "Complaint")["satisfaction"]
    refs = {s.get("$ref", "").rsplit("/", 1)[-1] for s in satisfaction.get("oneOf", [])}
    assert "BlankEnum" in refs


def test_sla_state_is_an_enum(schema):
    sla = _props(schema, "Complaint")["sla_state"]
    sla = sla["allOf"][0] if "allOf" in sla else sla
    ref = sla.get("$ref", "").rsplit("/", 1)[-1]
    values = schema["components"]["schemas"][ref]["enum"] if ref else sla["enum"]
    assert set(values) == {"on_track", "at_risk", "breached", "met"}


def _response(schema, path, method="get", code="200"):
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def test_lists_that_are_not_paginated_are_plain_arrays(schema):
    assert _response(schema, "/api/v1/work-orders/{id}/events/")["type"] == "array"
    assert _response(schema, "/api/v1/work-orders/{id}/photos/")["type"] == "array"
    assert _response(schema, "/api/v1/customers/{id}/consumption/")["type"] == "array"
    assert "$ref" in _response(schema, "/api/v1/complaints/{id}/events/")  # paginated: count/results


def test_detail_actions_take_no_list_filters(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/complaints/{id}/events/"]["get"].get("parameters", [])}
    assert "received_before" not in params and "status" not in params


def test_every_operation_lists_its_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (method, path, codes)
            if method == "post":
                assert "409" in codes, (method, path)


def test_the_grade_run_detail_describes_its_mismatches(schema):
    mismatches = _props(schema, "GradeRunDetail")["mismatches"]
    assert mismatches["type"] == "array"
    item = mismatches["items"]
    item = schema["components"]["schemas"][item["$ref"].rsplit("/", 1)[-1]] if "$ref" in item else item
    assert {"customer", "account_no", "grade", "account_manager"} <= set(item["properties"])
