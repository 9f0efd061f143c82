"""`Idempotency-Key`: a retried request (the tablet lost the answer) gets the first answer.

The key row is written in the same transaction as the change, so either both happened or
neither did. Only successful answers are kept: a refused request changed nothing, and its retry
is decided afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from servicecenter.exceptions import DomainError, ValidationFailed

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


class Answer:
    """A status and a JSON-able body (what the API returns; pages store their redirect here)."""

    def __init__(self, status: int, body: dict, replayed: bool = False):
        self.status, self.body, self.replayed = status, body, replayed


def stored_answer(*, user, key: str, endpoint: str) -> Answer | None:
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    if row.endpoint != endpoint:
        raise ValidationFailed(HEADER, _("This Idempotency-Key was already used for another request."))
    return Answer(row.response_status, row.response_body, replayed=True)


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
            if 200 <= answer.status < 400:
                body = json.loads(json.dumps(answer.body, cls=DjangoJSONEncoder))
                IdempotencyKey.objects.create(user=user, key=key, endpoint=endpoint,
                                              response_status=answer.status, response_body=body)
            return answer
    except (IntegrityError, DomainError):
        # A concurrent twin with the same key committed first: its change made ours stale (or
        # its key row collided with ours). Answer what it answered.
        stored = stored_answer(user=user, key=key, endpoint=endpoint)
        if stored is not None:
            return stored
        raise
