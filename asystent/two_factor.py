"""Two-factor authentication with TOTP (django-otp): required for managers and administrators,
available to everyone, with single-use recovery codes.

Enforced by `TwoFactorMiddleware` after the password step: a user with a device must enter a
code before anything else; a manager or administrator without one must set one up first.
Changing or resetting the password never removes the device, so it cannot bypass the second step.
"""

import base64
import time
from collections.abc import Callable
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .http import AuthenticatedHttpRequest, TwoFactorHttpRequest

RECOVERY_CODES = 10
SETUP_SESSION_KEY = "asystent_totp_setup_device"
# Whether the user has a confirmed device, and when that was read: looked up again after
# DEVICE_CHECK_SECONDS rather than with two queries on every request.
DEVICE_CHECK_SESSION_KEY = "asystent_otp_device_checked"
DEVICE_CHECK_SECONDS = 60


def requires_two_factor(user) -> bool:  # noqa: ANN001
    return settings.OTP_REQUIRED_FOR_STAFF and (user.is_manager or user.is_administrator)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from the authenticator app or a recovery code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of login: a TOTP code or a recovery code."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not user_has_device(request.user):
        return redirect("two-factor-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            django_otp.login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is not valid. Check the time on your phone and try again."))
    return render(request, "two_factor/verify.html", {"form": form, "next": request.GET.get("next", "")})


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@require_http_methods(["GET", "POST"])
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol a TOTP device: scan the QR code, confirm with one code, receive recovery codes."""
    user = request.user
    if user_has_device(user) and not request.user.is_verified():
        return redirect("two-factor-verify")
    device = _setup_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save()
                codes = _new_recovery_codes(user)
            django_otp.login(request, device)
            del request.session[SETUP_SESSION_KEY]
            request.session.pop(DEVICE_CHECK_SESSION_KEY, None)
            return render(request, "two_factor/recovery_codes.html", {"codes": codes})
        form.add_error("token", _("The code is not valid. Scan the QR code again and retry."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": requires_two_factor(user),
        },
    )


def _setup_device(request: HttpRequest) -> TOTPDevice:
    """The unconfirmed device of this set-up: made once per session and reused on every visit.
    A new set-up removes the user's other unconfirmed devices, whose keys were shown before."""
    user = request.user
    device_id = request.session.get(SETUP_SESSION_KEY)
    device = None
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
        request.session[SETUP_SESSION_KEY] = device.pk
    return device


def _new_recovery_codes(user) -> list[str]:  # noqa: ANN001
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


@require_http_methods(["GET", "POST"])
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Generate a new set of recovery codes (the old ones stop working)."""
    if not user_has_device(request.user, confirmed=True) or not request.user.is_verified():
        return redirect("two-factor-setup")
    if request.method == "POST":
        codes = _new_recovery_codes(request.user)
        messages.success(request, _("New recovery codes were generated; the old ones no longer work."))
        return render(request, "two_factor/recovery_codes.html", {"codes": codes})
    return render(request, "two_factor/recovery_confirm.html")


EXEMPT_URL_NAMES = {"login", "logout", "healthz", "two-factor-verify", "two-factor-setup"}


def _has_confirmed_device(request: HttpRequest) -> bool:
    checked = request.session.get(DEVICE_CHECK_SESSION_KEY)
    now = time.time()
    if checked is not None and now - checked[1] < DEVICE_CHECK_SECONDS:
        return checked[0]
    has_device = any(d.confirmed for d in devices_for_user(request.user))
    request.session[DEVICE_CHECK_SESSION_KEY] = [has_device, now]
    return has_device


class TwoFactorMiddleware:
    """Second step after the password: verify, or set up when the role requires it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: TwoFactorHttpRequest, view_func, view_args, view_kwargs):  # noqa: ANN001
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        has_device = _has_confirmed_device(request)
        # Until the second step is done the layout shows no navigation into the application.
        request.two_factor_pending = has_device or requires_two_factor(user)
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_URL_NAMES:
            return None
        if has_device:
            return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': request.get_full_path()})}")
        if requires_two_factor(user):
            return redirect("two-factor-setup")
        return None
