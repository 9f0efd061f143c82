"""Shared API pieces: pagination, the error handler, scoping helpers."""

from __future__ import annotations

import copy

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, plus domain errors (400/409) and model validation errors (400)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        else:
            data = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        return Response({"detail": str(exc) or "The request is too large.", "code": "too_large"},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)


class FieldsBuiltOnce:
    # A ModelSerializer mixin: the model fields are built once per class and deep-copied for each
    # instance (DRF does the same with declared fields). ModelSerializer otherwise introspects the
    # model on every instantiation: ~1 ms for a complaint or a work order, a tenth of an intake.
    # The build depends on the class only. (A comment, not a docstring: drf-spectacular would show
    # a docstring as the description of every serializer using it.)

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)
