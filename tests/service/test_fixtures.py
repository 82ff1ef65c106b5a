"""The shared service fixtures build what they promise."""

import pytest

from siwei.parts.models import PartStore
from siwei.service.models import TechnicianShift

pytestmark = pytest.mark.django_db


def test_fixtures_build_a_workshop(crew, car, operations, shifts, stocked_part, store_bj):
    customer, vehicle = car
    assert vehicle.owner == customer and vehicle.warranty_end is not None
    assert TechnicianShift.objects.filter(store=store_bj).count() == 28
    assert PartStore.objects.get(store=store_bj, part=stocked_part).on_hand == 10
    assert set(operations) == {"oil", "brakes", "engine"}
