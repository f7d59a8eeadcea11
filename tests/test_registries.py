"""The registries through which the apps above `cases` add to its pages and rules (filled in their
AppConfig.ready()): what each app registered, and how a slot of panels is rendered."""

import pytest
from django.template import Context, Template

from asystent.navigation import blocks_in
from cases import panels
from cases.retention import anonymisers
from cases.timeline import SOURCES
from cases.visibility import registered_family_ids

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


def _names(functions) -> list[str]:  # noqa: ANN001
    return [f"{function.__module__}.{function.__qualname__}" for function in functions]


def test_the_upper_apps_registered_their_parts():
    assert _names(anonymisers()) == [
        "cooperation.retention.anonymise",
        "courts.retention.anonymise",
        "documents.retention.anonymise",
        "referrals.retention.anonymise",
        "timesheets.retention.anonymise",
        "transfer.retention.anonymise",
        "visits.retention.anonymise",
    ]
    assert {"referrals.timeline.referral_rows", "visits.timeline.visit_rows"} <= set(_names(SOURCES))
    assert [p.template for p in panels.panels_in("case-actions")] == ["visits/_case_actions.html"]
    assert [p.template for p in panels.panels_in("family-sections")] == [
        "referrals/_family_intake.html",
        "documents/_report_answers.html",
        "documents/_referral_documents.html",
        "cooperation/_family_section.html",
    ]
    assert "referrals/_case_za_zyciem.html" in [p.template for p in panels.panels_in("case-sections")]
    assert "documents/_case_file_documents.html" in [p.template for p in panels.panels_in("case-sections")]
    # The start page's blocks come from the core app's navigation registry.
    assert [b.template for b in blocks_in("home")] == [
        "asystent/_todo.html",
        "cases/_home_agenda.html",
        "referrals/_home_deadlines.html",
    ]
    assert [b.template for b in blocks_in("my-week")] == ["cooperation/_week_tasks.html"]


def test_the_transfer_app_registered_its_links(manager, admin_user):
    from asystent.navigation import links_for

    assert [link.url_name for link in links_for("management", manager)][-2:] == [
        "transfer:import",
        "transfer:export",
    ]
    assert {"transfer:import", "transfer:export"} <= {
        link.url_name for link in links_for("administration", admin_user)
    }


def test_the_social_worker_sees_the_families_referred_through_the_registry(social_worker, assistant):
    assert len(registered_family_ids(social_worker)) == 1
    assert registered_family_ids(assistant) == []


def _render(slot: str, **values) -> str:  # noqa: ANN003
    return Template("{% load panels %}{% panels slot case=case user=user %}").render(
        Context({"slot": slot, **values})
    )


@pytest.fixture
def test_slot():
    yield "test-slot"
    panels._panels.pop("test-slot", None)


def test_a_slot_renders_its_panels_in_order_and_skips_those_without_context(test_slot, assistant):
    case = CaseFactory(assistant=assistant)
    panels.register(test_slot, template="visits/_case_link.html", order=20)
    panels.register(test_slot, template="visits/_case_actions.html", order=10, context=lambda **page: None)
    assert "Log a visit" not in _render(test_slot, case=case, user=assistant)
    html = _render(test_slot, case=case, user=assistant)
    assert f"/visits/case/{case.pk}/" in html

    panels._panels.pop(test_slot)
    panels.register(test_slot, template="visits/_case_link.html", order=20)
    panels.register(test_slot, template="visits/_case_actions.html", order=10, context=lambda **page: {})
    html = _render(test_slot, case=case, user=assistant)
    assert html.index(f"/visits/case/{case.pk}/new/") < html.index(f'href="/visits/case/{case.pk}/"')


def test_an_empty_slot_renders_nothing(test_slot, assistant):
    assert _render(test_slot, case=None, user=assistant) == ""
