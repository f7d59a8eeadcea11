"""The admin answers an address naming an object that does not exist with 404 or a redirect to
its index (Django's own way), or 403 where the administrator role has no rights on the model,
never a server error: every admin route with an object in its path, the third-party ones
(django-otp's device pages, django-axes' records) included."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import UserFactory
from .test_login_required import ROUTES

UNKNOWN = "987654"
_PARAMETER = re.compile(r"<[^>]+>")
ADMIN_OBJECT_ROUTES = [
    route
    for route in ROUTES
    if route.name and route.name.startswith("admin:") and _PARAMETER.search(route.route)
]


def test_the_device_pages_are_among_the_routes_checked():
    names = {route.name for route in ADMIN_OBJECT_ROUTES}
    assert {
        "admin:otp_totp_totpdevice_change",
        "admin:otp_totp_totpdevice_config",
        "admin:otp_totp_totpdevice_qrcode",
        "admin:otp_static_staticdevice_change",
        "admin:auth_user_password_change",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_OBJECT_ROUTES, ids=str)
def test_unknown_object_is_not_a_server_error(admin_user, route):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = "/" + _PARAMETER.sub(UNKNOWN, route.route)
    response = client.get(url)
    assert response.status_code in (302, 403, 404), f"{url} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["config", "qrcode"])
def test_device_key_pages_answer_404_to_someone_with_rights_on_devices(page):
    # The administrator role has no rights on devices (403 above); a superuser has, and reaches
    # the lookup itself.
    superuser = UserFactory(username="root", administrator=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=UserFactory(manager=True), name="app", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    assert client.get(f"/admin/otp_totp/totpdevice/{UNKNOWN}/{page}/").status_code == 404
    # OTP_ADMIN_HIDE_SENSITIVE_DATA: not even a superuser sees another person's secret key.
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{page}/").status_code == 403
