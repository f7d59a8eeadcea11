"""Who may do what with families and cases: the family's own assistant writes its plan and
assessments, a manager or the assistant proposes its closure and a manager decides it, a manager
other than its author acknowledges an assessment, and a person added by mistake is removed by
whoever added them or by the family's assistant."""

from typing import Any

import rules

from asystent.enums import Role
from asystent.permissions import is_manager

from .models import Assessment, Case, ClosureProposal, FamilyMember


@rules.predicate
def is_case_assistant(user: Any, case: Case) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ASSISTANT) and case.assistant_id == user.pk)


def member_author_id(member: FamilyMember) -> int | None:
    """Who added the person: the user of their first history record, else the family's registrar
    (members registered before history named the user, or by a data import)."""
    added_by = (
        FamilyMember.history.filter(id=member.pk, history_type="+")
        .order_by("history_date")
        .values_list("history_user_id", flat=True)
        .first()
    )
    return added_by or member.family.registered_by_id


@rules.predicate
def may_remove_member(user: Any, member: FamilyMember) -> bool:
    """The person who added the member, or the assistant of the family's case."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ASSISTANT) and member.family.cases.filter(assistant=user).exists():
        return True
    return bool(user.has_role(Role.SOCIAL_WORKER, Role.MANAGER) and member_author_id(member) == user.pk)


@rules.predicate
def is_assessment_author(user: Any, assessment: Assessment) -> bool:
    return bool(user.is_authenticated and assessment.author_id == user.pk)


@rules.predicate
def is_closure_pending(user: Any, proposal: ClosureProposal) -> bool:
    """Waiting, on a case still in progress (a withdrawal of consent may have closed it meanwhile)."""
    return proposal.is_pending and proposal.case.is_open


rules.add_perm("cases.edit_plan", is_case_assistant)
rules.add_perm("cases.write_assessment", is_case_assistant)
rules.add_perm("cases.close_case", is_manager | is_case_assistant)
rules.add_perm("cases.remove_member", may_remove_member)
# The head of the centre approves or returns a closure the assistant proposed.
rules.add_perm("cases.decide_closure", is_manager & is_closure_pending)
# The assessment is handed to the head of the centre (art. 15 ust. 1 pkt 15): a manager other
# than its author acknowledges it.
rules.add_perm("cases.acknowledge_assessment", is_manager & ~is_assessment_author)
