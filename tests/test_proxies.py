"""Forwarded headers count only from the proxies named in TRUSTED_PROXIES: a client cannot claim
HTTPS or another address, and the access log records the real client behind a trusted proxy."""

import pytest
from django.urls import reverse

from asystent.models import AccessLog

from .factories import CaseFactory

PROXY = "10.1.2.3"
CLIENT = "198.51.100.7"
STRANGER = "203.0.113.5"


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
def test_a_direct_client_claiming_https_is_not_treated_as_secure(client):
    response = client.get(reverse("login"), REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_https_forwarded_by_a_trusted_proxy_is_secure(client):
    response = client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


@pytest.mark.django_db
def test_plain_http_through_the_proxy_is_redirected(client):
    response = client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="http")
    assert response.status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "forwarded_for", "recorded"),
    [
        (PROXY, CLIENT, CLIENT),  # the proxy's word is taken
        (PROXY, f"{STRANGER}, {CLIENT}", CLIENT),  # the client put an address in front: ignored
        (PROXY, f"{CLIENT}, 10.9.9.9", CLIENT),  # two trusted proxies in a row
        (PROXY, "not-an-address", PROXY),
        (STRANGER, CLIENT, STRANGER),  # a direct client cannot claim another address
    ],
)
def test_the_access_log_records_the_client_only_through_a_trusted_proxy(
    client, assistant, remote, forwarded_for, recorded
):
    case = CaseFactory(assistant=assistant)
    client.force_login(assistant)
    response = client.get(
        reverse("cases:family-detail", args=[case.family_id]),
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        secure=remote == STRANGER,  # the stranger speaks HTTPS itself
    )
    assert response.status_code == 200
    assert AccessLog.objects.get(family_id=case.family_id).ip_address == recorded
