"""Sign-in protection and safe defaults (SPEC §13), in one place.

- `client_ip`: the address a request comes from, for the lockout (django-axes) and the throttles
  (servicecenter/throttling.py): REMOTE_ADDR, or the X-Forwarded-For entry added by the last of
  `TRUSTED_PROXY_COUNT` reverse proxies (never a header a client could forge when that is 0).
- `lockout_response`: what a locked-out sign-in answers (429, a clear message, `Retry-After`): the
  sign-in page again for people, JSON for the API.
- `SecureCookiesMiddleware`: cookies are `Secure` whenever the request came over HTTPS.
- `SecondFactorMiddleware`: with `OTP_REQUIRED`, administrators and managers signed in without a
  one-time code are sent to enrol (or refused on the API) until they have one.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .roles import ADMIN, MANAGER, has_role


def client_ip(request: HttpRequest) -> str:
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    if not hops:
        return remote
    # each trusted proxy appends the address it saw: the client is `proxies` entries from the right
    return hops[-min(proxies, len(hops))]


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(lockout_seconds() / 60)
    return _("Too many failed sign-in attempts for this user from your address. "
             "Try again in %(minutes)d minutes, or ask an administrator to unlock the account.") % {
        "minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with `Retry-After`; never the password check's answer."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        template = "admin/locked_out.html" if request.path.startswith("/admin/") else "registration/locked_out.html"
        response = render(request, template, {"message": message, "title": _("Sign-in locked")}, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


class SecureCookiesMiddleware:
    """Marks every cookie `Secure` on a response to an HTTPS request (directly or through the
    opted-in proxy header), whatever SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE say."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


def second_factor_required(user) -> bool:
    """With OTP_REQUIRED, administrators and managers must sign in with a one-time code."""
    return bool(settings.OTP_REQUIRED and user.is_authenticated and (user.is_superuser or has_role(user, ADMIN, MANAGER)))


# Paths a user who still owes a second factor may open: enrolment, signing out, static files.
_OPEN_PATHS = ("/account/two-factor/", "/logout/", "/static/", "/i18n/", "/login/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and settings.OTP_REQUIRED and user.is_authenticated
                and not request.path.startswith(_OPEN_PATHS) and second_factor_required(user)
                and not user.is_verified()):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("A second factor is required: enrol at /account/two-factor/."),
                                     "code": "second_factor_required"}, status=403)
            return redirect("/account/two-factor/?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
