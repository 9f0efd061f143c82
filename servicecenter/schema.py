"""The OpenAPI schema tells the truth (issue 16): what `/api/schema/` says is what the API answers.

- `AutoSchema`: a read-only field of a ModelSerializer is nullable when its model field (or any
  relation on its `source` path, e.g. `customer.account_no` of a complaint without a customer)
  is null, and a choice field whose model field may be blank lists "" among its values (DRF drops
  `allow_blank`/`allow_null` from read-only fields, so the generator cannot see them itself).
- `postprocess_error_responses`: every operation documents the error answers of SPEC §7 it can
  give (400 field errors, 401, 403, 404, 409 for state changes, 429 throttled), each with the
  body our exception handler writes.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


def _model_path(serializer, field):
    """(nullable on the way, final model field or None) for a field's `source` on the serializer's model."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or field.source == "*":
        return False, None
    nullable, model_field = False, None
    for attr in field.source_attrs:
        if model is None:
            return nullable, None
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return nullable, None
        if getattr(model_field, "null", False):
            nullable = True
        model = model_field.related_model if model_field.is_relation else None
    return nullable, model_field


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        parent = getattr(field, "parent", None)
        if field.read_only and parent is not None and not isinstance(parent, serializers.ListSerializer):
            nullable, model_field = _model_path(parent, field)
            if nullable:
                field.allow_null = True
            if (isinstance(field, serializers.ChoiceField) and model_field is not None
                    and getattr(model_field, "blank", False) and getattr(model_field, "choices", None)):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


ERROR_SCHEMAS = {
    "ValidationErrorAnswer": {
        "type": "object",
        "description": "400: {field: [reasons]} (or `detail`/`code` for a refusal that names no field)",
        "additionalProperties": True,
    },
    "ErrorAnswer": {
        "type": "object",
        "description": "401/403/404/429: {detail}; 409: {detail, code, status, allowed_actions} or a stale "
                       "`version` with the current state",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "additionalProperties": True,
    },
}

ERROR_CODES = {
    "400": ("ValidationErrorAnswer", "invalid input; the body names the field"),
    "401": ("ErrorAnswer", "not signed in"),
    "403": ("ErrorAnswer", "the role may not do this"),
    "404": ("ErrorAnswer", "no such object, or one outside the user's scope"),
    "409": ("ErrorAnswer", "wrong state, or a stale version"),
    "429": ("ErrorAnswer", "too many requests (throttled)"),
}


def postprocess_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(ERROR_SCHEMAS)
    for _path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, (schema, description) in ERROR_CODES.items():
                if code == "409" and method == "get":
                    continue
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                })
    return result
