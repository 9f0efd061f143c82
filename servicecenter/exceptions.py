"""Domain errors raised by services; the API maps them to HTTP answers (409 / 400 / 404)."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base class for errors a service raises on purpose."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra

    def as_dict(self) -> dict:
        return {"detail": str(self.message), "code": self.code, **self.extra}


class InvalidTransition(DomainError):
    """The object is in a state where this action is not allowed -> 409 with the allowed ones."""

    status_code = 409
    code = "invalid_state"

    def __init__(self, message: str, *, status: str, allowed: Iterable[str], **extra):
        super().__init__(message, status=status, allowed_actions=sorted(allowed), **extra)


class StaleVersion(DomainError):
    """The client wrote with an old `version` -> 409 with the current state."""

    status_code = 409
    code = "stale_version"


class ValidationFailed(DomainError):
    """Input a service refuses, tied to a field -> 400 {field: [reason]}."""

    status_code = 400
    code = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)
        self.field = field

    def as_dict(self) -> dict:
        return {self.field: [str(self.message)]}
