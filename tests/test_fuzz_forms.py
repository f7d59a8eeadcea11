"""Arbitrary text in every text field of the main forms, through the real views (hypothesis).

For each form: a valid submission by the person who fills it in, with one field replaced by
arbitrary text (markup, quotes, NUL, control characters, very long strings). The answer is never a
server error; when the form is shown again with an error nothing has been saved (no row of any
case model appears, none goes); and markup typed in is escaped wherever the text is shown, on the
form shown again and on the page the form leads to. One more test prints a hostile opinion into
its PDF and reads it back as text.

Each example runs in a savepoint that is rolled back, so every example starts from the same world.
"""

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.enums import Relation
from cases.models import (
    Assessment,
    AssessmentArea,
    AssessmentRating,
    Case,
    Consent,
    Family,
    FamilyMember,
    Goal,
    PlanAction,
    ProblemArea,
    WorkPlan,
)
from courts.models import CourtRequest, OpinionVersion
from documents.models import RenderedDocument
from referrals.models import CommunityInterview, CourtOrder, Referral
from visits.models import Intervention, Visit

from . import route_world
from .factories import AssessmentAreaFactory, ProblemAreaFactory

pytestmark = pytest.mark.django_db

# Markup that must never reach a page unescaped.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
]
TEXT = st.one_of(
    st.text(),  # any code point but surrogates: NUL and control characters included
    st.builds(
        lambda before, markup, after: before + markup + after,
        st.text(max_size=20),
        st.sampled_from(HOSTILE),
        st.text(max_size=20),
    ),
    st.text(min_size=200, max_size=400),  # past the length of most short fields
    st.builds(lambda markup, n: markup * n, st.sampled_from(HOSTILE), st.integers(100, 400)),
)
# Every model a form of the file writes to: a refused form leaves all of them as they were.
COUNTED = [
    Family,
    FamilyMember,
    Case,
    CommunityInterview,
    Referral,
    CourtOrder,
    Consent,
    Visit,
    Intervention,
    WorkPlan,
    Goal,
    PlanAction,
    Assessment,
    AssessmentRating,
    CourtRequest,
    OpinionVersion,
]
PNG = route_world.PNG


@dataclass(frozen=True)
class FormCase:
    role: str  # who fills the form in (an attribute of world.users)
    url: Callable  # world -> URL of the form
    data: Callable  # world -> a valid submission
    fields: tuple[str, ...]  # the text fields fuzzed
    shown: str | None = None  # a field shown on the page the form leads to


def _date(days_ago: int = 0) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _local(hours_ago: int) -> str:
    return (timezone.localtime() - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def family_create(w) -> dict:  # noqa: ANN001
    return {
        "name": "Nowiccy",
        "street": "ul. Polna 3",
        "postal_code": "00-950",
        "city": "Zielona Dolina",
        "gmina": "Zielona Dolina",
        "teryt": "",
        "phone": "600 100 200",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "members-0-first_name": "Ewa",
        "members-0-last_name": "Nowicka",
        "members-0-relation": Relation.PARENT,
        "members-0-pesel": "",
        "members-0-no_pesel": "on",
        "members-0-birth_date": "1990-05-05",
        "members-0-sex": "F",
        "members-0-placement": "home",
        "members-0-foster_coordinator": "",
    }


def member_add(w) -> dict:  # noqa: ANN001
    return {
        "first_name": "Jan",
        "last_name": "Alfowski",
        "relation": Relation.CHILD,
        "pesel": "",
        "no_pesel": "on",
        "birth_date": "2019-01-01",
        "sex": "M",
        "placement": "home",
        "foster_coordinator": "",
    }


def interview(w) -> dict:  # noqa: ANN001
    return {"date": _date(1), "summary": "Analiza sytuacji rodziny.", "problem_areas": [w.area.pk]}


def referral(w) -> dict:  # noqa: ANN001
    return {
        "interview": w.a.interview.pk,
        "legal_basis": "voluntary",
        "problem_areas": [w.area.pk],
        "justification": "Rodzina potrzebuje wsparcia.",
        "action": "save",
    }


def court_order(w) -> dict:  # noqa: ANN001
    return {
        "court": "Sąd Rejonowy w Zielonej Dolinie",
        "division": "III Wydział Rodzinny i Nieletnich",
        "case_number": "III Nsm 123/26",
        "order_date": _date(10),
        "received_on": _date(5),
        "justification": "",
        "scan": SimpleUploadedFile("postanowienie.png", PNG, content_type="image/png"),
    }


def consent(w) -> dict:  # noqa: ANN001
    # Once the family has consented, the form records only the withdrawal.
    consented = w.a.case.consents.order_by("-date", "-pk").values_list("decision", flat=True).first()
    decision = "withdrawn" if consented == "given" else "given"
    return {"decision": decision, "date": _date(), "signed_by": [w.a.adult.pk], "scope": "", "reason": ""}


def visit(w) -> dict:  # noqa: ANN001
    return {
        "date": _date(),
        "start_time": "09:00",
        "end_time": "10:00",
        "kind": "home_visit",
        "place": "home",
        "place_description": "",
        "participants": [w.a.adult.pk],
        "other_participants": "",
        "topics": "Rozmowa o budżecie.",
        "tasks_done": "",
        "tasks_agreed": "",
        "child_safety_notes": "",
        "action": "final",
    }


def intervention(w) -> dict:  # noqa: ANN001
    return {
        "date": _local(3),
        "description": "Dzieci bez opieki.",
        "informed_police": "on",
        "other_informed": "",
        "informed_at": _local(2),
        "reference_numbers": "",
    }


def plan(w) -> dict:  # noqa: ANN001
    prefix = "goals-0-actions-0-"
    return {
        "main_goal": "Bezpieczeństwo dzieci.",
        "revision_reason": "Nowe potrzeby rodziny.",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-0-area": w.area.pk,
        "goals-0-description": "Regularna nauka.",
        "goals-0-actions-TOTAL_FORMS": "1",
        "goals-0-actions-INITIAL_FORMS": "0",
        f"{prefix}description": "Plan dnia.",
        f"{prefix}responsible": "family_member",
        f"{prefix}responsible_name": "Halina",
        f"{prefix}deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        f"{prefix}expected_effect": "Dzieci chodzą do szkoły.",
        f"{prefix}status": "planned",
    }


def assessment(w) -> dict:  # noqa: ANN001
    data = {
        "date": _date(),
        "narrative": "Sytuacja się poprawia.",
        "recommendation": "continue",
        "save_draft": "1",
        "version": w.a.draft_assessment.version,
    }
    for area in AssessmentArea.objects.filter(is_active=True):
        data[f"rating_{area.pk}"] = "3"
        data[f"comment_{area.pk}"] = ""
    return data


def court_request(w) -> dict:  # noqa: ANN001
    return {
        "court": "Sąd Rejonowy w Zielonej Dolinie",
        "division": "III Wydział Rodzinny i Nieletnich",
        "court_address": "ul. Sądowa 1",
        "case_number": "III Nsm 77/26",
        "letter_date": _date(5),
        "received_on": _date(3),
        "due_date": _date(-20),
        "request_text": "Sąd prosi o opinię.",
    }


def _comment_field(w) -> str:  # noqa: ANN001
    return f"comment_{w.assessment_area.pk}"


OPINION_SECTIONS = (
    "composition",
    "period_and_basis",
    "contacts",
    "goals_progress",
    "care_per_child",
    "housing_and_finances",
    "health",
    "cooperation_with_institutions",
    "attitude",
    "conclusions",
)

FORMS: dict[str, FormCase] = {
    "family-create": FormCase(
        "social_worker",
        lambda w: reverse("cases:family-create"),
        family_create,
        (
            "name",
            "street",
            "postal_code",
            "city",
            "gmina",
            "teryt",
            "phone",
            "members-0-first_name",
            "members-0-last_name",
            "members-0-pesel",
            "members-0-foster_coordinator",
        ),
        shown="name",
    ),
    "member-add": FormCase(
        "social_worker",
        lambda w: reverse("cases:member-add", args=[w.a.family.pk]),
        member_add,
        ("first_name", "last_name", "pesel", "foster_coordinator"),
        shown="first_name",
    ),
    "interview": FormCase(
        "social_worker",
        lambda w: reverse("referrals:interview-create", args=[w.a.family.pk]),
        interview,
        ("summary",),
    ),
    "referral": FormCase(
        "social_worker",
        lambda w: reverse("referrals:referral-create", args=[w.a.family.pk]),
        referral,
        ("justification",),
        shown="justification",
    ),
    "court-order": FormCase(
        "social_worker",
        lambda w: reverse("referrals:court-order-create", args=[w.a.family.pk]),
        court_order,
        ("court", "division", "case_number", "justification"),
    ),
    "consent": FormCase(
        "assistant",
        lambda w: reverse("cases:consent-create", args=[w.a.case.pk]),
        consent,
        ("scope", "reason"),
    ),
    "visit": FormCase(
        "assistant",
        lambda w: reverse("visits:visit-create", args=[w.a.case.pk]),
        visit,
        (
            "place_description",
            "other_participants",
            "topics",
            "tasks_done",
            "tasks_agreed",
            "child_safety_notes",
        ),
        shown="topics",
    ),
    "intervention": FormCase(
        "assistant",
        lambda w: reverse("visits:intervention-create", args=[w.a.case.pk]),
        intervention,
        ("description", "other_informed", "reference_numbers"),
        shown="description",
    ),
    "plan": FormCase(
        "assistant",
        lambda w: reverse("cases:plan-create", args=[w.a.case.pk]),
        plan,
        (
            "main_goal",
            "revision_reason",
            "goals-0-description",
            "goals-0-actions-0-description",
            "goals-0-actions-0-responsible_name",
            "goals-0-actions-0-expected_effect",
        ),
        shown="main_goal",
    ),
    "assessment": FormCase(
        "assistant",
        lambda w: reverse("cases:assessment-edit", args=[w.a.draft_assessment.pk]),
        assessment,
        ("narrative", "comment"),
        shown="narrative",
    ),
    "court-request": FormCase(
        "assistant",
        lambda w: reverse("courts:court-request-create", args=[w.a.case.pk]),
        court_request,
        ("court", "division", "court_address", "case_number", "request_text"),
        shown="request_text",
    ),
    "opinion": FormCase(
        "assistant",
        lambda w: reverse("courts:opinion-edit", args=[w.a.opinion.pk]),
        lambda w: {name: f"Sekcja {name}." for name in OPINION_SECTIONS} | {"action": "save"},
        OPINION_SECTIONS,
    ),
}


@pytest.fixture
def world():
    built = route_world.build()
    built.area = ProblemArea.objects.filter(is_active=True).first() or ProblemAreaFactory()
    built.assessment_area = AssessmentArea.objects.filter(is_active=True).first() or AssessmentAreaFactory()
    return built


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def _assert_escaped(html: str, where: str) -> None:
    for markup in HOSTILE:
        assert markup not in html, f"{where} shows {markup!r} unescaped"


@pytest.mark.parametrize("form", sorted(FORMS))
def test_arbitrary_text_in_every_field(client, world, form):
    case = FORMS[form]
    client.force_login(getattr(world.users, case.role))
    url = case.url(world)

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(field=st.sampled_from(case.fields), text=TEXT)
    def submit(field: str, text: str) -> None:
        name = _comment_field(world) if field == "comment" else field
        data = case.data(world) | {name: text}
        with transaction.atomic():
            before = _counts()
            response = client.post(url, data)  # a server error would raise here
            assert response.status_code in (200, 302), f"{form}.{name}: {response.status_code}"
            if response.status_code == 200:
                assert _counts() == before, f"{form}.{name}: a refused form saved something"
                _assert_escaped(response.content.decode(), f"{form} shown again")
            else:
                page = client.get(response.url)
                assert page.status_code == 200
                html = page.content.decode()
                _assert_escaped(html, f"the page after {form}")
                if field == case.shown:
                    for markup in HOSTILE:
                        if markup in text.strip():
                            assert escape(markup) in html, f"{form}.{name} is not shown back"
            transaction.set_rollback(True)

    submit()


def test_the_fuzzed_fields_are_the_forms_text_fields(client, world):
    """The lists above follow the forms: a text field added to a form is added to its case here."""
    for form, case in FORMS.items():
        client.force_login(getattr(world.users, case.role))
        response = client.get(case.url(world))
        assert response.status_code in (200, 302), form
        if response.status_code == 302:
            continue
        html = response.content.decode()
        for field in case.fields:
            name = _comment_field(world) if field == "comment" else field
            assert f'name="{name}"' in html, f"{form} has no field {name}"


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_hostile_text_of_an_opinion_is_printed_as_text_in_its_pdf(
    client, world, django_capture_on_commit_callbacks
):
    markup = '<script>alert(1)</script> <img src="http://evil.example/x.png"> & "cudzysłów"'
    sections = dict.fromkeys(OPINION_SECTIONS, "Treść sekcji.") | {"conclusions": markup}
    client.force_login(world.users.assistant)
    opinion_url = reverse("courts:opinion-edit", args=[world.a.opinion.pk])
    assert client.post(opinion_url, sections | {"action": "submit"}).status_code == 302
    version = world.a.opinion.current_version()
    client.force_login(world.users.manager)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        response = client.post(reverse("courts:opinion-approve", args=[version.pk]))
    assert response.status_code == 302
    document = RenderedDocument.objects.get(kind="opinion", object_id=world.a.opinion.pk)
    assert document.is_ready, document.error

    page = client.get(reverse("courts:opinion-version", args=[version.pk])).content.decode()
    _assert_escaped(page, "the opinion's page")
    assert escape(markup) in page

    download = client.get(reverse("documents:download", args=[document.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    assert '<script>alert(1)</script> <img src="http://evil.example/x.png"> & "cudzysłów"' in text


# --- size: every text field has a limit, and text past it is an error at that field -------------

BIG = "x" * 600_000  # a paste that once made the month's visit log impossible to print


def _limit_of(html: str, name: str) -> int | None:
    """The maxlength of the input or textarea named `name` on the page."""
    tag = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert tag, f"no field {name}"
    limit = re.search(r'\bmaxlength="(\d+)"', tag.group(0))
    return int(limit.group(1)) if limit else None


@pytest.mark.parametrize(
    ("form", "field"), [(form, field) for form, case in sorted(FORMS.items()) for field in case.fields]
)
def test_text_past_the_limit_is_an_error_at_its_field(client, world, form, field):
    case = FORMS[form]
    client.force_login(getattr(world.users, case.role))
    url = case.url(world)
    name = _comment_field(world) if field == "comment" else field
    limit = _limit_of(client.get(url).content.decode(), name)
    assert limit is not None, f"{form}.{name} takes text without a limit"
    for text in ("y" * (limit + 1), BIG):
        before = _counts()
        response = client.post(url, case.data(world) | {name: text})
        assert response.status_code == 200, f"{form}.{name}: {response.status_code}"
        assert _counts() == before, f"{form}.{name}: text past the limit was saved"
        html = response.content.decode()
        # crispy-forms writes the field's errors under it, with ids naming the field
        assert f'id="error_1_id_{name}"' in html, f"{form}.{name}: no error at the field"
        assert f"{limit:,}".replace(",", "\xa0") in html or str(limit) in html, "the error names the limit"


def test_the_models_refuse_text_past_the_limit_too(world):
    """Services that validate the model (`full_clean`) refuse it as the forms do."""
    from django.core.exceptions import ValidationError

    from asystent import limits

    visit = Visit(case=world.a.case, topics="y" * (limits.NOTE + 1))
    with pytest.raises(ValidationError) as refused:
        visit.clean_fields(exclude=[f.name for f in Visit._meta.fields if f.name != "topics"])
    assert "topics" in refused.value.message_dict
    visit.topics = "y" * limits.NOTE
    visit.clean_fields(exclude=[f.name for f in Visit._meta.fields if f.name != "topics"])


def _limited_text_fields() -> list[tuple[Any, str, int]]:
    """(model, field, limit) of every free-text field with a limit (asystent.limits), in the
    project's own models; django-simple-history's copies repeat rows their model checked."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings as django_settings
    from django.core.validators import MaxLengthValidator
    from django.db import models

    root = Path(django_settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        if root not in Path(config.path).resolve().parents or ".venv" in config.path:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical") and hasattr(model, "instance_type"):
                continue
            for field in model._meta.concrete_fields:
                limits_of = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
                if isinstance(field, models.TextField) and limits_of:
                    found.append((model, field.name, min(limits_of)))
    return found


def test_every_limited_text_field_has_its_limit_as_a_database_constraint():
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThanOrEqual

    fields = _limited_text_fields()
    assert len(fields) >= 35
    wrong = []
    for model, name, limit in fields:
        conditions = [
            constraint.condition
            for constraint in model._meta.constraints
            if isinstance(getattr(constraint, "condition", None), LessThanOrEqual)
        ]
        if not any(
            isinstance(c.lhs, Length)
            and getattr(c.lhs.source_expressions[0], "name", None) == name
            and c.rhs == limit
            for c in conditions
        ):
            wrong.append(f"{model._meta.label}.{name} <= {limit}")
    assert not wrong, f"text fields whose limit the database does not keep: {wrong}"


def test_the_database_refuses_text_past_the_limit_saved_by_a_bulk_update(world):
    """A bulk update (or the admin, or a script) skips the forms and the validators: the database
    refuses it, on PostgreSQL and on SQLite alike."""
    from django.db import IntegrityError

    from cases.models import CaseTransition, FamilyMember
    from referrals.models import ReferralTransition

    a = world.a
    CaseTransition.objects.create(case=a.case, from_status="active", to_status="active")
    ReferralTransition.objects.create(referral=a.referral, from_status="new", to_status="new")
    checked = set()
    for model, name, limit in _limited_text_fields():
        manager = getattr(model, "all_objects", model._default_manager)
        row = manager.order_by("pk").first()
        if row is None:
            continue
        rows = manager.filter(pk=row.pk)
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**{name: "y" * (limit + 1)})
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**{name: BIG})
        with transaction.atomic():
            assert rows.update(**{name: "ż" * limit}) == 1  # characters, not bytes
            transaction.set_rollback(True)
        checked.add(model)
    assert {
        Visit,
        Intervention,
        OpinionVersion,
        CourtRequest,
        Referral,
        FamilyMember,
        CaseTransition,
    } <= checked
    assert len(checked) >= 15, sorted(m.__name__ for m in checked)
