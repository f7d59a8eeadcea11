"""Services of the periodic assessment (art. 15 ust. 1 pkt 15): when it is due, drafts, submission and
the manager's acknowledgement."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asystent.concurrency import bump_version
from asystent.errors import InvalidTransition
from asystent.models import Centre, User
from notifications.services import managers, notify

from .. import deadlines
from ..enums import AssessmentStatus
from ..models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentArea,
    AssessmentRating,
    Case,
)
from . import ensure_in_progress


def next_assessment_due(case: Case, centre: Centre | None = None) -> dt.date | None:
    """When the case's next periodic assessment is due (`cases.deadlines.assessment_due`); None
    when the case is not in progress."""
    if case.status not in OPEN_STATUSES:
        return None
    centre = centre or Centre.load()
    base = Case.objects.with_assessment_base().only("pk").get(pk=case.pk).assessment_base
    return deadlines.assessment_due(base, centre.assessment_interval_months)


def save_assessment(
    *,
    case: Case,
    by: User,
    date: dt.date,
    narrative: str,
    recommendation: str,
    ratings: dict[int, tuple[int, str]],
    submit: bool,
    assessment: Assessment | None = None,
    version: int | None = None,
) -> Assessment:
    """Save (and optionally submit to the manager) an assessment with one rating per area.

    Changing a draft is refused when it was saved elsewhere (another window or device) after
    `version` was read, so the earlier save is kept; `version` defaults to the version of the
    `assessment` passed in."""
    scale = Centre.load().assessment_scale_max
    areas = {a.pk: a for a in AssessmentArea.objects.filter(is_active=True)}
    missing = set(areas) - set(ratings)
    if submit and missing:
        raise InvalidTransition(_("Rate every area before submitting the assessment."))
    for area_id, (value, _comment) in ratings.items():
        if area_id not in areas or not 1 <= value <= scale:
            raise InvalidTransition(_("Ratings are whole numbers from 1 to %(max)d.") % {"max": scale})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_in_progress(case)
        if assessment is None:
            assessment = Assessment(case=case, author=by)
        else:
            expected = assessment.version if version is None else version
            assessment = Assessment.objects.select_for_update().get(pk=assessment.pk, case=case)
            if assessment.status != AssessmentStatus.DRAFT:
                raise InvalidTransition(_("A submitted assessment cannot be changed."))
            bump_version(
                assessment,
                expected=expected,
                message=_(
                    "This assessment was changed elsewhere after you opened it (perhaps in another "
                    "window). Your changes have not been saved: copy what you typed, open the "
                    "assessment again and make your changes there."
                ),
            )
        assessment.date = date
        assessment.narrative = narrative
        assessment.recommendation = recommendation
        if submit:
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = timezone.now()
        assessment.save()
        assessment.ratings.all().delete()
        AssessmentRating.objects.bulk_create(
            AssessmentRating(assessment=assessment, area_id=area_id, rating=value, comment=comment)
            for area_id, (value, comment) in ratings.items()
        )
        if submit:
            _notify_submitted(assessment, case, by)
    return assessment


def assessment_recipients(author: User) -> list[User]:
    """Who is told of a submitted assessment: the author's coordinator, or every manager when the
    author has none; never the author."""
    coordinator = author.coordinator
    if coordinator is not None and coordinator.is_active and coordinator.is_manager:
        return [coordinator] if coordinator.pk != author.pk else []
    return list(managers().exclude(pk=author.pk))


def _notify_submitted(assessment: Assessment, case: Case, by: User) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        message = _("%(user)s submitted the periodic assessment of the family %(family)s (%(date)s).") % {
            "user": by,
            "family": case.family.label,
            "date": assessment.date.strftime("%d.%m.%Y"),
        }
    notify(
        assessment_recipients(by),
        rule="assessment_submitted",
        key=f"assessment-submitted:{assessment.pk}",
        message=message,
        url=assessment.get_absolute_url(),
        family_id=case.family_id,
    )


def acknowledge_assessment(*, assessment: Assessment, by: User) -> Assessment:
    """A manager other than the author acknowledges the submitted assessment (rule
    `cases.acknowledge_assessment`): nobody acknowledges their own."""
    if not by.is_manager:
        raise InvalidTransition(_("Only a manager acknowledges assessments."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise InvalidTransition(_("Only a submitted assessment can be acknowledged."))
        if not by.has_perm("cases.acknowledge_assessment", assessment):
            raise InvalidTransition(_("An assessment is acknowledged by a manager other than its author."))
        assessment.status = AssessmentStatus.ACKNOWLEDGED
        assessment.acknowledged_by = by
        assessment.acknowledged_at = timezone.now()
        bump_version(assessment)
        assessment.save()
    return assessment


def rating_trends(assessment: Assessment) -> dict[int, int | None]:
    """Per area: the change against the previous submitted assessment of the case (None: none)."""
    previous = (
        Assessment.objects.filter(case=assessment.case, date__lt=assessment.date)
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("-date")
        .first()
    )
    before = dict(previous.ratings.values_list("area_id", "rating")) if previous else {}
    return {
        r.area_id: (r.rating - before[r.area_id]) if r.area_id in before else None
        for r in assessment.ratings.all()
    }
