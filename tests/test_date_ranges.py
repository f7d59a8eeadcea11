"""Dates that cannot break a file: every date of every form has a sane range (asystent.dates),
checked at the field with a message in Polish, and the database refuses what a form would.

The forms are found by importing each app's forms modules: a form with a date field that this
module does not know how to build fails `test_every_form_with_a_date_is_covered`."""

import datetime as dt
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import AssessmentArea, Case
from visits.models import Intervention

from . import route_world
from .factories import AssessmentAreaFactory, CaseFactory, InterventionFactory, ProblemAreaFactory
from .test_fuzz_forms import FORMS, _counts

pytestmark = pytest.mark.django_db

BAD_DATES = ["0001-01-01", "1899-12-31", "9999-12-31", "nie-data"]


def _project_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class defined in a forms module (or package) of the project's apps."""
    found = {}
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if root not in Path(config.path).resolve().parents or ".venv" in config.path:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{module.__name__}.{m.name}")
                for m in pkgutil.iter_modules(module.__path__)
            ]
        for mod in modules:
            for name, cls in vars(mod).items():
                if (
                    inspect.isclass(cls)
                    and issubclass(cls, forms.BaseForm)
                    and cls.__module__ == mod.__name__
                ):
                    found[name] = cls
    return found


def _date_fields(cls: Any) -> list[str]:
    return [
        name
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
    ]


def _typed(field: forms.Field, value: str) -> str:
    """A bad date as a person's browser would send it for this field."""
    if isinstance(field, forms.DateTimeField) and value[0].isdigit():
        return f"{value}T10:00"
    return value


@pytest.fixture
def world():
    built = route_world.build()
    built.area = ProblemAreaFactory()
    built.assessment_area = AssessmentArea.objects.filter(is_active=True).first() or AssessmentAreaFactory()
    return built


# How each form is built: its keyword arguments, from the world.
FORM_KWARGS = {
    "AssessmentForm": lambda w: {
        "areas": list(AssessmentArea.objects.filter(is_active=True)),
        "scale_max": 5,
    },
    "CloseForm": lambda w: {"case": w.a.case},
    "MemberForm": lambda w: {"user": w.users.social_worker},
    "ConsentForm": lambda w: {"case": w.a.case},
    "PlanForm": lambda w: {"needs_foster": True, "is_revision": False},
    "ActionForm": lambda w: {},
    "InterviewForm": lambda w: {},
    "CourtOrderForm": lambda w: {"by": w.users.social_worker},
    "VisitForm": lambda w: {"case": w.a.case},
    "InterventionForm": lambda w: {},
    "CourtRequestForm": lambda w: {},
    "MarkSentForm": lambda w: {},
    "EmploymentForm": lambda w: {"assistant": w.users.assistant},
    "QualificationForm": lambda w: {"assistant": w.users.assistant},
    "DevelopmentForm": lambda w: {"assistant": w.users.assistant},
    "CostForm": lambda w: {},
    "RangeForm": lambda w: {},
    "NonCooperationForm": lambda w: {},
    "CourtNoticeForm": lambda w: {},
    "FamilyReportForm": lambda w: {"by": w.users.social_worker},
    "ZaZyciemRequestForm": lambda w: {},
    "AuthorisationForm": lambda w: {},
    "CatalogueHandoverForm": lambda w: {},
    "TokenForm": lambda w: {},
    "TripForm": lambda w: {"cases": [w.a.case]},
    "WorkCardForm": lambda w: {"case": w.a.case},
    "LetterForm": lambda w: {},
    "ProcedureForm": lambda w: {},
    "ProcedureStepsForm": lambda w: {"instance": _procedure(w)},
    "ProcedureEndForm": lambda w: {"instance": _procedure(w)},
    "GroupMeetingForm": lambda w: {},
    "MeetingTaskForm": lambda w: {"procedure": _procedure(w)},
    "DoneOnForm": lambda w: {},
    "CardFormForm": lambda w: {"procedure": _procedure(w)},
}


def _procedure(w):  # noqa: ANN001, ANN202
    from cooperation.models import Procedure

    return Procedure.objects.get_or_create(
        family=w.a.family,
        defaults={
            "started_on": dt.date(2026, 1, 5),
            "started_by_body": "Policja",
            "created_by": w.users.assistant,
        },
    )[0]


def test_every_form_with_a_date_is_covered():
    with_dates = {name for name, cls in _project_forms().items() if _date_fields(cls)}
    assert with_dates == set(FORM_KWARGS)


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize("form_name", sorted(FORM_KWARGS))
def test_a_form_refuses_an_absurd_date_at_its_field(world, form_name, value):
    cls: Any = _project_forms()[form_name]
    for field in _date_fields(cls):
        form = cls(data={field: _typed(cls.base_fields[field], value)}, **FORM_KWARGS[form_name](world))
        with translation.override("pl"):
            assert not form.is_valid()
            assert form.errors.get(field), f"{form_name}.{field} accepts {value}"
            assert all(str(message).strip() for message in form.errors[field])


def _forms_in(context) -> list[forms.BaseForm]:  # noqa: ANN001
    """Every form shown on a page, those in formsets (and formsets of a form) included."""
    found: list[forms.BaseForm] = []
    seen: set[int] = set()

    def visit(value: object) -> None:
        # Objects refer to each other (a widget to its form's fields, say): visit each once.
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, forms.BaseForm) and value not in found:
            found.append(value)
            for attribute in vars(value).values():
                if isinstance(attribute, forms.BaseFormSet):
                    visit(attribute)
        elif isinstance(value, forms.BaseFormSet):
            for form in value.forms:
                visit(form)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)
        elif ".forms" in type(value).__module__ and hasattr(value, "__dict__"):
            # A project's editor of several forms (the work plan's goals and actions).
            for attribute in vars(value).values():
                visit(attribute)

    for layer in context:
        for value in layer.flatten().values():
            visit(value)
    return found


def _close(w) -> dict:  # noqa: ANN001
    return {
        "date": timezone.localdate().isoformat(),
        "reason": "goals_achieved",
        "final_assessment": "Ocena.",
    }


# The date fields of each form of test_fuzz_forms' FORMS, as posted, and the close form.
VIEW_DATES = {
    "family-create": ("members-0-birth_date",),
    "member-add": ("birth_date",),
    "interview": ("date",),
    "court-order": ("order_date", "received_on"),
    "consent": ("date",),
    "visit": ("date", "next_meeting"),
    "intervention": ("date", "informed_at"),
    "plan": ("social_worker_consulted_on", "goals-0-actions-0-deadline"),
    "assessment": ("date",),
    "court-request": ("letter_date", "received_on", "due_date"),
    "close": ("date",),
}
DATETIME_FIELDS = {("intervention", "date"), ("intervention", "informed_at")}


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize("view", sorted(VIEW_DATES))
def test_a_view_shows_the_error_for_an_absurd_date(client, world, view, value):
    if view == "close":
        role, url, data = "assistant", reverse("cases:case-close", args=[world.a.case.pk]), _close
    else:
        case = FORMS[view]
        role, url, data = case.role, case.url(world), case.data
    client.force_login(getattr(world.users, role))
    for posted in VIEW_DATES[view]:
        bad = f"{value}T10:00" if (view, posted) in DATETIME_FIELDS and value[0].isdigit() else value
        with transaction.atomic():
            before = _counts()
            response = client.post(url, data(world) | {posted: bad})
            assert response.status_code == 200, f"{view}.{posted}={value}: {response.status_code}"
            assert _counts() == before
            field = posted.rsplit("-", 1)[-1]
            errors = [form.errors[field] for form in _forms_in(response.context) if form.errors.get(field)]
            assert errors, f"{view}.{posted}={value}: no error at the field"
            transaction.set_rollback(True)


def test_the_database_refuses_a_date_out_of_range():
    case = CaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closed_on=dt.date(1, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionFactory(
            case=case,
            date=dt.datetime(1, 1, 1, 10, tzinfo=dt.UTC),
            informed_at=dt.datetime(1, 1, 1, 11, tzinfo=dt.UTC),
        )
    assert not Intervention.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(opened_on=dt.date(9999, 12, 31))


# --- every date and time the database holds has its range --------------------------------------


def _is_history_table(model) -> bool:  # noqa: ANN001
    """django-simple-history's copies: each row repeats a row of its tracked model, which the
    tracked model's constraints checked when it was written."""
    return hasattr(model, "instance_type") and model.__name__.startswith("Historical")


def _project_models() -> list:
    root = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if root in Path(config.path).resolve().parents and ".venv" not in config.path
        for model in config.get_models()
        if not _is_history_table(model)
    ]


def test_every_date_and_time_of_every_model_has_a_range_constraint():
    """System timestamps included (created_at, rendered_at, read_at, computed_at...): a script or a
    bulk update can write them as well as a form."""
    from django.db import models

    missing = []
    for model in _project_models():
        names = {constraint.name for constraint in model._meta.constraints}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and not any(
                name.endswith(f"_{field.name}_in_range") for name in names
            ):
                missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, f"dates without a range constraint: {missing}"


def test_the_database_refuses_a_system_timestamp_out_of_range(manager):
    from documents.models import RenderedDocument
    from notifications.models import Notification
    from reports.models import ReportSnapshot

    case = CaseFactory()
    document = RenderedDocument.objects.create(
        kind="work_plan", object_id=case.pk, version=1, case=case, family=case.family, requested_by=manager
    )
    notification = Notification.objects.create(recipient=manager, key="k", message="m")
    snapshot = ReportSnapshot.objects.create(
        period="2025-H1", stamp="s", figures={}, computed_at=timezone.now()
    )
    ancient = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    far = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
    for queryset, field in [
        (RenderedDocument.objects.filter(pk=document.pk), "rendered_at"),
        (RenderedDocument.objects.filter(pk=document.pk), "created_at"),
        (Notification.objects.filter(pk=notification.pk), "read_at"),
        (Notification.objects.filter(pk=notification.pk), "created_at"),
        (ReportSnapshot.objects.filter(pk=snapshot.pk), "computed_at"),
        (Case.objects.filter(pk=case.pk), "created_at"),
    ]:
        for value in (ancient, far):
            with pytest.raises(IntegrityError), transaction.atomic():
                queryset.update(**{field: value})
