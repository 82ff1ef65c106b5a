"""Background task of the feedback classifier (CR-8), scheduled nightly."""

from __future__ import annotations

from django_tasks import task

from siwei.core.models import DealerGroup

from .services.classification import classifier_train


@task()
def retrain_classifiers() -> dict[str, dict]:
    """Every night: retrain the classifier of every dealer group with an active store
    from its feedback records, so that the day's corrections by staff improve tomorrow's
    suggestions. Returns the training statistics per group code."""
    groups = DealerGroup.objects.filter(stores__is_active=True).distinct().order_by("code")
    return {group.code: classifier_train(group=group) for group in groups}
