"""The demo's staff records: each demo assistant's employment history (one moves from a contract
for services to employment in the last full half-year, one is employed by a contracted body),
qualifications (one left unrecorded, so the assignment pages show their warning), trainings and
supervision in the last full half-year, and the costs of its months; idempotent."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from asystent.enums import EmploymentForm
from asystent.models import User

from .enums import DevelopmentKind, Employer, FundingSource, QualificationRoute
from .models import Cost, Development, Employment, Qualification
from .views import last_half_year


def seed(say: Callable[[str], None]) -> None:
    people = {
        user.username: user
        for user in User.objects.filter(username__in=["asystent1", "asystent2", "asystent3"])
    }
    if len(people) < 3:
        return
    start, end = last_half_year()
    switch = start + relativedelta(months=2)  # asystent2 signs an employment contract
    employment, civil = EmploymentForm.EMPLOYMENT_CONTRACT, EmploymentForm.CIVIL_LAW_CONTRACT
    periods = [
        ("asystent1", employment, Decimal("1.00"), Employer.CENTRE, "", dt.date(2022, 1, 1), None),
        ("asystent2", civil, None, Employer.CENTRE, "", dt.date(2023, 3, 1), switch - dt.timedelta(days=1)),
        ("asystent2", employment, Decimal("0.75"), Employer.CENTRE, "", switch, None),
        (
            "asystent3",
            civil,
            None,
            Employer.CONTRACTED,
            "Stowarzyszenie „Razem dla Rodziny”",
            dt.date(2024, 1, 1),
            None,
        ),
    ]
    for username, form, fraction, employer, name, started, ended in periods:
        Employment.objects.get_or_create(
            assistant=people[username],
            started_on=started,
            defaults={
                "form": form,
                "working_time": fraction,
                "employer": employer,
                "employer_name": name,
                "ended_on": ended,
            },
        )
    qualifications = [
        (
            "asystent1",
            QualificationRoute.DEGREE,
            "Pedagogika opiekuńczo-wychowawcza",
            None,
            None,
            dt.date(2015, 7, 10),
        ),
        (
            "asystent2",
            QualificationRoute.DEGREE_AND_TRAINING,
            "Ekonomia; szkolenie na asystenta rodziny",
            240,
            Decimal("2.0"),
            dt.date(2022, 11, 30),
        ),
    ]
    for username, route, education, hours, years, document in qualifications:
        Qualification.objects.get_or_create(
            assistant=people[username],
            route=route,
            defaults={
                "education": education,
                "training_hours": hours,
                "experience_years": years,
                "document_date": document,
            },
        )
    developments = [
        (
            "asystent1",
            DevelopmentKind.SUPERVISION,
            start + dt.timedelta(days=20),
            "3.0",
            "Superwizja grupowa",
        ),
        (
            "asystent2",
            DevelopmentKind.SUPERVISION,
            start + dt.timedelta(days=20),
            "3.0",
            "Superwizja grupowa",
        ),
        (
            "asystent2",
            DevelopmentKind.TRAINING,
            start + dt.timedelta(days=45),
            "16.0",
            "Dialog motywujący w pracy z rodziną",
        ),
        (
            "asystent3",
            DevelopmentKind.TRAINING,
            start + dt.timedelta(days=90),
            "8.0",
            "Procedura „Niebieskiej Karty”",
        ),
    ]
    for username, kind, day, length, subject in developments:
        Development.objects.get_or_create(
            assistant=people[username],
            date=day,
            subject=subject,
            defaults={"kind": kind, "hours": Decimal(length)},
        )
    month = start
    while month <= end:
        for source, amount, covered in [
            (FundingSource.OWN, "14250.00", 3),
            (FundingSource.PROGRAMME, "2400.00", 2),
        ]:
            Cost.objects.get_or_create(
                month=month,
                source=source,
                defaults={"amount": Decimal(amount), "assistants_covered": covered},
            )
        month += relativedelta(months=1)
    say(
        _("Demo staff records: %(periods)d employment periods, %(costs)d cost entries.")
        % {"periods": Employment.objects.count(), "costs": Cost.objects.count()}
    )
