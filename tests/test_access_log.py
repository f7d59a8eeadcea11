"""The access log: managers search and export it; nothing else reads it; a failed write stops
the content from being served."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from asystent import audit
from asystent.models import AccessLog

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _record(user, family_id=7, action="view"):
    return AccessLog.objects.create(
        user=user,
        roles="assistant",
        family_id=family_id,
        object_type="family",
        object_id=family_id,
        action=action,
        ip_address="127.0.0.1",
    )


def test_manager_searches_the_log(client, manager, assistant, other_assistant):
    _record(assistant, family_id=7)
    _record(other_assistant, family_id=8)
    client.force_login(manager)
    response = client.get(reverse("access-log"), {"user": assistant.pk})
    rows = list(response.context["page"])
    assert [r.user for r in rows] == [assistant]
    response = client.get(reverse("access-log"), {"family_id": 8})
    assert [r.family_id for r in response.context["page"]] == [8]


def test_export_is_csv_and_is_itself_recorded(client, manager, assistant):
    _record(assistant, family_id=7)
    client.force_login(manager)
    response = client.get(reverse("access-log-csv"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert assistant.username in body
    assert AccessLog.objects.filter(user=manager, action="export").count() == 1


@pytest.mark.parametrize("role", ["assistant", "social_worker", "administrator"])
def test_other_roles_cannot_read_the_log(client, role_users, role):
    client.force_login(role_users[role])
    assert client.get(reverse("access-log")).status_code == 403
    assert client.get(reverse("access-log-csv")).status_code == 403


def test_wrong_method(client, manager):
    client.force_login(manager)
    assert client.post(reverse("access-log")).status_code == 405


def test_content_is_not_served_when_the_record_cannot_be_written(client, manager, monkeypatch):
    # The real export view calls log_access; the database refusing the insert is simulated at
    # the one point where the row is written.
    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit, "_write", refuse)
    client.force_login(manager)
    response = client.get(reverse("access-log-csv"))
    assert response.status_code == 503
    assert b"access log" in response.content or b"rejestr" in response.content
    assert not response.get("Content-Disposition")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_too_content_is_not_served_without_its_record(client, manager, monkeypatch):
    """Requests run in autocommit, where the record is one INSERT with no savepoint around it."""
    seen = []

    def refuse(*args, **kwargs):
        seen.append(transaction.get_connection().in_atomic_block)
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit, "_write", refuse)
    client.force_login(manager)
    response = client.get(reverse("access-log-csv"))
    assert response.status_code == 503
    assert seen == [False]


def test_no_admin_screen_edits_the_log(client):
    admin = UserFactory(username="adam", administrator=True)
    client.force_login(admin)
    assert client.get("/admin/asystent/accesslog/").status_code == 404
