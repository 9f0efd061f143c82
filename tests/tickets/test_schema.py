"""`/api/schema/` tells the truth about the tickets (the schemathesis fuzzer of `.ci/fuzz` checks the
live answers against it): what can be null says so, every action is there."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api, users):
    resp = api(users["manager"]).get("/api/schema/")
    assert resp.status_code == 200
    return yaml.safe_load(resp.content)


def test_ticket_fields_that_can_be_null_say_so(schema):
    ticket = schema["components"]["schemas"]["Ticket"]["properties"]
    for name in ("work_order", "category", "category_name", "customer", "customer_account_no", "inside_installation",
                 "ack_due_at", "resolve_due_at", "callback_due_at", "returned_at", "terminated_at"):
        assert ticket[name].get("nullable") is True, name
    assert {"kind", "service_type", "answer", "address", "deadlines"} <= set(ticket)


def test_every_ticket_action_is_in_the_schema_and_answers_a_ticket(schema):
    from complaints.kinds import KINDS

    actions = {a for k in KINDS.values() for a in k.lifecycle.roles}
    for action in actions:
        op = schema["paths"][f"/api/v1/tickets/{{id}}/{action}/"]["post"]
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Ticket"), action
