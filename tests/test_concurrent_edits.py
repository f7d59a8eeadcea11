"""Two people (or two windows) editing the same record: the second save is refused with a clear
message and the first one's changes are kept. The family and the visit have a version counter
(their own tests: test_families.py, test_visits.py); the opinion's edit form carries the version
it was opened at and when that version last changed."""

import pytest
from django.urls import reverse
from django.utils import translation

from reports import services
from reports.enums import OpinionStatus
from reports.models import OPINION_SECTIONS

from .factories import CourtRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def opinion(assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    return services.draft_opinion(request=court_request, by=assistant)


def form_of(client, opinion) -> dict:  # noqa: ANN001
    """What the edit page would post back unchanged: its sections and the hidden `seen`."""
    form = client.get(reverse("reports:opinion-edit", args=[opinion.pk])).context["form"]
    data = {name: form[name].value() or "" for name in OPINION_SECTIONS}
    return data | {"seen": form["seen"].value(), "action": "save"}


def test_the_second_of_two_windows_is_refused_and_the_first_text_stays(client, assistant, opinion):
    client.force_login(assistant)
    first, second = form_of(client, opinion), form_of(client, opinion)

    assert (
        client.post(
            reverse("reports:opinion-edit", args=[opinion.pk]), first | {"conclusions": "Pierwsze"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("reports:opinion-edit", args=[opinion.pk]), second | {"conclusions": "Drugie"}
    )

    assert response.status_code == 200
    assert "was changed elsewhere after you opened it" in response.content.decode()
    assert response.context["form"]["conclusions"].value() == "Drugie"  # what they typed is still there
    assert opinion.current_version().conclusions == "Pierwsze"


def test_a_form_opened_before_approval_does_not_make_a_version(client, assistant, manager, opinion):
    client.force_login(assistant)
    stale = form_of(client, opinion)
    version = services.save_opinion(
        opinion=opinion, by=assistant, sections=dict.fromkeys(OPINION_SECTIONS, "Treść.")
    )
    services.submit_opinion(version=version, by=assistant)
    services.approve_opinion(version=version, by=manager)

    response = client.post(
        reverse("reports:opinion-edit", args=[opinion.pk]), stale | {"conclusions": "Stare"}
    )

    assert response.status_code == 200
    assert opinion.versions.count() == 1
    assert opinion.current_version().status == OpinionStatus.APPROVED


def test_the_next_version_of_a_frozen_one_is_made_once(client, assistant, manager, opinion):
    version = services.save_opinion(
        opinion=opinion, by=assistant, sections=dict.fromkeys(OPINION_SECTIONS, "Treść.")
    )
    services.submit_opinion(version=version, by=assistant)
    services.approve_opinion(version=version, by=manager)
    client.force_login(assistant)
    first, second = form_of(client, opinion), form_of(client, opinion)
    url = reverse("reports:opinion-edit", args=[opinion.pk])

    assert client.post(url, first | {"conclusions": "Wersja 2"}).status_code == 302
    assert client.post(url, second | {"conclusions": "Inna wersja 2"}).status_code == 200

    assert list(opinion.versions.order_by("number").values_list("number", "conclusions")) == [
        (1, "Treść."),
        (2, "Wersja 2"),
    ]


def test_saving_again_from_the_fresh_page_works(client, assistant, opinion):
    client.force_login(assistant)
    url = reverse("reports:opinion-edit", args=[opinion.pk])
    assert client.post(url, form_of(client, opinion) | {"conclusions": "Raz"}).status_code == 302
    assert client.post(url, form_of(client, opinion) | {"conclusions": "Dwa"}).status_code == 302
    assert opinion.current_version().conclusions == "Dwa"
