"""API authentication (its own module: DRF imports authentication classes while it loads its views,
so this must not import rest_framework.views)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the user's staff profile in the same query: the
    station scoping of every API request (`customers.selectors.user_station_id`) then costs no
    query of its own."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__profile").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        profile = getattr(token.user, "profile", None)
        token.user._station_id = profile.station_id if profile is not None else None
        return token.user, token
