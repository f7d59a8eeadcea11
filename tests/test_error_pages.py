"""A server error shows people the normal Polish error page even with DEBUG on (`make run`):
never Django's technical page with the settings and what was posted; the traceback goes to the
console log."""

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

POSTED_PESEL = "88041216004"


@pytest.mark.parametrize("debug", [True, False])
def test_a_server_error_shows_the_polish_page_and_logs_the_traceback(settings, assistant, caplog, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(assistant)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post("/test-failure/", {"pesel": POSTED_PESEL}, HTTP_ACCEPT="text/html")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Błąd serwera" in html
    assert POSTED_PESEL not in html and "Traceback" not in html and "SECRET_KEY" not in html
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info and record.exc_info[0] is RuntimeError


def test_a_plain_text_client_gets_no_traceback_either(settings, assistant):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(assistant)
    response = client.post("/test-failure/", {"pesel": POSTED_PESEL}, HTTP_ACCEPT="text/plain")
    assert response.status_code == 500
    body = response.content.decode()
    assert POSTED_PESEL not in body and "Traceback" not in body
