"""Journey 2: the manager finds the referral on the start page's "Do zrobienia" list, tries an
assistant who already has the statutory 15 families (refused, with the reason), then assigns
another assistant; the confirmation names who was told."""

import pytest
from playwright.sync_api import expect

from cases.enums import CaseStatus
from referrals.enums import ReferralStatus
from tests.factories import CaseFactory, ReferralFactory, UserFactory

from .helpers import axe_check, expect_message, field, heading, login, nav_link, shot, todo_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_is_refused_an_assistant_at_the_limit_and_assigns_another(page, base, audit_trail):
    kasia = UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    full = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Pełna")
    free = UserFactory(username="agata", assistant=True, first_name="Agata", last_name="Wolna")
    # art. 15 ust. 4: at most 15 families per assistant.
    CaseFactory.create_batch(15, assistant=full)
    CaseFactory(assistant=free)
    referral = ReferralFactory(submitted=True, family__name="Wiśniewscy")

    login(page, base, "kasia")
    shot(page, "2-manager-start")
    # The assistant at the limit is on the list too.
    expect(todo_item(page, "Anna Pełna (15 z 15)")).to_be_visible()
    todo_item(page, "Zdecyduj o wniosku: Wiśniewscy").click()
    expect(heading(page)).to_contain_text("Wiśniewscy")
    axe_check(page)

    page.get_by_role("radio", name="przydzielenie asystenta").check()
    assistant = field(page, "Asystent rodziny")
    expect(assistant.get_by_role("option", name="Anna Pełna")).to_contain_text("15 / 15")
    assistant.select_option(label=assistant.get_by_role("option", name="Anna Pełna").inner_text())
    page.get_by_role("button", name="Zapisz decyzję").click()

    refusal = "Anna Pełna: liczba prowadzonych rodzin – 15, limit – 15 (art. 15 ust. 4 ustawy)."
    expect(page.locator(".invalid-feedback")).to_contain_text(refusal)
    expect(assistant).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    shot(page, "2-manager-refused-at-limit")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED

    assistant.select_option(label=assistant.get_by_role("option", name="Agata Wolna").inner_text())
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect_message(page, "Przydzielono asystenta: Agata Wolna; sprawa została otwarta.")
    social_worker = referral.social_worker
    told = sorted(["Agata Wolna", str(social_worker)])
    expect_message(page, f"Powiadomiono: {told[0]}, {told[1]}.")
    axe_check(page)
    shot(page, "2-manager-case-opened")
    # Decided: the list no longer asks for it.
    nav_link(page, "Start").click()
    expect(todo_item(page, "Wiśniewscy")).to_have_count(0)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED
    assert referral.case.assistant == free
    assert referral.case.status == CaseStatus.AWAITING_CONSENT
    assert full.assisted_cases.count() == 15
    # The referral read to decide, and the case page the decision led to.
    audit_trail.assert_audited(user=kasia, obj=referral, action="view")
    audit_trail.assert_audited(user=kasia, obj=referral.case, action="view")
