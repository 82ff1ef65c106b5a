"""The parts demo keeps the ledger and the balances in step and has documents in every
state (PT-4)."""

import pytest

from siwei.core.models import Store
from siwei.demo.builder import build_demo
from siwei.parts.models import POStatus, PurchaseOrder, StockMove, StocktakeStatus
from siwei.parts.models import Stocktake as StocktakeModel

from .conftest import assert_ledger_matches


@pytest.mark.django_db
def test_pt4_demo_ledger_equals_balances_and_documents_cover_every_state():
    build_demo(small=True)
    for store in Store.objects.all():
        assert_ledger_matches(store)
        assert StockMove.objects.filter(store=store, kind="issue").exists()
    states = set(PurchaseOrder.objects.values_list("status", flat=True))
    assert states == set(POStatus.values)
    assert StocktakeModel.objects.filter(status=StocktakeStatus.APPROVED).exists()
