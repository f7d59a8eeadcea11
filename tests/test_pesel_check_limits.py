"""The PESEL check is no way to search the register: each check is in the access log, and a
person may run only so many an hour."""

import pytest
from django.urls import reverse

from asystent.models import AccessLog

from .factories import FamilyMemberFactory, UserFactory

SON_PESEL = "15290312345"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings, empty_cache):
    settings.PESEL_CHECK_LIMIT = 3


def check(client, pesel):
    return client.post(reverse("cases:pesel-check"), {"pesel": pesel}, HTTP_HX_REQUEST="true")


def test_each_check_is_in_the_access_log_without_the_number(client, social_worker):
    existing = FamilyMemberFactory()
    client.force_login(social_worker)
    check(client, existing.pesel)
    check(client, FamilyMemberFactory.build().pesel)

    found, not_found = AccessLog.objects.filter(user=social_worker, action="pesel_check").order_by("pk")
    assert (found.object_type, found.object_id) == ("familymember", existing.pk)
    assert found.family_id == existing.family_id
    assert not_found.family_id is None and not_found.object_type == "user"
    assert existing.pesel not in str(AccessLog.objects.values_list())


def test_checks_beyond_the_limit_are_refused_with_a_message(client, social_worker):
    existing = FamilyMemberFactory()
    client.force_login(social_worker)
    for _ in range(3):
        assert check(client, existing.pesel).context.get("on_file")

    refused = check(client, existing.pesel)

    html = refused.content.decode()
    assert not refused.context.get("on_file") and not refused.context.get("info")
    assert "Przekroczono limit sprawdzeń numeru PESEL" in html
    assert AccessLog.objects.filter(user=social_worker, action="pesel_check").count() == 3


def test_the_limit_is_per_person(client, social_worker):
    existing = FamilyMemberFactory()
    client.force_login(social_worker)
    for _ in range(4):
        check(client, existing.pesel)
    colleague = UserFactory(username="piotr", social_worker=True)
    client.force_login(colleague)
    assert check(client, existing.pesel).context.get("on_file")
