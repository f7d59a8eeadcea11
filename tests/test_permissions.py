"""The named permissions (each app's permissions.py, the `rules` library), asked directly."""

import pytest

from .factories import CaseFactory, FamilyMemberFactory, ReferralFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return CaseFactory()


@pytest.fixture
def people(case):
    return {
        "assistant": case.assistant,
        "other_assistant": UserFactory(assistant=True),
        "manager": UserFactory(manager=True),
        "social_worker": case.family.registered_by,
        "administrator": UserFactory(administrator=True),
    }


CASE_PERMISSIONS = {
    # permission: who holds it on the case, of the people above
    "cases.edit_plan": {"assistant"},
    "cases.write_assessment": {"assistant"},
    "cases.close_case": {"assistant", "manager"},
    "visits.log_visit": {"assistant"},
    "visits.record_intervention": {"assistant"},
    "documents.prepare_documents": {"assistant", "manager"},
    "courts.register_request": {"assistant", "manager"},
    "courts.draft_opinion": {"assistant"},
    "courts.submit_opinion": {"assistant"},
    "courts.review_opinion": {"manager"},
    "courts.send_opinion": {"assistant", "manager"},
}


@pytest.mark.parametrize("perm", sorted(CASE_PERMISSIONS))
def test_case_permissions_follow_the_roles_and_the_case(perm, case, people):
    holders = {name for name, user in people.items() if user.has_perm(perm, case)}
    assert holders == CASE_PERMISSIONS[perm]


def test_a_superuser_flag_grants_no_case_permission(case):
    root = UserFactory(administrator=True, is_superuser=True)
    assert not root.has_perm("cases.edit_plan", case)
    assert not root.has_perm("documents.prepare_documents", case)


def test_an_inactive_assistant_holds_nothing(case):
    case.assistant.is_active = False
    assert not case.assistant.has_perm("cases.edit_plan", case)


def test_a_visit_is_corrected_by_its_author_and_removed_by_the_author_or_the_case_assistant(case):
    colleague = UserFactory(assistant=True)
    visit = VisitFactory(case=case, author=colleague)
    assert colleague.has_perm("visits.remove_visit", visit)
    assert case.assistant.has_perm("visits.remove_visit", visit)
    assert not UserFactory(manager=True).has_perm("visits.remove_visit", visit)
    # Correcting needs both: the author, and the case's own assistant.
    assert not colleague.has_perm("visits.edit_visit", visit)
    own = VisitFactory(case=case)
    assert case.assistant.has_perm("visits.edit_visit", own)


def test_a_member_is_removed_by_whoever_added_them_or_the_family_assistant(case, people):
    member = FamilyMemberFactory(family=case.family)
    assert people["assistant"].has_perm("cases.remove_member", member)
    assert people["social_worker"].has_perm("cases.remove_member", member)
    assert not people["other_assistant"].has_perm("cases.remove_member", member)
    assert not people["manager"].has_perm("cases.remove_member", member)


def test_only_its_author_changes_a_referral_and_a_manager_decides_it():
    referral = ReferralFactory()
    assert referral.social_worker.has_perm("referrals.change_own_referral", referral)
    assert not UserFactory(social_worker=True).has_perm("referrals.change_own_referral", referral)
    assert UserFactory(manager=True).has_perm("referrals.decide_referral", referral)
    assert not referral.social_worker.has_perm("referrals.decide_referral", referral)


def test_names_behind_figures_and_subject_access_are_for_managers():
    manager, administrator = UserFactory(manager=True), UserFactory(administrator=True)
    for perm in ("reports.see_names_behind_figures", "reports.export_subject_data"):
        assert manager.has_perm(perm)
        assert not administrator.has_perm(perm)


def test_a_removed_record_is_restored_by_a_manager_only(case, people):
    visit = VisitFactory(case=case)
    assert {name for name, user in people.items() if user.has_perm("asystent.restore_removed", visit)} == {
        "manager"
    }
