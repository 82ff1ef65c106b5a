"""Training of the feedback classifier from staff-confirmed records (CR-8).

The final type and category of a feedback record are the staff's choice (the suggestion
is only the default they confirm or change), so the group's records teach the classifier
the words its customers use. Training replaces the group's learned keywords in one
transaction and bumps their version, which makes every process reload them.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from siwei.core.audit import audit_record
from siwei.core.models import DealerGroup
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from .. import classification
from ..models import ClassifierTerm, Feedback

VERSION_LABEL = "version"


@service_transaction
def classifier_train(*, group: DealerGroup) -> dict:
    """Learn the group's keyword weights from all its feedback records and replace the
    previous ones (CR-8). Returns the training statistics: records used, records per
    type and category, keywords learned per field and the new version."""
    # One training at a time per group: the group row is the lock.
    DealerGroup.objects.select_for_update().filter(pk=group.pk).first()
    records = list(Feedback.objects.filter(store__group_id=group.pk)
                   .values_list("subject", "content", "kind", "category"))
    learned = classification.learn_weights(
        (f"{subject}\n{content}", kind, category)
        for subject, content, kind, category in records)
    previous = (ClassifierTerm.objects.filter(group_id=group.pk,
                                              field=classification.VERSION_FIELD)
                .values_list("weight", flat=True).first())
    version = int(previous or 0) + 1
    ClassifierTerm.objects.filter(group_id=group.pk).delete()
    rows = [ClassifierTerm(group_id=group.pk, field=field, label=label, term=term,
                           weight=weight)
            for field, labels in learned.items()
            for label, weights in labels.items()
            for term, weight in weights.items()]
    rows.append(ClassifierTerm(group_id=group.pk, field=classification.VERSION_FIELD,
                               label=VERSION_LABEL, term=VERSION_LABEL, weight=version))
    ClassifierTerm.objects.bulk_create(rows, batch_size=1000)
    transaction.on_commit(lambda: classification.invalidate(group.pk))
    return {
        "group": group.code,
        "records": len(records),
        "kinds": dict(sorted(Counter(r[2] for r in records).items())),
        "categories": dict(sorted(Counter(r[3] for r in records).items())),
        "terms": {field: sum(len([t for t in weights if t != classification.PRIOR_TERM])
                             for weights in labels.values())
                  for field, labels in learned.items()},
        "version": version,
    }


def classifier_retrain(*, actor, store) -> dict:
    """A manager retrains the classifier of the store's group now, rather than waiting
    for the nightly run; needs ``care.analyse_feedback`` in the store."""
    if not has_store_perm(actor, store, "care.analyse_feedback"):
        raise PermissionDenied(_("You may not retrain the feedback classifier."))
    with transaction.atomic():
        stats = classifier_train(group=store.group)
        audit_record(actor=actor, action="classifier.train", obj=store.group, store=store,
                     after={"records": stats["records"], "terms": stats["terms"],
                            "version": stats["version"]})
    return stats


def classifier_terms(*, group: DealerGroup, field: str, label: str, limit: int = 20
                     ) -> list[tuple[str, float]]:
    """The strongest learned keywords of a label, for showing what training found."""
    rows = (ClassifierTerm.objects.filter(group_id=group.pk, field=field, label=label)
            .exclude(term=classification.PRIOR_TERM)
            .order_by("-weight", "term").values_list("term", "weight")[:limit])
    return list(rows)
