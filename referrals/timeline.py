"""The referral of a case and its decision on the case's timeline (registered in ReferralsConfig.ready())."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from cases.models import Case
from cases.timeline import Records, TimelineRow, absolute_url, local_date

from .models import Referral


def referral_of(case: Case) -> Referral | None:
    """The referral the case came from, if any; kept on the case, so the page reads it once."""
    try:
        return case.referral
    except Referral.DoesNotExist:
        return None


def referral_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    referral = referral_of(case)
    if referral is None:
        return []
    rows = []
    url = absolute_url(referral)
    submitted = referral.submitted_at or referral.created_at
    if submitted:
        rows.append(
            TimelineRow(
                date=local_date(submitted),
                kind="referral",
                title=_("Referral for a family assistant"),
                url=url,
                badge=referral.get_legal_basis_display(),
                tiebreak=(submitted,),
            )
        )
    if referral.decided_at:
        rows.append(
            TimelineRow(
                date=local_date(referral.decided_at),
                kind="decision",
                title=_("Decision: %(decision)s") % {"decision": referral.get_status_display()},
                url=url,
                tiebreak=(referral.decided_at,),
            )
        )
    return rows
