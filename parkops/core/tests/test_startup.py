"""What a process holds once started: a web process (settings, apps and every
URL loaded) or an import worker (its task module) writes no workbook until
asked to, so it does not load openpyxl, which with numpy and lxml costs each
process about 20 MB (issue #11: a worker's peak under 150 MB)."""

from parkops.core.tests.test_settings import run_django

STARTED = """
import sys

from django.core.management import load_command_class
from django.urls import get_resolver

get_resolver().url_patterns  # every view module, as the first request loads them
import parkops.core.exchange.jobs  # the background import's tasks
load_command_class("parkops.core", "run_worker")
print(",".join(name for name in ("openpyxl",) if name in sys.modules) or "none")
"""


def test_a_started_process_has_not_loaded_the_workbook_writer(tmp_path):
    result = run_django(tmp_path, "shell", "--no-imports", "-c", STARTED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none"]
