"""Views of the periodic assessment: drafting and submitting it, reading it, the manager's
acknowledgement (services in cases.services.assessments)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre
from asystent.roles import role_required

from .. import services
from ..enums import AssessmentStatus
from ..forms.assessments import AssessmentForm
from ..models import OPEN_STATUSES, Assessment, AssessmentArea, Case
from ..selectors import get_assessment_for, get_case_for
from ..services import assessments
from .access import refuse, require_perm


def _previous_assessment(case: Case, exclude: Assessment | None = None) -> Assessment | None:
    """The latest assessment handed to the manager: its ratings are shown beside the new ones."""
    previous = case.assessments.exclude(status=AssessmentStatus.DRAFT)
    if exclude is not None:
        previous = previous.exclude(pk=exclude.pk)
    return previous.order_by("-date", "-pk").prefetch_related("ratings").first()


def _assessment_form(
    request: AuthenticatedHttpRequest, case: Case, assessment: Assessment | None
) -> HttpResponse:
    centre = Centre.load()
    areas = list(AssessmentArea.objects.filter(is_active=True))
    previous = _previous_assessment(case, exclude=assessment)
    previous_ratings = {r.area_id: r.rating for r in previous.ratings.all()} if previous else {}
    submit = "submit" in request.POST
    kwargs: dict[str, Any] = {"areas": areas, "scale_max": centre.assessment_scale_max}
    if assessment is not None:
        kwargs["version"] = assessment.version
    if request.method == "POST":
        form = AssessmentForm(request.POST, submit=submit, **kwargs)
        if form.is_valid():
            try:
                saved = assessments.save_assessment(
                    case=case,
                    by=request.user,
                    date=form.cleaned_data["date"],
                    narrative=form.cleaned_data["narrative"],
                    recommendation=form.cleaned_data["recommendation"],
                    ratings=form.ratings(),
                    submit=submit,
                    assessment=assessment,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if submit:
                    told.success(request, _("The assessment has been submitted to the manager."))
                else:
                    messages.success(request, _("The draft assessment has been saved."))
                return redirect("cases:assessment-detail", saved.pk)
    else:
        initial: dict[str, Any] = {"date": timezone.localdate()}
        if assessment is not None:
            initial = {
                "date": assessment.date,
                "narrative": assessment.narrative,
                "recommendation": assessment.recommendation,
            }
            for rating in assessment.ratings.all():
                initial[f"rating_{rating.area_id}"] = str(rating.rating)
                initial[f"comment_{rating.area_id}"] = rating.comment
        form = AssessmentForm(initial=initial, **kwargs)
        if previous is not None:
            log_access(request, family_id=case.family_id, obj=previous, action=AccessAction.VIEW)
    rows = [
        {"area": area, "rating": rating, "comment": comment, "previous": previous_ratings.get(area.pk)}
        for area, rating, comment in form.area_rows()
    ]
    return render(
        request,
        "cases/work/assessment_form.html",
        {
            "case": case,
            "form": form,
            "rows": rows,
            "assessment": assessment,
            "previous": previous,
            "scale_max": centre.assessment_scale_max,
        },
    )


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def assessment_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    require_perm(request.user, "cases.write_assessment", case)
    try:
        services.ensure_in_progress(case)
    except InvalidTransition as error:
        return refuse(request, case, error)
    draft = case.assessments.filter(status=AssessmentStatus.DRAFT, author=request.user).first()
    if draft is not None and request.method == "GET":
        messages.info(request, _("You have a draft of this assessment: continue it here."))
        return redirect("cases:assessment-edit", draft.pk)
    return _assessment_form(request, case, None)


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only a draft is edited, and only by its author."""
    assessment = get_assessment_for(request.user, pk)
    case = assessment.case
    if assessment.author_id != request.user.pk:
        raise PermissionDenied
    if assessment.status != AssessmentStatus.DRAFT and request.method == "GET":
        messages.error(request, _("A submitted assessment cannot be changed."))
        return redirect("cases:assessment-detail", assessment.pk)
    # A form sent after the draft was submitted elsewhere is shown again with the refusal
    # (services.assessments.save_assessment), so what was typed is not lost.
    try:
        services.ensure_in_progress(case)
    except InvalidTransition as error:
        return refuse(request, case, error)
    return _assessment_form(request, case, assessment)


@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk)
    case = assessment.case
    trends = assessments.rating_trends(assessment)
    ratings = []
    for rating in assessment.ratings.select_related("area").order_by("area__order", "area__name"):
        trend = trends.get(rating.area_id)
        ratings.append(
            {
                "rating": rating,
                "trend": trend,
                "change": abs(trend) if trend is not None else None,
                "previous": rating.rating - trend if trend is not None else None,
            }
        )
    user = request.user
    log_access(request, family_id=case.family_id, obj=assessment, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/assessment_detail.html",
        {
            "case": case,
            "assessment": assessment,
            "ratings": ratings,
            "scale_max": Centre.load().assessment_scale_max,
            "can_acknowledge": (
                assessment.status == AssessmentStatus.SUBMITTED
                and user.has_perm("cases.acknowledge_assessment", assessment)
            ),
            "own_submitted": (
                user.is_manager
                and assessment.status == AssessmentStatus.SUBMITTED
                and assessment.author_id == user.pk
            ),
            "can_edit": (
                assessment.status == AssessmentStatus.DRAFT
                and assessment.author_id == user.pk
                and case.status in OPEN_STATUSES
            ),
        },
    )


@role_required(Role.MANAGER)
@require_POST
def assessment_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk)
    try:
        assessments.acknowledge_assessment(assessment=assessment, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have acknowledged the assessment."))
    return redirect("cases:assessment-detail", assessment.pk)
