"""The REST API: every endpoint × every role × every token scope (and the session), tokens that no
longer work, the idempotent create, the audit of every read, and the OpenAPI schema."""

import datetime as dt
import json
import threading

import pytest
import yaml
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openapi_spec_validator import validate

from api import services
from api.models import AccessToken, IdempotencyKey, TokenScope
from asystent.models import AccessLog
from cases.models import ProblemArea
from notifications.models import Notification
from visits.enums import VisitKind
from visits.models import Visit

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyFactory,
    FamilyMemberFactory,
    GoalFactory,
    PlanActionFactory,
    VisitFactory,
    WorkPlanFactory,
)

ROLES = ("social_worker", "assistant", "other_assistant", "manager", "admin_user")
# The Alfowscy's objects: their social worker, assistant and a manager see them; the other
# assistant and the administrator do not (404, as in the browser).
SEEN = (200, 200, 404, 200, 404)
LIST = (200,) * 5
MANAGERS = (403, 403, 403, 200, 403)
# A visit is written by the case's own assistant; the others who see the case are refused (403).
LOG_VISIT = (403, 201, 404, 403, 404)
OWN = (200,) * 5


def _visit_body(world):
    return {
        "case": world["case"].pk,
        "final": True,
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "kind": VisitKind.HOME_VISIT,
        "place": "home",
        "participants": [world["member"].pk],
        "areas": [ProblemArea.objects.first().pk],
        "topics": "Rozmowa o planie dnia dzieci.",
        "next_meeting": (timezone.localdate() + dt.timedelta(days=6)).isoformat(),
    }


# name -> (method, the world's object in the URL or None, codes per role in ROLES)
MATRIX = {
    "api:family-list": ("get", None, LIST),
    "api:family-detail": ("get", "family", SEEN),
    "api:member-detail": ("get", "member", SEEN),
    "api:case-list": ("get", None, LIST),
    "api:case-detail": ("get", "case", SEEN),
    "api:visit-list": ("post", None, LOG_VISIT),
    "api:visit-detail": ("get", "visit", SEEN),
    "api:plan-list": ("get", None, LIST),
    "api:plan-detail": ("get", "plan", SEEN),
    "api:assessment-list": ("get", None, LIST),
    "api:assessment-detail": ("get", "assessment", SEEN),
    "api:court-request-list": ("get", None, LIST),
    "api:court-request-detail": ("get", "court_request", SEEN),
    "api:notification-list": ("get", None, LIST),
    "api:notification-read": ("post", "own_notification", OWN),
    "api:report-semiannual": ("get", None, MANAGERS),
}


def _api_route_names() -> set[str]:
    (resolver,) = [
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    return {
        f"api:{p.name}"
        for p in resolver.url_patterns
        if isinstance(p, URLPattern) and str(p.pattern).startswith("api/v1/")
    }


def test_every_endpoint_has_its_row_in_the_matrix():
    assert _api_route_names() == set(MATRIX), "add each endpoint of /api/v1/ to MATRIX"


@pytest.fixture
def world(db, social_worker, assistant, other_assistant, manager, admin_user):
    family = FamilyFactory(name="Alfowscy", registered_by=social_worker)
    member = FamilyMemberFactory(family=family, last_name="Alfowska")
    case = CaseFactory(family=family, assistant=assistant, social_worker=social_worker)
    other_case = CaseFactory(assistant=other_assistant)
    plan = WorkPlanFactory(case=case, created_by=assistant)
    PlanActionFactory(goal=GoalFactory(plan=plan))
    users = {
        "social_worker": social_worker,
        "assistant": assistant,
        "other_assistant": other_assistant,
        "manager": manager,
        "admin_user": admin_user,
    }
    notes = {
        role: Notification.objects.create(recipient=user, rule="test", key=f"k-{role}", message="Wiadomość")
        for role, user in users.items()
    }
    return {
        "users": users,
        "family": family,
        "member": member,
        "case": case,
        "other_case": other_case,
        "visit": VisitFactory(case=case, author=assistant),
        "plan": plan,
        "assessment": AssessmentFactory(case=case, submitted=True, author=assistant),
        "court_request": CourtRequestFactory(case=case, registered_by=assistant),
        "notifications": notes,
    }


def _token(user, scope=TokenScope.READ, days=30):
    _token_obj, secret = services.create_token(
        user=user,
        name="test",
        expires_on=timezone.localdate() + dt.timedelta(days=days),
        scope=scope,
        verified=True,
    )
    return secret


def _url(name, world, on, role):
    if on is None:
        return reverse(name)
    obj = world["notifications"][role] if on == "own_notification" else world[on]
    return reverse(name, args=[obj.pk])


def _call(client, method, url, world, token=None, key="k1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "post":
        body = _visit_body(world) if url == reverse("api:visit-list") else {}
        return client.post(
            url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
        )
    return client.get(url, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("credential", ["read", "write", "session"])
def test_route_role_and_scope(world, name, credential):
    method, on, codes = MATRIX[name]
    for role, expected in zip(ROLES, codes, strict=True):
        user = world["users"][role]
        client = Client()
        token = None
        if credential == "session":
            client.force_login(user)
        else:
            token = _token(user, TokenScope.WRITE if credential == "write" else TokenScope.READ)
        response = _call(
            client, method, _url(name, world, on, role), world, token, key=f"{role}-{credential}"
        )
        if method == "post" and credential == "read":
            expected = 403  # a read-only token writes nothing
        assert response.status_code == expected, f"{name} {role} {credential}: {response.content[:300]!r}"
    # Nobody without credentials.
    anonymous = _call(Client(), method, _url(name, world, on, "assistant"), world)
    assert anonymous.status_code in (401, 403)
    assert anonymous.status_code == 401 or method == "post"


@pytest.mark.django_db
def test_lists_hold_only_what_the_user_sees(world):
    for role, sees in (
        ("other_assistant", False),
        ("assistant", True),
        ("admin_user", False),
        ("manager", True),
    ):
        token = _token(world["users"][role])
        for name, key in (
            ("api:family-list", "family"),
            ("api:case-list", "case"),
            ("api:plan-list", "plan"),
        ):
            ids = [
                row["id"]
                for row in Client().get(reverse(name), HTTP_AUTHORIZATION=f"Bearer {token}").json()["results"]
            ]
            assert (world[key].pk in ids) is sees, f"{name} {role}"


@pytest.mark.django_db
def test_the_case_shows_its_legal_basis_and_assignment(world):
    token = _token(world["users"]["assistant"])
    data = (
        Client()
        .get(reverse("api:case-detail", args=[world["case"].pk]), HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    assert data["legal_basis"] == "voluntary"
    assert data["assistant"]["id"] == world["users"]["assistant"].pk
    assert [a["assistant"]["id"] for a in data["assignments"]] == [world["users"]["assistant"].pk]
    member = (
        Client()
        .get(reverse("api:member-detail", args=[world["member"].pk]), HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    assert world["member"].pesel not in json.dumps(member)  # masked, as on the family page


@pytest.mark.django_db
def test_the_court_request_shows_its_opinion_status(world):
    from courts import services as court_services

    court_services.draft_opinion(request=world["court_request"], by=world["users"]["assistant"])
    token = _token(world["users"]["manager"])
    data = (
        Client()
        .get(
            reverse("api:court-request-detail", args=[world["court_request"].pk]),
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    assert data["opinion_status"] == "draft"


# --- tokens that do not work -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_revoked_token_is_refused(world):
    user = world["users"]["assistant"]
    secret = _token(user)
    url = reverse("api:case-list")
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    services.revoke_token(token=AccessToken.objects.get(user=user), by=user)
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_an_expired_token_is_refused(world, time_machine):
    secret = _token(world["users"]["assistant"], days=1)
    time_machine.move_to(timezone.now() + dt.timedelta(days=3))
    assert Client().get(reverse("api:case-list"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


@pytest.mark.django_db
def test_an_unknown_token_is_refused_and_the_secret_is_stored_hashed(world):
    secret = _token(world["users"]["assistant"])
    stored = AccessToken.objects.get()
    assert secret not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    assert Client().get(reverse("api:case-list"), HTTP_AUTHORIZATION="Bearer nope").status_code == 401


@pytest.mark.django_db
def test_the_last_use_is_recorded(world):
    secret = _token(world["users"]["assistant"])
    Client().get(reverse("api:case-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert AccessToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_a_token_lives_at_most_a_year(world):
    with pytest.raises(Exception, match="rok|year"):
        _token(world["users"]["assistant"], days=400)


@pytest.mark.django_db
def test_a_manager_needs_the_second_step_for_a_token(world, settings):
    from django.core.exceptions import PermissionDenied

    settings.OTP_REQUIRED_FOR_STAFF = True
    manager = world["users"]["manager"]
    with pytest.raises(PermissionDenied):
        services.create_token(
            user=manager,
            name="x",
            expires_on=timezone.localdate() + dt.timedelta(days=5),
            scope="read",
            verified=False,
        )


@pytest.mark.django_db
def test_requests_are_throttled_per_token(world, monkeypatch, empty_cache):
    from api.throttling import PerTokenThrottle

    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "2/min"})
    first, second = _token(world["users"]["assistant"]), _token(world["users"]["assistant"])
    url = reverse("api:notification-list")
    codes = [Client().get(url, HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


# --- the idempotent create -------------------------------------------------------------------------


def _post_visit(world, secret, key):
    return Client().post(
        reverse("api:visit-list"),
        json.dumps(_visit_body(world)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.django_db
def test_the_same_key_twice_creates_one_visit(world):
    secret = _token(world["users"]["assistant"], TokenScope.WRITE)
    before = Visit.objects.count()
    first, second = _post_visit(world, secret, "abc"), _post_visit(world, secret, "abc")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.count() == before + 1
    assert Visit.objects.get(pk=first.json()["id"]).status == "final"


@pytest.mark.django_db
def test_a_visit_needs_the_key_and_valid_fields(world):
    secret = _token(world["users"]["assistant"], TokenScope.WRITE)
    no_key = Client().post(
        reverse("api:visit-list"),
        json.dumps(_visit_body(world)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert no_key.status_code == 400
    bad = Client().post(
        reverse("api:visit-list"),
        json.dumps({**_visit_body(world), "kind": "nonsense"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY="bad",
    )
    assert bad.status_code == 400 and "kind" in bad.json()
    assert not IdempotencyKey.objects.filter(key="bad").exists()  # a refused create keeps no key


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_conflict(world):
    secret = _token(world["users"]["assistant"], TokenScope.WRITE)
    assert _post_visit(world, secret, "k").status_code == 201
    other = Client().post(
        reverse("api:visit-list"),
        json.dumps({**_visit_body(world), "topics": "Inna rozmowa."}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert other.status_code == 409


@pytest.mark.postgresql("two connections insert the same key at once")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_with_one_key_make_one_visit(world):
    secret = _token(world["users"]["assistant"], TokenScope.WRITE)
    barrier = threading.Barrier(2)
    codes = []

    def post():
        try:
            barrier.wait()
            codes.append(_post_visit(world, secret, "same").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 201]
    assert (
        Visit.objects.filter(case=world["case"], author=world["users"]["assistant"]).count() == 2
    )  # the factory's + one


# --- the audit -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, (m, on, _c) in MATRIX.items() if m == "get" and on])
def test_every_read_of_an_object_records_the_access(world, name):
    _method, on, _codes = MATRIX[name]
    manager = world["users"]["manager"]
    secret = _token(manager)
    obj = world[on]
    assert (
        Client().get(reverse(name, args=[obj.pk]), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    )
    assert (
        AccessLog.objects.filter(
            user=manager, object_type=obj._meta.model_name, object_id=obj.pk, family_id=world["family"].pk
        ).count()
        == 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("api:family-list", "family"),
        ("api:case-list", "case"),
        ("api:visit-list", "visit"),
        ("api:plan-list", "plan"),
        ("api:assessment-list", "assessment"),
        ("api:court-request-list", "court_request"),
    ],
)
def test_every_list_records_each_record_shown(world, name, key):
    assistant = world["users"]["assistant"]
    secret = _token(assistant)
    rows = Client().get(reverse(name), HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"]
    obj = world[key]
    assert obj.pk in [row["id"] for row in rows]
    logged = AccessLog.objects.filter(user=assistant, object_type=obj._meta.model_name)
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(row["id"] for row in rows)


# --- the schema and its documentation --------------------------------------------------------------


def test_the_schema_is_valid_openapi_3(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/visits/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["accessToken"] == {"type": "http", "scheme": "bearer"}


@pytest.mark.django_db
def test_the_schema_and_documentation_are_behind_the_login(client, assistant):
    for name in ("api:schema", "api:docs"):
        assert client.get(reverse(name)).status_code == 302
    client.force_login(assistant)
    assert client.get(reverse("api:schema")).status_code == 200
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn" not in page.lower() and "/static/drf_spectacular_sidecar/" in page
    assert client.get(reverse("api:docs") + "?script=").status_code == 200
