"""`seed_demo`: the fictional centre, idempotent, refused in production unless forced."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from asystent.enums import Role
from asystent.models import Centre, User

DEMO_ROLES = {
    "admin": [Role.ADMINISTRATOR],
    "kierownik": [Role.MANAGER],
    "pracownik1": [Role.SOCIAL_WORKER],
    "pracownik2": [Role.SOCIAL_WORKER],
    "asystent1": [Role.ASSISTANT],
    "asystent2": [Role.ASSISTANT],
    "asystent3": [Role.ASSISTANT],
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of the project, so demo data added by later apps is covered too."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_users_with_their_roles(settings):
    settings.DEBUG = True
    output = seed()
    for username, roles in DEMO_ROLES.items():
        user = User.objects.get(username=username)
        assert user.roles == roles, username
        assert user.check_password("demo"), username
        assert user.is_active
        assert username in output
    assert User.objects.filter(is_assistant=True).exclude(employment_form="").count() == 3
    assert "demo" in output  # the password is printed at the end


@pytest.mark.django_db
def test_seed_demo_sets_up_a_polish_centre(settings):
    settings.DEBUG = True
    seed()
    centre = Centre.objects.get()
    assert centre.street and centre.city
    assert centre.postal_code[2] == "-"
    assert centre.caseload_limit <= 15


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    seed()
    first = row_counts()
    seed()
    assert row_counts() == first
    assert first["asystent.User"] == len(DEMO_ROLES)
    assert first["asystent.Centre"] == 1
    # One of each document of the family's file (issue 17), printed.
    from documents.demo import FILE_KINDS
    from documents.enums import DocumentKind, DocumentStatus
    from documents.models import RenderedDocument

    printed = RenderedDocument.objects.filter(kind__in=FILE_KINDS, status=DocumentStatus.READY)
    assert sorted(set(printed.values_list("kind", flat=True))) == sorted(FILE_KINDS)
    # Every document issue 17 lists, the notice to the court and the approved month's PDFs included.
    listed = {
        DocumentKind.CONSENT_FORM,
        DocumentKind.ASSESSMENT,
        DocumentKind.MONTHLY_REPORT,
        DocumentKind.WORK_CARD,
        DocumentKind.CLOSURE_REPORT,
        DocumentKind.MONITORING_NOTE,
        DocumentKind.COURT_NOTICE,
        DocumentKind.REFERRAL,
        DocumentKind.SUPPORT_CATALOGUE,
        DocumentKind.ZA_ZYCIEM_AUTHORISATION,
        DocumentKind.TIMESHEET,
        DocumentKind.MILEAGE_LOG,
        DocumentKind.OPINION,
    }
    ready = RenderedDocument.objects.filter(status=DocumentStatus.READY)
    assert listed <= set(ready.values_list("kind", flat=True))


@pytest.mark.django_db
def test_seed_demo_keeps_changes_made_since(settings):
    settings.DEBUG = True
    seed()
    kierownik = User.objects.get(username="kierownik")
    kierownik.set_password("zmienione-haslo-kierownika")
    kierownik.save()
    seed()
    kierownik.refresh_from_db()
    assert kierownik.check_password("zmienione-haslo-kierownika")


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    seed(force=True)
    assert set(User.objects.values_list("username", flat=True)) == set(DEMO_ROLES)


@pytest.mark.django_db
def test_the_force_flag_works_from_the_command_line(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(username="admin", is_administrator=True).exists()


@pytest.mark.django_db
def test_the_demo_report_for_the_last_full_half_year_has_no_empty_section(settings):
    from reports.snapshots import report_figures
    from reports.statistics import Period

    settings.DEBUG = True
    seed()
    figures = report_figures(Period.last_complete_half()).figures
    sections: dict[str, int] = {}
    for figure in figures:
        sections[figure.section] = sections.get(figure.section, 0) + (1 if figure.value else 0)
    assert sections and all(sections.values()), sections
    values = {f.key: f.value for f in figures}
    # asystent2 moved from a contract for services to employment; asystent3 works for a contracted body.
    assert (values["assistants-employment"], values["assistants-contracted"]) == (2, 1)
