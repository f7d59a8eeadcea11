"""Two-step login: required for managers and administrators, available to all, recovery codes,
and a password change does not bypass it."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    # django-otp delays the next try after a wrong code; the tests type a right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})


def _code(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_manager_without_device_must_set_it_up_before_anything_else(client):
    manager = UserFactory(username="kasia", manager=True)
    _login(client, manager)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two-factor-setup")
    page = client.get(reverse("two-factor-setup"))
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    wrong = client.post(reverse("two-factor-setup"), {"token": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    done = client.post(reverse("two-factor-setup"), {"token": _code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200


def test_user_with_device_must_enter_a_code_after_the_password(client):
    manager = UserFactory(username="kasia", manager=True)
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    _login(client, manager)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(reverse("two-factor-verify"), {"token": "123456"}).status_code == 200
    response = client.post(reverse("two-factor-verify"), {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_recovery_code_works_once(client):
    manager = UserFactory(username="kasia", manager=True)
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    # Set up recovery codes through the verified session first.
    client.post(reverse("two-factor-verify"), {"token": _code(device)})
    codes = client.post(reverse("two-factor-recovery")).context["codes"]
    client.post(reverse("logout"))
    _login(client, manager)
    assert client.post(reverse("two-factor-verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    _login(client, manager)
    assert client.post(reverse("two-factor-verify"), {"token": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=manager).count() == 9


def test_assistant_may_use_it_but_is_not_forced(client):
    assistant = UserFactory(username="anna", assistant=True)
    _login(client, assistant)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two-factor-setup")).status_code == 200


def test_password_change_does_not_remove_the_second_step(client):
    manager = UserFactory(username="kasia", manager=True)
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    _login(client, manager)
    client.post(reverse("two-factor-verify"), {"token": _code(device)})
    new_password = "nowe-haslo-zielona-dolina-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "kasia", "password": new_password})
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


def test_next_parameter_cannot_send_the_user_elsewhere(client):
    manager = UserFactory(username="kasia", manager=True)
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    _login(client, manager)
    response = client.post(
        reverse("two-factor-verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    assert not re.search("evil", response["Location"])


def test_wrong_codes_slow_down_the_next_try(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    manager = UserFactory(username="kasia", manager=True)
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    _login(client, manager)
    client.post(reverse("two-factor-verify"), {"token": "000000"})
    # Right after a wrong code even the right one is refused for a while.
    assert client.post(reverse("two-factor-verify"), {"token": _code(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_no_navigation_into_the_application_before_the_second_step(client):
    manager = UserFactory(username="kasia", manager=True)
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    _login(client, manager)
    page = client.get(reverse("two-factor-verify")).content.decode()
    assert reverse("referrals:queue") not in page
    assert reverse("logout") in page


def test_the_setup_page_keeps_one_unconfirmed_device_and_seed_demo_copes(client, settings):
    from django.core.management import call_command
    from django.test import Client

    settings.DEBUG = True  # seed_demo refuses to run in production
    manager = UserFactory(username="kierownik", manager=True)
    for _ in range(3):  # three logins, each opening the set-up page
        browser = Client()
        _login(browser, manager)
        assert browser.get(reverse("two-factor-setup")).status_code == 200
    _login(client, manager)
    for _ in range(3):  # and three visits in one session
        client.get(reverse("two-factor-setup"))
    assert TOTPDevice.objects.filter(user=manager, confirmed=False).count() == 1

    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    assert TOTPDevice.objects.filter(user=manager).count() == 1
    assert TOTPDevice.objects.get(user=manager).confirmed
