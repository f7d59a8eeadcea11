"""Data-subject access (GDPR art. 15): one person's data as JSON and PDF, without other members'
protected data, for the manager only, every export in the access log."""

import json
import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import translation

from asystent import limits
from asystent.models import AccessLog
from cases.enums import ConsentDecision
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from visits.enums import VisitKind, VisitPlace

from . import route_world
from .factories import ConsentFactory, VisitFactory

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


def _ask_for_the_pdf(client, member, callbacks):  # noqa: ANN001
    """POST the page's button; returns the response, the seconds it took and the document. The
    rendering is queued after the commit (`callbacks`), not run in the request."""
    started = time.monotonic()
    response = client.post(reverse("reports:subject-access-pdf", args=[member.pk]))
    seconds = time.monotonic() - started
    document = RenderedDocument.objects.get(kind=DocumentKind.SUBJECT_ACCESS, object_id=member.pk)
    return response, seconds, document


def test_the_pdf_is_rendered_after_the_request_and_holds_the_same_and_nothing_of_others(
    client, world, django_capture_on_commit_callbacks
):
    a = world.a
    client.force_login(world.users.manager)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response, _seconds, document = _ask_for_the_pdf(client, a.adult, None)

    assert response.status_code == 302 and response.url == document.get_absolute_url()
    # Nothing was rendered in the request: the rendering waits for the worker.
    assert document.status == DocumentStatus.PENDING and not document.file
    assert document.case is None and document.family == a.family
    assert len(queued) == 1
    queued[0]()  # what the worker does (in the embedded mode: in-process, after the commit)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error

    page = client.get(document.get_absolute_url()).content.decode()
    assert reverse("documents:download", args=[document.pk]) in page
    assert reverse("reports:subject-access", args=[a.adult.pk]) in page  # back to the person's page
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert a.adult.pesel not in download["Content-Disposition"]
    assert a.adult.last_name not in download["Content-Disposition"]
    text = pdf_text(b"".join(download.streaming_content))
    assert a.adult.pesel in text
    assert f"{a.adult.first_name} {a.adult.last_name}" in text
    assert a.family.street in text
    assert a.visit.date.strftime("%d.%m.%Y") in text  # dates written one way (asystent/formats)
    leaked = [value for value in protected_of_others(world) if value in text]
    assert not leaked

    # Asked again the same day with the data unchanged: the same file, not a second rendering.
    with django_capture_on_commit_callbacks(execute=False) as again:
        client.post(reverse("reports:subject-access-pdf", args=[a.adult.pk]))
    assert not again
    assert RenderedDocument.objects.filter(kind=DocumentKind.SUBJECT_ACCESS).count() == 1


def test_600_kb_of_consent_scopes_answer_at_once_and_fail_with_the_reason_in_polish(
    client, world, django_capture_on_commit_callbacks
):
    """A person who signed many consents with long scopes (600 KB of text in all): the request
    only queues the rendering; the rendering refuses a source too long to print, saying why."""
    a = world.a
    scope = ("Wsparcie w opiece nad dziećmi i w prowadzeniu domu. " * 40)[: limits.REASON]
    for _number in range(300):
        ConsentFactory(case=a.case, date=a.consent.date, scope=scope).signed_by.add(a.adult)
    assert sum(len(c.scope) for c in a.adult.consents.all()) >= 600_000
    client.force_login(world.users.manager)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response, seconds, document = _ask_for_the_pdf(client, a.adult, None)
    assert response.status_code == 302
    assert document.status == DocumentStatus.PENDING and not document.file
    assert seconds < 5, f"the request took {seconds:.1f} s"

    started = time.monotonic()
    with translation.override("pl"):
        queued[0]()
    document.refresh_from_db()
    assert time.monotonic() - started < 30
    assert document.status in (DocumentStatus.READY, DocumentStatus.FAILED)
    if document.status == DocumentStatus.FAILED:
        assert "za długi" in document.error, document.error
        assert "Error" not in document.error and "Traceback" not in document.error
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
        with translation.override("pl"):
            page = client.get(document.get_absolute_url()).content.decode()
        assert "Nie udało się przygotować pliku PDF." in page and "za długi" in page


def test_the_copy_is_the_managers_only_even_as_a_document(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users.manager)
    with django_capture_on_commit_callbacks(execute=True):
        _response, _seconds, document = _ask_for_the_pdf(client, world.a.adult, None)
    for who in ("assistant", "social_worker", "other_assistant", "administrator"):
        client.force_login(getattr(world.users, who))
        for name in ("documents:detail", "documents:download", "documents:status"):
            assert client.get(reverse(name, args=[document.pk])).status_code in (403, 404), (who, name)
        assert client.post(reverse("documents:retry", args=[document.pk])).status_code in (403, 404)


def test_every_export_and_the_page_are_in_the_access_log(client, world):
    member, manager = world.a.adult, world.users.manager
    client.force_login(manager)

    client.get(reverse("reports:subject-access", args=[member.pk]))
    client.get(reverse("reports:subject-access-json", args=[member.pk]))
    client.post(reverse("reports:subject-access-pdf", args=[member.pk]))

    rows = AccessLog.objects.filter(user=manager, object_type="familymember").order_by("pk")
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
    assert f'action="{reverse("reports:subject-access-pdf", args=[member.pk])}"' in html


@pytest.mark.parametrize("who", ["social_worker", "assistant", "other_assistant", "administrator"])
def test_only_a_manager_exports(client, world, who):
    client.force_login(getattr(world.users, who))
    for name in ("reports:subject-access", "reports:subject-access-json"):
        assert client.get(reverse(name, args=[world.a.adult.pk])).status_code == 403
    assert client.post(reverse("reports:subject-access-pdf", args=[world.a.adult.pk])).status_code == 403
    assert not AccessLog.objects.exists()
    assert not RenderedDocument.objects.filter(kind=DocumentKind.SUBJECT_ACCESS).exists()


def test_an_unknown_person_is_404_and_post_is_refused(client, world):
    client.force_login(world.users.manager)
    assert client.get(reverse("reports:subject-access-json", args=[10**9])).status_code == 404
    assert client.post(reverse("reports:subject-access-json", args=[world.a.adult.pk])).status_code == 405
    assert client.get(reverse("reports:subject-access-pdf", args=[world.a.adult.pk])).status_code == 405
    assert client.post(reverse("reports:subject-access-pdf", args=[10**9])).status_code == 404


def test_a_person_removed_from_the_family_by_mistake_is_still_exported(client, world):
    """Removed is not deleted: the centre still holds the record, so it is part of the answer."""
    removed = world.a.removed_member
    client.force_login(world.users.manager)
    data = export_json(client, removed)
    assert data["person"]["first_name"] == removed.first_name
    assert len(data["household"]["other_members"]) == 2  # the mother and the son, by no name
