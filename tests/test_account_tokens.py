"""The account page: a token is created (shown once, stored hashed), listed and revoked."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import AccessToken


def _create(client, **overrides):
    data = {
        "name": "Raporty",
        "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "scope": "read",
    }
    return client.post(reverse("api:account"), {**data, **overrides})


@pytest.mark.django_db
def test_a_token_is_shown_once_and_works_until_revoked(client, assistant):
    client.force_login(assistant)
    page = _create(client)
    assert page.status_code == 200
    secret = page.context["new_secret"]
    assert secret in page.content.decode()
    token = AccessToken.objects.get(user=assistant)
    assert secret not in client.get(reverse("api:account")).content.decode()
    api = client.__class__()
    assert api.get(reverse("api:case-list"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    client.post(reverse("api:token-revoke", args=[token.pk]))
    assert api.get(reverse("api:case-list"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


@pytest.mark.django_db
def test_the_form_refuses_a_token_longer_than_a_year(client, assistant):
    client.force_login(assistant)
    page = _create(client, expires_on=(timezone.localdate() + dt.timedelta(days=400)).isoformat())
    assert "Token może być ważny najwyżej rok." in page.content.decode()
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_nobody_revokes_anothers_token(client, assistant, other_assistant):
    client.force_login(assistant)
    _create(client)
    token = AccessToken.objects.get()
    client.force_login(other_assistant)
    assert client.post(reverse("api:token-revoke", args=[token.pk])).status_code == 404
    assert AccessToken.objects.get().revoked_at is None


@pytest.mark.django_db
def test_a_manager_without_the_second_step_cannot_create_a_token(client, manager, settings):
    client.force_login(manager)
    settings.OTP_REQUIRED_FOR_STAFF = True
    # The two-step middleware sends them to set it up before any page; the service refuses too.
    response = _create(client)
    assert response.status_code in (302, 403)
    assert not AccessToken.objects.exists()
