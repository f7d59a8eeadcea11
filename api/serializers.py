"""What the API shows of each record: the fields its page in the application shows."""

from typing import Any

from rest_framework import serializers

from asystent.models import User
from cases.models import Assessment, Assignment, Case, Family, FamilyMember, Goal, PlanAction, WorkPlan
from courts.enums import OpinionStatus
from courts.models import CourtRequest
from notifications.models import Notification
from visits.models import Visit


class PersonSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class MemberSerializer(serializers.ModelSerializer[FamilyMember]):
    pesel = serializers.CharField(source="masked_pesel", read_only=True)

    class Meta:
        model = FamilyMember
        fields = [
            "id",
            "family",
            "first_name",
            "last_name",
            "relation",
            "birth_date",
            "sex",
            "pesel",
            "placement",
        ]


class FamilySerializer(serializers.ModelSerializer[Family]):
    class Meta:
        model = Family
        fields = ["id", "name", "street", "postal_code", "city", "gmina", "phone"]


class FamilyDetailSerializer(FamilySerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(FamilySerializer.Meta):
        fields = [*FamilySerializer.Meta.fields, "members"]


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    assistant = PersonSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = ["assistant", "started_on", "ended_on"]


class CaseSerializer(serializers.ModelSerializer[Case]):
    assistant = PersonSerializer(read_only=True)
    social_worker = PersonSerializer(read_only=True)
    legal_basis_label = serializers.CharField(source="get_legal_basis_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "family",
            "status",
            "status_label",
            "legal_basis",
            "legal_basis_label",
            "opened_on",
            "started_on",
            "closed_on",
            "monitoring_until",
            "ended_on",
            "assistant",
            "social_worker",
        ]


class CaseDetailSerializer(CaseSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "assignments"]


class VisitSerializer(serializers.ModelSerializer[Visit]):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "case",
            "date",
            "start_time",
            "end_time",
            "duration_minutes",
            "kind",
            "place",
            "place_description",
            "participants",
            "other_participants",
            "areas",
            "goals",
            "topics",
            "tasks_done",
            "tasks_agreed",
            "child_safety_notes",
            "next_meeting",
            "signed_by_family",
            "status",
            "author",
            "created_at",
        ]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer[Any]):
    """The body of a new visit: the fields of the visit form (validated by that form), the case,
    and whether it is saved as final (else as a draft)."""

    case = serializers.IntegerField()
    final = serializers.BooleanField(default=False)
    date = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True)
    place_description = serializers.CharField(required=False, allow_blank=True)
    participants = serializers.ListField(child=serializers.IntegerField(), required=False)
    other_participants = serializers.CharField(required=False, allow_blank=True)
    areas = serializers.ListField(child=serializers.IntegerField(), required=False)
    goals = serializers.ListField(child=serializers.IntegerField(), required=False)
    topics = serializers.CharField(required=False, allow_blank=True)
    tasks_done = serializers.CharField(required=False, allow_blank=True)
    tasks_agreed = serializers.CharField(required=False, allow_blank=True)
    child_safety_notes = serializers.CharField(required=False, allow_blank=True)
    next_meeting = serializers.DateField(required=False, allow_null=True)
    signed_by_family = serializers.BooleanField(required=False, default=False)


class PlanActionSerializer(serializers.ModelSerializer[PlanAction]):
    class Meta:
        model = PlanAction
        fields = [
            "id",
            "description",
            "responsible",
            "responsible_name",
            "deadline",
            "expected_effect",
            "status",
        ]


class GoalSerializer(serializers.ModelSerializer[Goal]):
    area = serializers.CharField(source="area.name", read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "area", "description", "actions"]


class WorkPlanSerializer(serializers.ModelSerializer[WorkPlan]):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "case",
            "version",
            "main_goal",
            "social_worker_consulted_on",
            "foster_coordinator_consulted_on",
            "revision_reason",
            "created_at",
            "goals",
        ]


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "date",
            "narrative",
            "recommendation",
            "status",
            "author",
            "submitted_at",
            "acknowledged_at",
        ]


class CourtRequestSerializer(serializers.ModelSerializer[CourtRequest]):
    # The status of the latest version of the opinion; null before one is drafted.
    opinion_status = serializers.ChoiceField(choices=OpinionStatus.choices, read_only=True, allow_null=True)

    class Meta:
        model = CourtRequest
        fields = [
            "id",
            "case",
            "court",
            "division",
            "case_number",
            "letter_date",
            "received_on",
            "due_date",
            "status",
            "answered_on",
            "opinion_status",
        ]


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "rule", "message", "url", "created_at", "read_at"]
        read_only_fields = fields


class FigureSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    section = serializers.CharField()
    # DRF's metaclass takes declared fields out of the class; the stubs see Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField()


class ReportSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    computed_at = serializers.DateTimeField()
    figures = FigureSerializer(many=True)
