"""Signing in (SPEC §7, §13): the sign-in forms with the optional one-time code, the token
endpoint and token revocation, and enrolment of a TOTP second factor.

Every password check goes through `django.contrib.auth.authenticate(request, …)`, so the
lockout (django-axes, per user and address) guards the sign-in page, the admin and the token
endpoint alike; a locked-out attempt is answered by `servicecenter.security.lockout_response`.
"""

from __future__ import annotations

import base64

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import get_token_model
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .security import lockout_message, lockout_seconds, second_factor_required

OTP_FIELD = forms.CharField(
    label=_("One-time code"), required=False, max_length=12,
    widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    help_text=_("Only if you enrolled a second factor: the 6 digits your authenticator app shows."))


def check_second_factor(user, code: str):
    """The user's confirmed TOTP device that accepts `code`; None when the user needs no code.
    Raises ValidationError when a code is needed and missing or wrong."""
    if not user_has_device(user, confirmed=True):
        return None  # SecondFactorMiddleware sends those who must enrol to the enrolment page
    code = (code or "").strip().replace(" ", "")
    if not code:
        raise forms.ValidationError(_("Enter the one-time code from your authenticator app."), code="otp_required")
    device = match_token(user, code)
    if device is None:
        raise forms.ValidationError(_("The one-time code is wrong or expired."), code="otp_invalid")
    return device


class _SecondFactorMixin:
    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            device = check_second_factor(user, cleaned.get("otp_token"))
            if device is not None:
                user.otp_device = device  # django_otp marks the session verified on login
        return cleaned


class SignInForm(_SecondFactorMixin, AuthenticationForm):
    otp_token = OTP_FIELD
    error_messages = {**AuthenticationForm.error_messages,
                      "invalid_login": _("Your username and password didn't match. Please try again.")}


class AdminSignInForm(_SecondFactorMixin, AdminAuthenticationForm):
    otp_token = OTP_FIELD


# --- API tokens ----------------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                      help_text="one-time code, for users with a second factor")


class LockedOut(Throttled):
    default_code = "locked_out"

    def __init__(self):
        super().__init__(wait=lockout_seconds(), detail=lockout_message())


class ObtainTokenView(APIView):
    """`POST /api/v1/auth/token/` {username, password[, otp_token]} → {token, expiry}."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField(),
                                                    "expiry": serializers.DateTimeField(allow_null=True)}),
                   400: OpenApiResponse(description="wrong username, password or one-time code"),
                   403: OpenApiResponse(description="a second factor is required but not enrolled"),
                   429: OpenApiResponse(description="locked out after repeated failures, or throttled")},
        auth=[], tags=["auth"])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with the given username and password.")]})
        try:
            check_second_factor(user, data.validated_data.get("otp_token"))
        except forms.ValidationError as exc:
            raise serializers.ValidationError({"otp_token": exc.messages}) from None
        if second_factor_required(user) and not user_has_device(user, confirmed=True):
            return Response({"detail": _("A second factor is required: enrol at /account/two-factor/."),
                             "code": "second_factor_required"}, status=status.HTTP_403_FORBIDDEN)
        model = get_token_model()
        with transaction.atomic():
            model.objects.filter(user=user, expiry__lt=timezone.now()).delete()
            instance, token = model.objects.create(user=user)
        return Response({"token": token, "expiry": instance.expiry})


class RevokeTokenView(APIView):
    """`POST /api/v1/auth/logout/`: revokes the token of this request; `…/logout-all/`: every
    token of the user."""

    permission_classes = [IsAuthenticated]
    every = False

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        model = get_token_model()
        if self.every:
            model.objects.filter(user=request.user).delete()
        elif isinstance(request.auth, model):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- enrolling a TOTP second factor ---------------------------------------------------------------

class ConfirmDeviceForm(forms.Form):
    otp_token = forms.CharField(label=_("One-time code"), max_length=12,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric", "autofocus": True}))


def provisioning(device: TOTPDevice) -> dict:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "url": device.config_url}


def qr_data_uri(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5)


@login_required
def two_factor(request):
    """`/account/two-factor/`: enrol an authenticator app (scan the code or type the key, then
    confirm with one code). Enrolling again replaces the device."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if confirmed is not None and not user.is_verified():
        # a session signed in before the device existed may not replace it: sign in with a code first
        pending = None
    elif request.method == "POST" and request.POST.get("action") == "start" or pending is None and confirmed is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        pending = TOTPDevice.objects.create(user=user, name=str(_("Authenticator app")), confirmed=False)
        if request.method == "POST":
            return redirect("two-factor")
    form = ConfirmDeviceForm(request.POST if request.method == "POST" and request.POST.get("action") == "confirm"
                             else None)
    if form.is_bound and pending is not None and form.is_valid():
        if pending.verify_token(form.cleaned_data["otp_token"].strip().replace(" ", "")):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            nxt = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(nxt, {request.get_host()}, require_https=request.is_secure()):
                nxt = "/"
            return redirect(nxt)
        form.add_error("otp_token", _("The one-time code is wrong or expired."))
    context = {"form": form, "confirmed": confirmed, "pending": pending,
               "required": second_factor_required(user), "verified": user.is_verified()}
    if pending is not None:
        context["provisioning"] = provisioning(pending)
        context["qr"] = qr_data_uri(pending.config_url)
    return render(request, "registration/two_factor.html", context)
