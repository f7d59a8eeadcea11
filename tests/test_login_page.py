"""Login, logout and password change through the real stack, in Polish.

The Polish strings checked here come from Django's own catalogue (the login form, its errors,
the password change form), so they hold whatever state our locale/pl catalogue is in.
"""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from .factories import TEST_PASSWORD

NEW_PASSWORD = "nowe-haslo-do-systemu-2025"


def log_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


@pytest.mark.django_db
def test_the_login_page_speaks_polish(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "Zaloguj się" in html
    assert "Nazwa użytkownika" in html
    assert "Hasło" in html
    assert 'href="#main"' in html  # the skip link


@pytest.mark.django_db
def test_the_login_page_follows_the_browser_language(client):
    response = client.get(reverse("login"), headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Username" in html


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_polish_and_keeps_the_username(client, assistant):
    response = log_in(client, assistant.username, "zle-haslo")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wprowadź poprawne wartości pól nazwa użytkownika oraz hasło." in html
    assert f'value="{assistant.username}"' in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_correct_password_logs_in(client, assistant):
    response = log_in(client, assistant.username)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(assistant.pk)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert assistant.first_name in home.content.decode()


@pytest.mark.django_db
def test_login_returns_to_the_page_asked_for(client, admin_user):
    asked = client.get(reverse("centre-edit"))
    assert asked.url == f"{reverse('login')}?next={reverse('centre-edit')}"
    response = log_in(client, admin_user.username, next=reverse("centre-edit"))
    assert response.url == reverse("centre-edit")


@pytest.mark.django_db
def test_login_does_not_redirect_to_another_site(client, assistant):
    response = log_in(client, assistant.username, next="https://evil.example/")
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_an_inactive_user_cannot_log_in(client, assistant):
    assistant.is_active = False
    assistant.save()
    response = log_in(client, assistant.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_logged_in_user_skips_the_login_page(client, assistant):
    client.force_login(assistant)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_logout_by_post_ends_the_session(client, assistant):
    log_in(client, assistant.username)
    session_key = client.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not Session.objects.filter(session_key=session_key).exists()
    after = client.get(reverse("home"))
    assert after.status_code == 302
    assert after.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_logout_by_get_is_refused(client, assistant):
    # A link or an image could otherwise log people out (CSRF); Django allows POST only.
    client.force_login(assistant)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_password_change(client, assistant):
    log_in(client, assistant.username)
    form = client.get(reverse("password_change"))
    assert form.status_code == 200
    assert "Stare hasło" in form.content.decode()
    assert "Nowe hasło" in form.content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    assistant.refresh_from_db()
    assert assistant.check_password(NEW_PASSWORD)
    # The session that changed the password stays valid.
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_password_change_needs_the_old_password(client, assistant):
    log_in(client, assistant.username)
    response = client.post(
        reverse("password_change"),
        {"old_password": "zle-haslo", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Podane stare hasło jest niepoprawne." in response.content.decode()
    assistant.refresh_from_db()
    assert assistant.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_password_change_refuses_a_short_password(client, assistant):
    log_in(client, assistant.username)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "krotkie1", "new_password2": "krotkie1"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assistant.refresh_from_db()
    assert assistant.check_password(TEST_PASSWORD)
