"""Shared test helpers for the API's permissions: a role matrix and the 404 scoping check.

    @role_matrix({"manager": 201, "admin": 201}, others=403)
    def test_only_managers_and_admins_create(api, users, role, expected): ...

    assert_not_found(api(users["handler"]), [("get", url), ("post", f"{url}acknowledge/", body)])

The roles are the `users` fixture's keys (tests/conftest.py): one user per role at station S01,
plus `other_handler` / `other_counter` at S02 and `leader` (a manager in the leadership group).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

ROLES = ("counter", "handler", "manager", "account_manager", "crew", "admin")


def role_matrix(expected: dict[str, object], *, others: object = None, roles: Iterable[str] = ROLES):
    """`parametrize("role,expected")` over every role: `expected[role]`, else `others`; with
    `others=None`, only the roles listed in `expected`."""
    cases = [(role, expected.get(role, others)) for role in roles if role in expected or others is not None]
    cases += [(role, value) for role, value in expected.items() if role not in roles]
    return pytest.mark.parametrize("role,expected", cases, ids=[role for role, _ in cases])


def assert_not_found(client, requests: Iterable[tuple]) -> None:
    """Every request (method, url[, json body]) answers 404: an object outside the user's scope
    is not found, for reads and actions alike (ids do not leak)."""
    answers = {}
    for method, url, *body in requests:
        response = getattr(client, method)(url, *(body[:1]), format="json") if body else getattr(client, method)(url)
        answers[f"{method.upper()} {url}"] = response.status_code
    assert set(answers.values()) == {404}, answers
