"""Settings from the environment, production hardening, translations, the demo."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from siwei.core.models import Role, StaffAssignment, Store
from siwei.core.permissions import store_permissions
from siwei.core.roles import ROLES
from siwei.demo.builder import DEMO_PASSWORD, build_demo

ROOT = Path(__file__).resolve().parents[2]


def _siwei(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    command = [sys.executable, "-m", "siwei.cli", *args]
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        command, env={**base, **env}, capture_output=True, text=True, timeout=120, cwd=ROOT,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "siwei.config.settings", "DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "dms.example.cn",
           "SIWEI_VAR_DIR": str(tmp_path)}
    result = _siwei("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "siwei.config.settings", "DEBUG": "0", "SECRET_KEY": "",
           "SIWEI_VAR_DIR": str(tmp_path)}
    result = _siwei("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_passwords_are_hashed_with_argon2_in_production():
    from siwei.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert os.environ.get("TIME_ZONE", "Asia/Shanghai") == production.TIME_ZONE
    assert os.environ.get("LANGUAGE_CODE", "zh-hans") == production.LANGUAGE_CODE


def _catalogues(root: Path) -> list[Path]:
    return sorted(root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_chinese_catalogues_are_complete_and_compiled():
    import polib

    catalogues = _catalogues(ROOT / "src/siwei")
    assert len(catalogues) >= 4  # the project's and one per department app
    for path in catalogues:
        po = polib.pofile(str(path))
        untranslated = [e.msgid for e in po.untranslated_entries()]
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        assert not untranslated, f"{path}: untranslated {untranslated[:10]}"
        assert not fuzzy, f"{path}: fuzzy {fuzzy[:10]}"
        assert po.metadata.get("Plural-Forms", "").startswith("nplurals=1"), path
        assert path.with_suffix(".mo").exists(), f"{path} is not compiled"


def test_every_translatable_string_in_the_code_is_in_a_catalogue(tmp_path):
    """makemessages over a copy of the sources finds no string the catalogues lack."""
    import shutil

    import polib

    copy = tmp_path / "siwei"
    shutil.copytree(ROOT / "src/siwei", copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    known = {}
    for path in _catalogues(copy):
        known[path] = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path))}
        path.unlink()
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location",
         "--ignore", "static/*"],
        cwd=copy, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "siwei.config.settings_test"})
    assert result.returncode == 0, result.stderr
    for path in _catalogues(copy):
        found = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path))}
        missing = sorted(found - known.get(path, set()), key=lambda e: (e[0] or "", e[1]))
        assert not missing, f"missing from {path.relative_to(copy)}: {missing[:10]}"


@pytest.mark.django_db
def test_demo_builds_stores_and_one_login_per_role():
    ctx = build_demo(small=True)
    assert sorted(Store.objects.values_list("code", flat=True)) == ["BJ01", "SH01"]
    store_roles = [r.code for r in ROLES if r.scope == "store"]
    for store in ("bj01", "sh01"):
        for role in store_roles:
            user = get_user_model().objects.get(username=f"{store}_{role}")
            assert user.check_password(DEMO_PASSWORD)
            assert StaffAssignment.objects.filter(employee__user=user, role__code=role,
                                                  store__code=store.upper()).exists()
    admin = get_user_model().objects.get(username="group_admin")
    assert StaffAssignment.objects.get(employee__user=admin).role == Role.objects.get(
        code="group_admin")
    assert "core.manage_staff" in store_permissions(admin, Store.objects.get(code="SH01"))
    # One login per role and store (the departments add more staff, e.g. technicians 2–4).
    printed = {username for username, _role, _store in ctx.logins}
    assert {f"{s}_{r}" for s in ("bj01", "sh01") for r in store_roles} <= printed
    assert {"group_admin", "area_manager"} <= printed
    with pytest.raises(RuntimeError, match="empty"):
        build_demo(small=True)


@pytest.mark.django_db(transaction=True)
def test_demo_command_rebuilds_the_same_data():
    from io import StringIO

    from django.core.management import call_command

    def names():
        return list(get_user_model().objects.order_by("username")
                    .values_list("username", "employee__name", "employee__mobile"))

    out = StringIO()
    call_command("demo", reset=True, small=True, stdout=out)
    first = names()
    assert "bj01_service_advisor" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    call_command("demo", reset=True, small=True, stdout=StringIO())
    assert names() == first
    assert Role.objects.count() == len(ROLES)
