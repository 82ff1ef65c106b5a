"""API of the follow-up calls (api.md): ``follow-ups/`` (list, retrieve with the
questionnaire and the attempts; actions ``complete``, ``unreachable``, ``cancel``,
``reassign``) and the read-only ``survey-responses/`` (CR-1 … CR-4)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from siwei.core import clock
from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.service.models import Appointment

from .models import (
    Answer,
    AnswerType,
    AttemptOutcome,
    FollowUp,
    FollowUpAttempt,
    FollowUpChannel,
    FollowUpKind,
    FollowUpStatus,
    Measure,
    Question,
    SurveyResponse,
)
from .selectors_followups import mine_q
from .services import followups as services
from .services.surveys import questionnaire_for_kind


def enum_field(choices, **kwargs) -> serializers.CharField:
    """A read-only code whose values are listed in the schema's description (an enum
    component named after the field would collide with the other areas' ``kind``,
    ``status`` and ``channel`` enums)."""

    @extend_schema_field({"type": "string",
                          "description": "one of: " + ", ".join(choices.values)})
    class EnumField(serializers.CharField):
        pass

    return EnumField(read_only=True, **kwargs)


class FollowUpAttemptSerializer(serializers.ModelSerializer):
    outcome = enum_field(AttemptOutcome)

    class Meta:
        model = FollowUpAttempt
        fields = ["id", "at", "by", "outcome", "note"]
        read_only_fields = fields


class SurveyQuestionSerializer(serializers.ModelSerializer):
    answer_type = enum_field(AnswerType)
    measure = enum_field(Measure)

    class Meta:
        model = Question
        fields = ["id", "position", "text", "answer_type", "choices", "measure", "required"]
        read_only_fields = fields


class SurveyAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["question", "number", "text"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    kind = enum_field(FollowUpKind)
    status = enum_field(FollowUpStatus)
    channel = enum_field(FollowUpChannel)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "kind", "customer", "customer_name", "vehicle", "source_type",
                  "source_id", "due_at", "status", "assignee", "assignee_name",
                  "assignee_role", "channel", "attempts", "result", "completed_at",
                  "completed_by", "questionnaire", "appointment", "feedback", "overdue"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_assignee_name(self, task) -> str:
        employee = getattr(task.assignee, "employee", None) if task.assignee_id else None
        return employee.name if employee else ""

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, task) -> bool:
        return task.status == FollowUpStatus.PENDING and task.due_at < clock.now()


class FollowUpDetailSerializer(FollowUpSerializer):
    """One task with its questionnaire's questions, its attempts and its answers."""

    questions = serializers.SerializerMethodField()
    attempt_log = FollowUpAttemptSerializer(many=True, read_only=True)
    csi = serializers.SerializerMethodField()
    nps_score = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(FollowUpSerializer.Meta):
        fields = [*FollowUpSerializer.Meta.fields, "questions", "attempt_log", "csi",
                  "nps_score", "answers"]
        read_only_fields = fields

    @extend_schema_field(SurveyQuestionSerializer(many=True))
    def get_questions(self, task):
        questionnaire = task.questionnaire or questionnaire_for_kind(group=task.store.group,
                                                                     kind=task.kind)
        if questionnaire is None:
            return []
        return SurveyQuestionSerializer(questionnaire.questions.all(), many=True).data

    def _response(self, task):
        if not hasattr(task, "_survey_response"):
            task._survey_response = SurveyResponse.objects.filter(follow_up=task).first()
        return task._survey_response

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2,
                                                  allow_null=True))
    def get_csi(self, task):
        response = self._response(task)
        return str(response.csi) if response and response.csi is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_nps_score(self, task):
        response = self._response(task)
        return response.nps_score if response else None

    @extend_schema_field(SurveyAnswerSerializer(many=True))
    def get_answers(self, task):
        response = self._response(task)
        return SurveyAnswerSerializer(response.answers.all(), many=True).data if response else []


class FollowUpCompleteInput(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True, default="")
    scores = serializers.DictField(child=serializers.JSONField(), required=False,
                                   help_text="{question id: answer}: 1–5, 0–10, "
                                             "yes/no, a choice or text")
    complaint = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="what the customer complained about; "
                                                "opens a complaint")
    appointment = StoreScopedPrimaryKeyField(queryset=Appointment.objects.all(),
                                             required=False, allow_null=True)
    survey_declined = serializers.BooleanField(
        required=False, default=False,
        help_text="the customer was reached but declined the questionnaire")


class FollowUpUnreachableInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 default="")


class FollowUpCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


@extend_schema_field(OpenApiTypes.INT)
class StoreUserField(serializers.PrimaryKeyRelatedField):
    """A person working in the request's store."""

    def get_queryset(self):
        request = self.context.get("request")
        users = get_user_model().objects.filter(is_active=True)
        if request is None or getattr(request, "store", None) is None:
            return users.none()
        store = request.store
        return users.filter(Q(employee__assignments__store=store)
                            | Q(employee__assignments__store__isnull=True,
                                employee__group_id=store.group_id)).distinct()


class FollowUpReassignInput(serializers.Serializer):
    assignee = StoreUserField(required=False, allow_null=True)
    assignee_role = serializers.CharField(required=False, allow_blank=True, default="")


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: ["Use YYYY-MM-DD."]}) from exc


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


FILTERS = [
    OpenApiParameter("status", str, enum=FollowUpStatus.values),
    OpenApiParameter("kind", str, enum=FollowUpKind.values),
    OpenApiParameter("assignee", int),
    OpenApiParameter("mine", bool, description="assigned to me or unassigned in my roles' "
                                               "queues"),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("due_from", OpenApiTypes.DATE),
    OpenApiParameter("due_to", OpenApiTypes.DATE),
]


@extend_schema(parameters=FILTERS)
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreScopedViewSet):
    """Follow-up tasks of the request's store (CR-1). 409 ``invalid_transition`` on a task
    that is no longer pending, ``same_day_retry`` for a second unreachable try on one day;
    400 on ``scores`` naming the question; 403 for someone else's task."""

    queryset = FollowUp.objects.select_related("customer", "assignee__employee")
    serializer_class = FollowUpSerializer
    ordering_fields = ["due_at", "id", "completed_at"]
    ordering = ["due_at", "id"]
    required_permissions = {
        "list": "care.view_followup", "retrieve": "care.view_followup",
        "complete": "care.change_followup", "unreachable": "care.change_followup",
        "cancel": "care.change_followup", "reassign": "care.supervise_followup",
    }

    def get_serializer_class(self):
        return FollowUpSerializer if self.action == "list" else FollowUpDetailSerializer

    def get_queryset(self):
        tasks = super().get_queryset()
        store = self.request.store
        if store is None:
            return tasks.none()
        tasks = tasks.for_store(store)
        if self.action != "list":
            return tasks.select_related("store__group").prefetch_related("attempt_log")
        params = self.request.query_params
        if params.get("status") in FollowUpStatus.values:
            tasks = tasks.filter(status=params["status"])
        if params.get("kind") in FollowUpKind.values:
            tasks = tasks.filter(kind=params["kind"])
        if params.get("assignee", "").isdigit():
            tasks = tasks.filter(assignee_id=int(params["assignee"]))
        if params.get("mine") in ("true", "1"):
            tasks = tasks.filter(mine_q(self.request.user, store))
        if params.get("overdue") in ("true", "1"):
            tasks = tasks.filter(status=FollowUpStatus.PENDING, due_at__lt=clock.now())
        due_from = _date(params.get("due_from", ""), "due_from")
        due_to = _date(params.get("due_to", ""), "due_to")
        if due_from:
            tasks = tasks.filter(due_at__gte=_start(due_from))
        if due_to:
            tasks = tasks.filter(due_at__lt=_start(due_to + dt.timedelta(days=1)))
        return tasks

    @extend_schema(request=FollowUpCompleteInput, responses=FollowUpDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The customer was reached: ``result``, ``scores`` {question id: value}, optional
        ``complaint`` text and ``appointment`` booked in the call."""
        task = self.get_object()
        data = FollowUpCompleteInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.followup_complete(actor=request.user, follow_up=task, result=values["result"],
                                   scores=values.get("scores") or None,
                                   complaint_text=values["complaint"],
                                   appointment=values.get("appointment"),
                                   survey_declined=values["survey_declined"])
        return action_response(self, task)

    @extend_schema(request=FollowUpUnreachableInput, responses=FollowUpDetailSerializer)
    @action(detail=True, methods=["post"])
    def unreachable(self, request, pk=None):
        task = self.get_object()
        data = FollowUpUnreachableInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.followup_unreachable(actor=request.user, follow_up=task,
                                      note=data.validated_data["note"])
        return action_response(self, task)

    @extend_schema(request=FollowUpCancelInput, responses=FollowUpDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = self.get_object()
        data = FollowUpCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.followup_cancel(actor=request.user, follow_up=task,
                                 reason=data.validated_data["reason"])
        return action_response(self, task)

    @extend_schema(request=FollowUpReassignInput, responses=FollowUpDetailSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """A supervisor gives the task to a person (``assignee``) or a role queue
        (``assignee_role``)."""
        task = self.get_object()
        data = FollowUpReassignInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.followup_reassign(actor=request.user, follow_up=task,
                                   assignee=data.validated_data.get("assignee"),
                                   assignee_role=data.validated_data["assignee_role"])
        return action_response(self, task)


class SurveyResponseSerializer(serializers.ModelSerializer):
    answers = SurveyAnswerSerializer(many=True, read_only=True)
    kind = enum_field(FollowUpKind, source="follow_up.kind")

    class Meta:
        model = SurveyResponse
        fields = ["id", "follow_up", "kind", "questionnaire", "customer", "consultant",
                  "advisor", "technician", "csi", "nps_score", "answered_at", "answered_by",
                  "answers"]
        read_only_fields = fields


@extend_schema(parameters=[
    OpenApiParameter("questionnaire", int), OpenApiParameter("customer", int),
    OpenApiParameter("advisor", int), OpenApiParameter("consultant", int),
    OpenApiParameter("technician", int), OpenApiParameter("kind", str),
    OpenApiParameter("answered_from", OpenApiTypes.DATE),
    OpenApiParameter("answered_to", OpenApiTypes.DATE)])
class SurveyResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            StoreScopedViewSet):
    """Answers of the follow-up questionnaires with their CSI and NPS score (CR-4)."""

    queryset = (SurveyResponse.objects.select_related("follow_up")
                .prefetch_related("answers"))
    serializer_class = SurveyResponseSerializer
    ordering_fields = ["answered_at", "id", "csi"]
    required_permissions = {"*": "care.view_surveyresponse"}

    def get_queryset(self):
        responses = super().get_queryset()
        store = self.request.store
        if store is None:
            return responses.none()
        responses = responses.for_store(store)
        params = self.request.query_params
        for name in ("questionnaire", "customer", "advisor", "consultant", "technician"):
            if params.get(name, "").isdigit():
                responses = responses.filter(**{f"{name}_id": int(params[name])})
        if params.get("kind") in FollowUpKind.values:
            responses = responses.filter(follow_up__kind=params["kind"])
        answered_from = _date(params.get("answered_from", ""), "answered_from")
        answered_to = _date(params.get("answered_to", ""), "answered_to")
        if answered_from:
            responses = responses.filter(answered_at__gte=_start(answered_from))
        if answered_to:
            responses = responses.filter(
                answered_at__lt=_start(answered_to + dt.timedelta(days=1)))
        return responses


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")
