"""Staff records: employment history, qualifications (art. 12 of the Act), trainings and
supervision, costs; through the services and through the pages, with the warning on the pages
that assign a family to an assistant whose qualifications are not recorded."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from asystent.enums import EmploymentForm
from asystent.models import AccessLog
from staff import services
from staff.enums import DevelopmentKind, Employer, FundingSource, QualificationRoute
from staff.forms import DevelopmentForm
from staff.models import Cost, Development, Employment, Qualification

from .factories import CaseFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _employment(assistant, by, **fields):  # noqa: ANN001, ANN003, ANN202
    defaults = {
        "form": EmploymentForm.EMPLOYMENT_CONTRACT,
        "working_time": Decimal("1.00"),
        "started_on": D(2025, 1, 1),
    }
    return services.record_employment(assistant=assistant, by=by, **{**defaults, **fields})


# --- services -----------------------------------------------------------------------------------


def test_employment_periods_of_one_assistant_may_not_overlap(assistant, manager):
    _employment(assistant, manager, ended_on=D(2025, 12, 31))
    with pytest.raises(ValidationError):
        _employment(assistant, manager, started_on=D(2025, 12, 31))
    later = _employment(
        assistant,
        manager,
        form=EmploymentForm.CIVIL_LAW_CONTRACT,
        working_time=None,
        started_on=D(2026, 1, 1),
    )
    assert list(assistant.employments.values_list("form", flat=True)) == ["employment", "civil_law"]
    assert later.ended_on is None


def test_an_open_period_blocks_any_later_one(assistant, manager):
    _employment(assistant, manager)
    with pytest.raises(ValidationError):
        _employment(assistant, manager, started_on=D(2030, 1, 1))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"working_time": None}, "working_time"),  # an employment contract needs its fraction
        ({"form": EmploymentForm.CIVIL_LAW_CONTRACT}, "working_time"),  # a services contract has none
        ({"employer": Employer.CONTRACTED}, "employer_name"),  # an art. 190 body is named
        ({"ended_on": D(2024, 12, 31)}, "ended_on"),
    ],
)
def test_an_employment_period_must_be_complete(assistant, manager, fields, field):
    with pytest.raises(ValidationError) as error:
        _employment(assistant, manager, **fields)
    assert field in error.value.message_dict
    assert not Employment.objects.exists()


def test_a_qualification_with_training_needs_its_hours_and_experience(assistant, manager):
    with pytest.raises(ValidationError) as error:
        services.record_qualification(
            assistant=assistant,
            by=manager,
            route=QualificationRoute.SECONDARY_AND_TRAINING,
            education="Liceum ogólnokształcące",
            document_date=D(2020, 5, 1),
        )
    assert set(error.value.message_dict) == {"training_hours", "experience_years"}
    degree = services.record_qualification(
        assistant=assistant,
        by=manager,
        route=QualificationRoute.DEGREE,
        education="Pedagogika, UW",
        document_date=D(2019, 6, 30),
    )
    assert degree.recorded_by == manager


def test_trainings_are_totalled_for_a_period(assistant, other_assistant, manager):
    for who, kind, day, hours in [
        (assistant, DevelopmentKind.TRAINING, D(2026, 1, 10), "8"),
        (assistant, DevelopmentKind.SUPERVISION, D(2026, 6, 30), "2.5"),
        (other_assistant, DevelopmentKind.TRAINING, D(2026, 3, 1), "16"),
        (assistant, DevelopmentKind.TRAINING, D(2026, 7, 1), "100"),  # after the period
    ]:
        services.record_development(
            assistant=who, by=manager, kind=kind, date=day, hours=Decimal(hours), subject="Temat"
        )
    totals = services.hours_of(services.developments_during(D(2026, 1, 1), D(2026, 6, 30)))
    assert totals == {"training": Decimal("24.0"), "supervision": Decimal("2.5"), "all": Decimal("26.5")}
    mine = services.hours_of(services.developments_during(D(2026, 1, 1), D(2026, 6, 30), assistant))
    assert mine["all"] == Decimal("10.5")


# --- pages --------------------------------------------------------------------------------------


def test_the_manager_records_an_employment_period_through_the_page(client, manager, assistant):
    client.force_login(manager)
    url = reverse("staff:employment-add", args=[assistant.pk])
    response = client.post(
        url,
        {"form": "employment", "working_time": "0.75", "employer": "centre", "started_on": "2026-02-01"},
    )
    assert response.status_code == 302
    employment = Employment.objects.get(assistant=assistant)
    assert (employment.working_time, employment.started_on) == (Decimal("0.75"), D(2026, 2, 1))
    page = client.get(reverse("staff:assistant", args=[assistant.pk]))
    assert "01.02.2026" in page.content.decode()
    assert AccessLog.objects.filter(user=manager, object_type="user", object_id=assistant.pk).exists()


def test_bad_input_is_answered_with_a_polish_message(client, manager, assistant):
    _employment(assistant, manager)
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    response = client.post(
        reverse("staff:employment-add", args=[assistant.pk]),
        {"form": "civil_law", "employer": "contracted", "started_on": "2026-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Podaj nazwę podmiotu" in html
    with translation.override("pl"):
        assert Employment.objects.count() == 1


def test_the_administrator_keeps_the_records_but_not_the_costs(client, admin_user, assistant):
    client.force_login(admin_user)
    assert client.get(reverse("staff:list")).status_code == 200
    response = client.post(
        reverse("staff:qualification-add", args=[assistant.pk]),
        {"route": "degree", "education": "Praca socjalna", "document_date": "2018-06-30"},
    )
    assert response.status_code == 302 and Qualification.objects.filter(assistant=assistant).exists()
    assert client.get(reverse("staff:costs")).status_code == 403


def test_the_trainings_page_lists_each_assistant_and_the_total(client, manager, assistant):
    services.record_development(
        assistant=assistant,
        by=manager,
        kind="supervision",
        date=D(2026, 2, 2),
        hours=Decimal("3"),
        subject="Superwizja",
    )
    client.force_login(manager)
    response = client.get(reverse("staff:developments"), {"start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    assert response.context["totals"]["all"] == Decimal("3")
    assert [row["assistant"] for row in response.context["rows"]] == [assistant]
    wrong = client.get(reverse("staff:developments"), {"start": "2026-06-30", "end": "2026-01-01"})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_the_manager_enters_the_costs_of_a_month_once_per_source(client, manager):
    client.force_login(manager)
    data = {"month": "2026-03", "source": "programme", "amount": "3500.00", "assistants_covered": "2"}
    assert client.post(reverse("staff:costs"), data).status_code == 302
    cost = Cost.objects.get()
    assert (cost.month, cost.source, cost.entered_by) == (D(2026, 3, 1), FundingSource.PROGRAMME, manager)
    again = client.post(reverse("staff:costs"), data)
    assert again.status_code == 200 and Cost.objects.count() == 1
    negative = client.post(reverse("staff:costs"), {**data, "month": "2026-04", "amount": "-5"})
    assert negative.status_code == 200 and Cost.objects.count() == 1


def test_a_training_form_refuses_a_future_date(assistant):
    form = DevelopmentForm(
        {"kind": "training", "date": "2099-01-01", "hours": "2", "subject": "X"}, assistant=assistant
    )
    assert not form.is_valid() and "date" in form.errors
    assert not Development.objects.exists()


# --- the warning on the assignment pages --------------------------------------------------------


def test_the_reassignment_page_warns_of_assistants_without_qualifications(client, manager):
    case = CaseFactory()
    unqualified = UserFactory(
        username="bez_kwalifikacji", assistant=True, first_name="Beata", last_name="Bez"
    )
    qualified = UserFactory(username="z_kwalifikacjami", assistant=True, first_name="Zofia", last_name="Zet")
    services.record_qualification(
        assistant=qualified, by=manager, route="degree", education="Psychologia", document_date=D(2015, 6, 1)
    )
    client.force_login(manager)
    html = client.get(reverse("cases:case-reassign", args=[case.pk])).content.decode()
    warning = html.split('id="qualification-warning"')[1].split("</div>")[0]
    assert str(unqualified) in warning
    assert str(qualified) not in warning
    # Chosen but refused for another reason (no reason given): the page names the choice.
    response = client.post(
        reverse("cases:case-reassign", args=[case.pk]), {"assistant": unqualified.pk, "reason": ""}
    )
    assert response.status_code == 200
    assert 'id="qualification-warning-chosen"' in response.content.decode()


def test_the_warning_does_not_block_the_assignment(client, manager):
    case = CaseFactory()
    unqualified = UserFactory(username="nowa", assistant=True)
    client.force_login(manager)
    response = client.post(
        reverse("cases:case-reassign", args=[case.pk]),
        {"assistant": unqualified.pk, "reason": "Urlop.", "seen_assistant": case.assistant_id},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assistant == unqualified


def test_the_referral_decision_page_warns_too(client, manager):
    referral = ReferralFactory(submitted=True)
    UserFactory(username="bez", assistant=True, first_name="Bożena", last_name="Bez")
    client.force_login(manager)
    html = client.get(reverse("referrals:referral-decide", args=[referral.pk])).content.decode()
    assert 'id="qualification-warning"' in html and "Bożena Bez" in html
