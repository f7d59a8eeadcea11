"""Who may do what at intake: only its author edits, submits or withdraws a referral, and a
manager decides it."""

from typing import Any

import rules

from asystent.permissions import is_manager
from cases.permissions import is_case_assistant

from .models import Referral


@rules.predicate
def is_referral_author(user: Any, referral: Referral) -> bool:
    return bool(user.is_authenticated and referral.social_worker_id == user.pk)


rules.add_perm("referrals.change_own_referral", is_referral_author)
rules.add_perm("referrals.decide_referral", is_manager)
# The "Za życiem" case's own assistant hands over the support catalogue and records the family's
# written authorisation (art. 8 ust. 2 of the "Za życiem" Act).
rules.add_perm("referrals.hand_over_catalogue", is_case_assistant)
