"""Bad input never answers 500 (SPEC §13, §7): the bounds every input shares, in one place.

- times and dates: between MIN_YEAR and MAX_YEAR with a UTC offset of at most 14 hours, taken to
  the site's time zone (an offset the database cannot store, such as +18:37, or a day the
  arithmetic would overflow, such as 9999-12-31, is refused naming the field);
- floats: finite (no `nan`, no `inf`);
- NUL characters: refused in the path (404), in query parameters and form fields (400 naming
  them), before any view runs (`BadInputMiddleware`);
- request bodies: refused by their declared length before they are read (`MAX_REQUEST_BYTES`);
- redirect targets: on this site only (`safe_next`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from urllib.parse import unquote_plus

import django_filters
from django import forms
from django.conf import settings
from django.http import HttpResponseNotFound, JsonResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .exceptions import ValidationFailed

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_OFFSET = timedelta(hours=14)  # the widest UTC offset in use (Kiribati)
# Text bounds: a note or a reason, and a longer text (a description, a reply).
MAX_NOTE = 2000
MAX_TEXT = 5000


def _bounds_message() -> str:
    return _("Enter a time between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}


def bounded_datetime(value: datetime) -> datetime:
    """`value` in the current time zone; ValueError when it is out of the bounds above."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    elif abs(value.utcoffset()) > MAX_OFFSET:
        raise ValueError(_("Enter a UTC offset between -14:00 and +14:00."))
    try:
        value = timezone.localtime(value)
    except OverflowError:
        raise ValueError(_bounds_message()) from None
    if not MIN_YEAR <= value.year < MAX_YEAR:
        raise ValueError(_bounds_message())
    return value


def bounded_date(value: date) -> date:
    if not MIN_YEAR <= value.year < MAX_YEAR:
        raise ValueError(_("Enter a date between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR})
    return value


def parse_date_param(text: str, field: str) -> date:
    """A YYYY-MM-DD query parameter, or ValidationFailed naming the field."""
    try:
        return bounded_date(date.fromisoformat(text.strip()))
    except ValueError as exc:
        message = str(exc) if str(exc).startswith(_("Enter")) else _("Enter a date as YYYY-MM-DD.")
        raise ValidationFailed(field, message) from None


def parse_int_param(text, field: str, *, minimum: int = 1, maximum: int = 2**63 - 1) -> int:
    """A positive integer id in a query parameter or form field, or ValidationFailed."""
    text = str(text).strip()
    if not text.isascii() or not text.isdigit() or not minimum <= int(text) <= maximum:
        raise ValidationFailed(field, _("Enter a whole number."))
    return int(text)


# --- DRF fields ------------------------------------------------------------------------------


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField within MIN_YEAR..MAX_YEAR, answered in the site's time zone."""

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:  # DRF's make_aware of 0001-01-01 in a zone east of UTC
            raise serializers.ValidationError(_bounds_message()) from None
        try:
            return bounded_datetime(parsed)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class FiniteFloatField(serializers.FloatField):
    """A float that is a number: `nan` and `inf` are refused (they pass min/max checks)."""

    default_error_messages = {"not_finite": gettext_lazy("Enter a finite number.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("not_finite")
        return value


# --- django-filter ---------------------------------------------------------------------------


class _Bounded:
    """A form field whose cleaned value must also pass `bound` (a ValueError names the reason)."""

    bound = None

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        try:
            return self.bound(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class IsoDateTimeField(_Bounded, django_filters.fields.IsoDateTimeField):
    bound = staticmethod(bounded_datetime)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """django-filter's IsoDateTimeFilter within the bounds (an offset such as +18:37 is taken to
    the site's time zone, so the database never sees it)."""

    field_class = IsoDateTimeField


class DateField(_Bounded, forms.DateField):
    bound = staticmethod(bounded_date)


class DateFilter(django_filters.DateFilter):
    field_class = DateField


# --- redirects -------------------------------------------------------------------------------


def safe_next(request, default: str) -> str:
    """The `next` target of a form, if it stays on this site; `default` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


# --- middleware ------------------------------------------------------------------------------


def max_request_bytes() -> int:
    return getattr(settings, "MAX_REQUEST_BYTES", 12 * 1024 * 1024)


class BadInputMiddleware:
    """Refuses, before any view runs: a body longer than MAX_REQUEST_BYTES (by its declared
    length, unread), a NUL character in the path (404) or in a query parameter (400 naming it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes()
        if length > limit:
            message = _("The request is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
            response = JsonResponse({"detail": message, "code": "too_large"}, status=400)
            response["Connection"] = "close"  # the body is left unread
            return response
        if "\x00" in request.path or "%00" in request.META.get("PATH_INFO", ""):
            return (JsonResponse({"detail": _("Not found.")}, status=404) if is_api
                    else HttpResponseNotFound())
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            for part in query.split("&"):
                name, _sep, value = part.partition("=")
                if "\x00" in unquote_plus(value) or "\x00" in unquote_plus(name):
                    field = unquote_plus(name).replace("\x00", "") or "query"
                    return JsonResponse({field: [_("Null characters are not allowed.")]}, status=400)
        return self.get_response(request)
