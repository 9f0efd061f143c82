"""Personal data (SPEC §13): phone numbers in lists and exports are masked (138****8000) for the
roles that do not work with them. Counter staff, handlers, account managers and crews call
customers and complainants; managers and administrators read lists, dashboards and exports and
see a phone in full only on the detail page of the one customer, complaint or order."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicecenter.roles import ACCOUNT_MANAGER, COUNTER, CREW, HANDLER, has_role

from .validators import phone_validator

PHONE_ROLES = (COUNTER, HANDLER, ACCOUNT_MANAGER, CREW)


def mask_phone(value) -> str:
    """'13800138000' -> '138****8000'; a short number keeps at most its last two digits."""
    text = str(value or "")
    if not text:
        return text
    if len(text) >= 8:
        return text[:3] + "****" + text[-4:]
    return "*" * max(len(text) - 2, 1) + text[-2:] if len(text) > 2 else "*" * len(text)


def shows_phones(user) -> bool:
    """Whether lists show this user phone numbers in full."""
    return has_role(user, *PHONE_ROLES)


def mask_phones_in_list(view) -> bool:
    """For an API viewset: a list answered to a user whose role does not work with phones."""
    request = getattr(view, "request", None)
    return getattr(view, "action", None) == "list" and request is not None and not shows_phones(request.user)


@extend_schema_field({"type": "string", "maxLength": 20,
                      "description": "a phone number; in lists masked as 138****8000 for roles that do not "
                                     "call customers (managers, administrators)"})
class PhoneField(serializers.CharField):
    """A writable phone (the model's validator applies on input) whose output may be masked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # the model's validator, applied here (a validator on the field would put its pattern in
        # the schema, which a masked output does not match)
        value = super().to_internal_value(data)
        if value:
            try:
                phone_validator(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return value


class MaskedPhones:
    """Serializer mixin: the `phone_fields` are masked when the context says `mask_phones`."""

    phone_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("mask_phones"):
            for name in self.phone_fields:
                if data.get(name):
                    data[name] = mask_phone(data[name])
        return data
