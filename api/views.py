"""The REST API (/api/v1/): each endpoint answers what the same user sees in the browser.

The records come through the same scoped selectors as the pages (`visible_to`, `get_*_for`), the
same `rules` permissions decide the writes, and every read of a family's data writes the same
access record (`log_access`, `log_accesses`). A token's scope limits what it may write.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from asystent.audit import AccessAction, log_access, log_accesses
from asystent.models import User
from cases.models import Assessment, Case, Family, FamilyMember, WorkPlan
from cases.selectors import get_assessment_for, get_case_for, get_family_for, get_member_for, get_plan_for
from courts.models import CourtRequest, OpinionVersion
from courts.selectors import get_court_request_for
from notifications.models import Notification
from notifications.views import get_notification_for, mark_read, own_notifications
from reports import snapshots
from reports.statistics import Period
from visits.forms import VisitForm
from visits.models import Visit
from visits.selectors import get_visit_for
from visits.services import save_visit, visit_blocker

from . import serializers
from .models import IdempotencyKey
from .permissions import MayReadReportFigures

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_LENGTH = 100


def _http(request: Request) -> HttpRequest:
    """The Django request under DRF's, whose `user` DRF set to the authenticated user."""
    return request._request


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _family_of(obj: models.Model) -> int | None:
    if isinstance(obj, Family):
        return obj.pk
    if isinstance(obj, FamilyMember | Case):
        return obj.family_id
    if isinstance(obj, Visit | WorkPlan | Assessment | CourtRequest):
        return obj.case.family_id
    return None


class AuditedListView(generics.ListAPIView):
    """A list of records of families' files: one access record per record on the page shown."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows: Sequence[models.Model] = page if page is not None else list(self.get_queryset())
        log_accesses(_http(request), [(_family_of(obj), obj) for obj in rows], action=AccessAction.VIEW)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class AuditedDetailView(generics.RetrieveAPIView):
    """One record of a family's file, reached through its page's selector, recorded as viewed."""

    get_for: Callable[[Any, int], models.Model]

    def get_object(self) -> models.Model:
        obj = type(self).get_for(self.request.user, self.kwargs["pk"])
        log_access(_http(self.request), family_id=_family_of(obj), obj=obj, action=AccessAction.VIEW)
        return obj


# The lists of a case's records take ?case=<number> to show one case's.
BY_CASE = extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("case", OpenApiTypes.INT, OpenApiParameter.QUERY)])
)


def _case_filter(request: Request, queryset: QuerySet[Any], field: str = "case") -> QuerySet[Any]:
    value = request.query_params.get("case")
    if value is None:
        return queryset
    if not value.isdigit():
        raise BadRequest({"case": [_("Give the case as its number.")]})
    return queryset.filter(**{field: int(value)})


# --- families and members -------------------------------------------------------------------------


class FamilyList(AuditedListView):
    serializer_class = serializers.FamilySerializer

    def get_queryset(self) -> QuerySet[Family]:
        return Family.objects.visible_to(cast(User, self.request.user)).order_by("name", "pk")


class FamilyDetail(AuditedDetailView):
    serializer_class = serializers.FamilyDetailSerializer
    get_for = staticmethod(get_family_for)


class MemberDetail(AuditedDetailView):
    serializer_class = serializers.MemberSerializer
    get_for = staticmethod(get_member_for)


# --- cases ----------------------------------------------------------------------------------------


class CaseList(AuditedListView):
    serializer_class = serializers.CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        return (
            Case.objects.visible_to(cast(User, self.request.user))
            .select_related("assistant", "social_worker")
            .order_by("-opened_on", "-pk")
        )


class CaseDetail(AuditedDetailView):
    serializer_class = serializers.CaseDetailSerializer
    get_for = staticmethod(get_case_for)


# --- visits ---------------------------------------------------------------------------------------


@BY_CASE
class VisitListCreate(AuditedListView):
    serializer_class = serializers.VisitSerializer

    def get_queryset(self) -> QuerySet[Visit]:
        visits = Visit.objects.visible_to(cast(User, self.request.user)).select_related("case", "author")
        return _case_filter(self.request, visits).order_by("-date", "-start_time", "-pk")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="The same key twice creates one visit; the second answer repeats the first.",
            ),
        ],
        request=serializers.VisitCreateSerializer,
        responses={201: serializers.VisitSerializer, 200: serializers.VisitSerializer},
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key or len(key) > IDEMPOTENCY_KEY_LENGTH:
            raise BadRequest(
                {IDEMPOTENCY_HEADER: [_("Send an Idempotency-Key header of at most 100 characters.")]}
            )
        body = serializers.VisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = _user(request)
        case = get_case_for(user, body.validated_data["case"])
        if not user.has_perm("visits.log_visit", case):
            raise PermissionDenied
        fingerprint = hashlib.sha256(
            json.dumps(request.data, sort_keys=True, default=str).encode()
        ).hexdigest()
        visit, created = _create_once(
            user, key, fingerprint, lambda: _new_visit(case, body.initial_data, user)
        )
        log_access(_http(request), family_id=case.family_id, obj=visit, action=AccessAction.VIEW)
        return Response(
            serializers.VisitSerializer(visit).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _new_visit(case: Case, data: Any, user: User) -> Visit:
    """The visit through the visit form and the visit service, as the page saves it."""
    final = bool(data.get("final"))
    blocker = visit_blocker(case)
    if blocker:
        raise BadRequest({"non_field_errors": [blocker]})
    form = VisitForm({k: v for k, v in data.items() if k not in ("case", "final")}, case=case, final=final)
    if not form.is_valid():
        raise BadRequest({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    try:
        return save_visit(case=case, data=form.cleaned_data, by=user, final=final)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        raise BadRequest(errors) from None


class IdempotencyConflict(BadRequest):
    status_code = status.HTTP_409_CONFLICT


def _create_once(user: User, key: str, fingerprint: str, create: Callable[[], Visit]) -> tuple[Visit, bool]:
    """Create once per (user, key). The key's row is inserted first: a concurrent request with the
    same key waits on the unique index until this transaction ends, then finds the visit made."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            record = IdempotencyKey.objects.select_related("visit").get(user=user, key=key)
            if record.fingerprint != fingerprint or record.visit is None:
                raise IdempotencyConflict(
                    {IDEMPOTENCY_HEADER: [_("This Idempotency-Key was already used for another request.")]}
                ) from None
            return record.visit, False
        visit = create()
        record.visit = visit
        record.save(update_fields=["visit"])
        return visit, True


class VisitDetail(AuditedDetailView):
    serializer_class = serializers.VisitSerializer
    get_for = staticmethod(get_visit_for)


# --- work plans, assessments, court requests ------------------------------------------------------


@BY_CASE
class PlanList(AuditedListView):
    serializer_class = serializers.WorkPlanSerializer

    def get_queryset(self) -> QuerySet[WorkPlan]:
        plans = WorkPlan.objects.filter(
            case__in=Case.objects.visible_to(cast(User, self.request.user))
        ).select_related("case")
        return (
            _case_filter(self.request, plans)
            .prefetch_related("goals__area", "goals__actions")
            .order_by("-created_at", "-pk")
        )


class PlanDetail(AuditedDetailView):
    serializer_class = serializers.WorkPlanSerializer
    get_for = staticmethod(get_plan_for)


@BY_CASE
class AssessmentList(AuditedListView):
    serializer_class = serializers.AssessmentSerializer

    def get_queryset(self) -> QuerySet[Assessment]:
        assessments = Assessment.objects.filter(
            case__in=Case.objects.visible_to(cast(User, self.request.user))
        )
        return _case_filter(self.request, assessments.select_related("case", "author")).order_by(
            "-date", "-pk"
        )


class AssessmentDetail(AuditedDetailView):
    serializer_class = serializers.AssessmentSerializer
    get_for = staticmethod(get_assessment_for)


def _with_opinion_status(requests: QuerySet[CourtRequest]) -> QuerySet[CourtRequest]:
    latest = OpinionVersion.objects.filter(opinion__request=OuterRef("pk")).order_by("-number")
    return requests.annotate(opinion_status=Subquery(latest.values("status")[:1]))


@BY_CASE
class CourtRequestList(AuditedListView):
    serializer_class = serializers.CourtRequestSerializer

    def get_queryset(self) -> QuerySet[CourtRequest]:
        requests = CourtRequest.objects.visible_to(cast(User, self.request.user)).select_related("case")
        return _with_opinion_status(_case_filter(self.request, requests)).order_by("due_date", "pk")


class CourtRequestDetail(AuditedDetailView):
    serializer_class = serializers.CourtRequestSerializer

    @staticmethod
    def get_for(user: User, pk: int) -> CourtRequest:
        found = get_court_request_for(user, pk)
        latest = OpinionVersion.objects.filter(opinion__request=found).order_by("-number")
        found.opinion_status = latest.values_list("status", flat=True).first()  # type: ignore[attr-defined]
        return found


# --- notifications --------------------------------------------------------------------------------


class NotificationList(generics.ListAPIView):
    """The user's own notifications, unread first (no family's file: nothing to record)."""

    serializer_class = serializers.NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return own_notifications(_user(self.request))


class NotificationRead(APIView):
    @extend_schema(request=None, responses={200: serializers.NotificationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        notification = get_notification_for(_user(request), pk)
        mark_read(notification=notification)
        notification.refresh_from_db()
        return Response(serializers.NotificationSerializer(notification).data)


# --- the semi-annual report -----------------------------------------------------------------------


class SemiannualReport(APIView):
    """The figures of the semi-annual report for `period` (e.g. 2025-H1; the last finished
    half-year by default), as the report's page shows them."""

    permission_classes = [*APIView.permission_classes, MayReadReportFigures]

    @extend_schema(
        parameters=[OpenApiParameter("period", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False)],
        responses={200: serializers.ReportSerializer},
    )
    def get(self, request: Request) -> Response:
        key = request.query_params.get("period")
        try:
            period = Period.parse(key) if key else Period.last_complete_half()
        except ValueError:
            raise BadRequest({"period": [_("Give the period as 2025-H1, 2025-H2 or 2025-Y.")]}) from None
        report = snapshots.report_figures(period)
        data = {
            "period": period.key,
            "start": period.start,
            "end": period.end,
            "computed_at": report.computed_at,
            "figures": [
                {"key": f.key, "section": f.section, "label": f.label, "value": f.value}
                for f in report.figures
            ],
        }
        return Response(serializers.ReportSerializer(data).data)
