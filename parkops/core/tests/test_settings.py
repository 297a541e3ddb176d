"""Production settings refuse insecure configurations; check --deploy is clean."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from parkops.settings import load_or_create_secret_key

ROOT = Path(__file__).resolve().parents[3]
STRONG_KEY = "k7Qp2wZr9xLm4Vb8Nc1Td6Yh3Jg5Fs0Ae2Ru7Io9Pl4Mk8Nj1Bh6Gv3Cx5Zq0Wy"


def run_django(tmp_path, *args, **env):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PARKOPS_", "DATABASE_URL"))
    }
    environment.update(PARKOPS_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "PARKOPS_ENV": "production",
    "PARKOPS_ALLOWED_HOSTS": "parkops.example.gov.cn",
    "PARKOPS_SECRET_KEY": STRONG_KEY,
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_django(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"PARKOPS_DEBUG": "1"}, "PARKOPS_DEBUG must be off"),
        ({"PARKOPS_SECRET_KEY": "short"}, "secret key is too weak"),
        ({"PARKOPS_SECRET_KEY": "django-insecure-" + "x" * 60}, "secret key is too weak"),
    ],
)
def test_production_refuses_to_start_insecurely(tmp_path, override, message):
    result = run_django(tmp_path, "check", **{**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_requires_allowed_hosts(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "PARKOPS_ALLOWED_HOSTS"}
    result = run_django(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "PARKOPS_ALLOWED_HOSTS" in result.stderr


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "secret_key"
    first = load_or_create_secret_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert load_or_create_secret_key(path) == first
