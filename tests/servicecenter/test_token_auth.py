"""Token authentication (servicecenter/authentication.py): DRF's rules, with the staff profile
read in the same query as the token and the user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_the_station_comes_with_the_token(client, users):
    token = Token.objects.create(user=users["handler"])
    with CaptureQueriesContext(connection) as queries:
        res = client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert res.status_code == 200
    profile_reads = [q["sql"] for q in queries.captured_queries
                     if "customers_staffprofile" in q["sql"] and "authtoken_token" not in q["sql"]]
    assert profile_reads == []


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_a_bad_or_inactive_token_is_refused(client, users, case):
    token = Token.objects.create(user=users["handler"])
    key = token.key
    if case == "unknown":
        key = "0" * 40
    else:
        users["handler"].is_active = False
        users["handler"].save()
    res = client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {key}")
    assert res.status_code == 401
