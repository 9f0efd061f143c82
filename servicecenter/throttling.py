"""API throttles (SPEC §13): per user, per address, and tighter scopes for the token endpoint and
the public endpoints. Rates come from settings (THROTTLE_RATE_* in the environment) and are read
when a request is throttled, not when this module is imported, so tests and benches can change
them. The address is `servicecenter.security.client_ip` (the same one the lockout uses)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling

from .security import client_ip


class _RateFromSettings(throttling.SimpleRateThrottle):
    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class UserThrottle(_RateFromSettings):
    """Signed-in requests, per user (THROTTLE_RATE_USER)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AddressThrottle(_RateFromSettings):
    """Every API request, per client address (THROTTLE_RATE_ADDRESS): one address cannot flood
    the API with many users' tokens or none."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ScopedAddressThrottle(_RateFromSettings):
    """Per client address, for a view's `throttle_scope` ("token"), and for every request without
    sign-in that a view lets through (scope "public": the public endpoints, the schema)."""

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None)
        if not self.scope and not (request.user and request.user.is_authenticated):
            self.scope = "public"
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
