"""FN-10 full store export: the demo's store BJ01 exported, then loaded into a new, empty
database (SQLite file; PostgreSQL scratch database) with ``siwei import_store``; every
table's row count matches the manifest and the source filtered to the store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from siwei.core.models import Store
from siwei.demo.builder import build_demo
from siwei.reports.exports.archive import FORMAT_VERSION
from siwei.reports.exports.loader import ImportRefused, import_store
from siwei.reports.exports.plan import MERGED
from siwei.reports.exports.services import store_export_to_file

ROOT = Path(__file__).resolve().parents[2]

# The target's schema comes from the models (like pytest-django's --nomigrations): the
# same tables migrate builds, in seconds instead of the half minute of 70 migrations.
SCHEMA_SETTINGS = '''
from siwei.config.settings_test import *  # noqa


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
'''


def _siwei(tmp_path: Path, database_url: str, *args: str,
           check: bool = True) -> subprocess.CompletedProcess:
    (tmp_path / "export_target_settings.py").write_text(SCHEMA_SETTINGS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DATABASE_URL": database_url, "SIWEI_VAR_DIR": str(tmp_path / "var"),
                "DJANGO_SETTINGS_MODULE": "export_target_settings",
                "PYTHONPATH": os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])})
    result = subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "-m", "siwei.cli", *args], env=env, capture_output=True, text=True,
        timeout=180, cwd=ROOT, check=False)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _load_into(tmp_path: Path, database_url: str, export: Path) -> str:
    _siwei(tmp_path, database_url, "migrate", "--run-syncdb", "-v0")
    return _siwei(tmp_path, database_url, "import_store", str(export)).stdout


@pytest.fixture
def exported(tmp_path, clock):
    build_demo(small=True)
    store = Store.objects.get(code="BJ01")
    path = tmp_path / "bj01.zip"
    manifest = store_export_to_file(store=store, path=path)
    return store, path, manifest


def _tables(manifest) -> dict[str, dict]:
    return {t["model"]: t for t in manifest["tables"]}


def _check_source(store, manifest) -> None:
    """The manifest against the source database: every store table holds exactly the
    store's rows, master data the whole group's."""
    tables = _tables(manifest)
    for label, table in tables.items():
        model = apps.get_model(label)
        names = {f.attname for f in model._meta.concrete_fields}
        if "store_id" in names and label != "core.staffassignment":
            assert table["rows"] == model._base_manager.filter(store=store).count(), label
        elif "group_id" in names and "store_id" not in names and label != "core.employee":
            assert table["rows"] == model._base_manager.filter(group=store.group_id).count()
    assert tables["core.store"]["rows"] == 2 and tables["core.dealergroup"]["rows"] == 1
    # Operational data of the other store stays out; child rows follow their parents.
    from siwei.service.models import Job, RepairOrder

    assert tables["service.repairorder"]["rows"] < RepairOrder.objects.count()
    assert tables["service.job"]["rows"] == Job.objects.filter(
        repair_order__store=store).count() > 0
    assert tables["crm.lead_models_of_interest"]["rows"] > 0
    # Users without password hashes.
    user_schema = [c["name"] for c in tables["auth.user"]["fields"]]
    assert "password" not in user_schema and "username" in user_schema


def _counts(cursor, manifest, store_id: int, quote: str) -> dict[str, tuple[int, int | None]]:
    result = {}
    for table in manifest["tables"]:
        name = f"{quote}{table['db_table']}{quote}"
        cursor.execute(f"SELECT COUNT(*) FROM {name}")
        total = cursor.fetchone()[0]
        mine = None
        if any(c["name"] == "store_id" for c in table["fields"]):
            cursor.execute(f"SELECT COUNT(*) FROM {name} WHERE store_id = {int(store_id)}")
            mine = cursor.fetchone()[0]
        result[table["model"]] = (total, mine)
    return result


def _check_target(counts, manifest, store) -> None:
    for label, table in _tables(manifest).items():
        total, mine = counts[label]
        if label in MERGED:  # merged into the roles migrate wrote
            assert total >= 1, label
            continue
        assert total == table["rows"], label
        if mine is not None and label != "core.staffassignment":
            model = apps.get_model(label)
            assert mine == model._base_manager.filter(store=store).count(), label


def _paid(store) -> Decimal:
    from siwei.finance.models import Payment

    return Payment.objects.filter(store=store).aggregate(a=Sum("amount"))["a"]


@pytest.mark.django_db
def test_fn10_store_export_loads_into_an_empty_sqlite_database(exported, tmp_path):
    store, path, manifest = exported
    assert manifest["format_version"] == FORMAT_VERSION and manifest["store"]["code"] == "BJ01"
    _check_source(store, manifest)
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("manifest.json")) == manifest

    target = tmp_path / "target.sqlite3"
    out = _load_into(tmp_path, f"sqlite:///{target}", path)
    assert f"{manifest['row_count']} rows loaded" in out
    with closing(sqlite3.connect(target)) as db:
        cursor = db.cursor()
        _check_target(_counts(cursor, manifest, store.pk, '"'), manifest, store)
        cursor.execute("SELECT SUM(amount) FROM finance_payment")
        assert Decimal(str(cursor.fetchone()[0])).quantize(Decimal("0.01")) == _paid(store)
        cursor.execute("SELECT COUNT(*) FROM auth_user WHERE password NOT LIKE '!%'")
        assert cursor.fetchone()[0] == 0  # nobody can log in with an exported password
        cursor.execute("SELECT MAX(at) FROM core_auditevent")
        assert cursor.fetchone()[0]

    # A second load into the same (now filled) database is refused, nothing written.
    again = _siwei(tmp_path, f"sqlite:///{target}", "import_store", str(path), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_fn10_store_export_loads_into_an_empty_postgresql_database(exported, tmp_path):
    import psycopg

    store, path, manifest = exported
    db = connection.settings_dict
    name = f"rep_exp_target_{uuid.uuid4().hex[:8]}"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
              "user": db["USER"], "password": db["PASSWORD"] or None}
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = f"{params['user']}:{params['password']}@" if params["password"] else \
            f"{params['user']}@"
        _load_into(tmp_path, f"postgres://{auth}{params['host']}:{params['port']}/{name}", path)
        with psycopg.connect(dbname=name, **params) as target, target.cursor() as cursor:
            _check_target(_counts(cursor, manifest, store.pk, '"'), manifest, store)
            cursor.execute("SELECT SUM(amount) FROM finance_payment")
            assert cursor.fetchone()[0] == _paid(store)
            # Sequences were moved past the loaded ids: a new row gets a fresh id.
            cursor.execute("SELECT MAX(id) FROM crm_customer")
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(pg_get_serial_sequence('crm_customer', 'id'))")
            assert cursor.fetchone()[0] > highest
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db
def test_fn10_import_refuses_a_non_empty_database_and_a_damaged_file(tmp_path, store_bj):
    """Loading into the source database itself (it has data) is refused before anything
    is written; so is an export whose table file does not match its checksum."""
    path = tmp_path / "bj01.zip"
    store_export_to_file(store=store_bj, path=path)
    with pytest.raises(ImportRefused, match="not empty"):
        import_store(path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_store", str(path))

    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "tables/core.store.jsonl":
                data = data.replace(b"BJ01", b"BJ02", 1)
            copy.writestr(item, data)
    with pytest.raises(ImportRefused, match="checksum"):
        import_store(damaged)


@pytest.mark.django_db
def test_fn10_export_store_command_writes_the_zip(tmp_path, store_bj, capsys):
    call_command("export_store", "bj01", "--output", str(tmp_path / "out.zip"))
    assert "tables" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["store"]["code"] == "BJ01"
    with pytest.raises(CommandError, match="exists"):
        call_command("export_store", "BJ01", "--output", str(tmp_path / "out.zip"))
    with pytest.raises(CommandError, match="No store"):
        call_command("export_store", "XX99", "--output", str(tmp_path / "x.zip"))
