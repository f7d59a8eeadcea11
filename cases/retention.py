"""Retention of closed files and the destruction protocol.

Files are kept for the centre's retention period (default 10 years) counted from 1 January of
the year after the case ended; then a manager approves a protocol and the personal data of those
families is erased. Counts the statistics need stay: cases with their dates, legal basis and
closure reason, members with their relation, sex and year of birth.

Each app erases its own data: after this module has done the cases app's part, every anonymiser
registered with `register_anonymiser` (by the apps above, in their AppConfig.ready()) is called
with the families' ids, in the order of `order` and then of the function's module and name, so
that `cases` names none of the apps above it and the order never depends on import order.
"""

import datetime as dt
from collections.abc import Callable

from django.core.files.storage import Storage
from django.db import DatabaseError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.concurrency import bumped_version
from asystent.errors import InvalidTransition
from asystent.models import Centre, User
from notifications.models import Notification

from .enums import CaseStatus
from .models import (
    Assessment,
    AssessmentRating,
    Case,
    CaseTransition,
    ClosureProposal,
    ClosureProposalTransition,
    Consent,
    DestructionProtocol,
    Family,
    FamilyMember,
    Goal,
    PlanAction,
    WorkPlan,
)

ERASED = "—"
FINISHED = (CaseStatus.CLOSED, CaseStatus.ENDED)


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """Cases that ended before this date are past retention: ended in year Y, kept until
    1 January of Y + 1 + years."""
    return dt.date(today.year - years, 1, 1)


# A case whose dates contradict each other: closed or ended before it was opened, or ended before
# it was closed. Its end date cannot be trusted to count the retention period from.
INCONSISTENT_DATES = (
    Q(closed_on__lt=F("opened_on")) | Q(ended_on__lt=F("opened_on")) | Q(ended_on__lt=F("closed_on"))
)


def families_past_retention(today: dt.date | None = None):  # noqa: ANN201
    """Families not yet erased whose every case ended before the cutoff, none of them with dates
    that contradict each other (one query)."""
    inconsistent = Case.objects.filter(INCONSISTENT_DATES, family=OuterRef("pk"))
    return _families_past_by_dates(today).exclude(Exists(inconsistent))


def held_back_cases(today: dt.date | None = None):  # noqa: ANN201
    """Cases of families past retention by their dates that are left off the protocols because
    their dates contradict each other: a person corrects them first."""
    return (
        Case.objects.filter(INCONSISTENT_DATES, family__in=_families_past_by_dates(today))
        .select_related("family")
        .order_by("pk")
    )


def _families_past_by_dates(today: dt.date | None = None):  # noqa: ANN202
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, Centre.load().retention_years)
    ended_on = Coalesce("ended_on", "closed_on")
    kept = (
        Case.objects.filter(family=OuterRef("pk"))
        .annotate(end=ended_on)
        .filter(~Q(status__in=FINISHED) | Q(end__isnull=True) | Q(end__gte=cutoff))
    )
    return (
        Family.objects.filter(anonymised_at__isnull=True, cases__isnull=False)
        .exclude(Exists(kept))
        .distinct()
    )


def cases_past_retention(today: dt.date | None = None):  # noqa: ANN201
    return (
        Case.objects.filter(family__in=families_past_retention(today))
        .annotate(end=Coalesce("ended_on", "closed_on"))
        .select_related("family")
        .order_by("end", "pk")
    )


def prepare_protocol(*, by: User, today: dt.date | None = None) -> DestructionProtocol:
    today = today or timezone.localdate()
    case_ids = list(cases_past_retention(today).values_list("pk", flat=True))
    if not case_ids:
        raise InvalidTransition(_("No case is past the retention period."))
    family_ids = sorted(set(Case.objects.filter(pk__in=case_ids).values_list("family_id", flat=True)))
    with transaction.atomic():
        number = (
            f"PZ/{today.year}/{DestructionProtocol.objects.filter(prepared_at__year=today.year).count() + 1}"
        )
        return DestructionProtocol.objects.create(
            number=number,
            prepared_by=by,
            retention_years=Centre.load().retention_years,
            case_ids=case_ids,
            family_ids=family_ids,
            held_case_ids=list(held_back_cases(today).values_list("pk", flat=True)),
        )


Anonymiser = Callable[[list[int]], None]
_anonymisers: dict[Anonymiser, int] = {}


def register_anonymiser(anonymiser: Anonymiser, *, order: int = 100) -> None:
    """Have `anonymiser(family_ids)` erase an app's personal data of families past retention, in
    the protocol's transaction, after the cases app's own part (lower `order` first)."""
    _anonymisers[anonymiser] = order


def anonymisers() -> list[Anonymiser]:
    """The registered anonymisers in the order they run."""
    return sorted(_anonymisers, key=lambda fn: (_anonymisers[fn], fn.__module__, fn.__qualname__))


def execute_protocol(*, protocol: DestructionProtocol, by: User) -> DestructionProtocol:
    """Approve the protocol and erase the personal data of its families.

    Each family is erased in its own savepoint: a family whose erasure fails (a constraint, a
    record an app cannot erase) keeps its data, is listed on the protocol for a person to check
    and stays past retention for the next protocol, while the others are erased."""
    if not by.is_manager:
        raise InvalidTransition(_("Only a manager approves a destruction protocol."))
    with transaction.atomic():
        protocol = DestructionProtocol.objects.select_for_update().get(pk=protocol.pk)
        if protocol.executed_at is not None:
            raise InvalidTransition(_("This protocol has already been carried out."))
        # Files may have changed since the protocol was prepared: erase only what is still past.
        still_past = set(families_past_retention().values_list("pk", flat=True))
        if not set(protocol.family_ids) <= still_past:
            raise InvalidTransition(
                _("Some families on the protocol are no longer past retention; prepare a new protocol.")
            )
        failures = []
        for family_id in protocol.family_ids:
            try:
                with transaction.atomic():
                    erase_family(family_id)
            except DatabaseError as error:
                # Only the first line: PostgreSQL's detail repeats the row's values.
                failures.append({"family_id": family_id, "error": str(error).splitlines()[0][:300]})
        protocol.failures = failures
        protocol.approved_by = by
        protocol.executed_at = timezone.now()
        protocol.save()
    return protocol


def erase_family(family_id: int) -> None:
    """Erase one family's personal data in every app: this app's part, then the anonymisers."""
    anonymise([family_id])
    for anonymiser in anonymisers():
        anonymiser([family_id])


def drop_history(model, ids) -> None:  # noqa: ANN001
    """Delete the history rows of these records (their earlier versions hold the erased data)."""
    model.history.model.objects.filter(id__in=list(ids)).delete()


_drop_history = drop_history


def delete_files_on_commit(storage: Storage, names) -> None:  # noqa: ANN001
    """Delete these stored files once the erasure commits; a rolled-back erasure keeps them."""
    names = [name for name in names if name]

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def anonymise(family_ids: list[int]) -> None:
    """Erase the cases app's personal data of these families; `update()` writes no new history."""
    families = Family.objects.filter(pk__in=family_ids)
    members = FamilyMember.all_objects.filter(family__in=families)  # also those removed by mistake
    cases = Case.objects.filter(family__in=families)
    consents = Consent.objects.filter(case__in=cases)
    plans = WorkPlan.objects.filter(case__in=cases)
    assessments = Assessment.objects.filter(case__in=cases)
    delete_files_on_commit(
        Consent.scan.field.storage, consents.exclude(scan="").values_list("scan", flat=True)
    )
    _drop_history(Family, family_ids)
    _drop_history(FamilyMember, members.values_list("pk", flat=True))
    _drop_history(Case, cases.values_list("pk", flat=True))
    _drop_history(Consent, consents.values_list("pk", flat=True))
    _drop_history(WorkPlan, plans.values_list("pk", flat=True))
    _drop_history(Assessment, assessments.values_list("pk", flat=True))
    Consent.signed_by.through.objects.filter(consent__in=consents).delete()
    consents.update(scope="", reason="", scan="")
    PlanAction.objects.filter(goal__plan__in=plans).update(
        description=ERASED, expected_effect=ERASED, responsible_name=""
    )
    Goal.objects.filter(plan__in=plans).update(description=ERASED)
    plans.update(main_goal=ERASED, foster_coordinator_name="", revision_reason="")
    AssessmentRating.objects.filter(assessment__in=assessments).update(comment="")
    assessments.update(narrative=ERASED)
    cases.update(final_assessment="", recommendations="")
    proposals = ClosureProposal.objects.filter(case__in=cases)
    _drop_history(ClosureProposal, proposals.values_list("pk", flat=True))
    proposals.update(summary=ERASED, recommendations="", decision_comment="")
    ClosureProposalTransition.objects.filter(proposal__in=proposals).update(comment="")
    # The log repeats the reason given for a refusal or withdrawal of consent.
    CaseTransition.objects.filter(case__in=cases).update(comment="")
    # The year of birth stays for age statistics; everything that identifies the person goes.
    members.update(
        first_name=ERASED,
        last_name=ERASED,
        pesel="",
        foster_coordinator="",
        birth_date=TruncYear("birth_date"),
    )
    members.exclude(removal_reason="").update(removal_reason=ERASED)
    # The notifications about these families, and with them the e-mails not yet sent (the
    # notification rows are the e-mail channel's outbox).
    Notification.objects.filter(family_id__in=family_ids).delete()
    families.update(
        name=ERASED,
        street=ERASED,
        postal_code="00-000",
        city=ERASED,
        phone="",
        anonymised_at=timezone.now(),
        version=bumped_version(),
    )
