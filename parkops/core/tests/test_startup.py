"""What a process holds once started: a web process (settings, apps and every
URL loaded) or an import worker (its task module) writes no workbook until
asked to, so it does not load openpyxl, which with numpy and lxml costs each
process about 20 MB (issue #11: a worker's peak under 150 MB)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

STARTED = """
import sys

import django

django.setup()
from django.core.management import load_command_class
from django.urls import get_resolver

get_resolver().url_patterns  # every view module, as the first request loads them
import parkops.core.exchange.jobs  # the background import's tasks
load_command_class("parkops.core", "run_worker")
print(",".join(name for name in ("openpyxl",) if name in sys.modules) or "none")
"""


def test_a_started_process_has_not_loaded_the_workbook_writer(tmp_path):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PARKOPS_", "DATABASE_URL"))
    }
    environment.update(PARKOPS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="parkops.settings")
    result = subprocess.run(
        [sys.executable, "-c", STARTED],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none"]
