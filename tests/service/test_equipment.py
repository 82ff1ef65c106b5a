"""SV-20 equipment: ledger, maintenance log, instruments with calibration status
(green / yellow within 14 days / red once passed, blocking QC use) and special tools lent
for the day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from siwei.core.errors import DomainError
from siwei.service.models import CalibrationState, EquipmentKind
from siwei.service.selectors_warranty import instruments_attention, overdue_loans
from siwei.service.services.equipment import (
    calibration_record,
    equipment_create,
    equipment_log,
    instrument_check,
    instrument_usable,
    tool_lend,
    tool_return,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gauge(crew, store_bj):
    return equipment_create(actor=crew.manager, store=store_bj, asset_number="JL-001",
                            name="轮胎气压表", kind=EquipmentKind.INSTRUMENT,
                            location="工位3", responsible=crew.qc, calibration_cycle_days=180)


@pytest.fixture
def tool(crew, store_bj):
    return equipment_create(actor=crew.manager, store=store_bj, asset_number="ZY-T10172",
                            name="凸轮轴固定工具 T10172", kind=EquipmentKind.SPECIAL_TOOL,
                            location="工具室")


def test_sv20_ledger_asset_numbers_are_unique_per_store(crew, store_bj, store_sh, gauge):
    with pytest.raises(ValidationError):
        equipment_create(actor=crew.manager, store=store_bj, asset_number="JL-001",
                         name="扭力扳手")
    equipment_create(actor=crew.manager, store=store_sh, asset_number="JL-001", name="扭力扳手")
    with pytest.raises(ValidationError) as exc:
        equipment_create(actor=crew.manager, store=store_bj, asset_number="JL-002",
                         name="扭力扳手", kind=EquipmentKind.INSTRUMENT)
    assert "calibration_cycle_days" in exc.value.message_dict


def test_sv20_maintenance_log(crew, store_bj, clock):
    lift = equipment_create(actor=crew.manager, store=store_bj, asset_number="SB-01",
                            name="双柱举升机", location="工位1", responsible=crew.foreman)
    equipment_log(actor=crew.tech1, equipment=lift, kind="daily")
    equipment_log(actor=crew.foreman, equipment=lift, kind="monthly", in_order=False,
                  notes="保险锁止块磨损，已报修")
    with pytest.raises(ValidationError):
        equipment_log(actor=crew.tech1, equipment=lift, kind="daily", in_order=False)
    with pytest.raises(ValidationError):
        equipment_log(actor=crew.tech1, equipment=lift, kind="daily",
                      day=clock.today() + dt.timedelta(days=1))
    assert lift.logs.count() == 2


def test_sv20_calibration_status_green_yellow_red(crew, gauge, clock):
    today = clock.today()
    assert gauge.calibration_state(today) == CalibrationState.RED  # never calibrated
    calibration_record(actor=crew.manager, instrument=gauge, day=today - dt.timedelta(days=100),
                       agency="北京市计量检测科学研究院", certificate="JD2026-1234")
    gauge.refresh_from_db()
    assert gauge.next_calibration == today + dt.timedelta(days=80)
    assert gauge.calibration_state(today) == CalibrationState.GREEN
    assert gauge.calibration_state(today + dt.timedelta(days=65)) == CalibrationState.GREEN
    assert gauge.calibration_state(today + dt.timedelta(days=66)) == CalibrationState.YELLOW
    assert gauge.calibration_state(today + dt.timedelta(days=80)) == CalibrationState.YELLOW
    assert gauge.calibration_state(today + dt.timedelta(days=81)) == CalibrationState.RED
    assert instrument_usable(gauge, today + dt.timedelta(days=80))
    assert not instrument_usable(gauge, today + dt.timedelta(days=81))


def test_sv20_overdue_calibration_blocks_use_in_qc_records(crew, gauge, store_bj, clock):
    today = clock.today()
    calibration_record(actor=crew.manager, instrument=gauge, day=today - dt.timedelta(days=181))
    gauge.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        instrument_check(instrument=gauge, on=today)
    assert exc.value.code == "instrument_overdue"
    assert list(instruments_attention(store=store_bj)) == [gauge]
    calibration_record(actor=crew.manager, instrument=gauge, day=today)
    gauge.refresh_from_db()
    instrument_check(instrument=gauge, on=today)
    assert not instruments_attention(store=store_bj).exists()
    calibration_record(actor=crew.manager, instrument=gauge, day=today, passed=False)
    gauge.refresh_from_db()
    with pytest.raises(DomainError):
        instrument_check(instrument=gauge, on=today)


def test_sv20_special_tools_lent_and_returned_the_same_day(crew, tool, store_bj, clock):
    loan = tool_lend(actor=crew.foreman, tool=tool, borrower=crew.tech1)
    assert loan.due_at.hour == 18
    with pytest.raises(DomainError) as exc:
        tool_lend(actor=crew.foreman, tool=tool, borrower=crew.tech2)
    assert exc.value.code == "tool_unavailable"
    assert not overdue_loans(store=store_bj).exists()
    clock.advance(hours=10)  # 19:00, not back
    assert list(overdue_loans(store=store_bj)) == [loan]
    assert loan.is_overdue(clock.now())
    tool_return(actor=crew.foreman, loan=loan)
    assert not overdue_loans(store=store_bj).exists()
    with pytest.raises(DomainError):
        tool_return(actor=crew.foreman, loan=loan)
    tool_lend(actor=crew.foreman, tool=tool, borrower=crew.tech2)


def test_sv20_only_special_tools_are_lent(crew, gauge):
    with pytest.raises(ValidationError):
        tool_lend(actor=crew.foreman, tool=gauge, borrower=crew.tech1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv20_two_technicians_racing_for_one_tool_have_one_winner(crew, store_bj):
    import threading

    from django.db import close_old_connections, connection

    from siwei.service.models import ToolLoan

    tool = equipment_create(actor=crew.manager, store=store_bj, asset_number="ZY-9",
                            name="T10172", kind=EquipmentKind.SPECIAL_TOOL)
    borrowers = [crew.tech1, crew.tech2, crew.foreman, crew.qc]
    barrier = threading.Barrier(len(borrowers))
    outcomes: list[str] = []

    def lend(borrower):
        try:
            barrier.wait()
            tool_lend(actor=crew.foreman, tool=tool, borrower=borrower)
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=lend, args=(b,)) for b in borrowers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["tool_unavailable"] * 3 + ["won"]
    assert ToolLoan.objects.filter(tool=tool, returned_at=None).count() == 1
