"""No personal data in logs or error pages: the 500, 404 and 403 pages show nothing of the file,
django-axes masks usernames, a PESEL is masked in every log line and traceback, and gunicorn's
access log leaves out query strings and referrers."""

import logging
import runpy
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path, reverse

from asystent.log_filters import MaskPesel

from .factories import FamilyMemberFactory, UserFactory

PESEL = "85030902364"
NAME = "Halina Alfowska"


def broken_view(request):  # noqa: ANN001, ANN201
    raise RuntimeError(f"cannot print the file of {NAME}, PESEL {PESEL}")


def refusing_view(request):  # noqa: ANN001, ANN201
    raise PermissionDenied(f"{NAME} {PESEL}")


urlpatterns = [
    path("boom/", login_not_required(broken_view)),
    path("refused/", login_not_required(refusing_view)),
    path("", include("asystent.urls")),  # the error pages link to the start page
]


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


@pytest.mark.django_db
def test_the_server_error_page_shows_nothing_of_the_error(error_urls):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/?pesel=" + PESEL)
    assert response.status_code == 500
    body = response.content.decode()
    assert PESEL not in body and "Alfowska" not in body and "RuntimeError" not in body
    assert "Traceback" not in body and "/boom/" not in body
    assert [t.name for t in response.templates] == ["500.html"]


@pytest.mark.django_db
def test_the_access_denied_page_shows_nothing_of_the_reason(error_urls):
    response = Client().get("/refused/")
    assert response.status_code == 403
    body = response.content.decode()
    assert PESEL not in body and "Alfowska" not in body


@pytest.mark.django_db
def test_the_not_found_page_does_not_repeat_the_address(client):
    member = FamilyMemberFactory(first_name="Halina", last_name="Alfowska")
    client.force_login(UserFactory(username="kasia", manager=True))
    response = client.get(f"/families/999999999/?q={member.last_name}&pesel={member.pesel}")
    assert response.status_code == 404
    body = response.content.decode()
    assert member.pesel not in body and "Alfowska" not in body and "999999999" not in body


@pytest.mark.django_db
def test_axes_masks_the_username_in_its_log(client, caplog):
    UserFactory(username="halina.alfowska")
    with caplog.at_level(logging.INFO, logger="axes"):
        client.post(reverse("login"), {"username": "halina.alfowska", "password": "wrong password 1"})
        client.post(reverse("login"), {"username": "nieznana.osoba", "password": "wrong password 2"})
    assert any("AXES" in r.getMessage() for r in caplog.records), (
        "axes logged nothing: the test proves nothing"
    )
    assert "halina.alfowska" not in caplog.text and "nieznana.osoba" not in caplog.text
    assert "wrong password" not in caplog.text
    assert django_settings.AXES_SENSITIVE_PARAMETERS == ["username", "ip_address"]
    assert django_settings.AXES_VERBOSE is False


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_pesel_is_masked_in_log_messages_and_tracebacks():
    try:
        raise ValueError(
            f"duplicate key value violates unique constraint: Key (pesel)=({PESEL}) already exists."
        )
    except ValueError as error:
        record = _record("Internal Server Error: %s (%s)", "/families/new/", PESEL, exc=error)
    MaskPesel().filter(record)
    line = logging.Formatter("%(message)s").format(record)
    assert PESEL not in line
    assert "Internal Server Error: /families/new/ (***********)" in line
    assert "Key (pesel)=(***********) already exists" in line
    # Other numbers stay readable: ids, dates, a 12-digit number.
    record = _record("family 123 on 2026-11-29, account 123456789012")
    MaskPesel().filter(record)
    assert record.getMessage() == "family 123 on 2026-11-29, account 123456789012"


def test_every_log_handler_masks_pesel():
    handlers = cast(dict[str, Any], django_settings.LOGGING["handlers"])
    assert handlers, "no handlers configured"
    for name, handler in handlers.items():
        assert "mask_pesel" in handler.get("filters", []), f"log handler {name} does not mask PESEL"
    configured = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert configured and all(any(isinstance(f, MaskPesel) for f in h.filters) for h in configured)


def test_gunicorn_access_log_leaves_out_query_strings_and_referrers():
    from gunicorn.config import Config

    conf = Path(django_settings.BASE_DIR) / "gunicorn.conf.py"
    # gunicorn reads ./gunicorn.conf.py by default; the image runs it from the project folder.
    assert Config().settings["config"].default == "./gunicorn.conf.py"
    assert "WORKDIR /app" in (conf.parent / "Dockerfile").read_text()
    access_format = runpy.run_path(str(conf))["access_log_format"]
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%({query_string}e)s"):
        assert atom not in access_format
    assert "%(U)s" in access_format


def test_the_development_servers_request_lines_mask_a_pesel():
    import io

    server_log = logging.getLogger("django.server")
    handler = cast(logging.StreamHandler, server_log.handlers[0])
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        server_log.info(
            '"%s" %s %s', "GET /families/?q=88041284904 HTTP/1.1", "200", "1234", extra={"status_code": 200}
        )
    finally:
        handler.setStream(previous)
    line = stream.getvalue()
    assert "/families/?q=" in line
    assert "88041284904" not in line and "*" * 11 in line
