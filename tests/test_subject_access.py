"""Data-subject access (GDPR art. 15): one person's data as JSON and PDF, without other members'
protected data, for the manager only, every export in the access log."""

import json
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from asystent.models import AccessLog
from cases.enums import ConsentDecision
from visits.enums import VisitKind, VisitPlace

from . import route_world
from .factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings (labels are exported in the centre's language)."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    built = route_world.build()
    a = built.a
    # A visit the mother did not take part in, and the notes of the one she did.
    VisitFactory(case=a.case, topics="Rozmowa tylko z synem o szkole.", author=built.users.assistant)
    a.visit.topics = "Notatka o zdrowiu syna."
    a.visit.child_safety_notes = "Siniak na ręce syna."
    a.visit.save()
    a.consent.reason = "Powód dotyczący innych."
    a.consent.scope = "Wsparcie w opiece nad dziećmi."
    a.consent.save()
    return built


def export_json(client, member) -> dict:  # noqa: ANN001
    response = client.get(reverse("reports:subject-access-json", args=[member.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert (
        member.pesel not in response["Content-Disposition"]
        and member.last_name not in response["Content-Disposition"]
    )
    return json.loads(response.content)


def protected_of_others(world) -> list[str]:  # noqa: ANN001
    a = world.a
    return [
        a.child.first_name,
        a.child.pesel,
        a.child.birth_date.isoformat(),
        a.intervention.description,
        a.assessment.narrative,
        a.visit.topics,
        a.visit.child_safety_notes,
        a.consent.reason,
        "Rozmowa tylko z synem",
        world.b.family.name,
    ]


def test_the_json_holds_the_persons_data(client, world):
    a, manager = world.a, world.users.manager
    client.force_login(manager)

    data = export_json(client, a.adult)

    assert data["person"]["pesel"] == a.adult.pesel
    assert (data["person"]["first_name"], data["person"]["last_name"]) == (
        a.adult.first_name,
        a.adult.last_name,
    )
    assert data["person"]["relation"]["code"] == "parent"
    assert data["household"]["family_name"] == a.family.name
    assert data["household"]["street"] == a.family.street
    assert len(data["household"]["other_members"]) == 1  # the son, by no name
    [case] = data["cases"]
    assert case["legal_basis"]["code"] == "court_order"
    assert case["status"]["code"] == "active"
    assert case["opened_on"] == a.case.opened_on.isoformat()
    assert case["assistant"] == world.users.assistant.get_full_name()
    with translation.override("pl"):  # labels are written in the centre's language, like the PDF
        given, home_visit, home = (
            str(label)
            for label in (ConsentDecision.GIVEN.label, VisitKind.HOME_VISIT.label, VisitPlace.HOME.label)
        )
    assert data["consents_signed"] == [
        {
            "date": a.consent.date.isoformat(),
            "decision": {"code": "given", "label": given},
            "scope": "Wsparcie w opiece nad dziećmi.",
            "case_opened_on": a.case.opened_on.isoformat(),
        }
    ]
    # The saved visit she attended; not the draft, not the visit with her son alone.
    assert data["visits_attended"] == [
        {
            "date": a.visit.date.isoformat(),
            "kind": {"code": "home_visit", "label": home_visit},
            "place": {"code": "home", "label": home},
        }
    ]
    assert set(data["about_the_processing"]) >= {
        "controller",
        "purpose",
        "legal_basis",
        "retention",
        "rights",
    }


def test_the_json_has_nothing_protected_of_other_members(client, world):
    client.force_login(world.users.manager)
    text = json.dumps(export_json(client, world.a.adult), ensure_ascii=False)
    leaked = [value for value in protected_of_others(world) if value in text]
    assert not leaked


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def test_the_pdf_holds_the_same_and_nothing_of_others(client, world):
    a = world.a
    client.force_login(world.users.manager)

    response = client.get(reverse("reports:subject-access-pdf", args=[a.adult.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert a.adult.pesel in text
    assert f"{a.adult.first_name} {a.adult.last_name}" in text
    assert a.family.street in text
    assert a.visit.date.isoformat() in text
    leaked = [value for value in protected_of_others(world) if value in text]
    assert not leaked


def test_every_export_and_the_page_are_in_the_access_log(client, world):
    member, manager = world.a.adult, world.users.manager
    client.force_login(manager)

    client.get(reverse("reports:subject-access", args=[member.pk]))
    client.get(reverse("reports:subject-access-json", args=[member.pk]))
    client.get(reverse("reports:subject-access-pdf", args=[member.pk]))

    rows = AccessLog.objects.filter(user=manager).order_by("pk")
    assert [(r.action, r.object_type, r.object_id, r.family_id) for r in rows] == [
        ("view", "familymember", member.pk, member.family_id),
        ("export", "familymember", member.pk, member.family_id),
        ("export", "familymember", member.pk, member.family_id),
    ]


def test_the_page_offers_both_downloads(client, world):
    member = world.a.adult
    client.force_login(world.users.manager)
    html = client.get(reverse("reports:subject-access", args=[member.pk])).content.decode()
    assert reverse("reports:subject-access-json", args=[member.pk]) in html
    assert reverse("reports:subject-access-pdf", args=[member.pk]) in html


@pytest.mark.parametrize("who", ["social_worker", "assistant", "other_assistant", "administrator"])
def test_only_a_manager_exports(client, world, who):
    client.force_login(getattr(world.users, who))
    for name in ("reports:subject-access", "reports:subject-access-json", "reports:subject-access-pdf"):
        assert client.get(reverse(name, args=[world.a.adult.pk])).status_code == 403
    assert not AccessLog.objects.exists()


def test_an_unknown_person_is_404_and_post_is_refused(client, world):
    client.force_login(world.users.manager)
    assert client.get(reverse("reports:subject-access-json", args=[10**9])).status_code == 404
    assert client.post(reverse("reports:subject-access-json", args=[world.a.adult.pk])).status_code == 405


def test_a_person_removed_from_the_family_by_mistake_is_still_exported(client, world):
    """Removed is not deleted: the centre still holds the record, so it is part of the answer."""
    removed = world.a.removed_member
    client.force_login(world.users.manager)
    data = export_json(client, removed)
    assert data["person"]["first_name"] == removed.first_name
    assert len(data["household"]["other_members"]) == 2  # the mother and the son, by no name
