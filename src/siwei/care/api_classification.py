"""API of customer care: classification of feedback (CR-8).

``feedback-classifier/suggest/`` (POST ``{"text"}``) suggests a type and category,
``feedback-classifier/accuracy/?from=&to=`` reports the suggestions' accuracy against the
staff's final choice, ``feedback-classifier/train/`` (POST) retrains the group's
classifier now.
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core import clock
from siwei.core.api.base import SiweiAPIMixin

from .classification import suggest
from .selectors_classification import classification_accuracy
from .services.classification import classifier_retrain


class ClassifierSuggestInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="subject and content of the feedback")


class ClassifierSuggestionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="complaint, suggestion, praise, inquiry or empty")
    category = serializers.CharField(help_text="a feedback category or empty")
    kind_confidence = serializers.FloatField()
    category_confidence = serializers.FloatField()


class ClassifierPeriodInput(serializers.Serializer):
    """``from`` and ``to`` (``YYYY-MM-DD``), both optional."""

    def get_fields(self):
        return {"from": serializers.DateField(required=False),
                "to": serializers.DateField(required=False)}


class ClassifierFiguresSerializer(serializers.Serializer):
    suggested = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True, help_text="percent")


class ClassifierPeriodFiguresSerializer(serializers.Serializer):
    records = serializers.IntegerField()
    kind = ClassifierFiguresSerializer()
    category = ClassifierFiguresSerializer()


class ClassifierMonthFiguresSerializer(ClassifierPeriodFiguresSerializer):
    month = serializers.DateField()


class ClassifierConfusionRowSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="the staff's category")
    total = serializers.IntegerField()
    correct = serializers.IntegerField()
    recall = serializers.FloatField(allow_null=True)
    suggested = serializers.DictField(child=serializers.IntegerField(),
                                      help_text="records per suggested category ('' none)")


class ClassifierAccuracySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    total = ClassifierPeriodFiguresSerializer()
    months = ClassifierMonthFiguresSerializer(many=True)
    confusion = ClassifierConfusionRowSerializer(many=True)


class ClassifierTrainStatsSerializer(serializers.Serializer):
    group = serializers.CharField()
    records = serializers.IntegerField()
    kinds = serializers.DictField(child=serializers.IntegerField())
    categories = serializers.DictField(child=serializers.IntegerField())
    terms = serializers.DictField(child=serializers.IntegerField())
    version = serializers.IntegerField()


def _accuracy_data(result: dict) -> dict:
    columns = [value for value, _label in result["confusion"]["columns"]]
    return {
        "start": result["start"], "end": result["end"], "total": result["total"],
        "months": result["months"],
        "confusion": [{"category": row["category"], "total": row["total"],
                       "correct": row["correct"], "recall": row["recall"],
                       "suggested": dict(zip(columns, row["cells"], strict=True))}
                      for row in result["confusion"]["rows"]],
    }


class FeedbackClassifierViewSet(SiweiAPIMixin, viewsets.ViewSet):
    """The feedback classifier of the request's dealer group (CR-8)."""

    required_permissions = {"suggest": "care.add_feedback", "accuracy": "care.view_feedback",
                            "train": "care.analyse_feedback", "*": "care.view_feedback"}

    @extend_schema(request=ClassifierSuggestInput, responses=ClassifierSuggestionSerializer)
    @action(detail=False, methods=["post"])
    def suggest(self, request):
        """The suggested type and category of a text, as the feedback form shows them."""
        data = ClassifierSuggestInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = suggest(group_id=request.store.group_id, text=data.validated_data["text"])
        return Response(ClassifierSuggestionSerializer(result).data)

    @extend_schema(parameters=[OpenApiParameter("from", dt.date), OpenApiParameter("to", dt.date)],
                   responses=ClassifierAccuracySerializer)
    @action(detail=False, methods=["get"])
    def accuracy(self, request):
        """Accuracy of the suggestions against the staff's final type and category in the
        request's store, in total, per month and per category; by default this month."""
        data = ClassifierPeriodInput(data={key: request.query_params[key] for key in ("from", "to")
                                 if request.query_params.get(key)})
        data.is_valid(raise_exception=True)
        today = clock.today()
        start = data.validated_data.get("from") or today.replace(day=1)
        end = data.validated_data.get("to") or today
        if start > end:
            start, end = end, start
        result = classification_accuracy(store=request.store, start=start, end=end)
        return Response(ClassifierAccuracySerializer(_accuracy_data(result)).data)

    @extend_schema(request=None, responses=ClassifierTrainStatsSerializer)
    @action(detail=False, methods=["post"])
    def train(self, request):
        """Retrain the group's classifier from its feedback records now (it also runs
        every night)."""
        stats = classifier_retrain(actor=request.user, store=request.store)
        return Response(ClassifierTrainStatsSerializer(stats).data)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("feedback-classifier", FeedbackClassifierViewSet,
                    basename="feedback-classifier")
