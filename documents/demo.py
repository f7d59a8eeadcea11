"""Demo documents of the family's file (issue 17), one of each, rendered here synchronously: the
consent with its information clause, a submitted assessment, a work card, the closure report of a
closed case (its approved closure recorded), its monitoring note, a referral as filed,
asystent1's monthly report, and for the "Za życiem" family the catalogue handed over and the
written authorisation. Runs after referrals.demo and visits.demo; idempotent (a kind already
printed is left alone)."""

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import Centre, User
from cases.enums import AssessmentStatus, CaseStatus, ClosureProposalStatus
from cases.models import Assessment, Case, ClosureProposal
from referrals.models import CatalogueHandover, Referral, ZaZyciemRequest

from .enums import DocumentKind
from .file_documents import period_version
from .kinds import month_version
from .models import RenderedDocument
from .services import render_stored_document

FILE_KINDS = (
    DocumentKind.CONSENT_FORM,
    DocumentKind.ASSESSMENT,
    DocumentKind.WORK_CARD,
    DocumentKind.CLOSURE_REPORT,
    DocumentKind.MONITORING_NOTE,
    DocumentKind.REFERRAL,
    DocumentKind.MONTHLY_REPORT,
    DocumentKind.SUPPORT_CATALOGUE,
    DocumentKind.ZA_ZYCIEM_AUTHORISATION,
)


def seed(say: Callable[[str], None]) -> None:
    assistant = User.objects.filter(username="asystent1").first()
    manager = User.objects.filter(username="kierownik").first()
    if assistant is None or manager is None:
        return
    centre = Centre.load()
    if not centre.dpo_name:
        centre.dpo_name = "Inspektor Ochrony Danych"
        centre.dpo_email = "iod@mops.zielonadolina.example.pl"
        centre.save(update_fields=["dpo_name", "dpo_email"])
    done = set(RenderedDocument.objects.filter(kind__in=FILE_KINDS).values_list("kind", flat=True))
    if done >= set(FILE_KINDS):
        say(_("Demo documents of the family's file already exist."))
        return
    today = timezone.localdate()
    active = (
        Case.objects.filter(assistant=assistant, status=CaseStatus.ACTIVE).order_by("opened_on", "pk").first()
    )
    wanted: list[tuple[str, object, int, User]] = []
    if active is not None:
        wanted.append((DocumentKind.CONSENT_FORM, active, 1, assistant))
        first = max(active.opened_on, today - dt.timedelta(days=60))
        wanted.append((DocumentKind.WORK_CARD, active, period_version(first, today), assistant))
    assessment = Assessment.objects.exclude(status=AssessmentStatus.DRAFT).order_by("-date", "pk").first()
    if assessment is not None:
        wanted.append((DocumentKind.ASSESSMENT, assessment, assessment.version, manager))
    closed = (
        Case.objects.filter(assistant=assistant, closed_on__isnull=False, closure_reason__gt="")
        .order_by("-closed_on", "pk")
        .first()
    )
    if closed is not None:
        proposal = closed.closure_proposals.filter(status=ClosureProposalStatus.APPROVED).first()
        if proposal is None:
            # The demo closed the case directly; its approved closure is recorded as it would be.
            proposal = ClosureProposal.objects.create(
                case=closed,
                closing_on=closed.closed_on or today,
                reason=closed.closure_reason,
                summary=closed.final_assessment or "Praca z rodziną zakończona.",
                recommendations=closed.recommendations,
                monitoring=closed.monitoring_until is not None,
                proposed_by=assistant,
                status=ClosureProposalStatus.APPROVED,
                decided_by=manager,
                decided_at=timezone.now(),
            )
        wanted.append((DocumentKind.CLOSURE_REPORT, proposal, 1, assistant))
        wanted.append((DocumentKind.MONITORING_NOTE, closed, 1, assistant))
    referral = Referral.objects.filter(submitted_at__isnull=False).order_by("submitted_at", "pk").first()
    if referral is not None:
        wanted.append((DocumentKind.REFERRAL, referral, 1, manager))
    handover = CatalogueHandover.objects.filter(case__assistant=assistant).order_by("handed_on", "pk").first()
    if handover is not None:
        wanted.append((DocumentKind.SUPPORT_CATALOGUE, handover, 1, assistant))
    za_request = ZaZyciemRequest.objects.filter(referral__case__assistant=assistant).order_by("pk").first()
    if za_request is not None:
        wanted.append((DocumentKind.ZA_ZYCIEM_AUTHORISATION, za_request, 1, assistant))
    wanted.append((DocumentKind.MONTHLY_REPORT, assistant, month_version(today.year, today.month), assistant))

    from .monthly_report import prepare_monthly_report
    from .services import request_document

    for kind, obj, version, by in wanted:
        if kind in done:
            continue
        if kind == DocumentKind.MONTHLY_REPORT:
            document = prepare_monthly_report(
                assistant=assistant, year=today.year, month=today.month, by=assistant
            )
        else:
            document = request_document(kind=kind, obj=obj, version=version, by=by)
        render_stored_document(document.pk)
    say(
        _("Demo documents of the family's file: %(count)d.")
        % {"count": RenderedDocument.objects.filter(kind__in=FILE_KINDS).count()}
    )
