"""The shared partials: one form-errors summary (templates/_form_errors.html), one breadcrumb of
the pages below a family (templates/cases/_breadcrumb.html) and one pagination
(templates/_pagination.html).

Every template that shows a form includes the form-errors summary, and no template but the
breadcrumb partial writes a breadcrumb of its own: the checks below read every template, so a new
page that forgets either fails here."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory, ReferralFactory, VisitFactory
from .helpers import assert_error_summary

ROOT = Path(__file__).resolve().parent.parent
FORM_ERRORS = "_form_errors.html"
BREADCRUMB = "cases/_breadcrumb.html"
# The pages that are not below a family (staff records) have the core app's breadcrumb.
BREADCRUMBS = (BREADCRUMB, "templates/_breadcrumb.html")
# A template shows a form when it has a <form> element and renders a form's fields: a form or a
# formset variable, crispy, a loop over a form's fields, or an include of a fields partial.
RENDERS_FIELDS = re.compile(
    r"\{\{\s*(?:form|formset|filter\.form|\w+_form)\b(?!\.(?:instance|action|id|pk)\b)"
    r"|\|crispy\b|\{%\s*crispy\b"
    r"|\{%\s*for\s+\w+\s+in\s+(?:form|formset|filter\.form)\b"
    r'|\{%\s*include\s+"[^"]*_fields\.html"'
)
HAND_WRITTEN_BREADCRUMB = re.compile(r'class="breadcrumb[\s"]|breadcrumb-item')

pytestmark = pytest.mark.django_db


def templates() -> list[Path]:
    found = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    return sorted(p for p in found if ".venv" not in p.relative_to(ROOT).parts[0])


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def forms_without_the_summary(paths: list[Path]) -> list[str]:
    return [
        shown(path)
        for path in paths
        if (text := path.read_text(encoding="utf-8"))
        and "<form" in text
        and RENDERS_FIELDS.search(text)
        and FORM_ERRORS not in text
    ]


def hand_written_breadcrumbs(paths: list[Path]) -> list[str]:
    return [
        shown(path)
        for path in paths
        if not path.as_posix().endswith(BREADCRUMBS)
        and HAND_WRITTEN_BREADCRUMB.search(path.read_text(encoding="utf-8"))
    ]


def test_every_template_that_shows_a_form_includes_the_error_summary():
    assert forms_without_the_summary(templates()) == []


def test_no_template_writes_its_own_breadcrumb():
    assert hand_written_breadcrumbs(templates()) == []


def test_the_checks_catch_a_form_without_the_summary_and_a_hand_written_breadcrumb(tmp_path):
    cases = {
        "crispy.html": ('<form method="post">{% csrf_token %}{{ form|crispy }}</form>', True),
        "fields.html": ("<form>{% for field in filter.form %}{{ field }}{% endfor %}</form>", True),
        "rows.html": (
            '<form>{{ formset.management_form }}{% include "x/_member_fields.html" %}</form>',
            True,
        ),
        "summary.html": ('<form>{% include "_form_errors.html" %}{{ form|crispy }}</form>', False),
        "button.html": ('<form method="post">{% csrf_token %}<button>OK</button></form>', False),
        "fields_only.html": ("{{ form.name }}", False),
    }
    for name, (text, _) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "crumbs.html").write_text(
        '<nav><ol class="breadcrumb"><li>x</li></ol></nav>', encoding="utf-8"
    )
    (tmp_path / "uses.html").write_text('{% include "cases/_breadcrumb.html" %}', encoding="utf-8")

    paths = sorted(tmp_path.iterdir())
    assert sorted(forms_without_the_summary(paths)) == sorted(n for n, (_, bad) in cases.items() if bad)
    assert hand_written_breadcrumbs(paths) == ["crumbs.html"]


def test_a_form_sent_with_errors_starts_with_a_summary_linking_to_each_field(client, social_worker):
    case = CaseFactory(family__registered_by=social_worker)
    member = FamilyMemberFactory(family=case.family)
    client.force_login(social_worker)
    response = client.post(reverse("cases:member-remove", args=[member.pk]), {"reason": ""})
    # The title says "Błąd:", the summary comes first, can take the focus and links to the field,
    # whose own message stays next to it (tests/helpers.py).
    assert_error_summary(response, ["reason"], exact=True)
    assert 'class="invalid-feedback' in response.content.decode()


def test_a_form_without_errors_has_no_summary(client, social_worker):
    case = CaseFactory(family__registered_by=social_worker)
    member = FamilyMemberFactory(family=case.family)
    client.force_login(social_worker)
    page = client.get(reverse("cases:member-remove", args=[member.pk])).content.decode()
    assert "data-form-errors" not in page


def test_the_visit_log_pages_with_the_shared_pagination(client):
    case = CaseFactory()
    for _ in range(26):
        VisitFactory(case=case)
    client.force_login(case.assistant)
    page = client.get(reverse("visits:case-visits", args=[case.pk])).content.decode()
    nav = page.split('class="pagination"')[1].split("</nav>")[0]
    assert "?page=2" in nav


# --- the summary on the pages that lacked it ------------------------------------------------------


def test_the_login_page_sends_a_wrong_password_back_with_the_summary(client, social_worker):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert_error_summary(response, ["username", "password"], exact=True)


def test_the_family_registration_lists_the_members_rows_in_error(client, social_worker):
    client.force_login(social_worker)
    data = {
        "name": "",
        "street": "Lipowa 1",
        "postal_code": "00-001",
        "city": "Zielona Dolina",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "20",
        "members-0-first_name": "Jan",
        "members-0-last_name": "",
    }
    response = client.post(reverse("cases:family-create"), data)
    assert_error_summary(response, ["name", "members-0-last_name"])


def test_the_semiannual_report_answers_a_bad_period_with_the_summary(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual"), {"year": "1900", "part": "h1"})
    assert_error_summary(response, ["year"])


# --- the breadcrumb on the pages that wrote their own ---------------------------------------------


def breadcrumb_of(page: str) -> list[str]:
    nav = re.search(r'<ol class="breadcrumb">(.*?)</ol>', page, re.S)
    assert nav is not None
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S)
    ]


def test_the_family_page_and_its_member_pages_share_the_breadcrumb(client, social_worker):
    family = FamilyFactory(name="Kowalscy", registered_by=social_worker)
    member = FamilyMemberFactory(family=family)
    client.force_login(social_worker)

    family_page = client.get(family.get_absolute_url()).content.decode()
    assert breadcrumb_of(family_page) == ["Rodziny", "Kowalscy"]
    assert 'aria-current="page">Kowalscy<' in family_page
    member_page = client.get(reverse("cases:member-edit", args=[member.pk])).content.decode()
    assert breadcrumb_of(member_page) == ["Rodziny", "Kowalscy"]


def test_the_referral_pages_share_the_breadcrumb(client, social_worker):
    referral = ReferralFactory(
        social_worker=social_worker, family__registered_by=social_worker, family__name="Nowakowie"
    )
    client.force_login(social_worker)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert breadcrumb_of(page) == ["Rodziny", "Nowakowie", "Wniosek"]
