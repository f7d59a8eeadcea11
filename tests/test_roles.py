"""Roles: the art. 17 exclusion, role checks on views, the admin site and the navigation."""

from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from asystent.enums import Role
from asystent.models import Centre, User

from .factories import UserFactory

ROLE_FLAGS = {
    Role.SOCIAL_WORKER: "is_social_worker",
    Role.ASSISTANT: "is_assistant",
    Role.MANAGER: "is_manager",
    Role.ADMINISTRATOR: "is_administrator",
}
FORBIDDEN_PAIR = {Role.SOCIAL_WORKER, Role.ASSISTANT}
ALLOWED_PAIRS = [pair for pair in combinations(ROLE_FLAGS, 2) if set(pair) != FORBIDDEN_PAIR]


def art17_message() -> str:
    constraint = next(c for c in User._meta.constraints if c.name == "user_not_social_worker_and_assistant")
    return str(constraint.violation_error_message)


# art. 17 of the Act: an assistant may not be the same gmina's social worker.


@pytest.mark.django_db
def test_the_database_refuses_a_social_worker_who_is_also_an_assistant():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="podwojna", social_worker=True, assistant=True)
    assert not User.objects.filter(username="podwojna").exists()


@pytest.mark.django_db
def test_the_database_refuses_adding_the_assistant_role_to_a_social_worker(social_worker):
    social_worker.is_assistant = True
    with pytest.raises(IntegrityError), transaction.atomic():
        social_worker.save()
    social_worker.refresh_from_db()
    assert social_worker.roles == [Role.SOCIAL_WORKER]


@pytest.mark.django_db
def test_validation_explains_the_art_17_rule(assistant):
    assistant.is_social_worker = True
    with pytest.raises(ValidationError) as caught:
        assistant.full_clean()
    messages = caught.value.messages
    assert messages == [art17_message()]
    assert "art. 17" in messages[0]


def form_data(form) -> dict:
    """What a browser would post back for `form` as shown: its current values, files left out."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value in (None, False, "") or hasattr(value, "url"):
            continue
        data[name] = "on" if value is True else value
    return data


def admin_user_form_data(client, user, **changes) -> tuple[str, dict]:
    url = reverse("admin:asystent_user_change", args=[user.pk])
    data = form_data(client.get(url).context["adminform"].form)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return url, data


@pytest.mark.django_db
def test_the_admin_user_form_refuses_both_roles_with_the_message(client, admin_user, assistant):
    client.force_login(admin_user)
    url, data = admin_user_form_data(client, assistant, is_social_worker=True)
    response = client.post(url, data)
    assert response.status_code == 200  # the form comes back, nothing saved
    with translation.override("pl"):
        expected = art17_message()
    assert expected in response.content.decode()
    assistant.refresh_from_db()
    assert assistant.roles == [Role.ASSISTANT]


@pytest.mark.django_db
def test_the_admin_user_form_accepts_allowed_roles_for_confirmation(client, admin_user, assistant):
    # They take effect when a manager confirms them (tests/test_role_changes.py).
    client.force_login(admin_user)
    url, data = admin_user_form_data(client, assistant, is_manager=True)
    response = client.post(url, data)
    assert response.status_code == 302
    assistant.refresh_from_db()
    assert assistant.roles == [Role.ASSISTANT]
    assert assistant.role_change_requests.get(status="pending").is_manager


def test_the_art_17_message_is_translated_into_polish():
    with translation.override("en"):
        english = art17_message()
    with translation.override("pl"):
        polish = art17_message()
    assert polish != english
    assert "art. 17" in polish


@pytest.mark.django_db
@pytest.mark.parametrize("pair", ALLOWED_PAIRS, ids=lambda pair: "+".join(pair))
def test_other_role_combinations_are_allowed(pair):
    user = UserFactory.build(username="wielorola", **{ROLE_FLAGS[role]: True for role in pair})
    user.full_clean()
    user.save()
    user.refresh_from_db()
    assert user.roles == list(pair)
    assert all(user.has_role(role) for role in pair)


@pytest.mark.django_db
def test_has_role(role_users):
    for name, user in role_users.items():
        for role in Role:
            assert user.has_role(role) is (role == name), (name, role)
    manager = role_users["manager"]
    assert manager.has_role(Role.ASSISTANT, Role.MANAGER)
    assert not manager.has_role()


@pytest.mark.django_db
def test_an_inactive_user_holds_no_role(manager):
    manager.is_active = False
    assert not manager.has_role(Role.MANAGER)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("manager", 403), ("social_worker", 403), ("assistant", 403)],
)
def test_role_required_lets_in_only_the_role(client, role_users, role, status):
    client.force_login(role_users[role])
    response = client.get(reverse("centre-edit"))
    assert response.status_code == status
    if status == 403:
        assert "403.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_the_administrator_saves_the_centre(client, admin_user):
    client.force_login(admin_user)
    form = client.get(reverse("centre-edit")).context["form"]
    data = form_data(form)  # what the form shows, so fields added later keep their values
    data.update(name="MOPS w Zielonej Dolinie", caseload_limit=12)
    response = client.post(reverse("centre-edit"), data)
    assert response.status_code == 302
    centre = Centre.load()
    assert (centre.name, centre.caseload_limit) == ("MOPS w Zielonej Dolinie", 12)


@pytest.mark.django_db
def test_the_caseload_limit_never_exceeds_the_statutory_15(client, admin_user):
    # art. 15 ust. 4 of the Act: at most 15 families at the same time.
    client.force_login(admin_user)
    form = client.get(reverse("centre-edit")).context["form"]
    data = form_data(form)
    data.update(caseload_limit=16)
    response = client.post(reverse("centre-edit"), data)
    assert response.status_code == 200
    assert "caseload_limit" in response.context["form"].errors
    assert Centre.load().caseload_limit == 15


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "opens"),
    [("administrator", True), ("manager", False), ("social_worker", False), ("assistant", False)],
)
def test_the_admin_site_opens_only_to_the_administrator(client, role_users, role, opens):
    client.force_login(role_users[role])
    response = client.get(reverse("admin:index"))
    if opens:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_staff_and_superuser_flags_do_not_open_the_admin_site(client):
    # Rights follow the administrator role, not Django's is_staff / is_superuser flags.
    user = UserFactory(username="staff", is_staff=True, is_superuser=True, manager=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_administrator_manages_users_but_not_other_apps(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:asystent_user_changelist")).status_code == 200
    assert client.get(reverse("admin:asystent_centre_changelist")).status_code == 200
    assert admin_user.has_perm("asystent.change_user")
    assert not admin_user.has_perm("sessions.view_session")
    assert not admin_user.has_perm("auth.change_group")


# The navigation shows each role what it can do. Extend NAV_LINKS as features add menu items.
NAV_LINKS = {
    "centre-edit": {"administrator"},
    "admin:index": {"administrator"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["administrator", "manager", "social_worker", "assistant"])
def test_the_navigation_shows_each_role_its_links(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for name, roles in NAV_LINKS.items():
        link = f'href="{reverse(name)}"'
        if role in roles:
            assert link in html, f"{role} should see {name}"
        else:
            assert link not in html, f"{role} should not see {name}"
    # Every role can change its password and log out.
    assert f'href="{reverse("password_change")}"' in html
    assert f'action="{reverse("logout")}"' in html


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    from asystent.models import User

    user = User.objects.create_superuser("pierwszy", "a@example.org", "dlugie-haslo-administratora")
    assert user.is_administrator
