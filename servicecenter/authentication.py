"""API authentication (its own module: DRF imports authentication classes while it loads its views,
so this must not import rest_framework.views).

Tokens are django-rest-knox's (SPEC §13): only a SHA-512 digest is stored, each token expires
after `API_TOKEN_IDLE_TIME` without use (every use moves the expiry on, written at most once a
minute), and a token is revoked by deleting its row (`POST /api/v1/auth/logout/`, admin).
"""

from __future__ import annotations

import binascii

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token authentication in one query: the token (found by its digest, the primary
    key), the user and the user's staff profile together, so the station scoping of every API
    request (`customers.selectors.user_station_id`) costs no query of its own. knox's own lookup
    also reads every other token of the user on each request; expired tokens are removed when
    they are presented and when the user signs in again (`servicecenter.auth_views`)."""

    def authenticate_credentials(self, token):
        msg = _("Invalid token.")
        try:
            digest = hash_token(token.decode("utf-8"))
        except (TypeError, UnicodeDecodeError, binascii.Error, ValueError):
            raise exceptions.AuthenticationFailed(msg) from None
        model = get_token_model()
        auth_token = model.objects.select_related("user", "user__profile").filter(digest=digest).first()
        if auth_token is None:
            raise exceptions.AuthenticationFailed(msg)
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("Token expired."))
        if knox_settings.AUTO_REFRESH and auth_token.expiry is not None:
            self.renew_token(auth_token)  # idle expiry moves on; saved when it moved > MIN_REFRESH_INTERVAL
        user, auth_token = self.validate_user(auth_token)
        profile = getattr(user, "profile", None)
        user._station_id = profile.station_id if profile is not None else None
        return user, auth_token
