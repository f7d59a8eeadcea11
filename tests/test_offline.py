"""The application on a phone (api.pwa, api.offline): the manifest and the service worker
served from the site root with the right headers, the offline form's shell without any family's
data, the assistant's own open cases with only what choosing a case needs (each read audited),
visits sent with an Idempotency-Key created once, the refusals the phone shows as conflicts, and
the browser told to wipe what it kept at logout and when another person logs in."""

import json
import uuid
from io import BytesIO

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from api.pwa import PRECACHED_STATIC
from asystent.audit import AccessAction
from asystent.drafts import LAST_USER_COOKIE, LAST_USER_SALT
from asystent.models import AccessLog
from cases.enums import CaseStatus
from tests.factories import TEST_PASSWORD, CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return UserFactory(username="anna", assistant=True)


@pytest.fixture
def cases(anna):
    own = CaseFactory(family=FamilyFactory(name="Bąkowscy"), assistant=anna)
    FamilyMemberFactory(family=own.family, first_name="Żaneta", last_name="Bąkowska")
    FamilyMemberFactory(family=own.family, first_name="Kuba", last_name="Bąkowski")
    awaiting = CaseFactory(family=FamilyFactory(name="Cichońscy"), assistant=anna, awaiting_consent=True)
    closed = CaseFactory(family=FamilyFactory(name="Dudkowie"), assistant=anna, closed=True)
    other = CaseFactory(family=FamilyFactory(name="Ewiccy"))
    return {"own": own, "awaiting": awaiting, "closed": closed, "other": other}


def logged_in(user, **kwargs) -> Client:  # noqa: ANN001, ANN003
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_service_worker_is_served_from_the_root_with_its_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200  # without a login: the browser fetches it itself
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert f'var SHELL = "{reverse("api:offline")}";' in body
    for name in PRECACHED_STATIC:
        assert finders.find(name), name  # every file it keeps exists
        assert name in body
    # It keeps nothing else: no page of a family's file is named.
    assert "/families/" not in body and "/visits/case/" not in body


def test_the_manifest_names_the_offline_form_and_real_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == reverse("api:offline") and data["scope"] == "/"
    assert data["display"] == "standalone"
    for icon in data["icons"]:
        name = icon["src"].removeprefix("/static/")
        with open(finders.find(name), "rb") as file:
            image = Image.open(BytesIO(file.read()))
        assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_the_offline_form_registers_the_worker(anna):
    client = logged_in(anna)
    page = client.get(reverse("home")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert f'data-offline-user="{anna.pk}"' in page  # every page checks what the phone kept
    assert "data-offline-worker" not in page  # installed from the offline form only
    assert 'data-offline-worker="/sw.js"' in client.get(reverse("api:offline")).content.decode()


def test_the_shell_holds_no_familys_data(anna, cases):
    response = logged_in(anna).get(reverse("api:offline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Czeka na wysłanie" in page and "Zapisz na telefonie" in page
    for name in ("Bąkowscy", "Żaneta", "Cichońscy", cases["own"].family.members.first().pesel):
        assert name not in page
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ["social_worker", "manager", "administrator"])
def test_only_assistants_open_the_offline_form(role):
    client = logged_in(UserFactory(**{role: True}))
    assert client.get(reverse("api:offline")).status_code == 403
    assert client.get(reverse("api:offline-cases")).status_code == 403


def test_the_case_list_gives_only_own_open_cases_and_only_first_names(anna, cases):
    response = logged_in(anna).get(reverse("api:offline-cases"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    data = response.json()
    assert data["user"] == anna.pk and data["csrf_token"] and data["wipe_after_hours"] == 72
    for item in data["cases"]:
        item["members"] = sorted(item["members"])
    assert data["cases"] == [
        {"id": cases["own"].pk, "family": "Bąkowscy", "members": ["Kuba", "Żaneta"]},
        {"id": cases["awaiting"].pk, "family": "Cichońscy", "members": []},
    ]
    body = response.content.decode()
    for member in cases["own"].family.members.all():
        assert member.pesel not in body and member.last_name not in body


def test_each_case_sent_to_the_phone_is_audited(anna, cases):
    logged_in(anna).get(reverse("api:offline-cases"))
    rows = AccessLog.objects.filter(user=anna)
    assert sorted((row.family_id, row.object_type, row.object_id, row.action) for row in rows) == sorted(
        (case.family_id, "case", case.pk, AccessAction.VIEW) for case in (cases["own"], cases["awaiting"])
    )


def send(client: Client, token: str, key: str, case_pk: int, topics: str = "Rozmowa o budżecie"):  # noqa: ANN201
    return client.post(
        reverse("api:visit-list"),
        data=json.dumps(
            {"case": case_pk, "date": "2026-12-01", "kind": "home_visit", "place": "home", "topics": topics}
        ),
        content_type="application/json",
        headers={"X-CSRFToken": token, "Idempotency-Key": key},
    )


def test_a_visit_sent_twice_with_its_key_is_created_once(anna, cases):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    token = client.get(reverse("api:offline-cases")).json()["csrf_token"]
    key = str(uuid.uuid4())
    first = send(client, token, key, cases["own"].pk)
    again = send(client, token, key, cases["own"].pk)
    assert (first.status_code, again.status_code) == (201, 200), first.content.decode()
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.filter(case=cases["own"]).count() == 1
    assert send(client, "", str(uuid.uuid4()), cases["own"].pk).status_code == 403  # no CSRF token


def test_a_closed_or_reassigned_case_is_refused_with_a_reason(anna, cases):
    client = logged_in(anna)
    token = client.get(reverse("api:offline-cases")).json()["csrf_token"]
    closed = send(client, token, str(uuid.uuid4()), cases["closed"].pk)
    assert closed.status_code == 400
    assert "zamknięta" in json.dumps(closed.json(), ensure_ascii=False)
    assert send(client, token, str(uuid.uuid4()), cases["other"].pk).status_code == 404
    assert not Visit.objects.exists()
    # The key of a refused visit is free: once the case is open again, the same key sends it.
    key = str(uuid.uuid4())
    assert send(client, token, key, cases["closed"].pk).status_code == 400
    cases["closed"].status = CaseStatus.ACTIVE
    cases["closed"].closed_on = None
    cases["closed"].closure_reason = ""
    cases["closed"].save()
    assert send(client, token, key, cases["closed"].pk).status_code == 201


def test_without_a_session_the_phone_is_told_to_log_in(cases):
    response = Client().post(
        reverse("api:visit-list"),
        data=json.dumps({"case": cases["own"].pk, "date": "2026-12-01", "kind": "home_visit"}),
        content_type="application/json",
        headers={"Idempotency-Key": "x"},
    )
    assert response.status_code == 401  # the draft stays on the phone until the person logs in


def test_logout_tells_the_browser_to_wipe_what_it_kept(anna):
    response = logged_in(anna).post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def login(client: Client, username: str):  # noqa: ANN201
    return client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})


def test_another_person_logging_in_wipes_the_previous_ones_data(anna):
    beata = UserFactory(username="beata", assistant=True)
    client = Client()
    client.cookies[LAST_USER_COOKIE] = _signed(anna.pk)
    response = login(client, "beata")
    assert response.status_code == 302 and response.wsgi_request.user == beata
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_same_person_logging_in_again_keeps_the_data(anna):
    client = Client()
    client.cookies[LAST_USER_COOKIE] = _signed(anna.pk)
    response = login(client, "anna")
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response


def _signed(user_id: int) -> str:
    from django.core import signing

    return signing.get_cookie_signer(salt=LAST_USER_COOKIE + LAST_USER_SALT).sign(str(user_id))
