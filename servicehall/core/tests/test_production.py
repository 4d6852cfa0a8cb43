"""The production configuration installs: collectstatic writes its manifest, check --deploy is
clean. (scripts/prod_smoke.py then serves it with gunicorn and loads the pages; CI runs both.)"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _production(tmp_path, *args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SERVICEHALL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_KEY": secrets.token_urlsafe(32),
        "SERVICEHALL_VAR": str(tmp_path),
        "ALLOWED_HOSTS": "hall.example.gov.cn",
    }
    env.pop("DJANGO_DEBUG", None)
    env.pop("SERVICEHALL_CLOCK", None)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_collectstatic_writes_the_manifest_of_every_static_file(tmp_path):
    result = _production(tmp_path, "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/bootstrap-5.3.9/bootstrap.min.css",
        "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
        "vendor/htmx-2.0.11/htmx.min.js",
        "admin/css/base.css",
    ):
        assert name in manifest, name


def test_production_check_deploy_is_clean(tmp_path):
    result = _production(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
