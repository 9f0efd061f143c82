"""`Idempotency-Key`: a retried request (the tablet lost the answer) gets the first answer.

The key row is written in the same transaction as the change, so either both happened or
neither did. Only successful answers are kept: a refused request changed nothing, and its retry
is decided afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Subquery, Value
from django.utils.translation import gettext as _

from servicecenter.exceptions import DomainError, ValidationFailed

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


Row = TypeVar("Row")


class Answer:
    """A status and a JSON-able body (what the API returns; pages store their redirect here)."""

    def __init__(self, status: int, body: dict, replayed: bool = False):
        self.status, self.body, self.replayed = status, body, replayed


def _replay(row: IdempotencyKey, endpoint: str) -> Answer:
    if row.endpoint != endpoint:
        raise ValidationFailed(HEADER, _("This Idempotency-Key was already used for another request."))
    return Answer(row.response_status, row.response_body, replayed=True)


def stored_answer(*, user, key: str, endpoint: str) -> Answer | None:
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    return None if row is None else _replay(row, endpoint)


def _remember(*, user, key: str, endpoint: str, answer: Answer) -> None:
    if 200 <= answer.status < 400:
        body = json.loads(json.dumps(answer.body, cls=DjangoJSONEncoder))
        IdempotencyKey.objects.create(user=user, key=key, endpoint=endpoint,
                                      response_status=answer.status, response_body=body)


def run_once(*, user, key: str | None, endpoint: str, action: Callable[[], Answer]) -> Answer:
    """Run `action` at most once per (user, key); a replay returns the stored first answer."""
    if not key:
        return action()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(HEADER, _("The Idempotency-Key is too long."))
    stored = stored_answer(user=user, key=key, endpoint=endpoint)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            answer = action()
            _remember(user=user, key=key, endpoint=endpoint, answer=answer)
            return answer
    except (IntegrityError, DomainError):
        # A concurrent twin with the same key committed first: its change made ours stale (or
        # its key row collided with ours). Answer what it answered.
        stored = stored_answer(user=user, key=key, endpoint=endpoint)
        if stored is not None:
            return stored
        raise


def stored_key_id(*, user, key: str | None):
    """An expression for the id of the user's stored `key` row (NULL when there is none): annotated
    on the row a step locks, the replay check rides on that query instead of one of its own."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return Value(None, output_field=BigIntegerField())
    return Subquery(IdempotencyKey.objects.filter(user=user, key=key).values("pk")[:1])


def run_step(*, user, key: str | None, endpoint: str, lock: Callable[[], Row],
             action: Callable[[Row], Answer]) -> Answer:
    """run_once for a change to one row, in one transaction:

    1. `lock()` reads the row with select_for_update, annotated with `stored_key_id` (above),
       and refuses what is out of scope or not allowed (404/403/400 first, as without a key);
    2. a key seen before answers its stored first answer (nothing else runs);
    3. else `action(row)` changes the row and its answer is stored under the key.

    `action` runs without a savepoint: any error rolls the whole transaction back. A twin request
    with the same key waits on the row lock, then finds its twin's change (a DomainError, usually
    StaleVersion) and answers what the twin answered.
    """
    twin_possible = False
    try:
        with transaction.atomic():
            row = lock()
            if not key:
                return action(row)
            if len(key) > MAX_KEY_LENGTH:
                raise ValidationFailed(HEADER, _("The Idempotency-Key is too long."))
            if row.stored_key_id is not None:
                return _replay(IdempotencyKey.objects.get(pk=row.stored_key_id), endpoint)
            twin_possible = True
            answer = action(row)
            _remember(user=user, key=key, endpoint=endpoint, answer=answer)
            return answer
    except (IntegrityError, DomainError):
        # A concurrent twin with the same key committed first: its change made ours stale (or
        # its key row collided with ours). Answer what it answered.
        if twin_possible:
            stored = stored_answer(user=user, key=key, endpoint=endpoint)
            if stored is not None:
                return stored
        raise
