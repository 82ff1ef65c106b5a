"""``manage.py check --deploy`` is clean with the production settings (quality.md,
Security): DEBUG off, SECRET_KEY and ALLOWED_HOSTS from the environment, secure cookies,
HSTS, SSL redirect — and no other warning either (the API schema's checks run too).

The check runs in a separate process with the production settings module, not with the test
settings, exactly as an operator would run it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def _check_deploy(tmp_path, *extra_args: str, **env_overrides: str):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
                          "SECURE_COOKIES", "DATABASE_REPLICA_URL"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "siwei.config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "dms.example.cn",
        "SIWEI_VAR_DIR": str(tmp_path),
        **env_overrides,
    })
    return subprocess.run(  # noqa: S603 - this interpreter and fixed arguments
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING",
         *extra_args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_check_deploy_reports_no_warning_with_production_settings(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_a_weakened_setting(tmp_path):
    """The same command does fail when production security is weakened (HSTS off)."""
    result = _check_deploy(tmp_path, "--tag", "security", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr
