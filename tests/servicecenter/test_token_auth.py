"""Token authentication (servicecenter/authentication.py): knox's tokens, with the staff profile
read in the same query as the token and the user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

pytestmark = pytest.mark.django_db


def test_the_station_comes_with_the_token(client, users):
    _instance, token = AuthToken.objects.create(user=users["handler"])
    with CaptureQueriesContext(connection) as queries:
        res = client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {token}")
    assert res.status_code == 200
    token_reads = [q["sql"] for q in queries.captured_queries if "knox_authtoken" in q["sql"]]
    assert len(token_reads) == 1 and "customers_staffprofile" in token_reads[0]
    profile_reads = [q["sql"] for q in queries.captured_queries
                     if "customers_staffprofile" in q["sql"] and "knox_authtoken" not in q["sql"]]
    assert profile_reads == []


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_a_bad_or_inactive_token_is_refused(client, users, case):
    _instance, key = AuthToken.objects.create(user=users["handler"])
    if case == "unknown":
        key = "0" * 64
    else:
        users["handler"].is_active = False
        users["handler"].save()
    res = client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {key}")
    assert res.status_code == 401
