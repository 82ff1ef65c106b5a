"""Operations (quality.md, Reliability): a backup of the demo restores to an identical
database — the same rows in every table and the same ledger and payment totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum

from siwei.core.backup import BackupError, backup_create, backup_restore, backup_verify
from siwei.demo.builder import build_demo


def _fingerprint() -> dict:
    from siwei.finance.models import Payment
    from siwei.parts.models import PartStore, StockMove

    counts = {model._meta.label: model._default_manager.count()
              for model in apps.get_models() if not model._meta.proxy}
    totals = {
        "ledger": StockMove.objects.aggregate(q=Sum("quantity"))["q"] or Decimal(0),
        "on_hand": PartStore.objects.aggregate(q=Sum("on_hand"))["q"] or Decimal(0),
        "paid": Payment.objects.aggregate(a=Sum("amount"))["a"] or Decimal(0),
    }
    return {"counts": counts, "totals": totals}


@pytest.mark.django_db(transaction=True)
def test_backup_of_the_demo_restores_to_an_identical_database(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "signatures").mkdir(parents=True)
    (settings.MEDIA_ROOT / "signatures" / "ro-1.png").write_bytes(b"\x89PNG signature")
    build_demo(small=True)
    before = _fingerprint()
    assert before["counts"]["service.RepairOrder"] > 0 and before["totals"]["paid"] > 0

    result = backup_create(directory=tmp_path / "backups")
    assert backup_verify(result.database) == [result.database, result.media]

    # Work goes on after the backup, and is lost by the restore.
    from siwei.crm.models import Customer
    Customer.objects.filter(pk=Customer.objects.order_by("pk").first().pk).update(name="改名")
    (settings.MEDIA_ROOT / "signatures" / "ro-1.png").unlink()

    backup_restore(database_file=result.database)
    after = _fingerprint()
    assert after == before
    assert not Customer.objects.filter(name="改名").exists()
    assert (settings.MEDIA_ROOT / "signatures" / "ro-1.png").read_bytes() == b"\x89PNG signature"


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_replaced(tmp_path, settings, group):
    settings.MEDIA_ROOT = tmp_path / "media"
    result = backup_create(directory=tmp_path / "backups")
    data = bytearray(result.database.read_bytes())
    data[-1] ^= 0xFF
    result.database.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="checksum"):
        backup_restore(database_file=result.database)
    result.manifest.unlink()
    with pytest.raises(BackupError, match="missing"):
        backup_verify(result.database)


@pytest.mark.django_db(transaction=True)
def test_the_commands_write_a_backup_and_restore_needs_confirmation(tmp_path, settings, group,
                                                                    capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", "--output", str(tmp_path / "b"))
    written = capsys.readouterr().out.split()
    database = next(p for p in written if p.endswith((".sqlite3", ".pgdump")))
    assert any(p.endswith(".sha256") for p in written)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", database)


def test_serve_runs_gunicorn_with_workers_from_the_cpu_count(capsys, monkeypatch):
    from siwei.core.management.commands.serve import default_workers

    monkeypatch.delenv("SIWEI_WORKERS", raising=False)
    call_command("serve", "--dry-run", "--bind", "127.0.0.1:8123")
    line = capsys.readouterr().out
    assert line.startswith("gunicorn siwei.config.wsgi:application --bind 127.0.0.1:8123")
    assert f"--workers {default_workers()}" in line
