"""Four eyes on access: roles that open case data change only when a second person confirms, and
a password set by someone else must be changed by its owner at the next login."""

import pytest
from django.urls import reverse

from asystent.models import AccessLog, User
from notifications.models import Notification

from .factories import TEST_PASSWORD, UserFactory
from .test_roles import admin_user_form_data


def pending_requests(user):
    from asystent.models import RoleChangeRequest

    return RoleChangeRequest.objects.filter(user=user, status="pending")


@pytest.mark.django_db
def test_the_administrator_cannot_tick_the_manager_role_on_themselves(client, admin_user, manager):
    client.force_login(admin_user)
    url, data = admin_user_form_data(client, admin_user, is_manager=True)
    client.post(url, data)
    admin_user.refresh_from_db()
    assert not admin_user.is_manager
    assert not pending_requests(admin_user).exists()


@pytest.mark.django_db
def test_the_administrator_sees_their_own_roles_read_only(client, admin_user):
    client.force_login(admin_user)
    form = client.get(reverse("admin:asystent_user_change", args=[admin_user.pk])).context["adminform"].form
    for name in ("is_social_worker", "is_assistant", "is_manager", "is_administrator", "coordinator"):
        assert name not in form.fields


@pytest.mark.django_db
def test_an_administrators_role_change_waits_for_a_manager(client, admin_user, manager, assistant):
    client.force_login(admin_user)
    url, data = admin_user_form_data(client, assistant, is_manager=True)
    response = client.post(url, data)
    assert response.status_code == 302
    assistant.refresh_from_db()
    assert not assistant.is_manager  # not yet
    (change,) = pending_requests(assistant)
    assert change.is_manager and change.is_assistant and change.requested_by == admin_user
    assert AccessLog.objects.filter(action="role_request", object_id=change.pk, user=admin_user).exists()
    assert Notification.objects.filter(recipient=manager, rule="role_change").count() == 1

    # The administrator cannot confirm their own request.
    client.post(reverse("role-change-confirm", args=[change.pk]))
    assistant.refresh_from_db()
    assert not assistant.is_manager

    client.force_login(manager)
    page = client.get(reverse("role-change-list"))
    assert page.status_code == 200
    assert str(assistant) in page.content.decode()
    assert "Zmiany ról oczekujące na zatwierdzenie" in page.content.decode()
    response = client.post(reverse("role-change-confirm", args=[change.pk]))
    assert response.status_code == 302
    assistant.refresh_from_db()
    assert assistant.is_manager and assistant.is_assistant
    change.refresh_from_db()
    assert change.status == "confirmed" and change.decided_by == manager
    assert AccessLog.objects.filter(action="role_confirm", object_id=change.pk, user=manager).exists()
    assert Notification.objects.filter(recipient=manager, rule="role_change").count() == 2


@pytest.mark.django_db
def test_nobody_confirms_a_change_of_their_own_roles(client, admin_user, manager):
    other_manager = UserFactory(username="marek", manager=True)
    client.force_login(admin_user)
    url, data = admin_user_form_data(client, manager, is_manager=False)
    client.post(url, data)
    (change,) = pending_requests(manager)
    client.force_login(manager)
    assert change.pk not in [c.pk for c in client.get(reverse("role-change-list")).context["changes"]]
    client.post(reverse("role-change-confirm", args=[change.pk]))
    manager.refresh_from_db()
    assert manager.is_manager
    client.force_login(other_manager)
    client.post(reverse("role-change-confirm", args=[change.pk]))
    manager.refresh_from_db()
    assert not manager.is_manager


@pytest.mark.django_db
def test_a_manager_rejects_a_role_change(client, admin_user, manager, assistant):
    client.force_login(admin_user)
    url, data = admin_user_form_data(client, assistant, is_manager=True)
    client.post(url, data)
    (change,) = pending_requests(assistant)
    client.force_login(manager)
    client.post(reverse("role-change-reject", args=[change.pk]))
    change.refresh_from_db()
    assistant.refresh_from_db()
    assert change.status == "rejected" and not assistant.is_manager
    assert AccessLog.objects.filter(action="role_reject", object_id=change.pk).exists()


@pytest.mark.django_db
def test_a_new_user_gets_case_roles_only_after_confirmation(client, admin_user, manager):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:asystent_user_add"),
        {
            "username": "drugie-konto",
            "password1": "bardzo-dlugie-haslo-1",
            "password2": "bardzo-dlugie-haslo-1",
            "is_manager": "on",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="drugie-konto")
    assert not new.is_manager
    assert pending_requests(new).count() == 1
    assert new.must_change_password


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["role-change-confirm", "role-change-reject"])
def test_confirming_is_post_only_and_for_managers_and_administrators(client, assistant, url_name):
    client.force_login(assistant)
    assert client.post(reverse(url_name, args=[1])).status_code == 403
    assert client.get(reverse("role-change-list")).status_code == 403


@pytest.mark.django_db
def test_a_password_set_by_the_administrator_must_be_changed_at_the_next_login(client, admin_user, assistant):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[assistant.pk])
    response = client.post(
        url,
        {"password1": "nowe-haslo-od-admina", "password2": "nowe-haslo-od-admina", "usable_password": "true"},
    )
    assert response.status_code == 302
    assistant.refresh_from_db()
    assert assistant.must_change_password

    client.logout()
    client.post(reverse("login"), {"username": assistant.username, "password": "nowe-haslo-od-admina"})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nowe-haslo-od-admina",
            "new_password1": "wlasne-haslo-asystentki",
            "new_password2": "wlasne-haslo-asystentki",
        },
    )
    assert response.status_code == 302
    assistant.refresh_from_db()
    assert not assistant.must_change_password
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_password_changed_by_its_owner_needs_no_further_change(client, assistant):
    client.force_login(assistant)
    client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "inne-dlugie-haslo-9",
            "new_password2": "inne-dlugie-haslo-9",
        },
    )
    assistant.refresh_from_db()
    assert not assistant.must_change_password


@pytest.mark.django_db
def test_the_first_manager_is_made_from_the_command_line_only_once(admin_user):
    from django.core.management import CommandError, call_command

    first = UserFactory(username="pierwsza")
    call_command("grant_first_manager", "pierwsza")
    first.refresh_from_db()
    assert first.is_manager
    UserFactory(username="druga")
    with pytest.raises(CommandError):
        call_command("grant_first_manager", "druga")
    assert not User.objects.get(username="druga").is_manager


@pytest.mark.django_db
def test_set_password_by_someone_else_must_be_changed_but_ones_own_need_not(admin_user, assistant):
    from asystent.role_changes import set_password

    set_password(user=assistant, password="haslo-od-kogos-innego", by=admin_user)
    assistant.refresh_from_db()
    assert assistant.must_change_password and assistant.check_password("haslo-od-kogos-innego")
    set_password(user=assistant, password="moje-wlasne-haslo-1", by=assistant)
    assistant.refresh_from_db()
    assert not assistant.must_change_password
