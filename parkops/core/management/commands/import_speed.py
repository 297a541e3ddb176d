"""Measure the enterprise import against the bare read of the same file.

    manage.py import_speed --rows 20000

Builds a workbook of valid enterprise rows, then in one run times: the bare
python-calamine read, a preview, a commit and an undo, each as the background
job runs it, on the configured database, in a park of its own (created for the
run; its enterprises are removed again by the undo). Prints one table: wall
and CPU seconds, rows per second, and the factor against the bare read; and
the process's peak memory. ``scripts/import_speed.py`` runs it on a scratch
SQLite or PostgreSQL database.
"""

from __future__ import annotations

import io
import resource
import time

from django.core.management.base import BaseCommand

HEADER = ["企业名称", "统一社会信用代码", "状态", "注册地行政区划代码", "是否规上"]


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    from parkops.enterprises.uscc import make_uscc

    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(
            [
                f"测速企业{i}号科技有限公司",
                make_uscc(f"91321300{i:09d}"),
                "在园企业",
                "321300",
                "否",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Command(BaseCommand):
    help = "Time the enterprise import (preview, commit, undo) against the bare file read."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)

    def handle(self, *, rows: int, **options):
        from django.db import connection
        from python_calamine import CalamineWorkbook

        from parkops.accounts.models import Membership, User
        from parkops.core.exchange import jobs, services
        from parkops.core.exchange.importer import run_import
        from parkops.core.exchange.spec import get_spec
        from parkops.core.models import Park
        from parkops.core.permissions import Role

        data = workbook(rows)
        stamp = f"{time.time_ns() % 10**9}"
        park = Park.objects.create(
            name=f"测速园区{stamp}", short_name=f"测{stamp}", code=f"speed{stamp}", region="321300"
        )
        user = User.objects.create_user(username=f"speed{stamp}", password=None)
        Membership.objects.create(user=user, role=Role.STATISTICS_OFFICER, park=park)
        spec = get_spec("enterprises")
        timings = []

        def timed(label, function):
            wall, cpu = time.perf_counter(), time.process_time()
            result = function()
            timings.append((label, time.perf_counter() - wall, time.process_time() - cpu))
            return result

        def bare_read():
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            return book.get_sheet_by_index(0).to_python()

        def importing(commit):
            return lambda: run_import(
                spec=spec,
                actor=user,
                park=park,
                data=data,
                file_name="测速.xlsx",
                commit=commit,
                progress=lambda done, total: jobs.write_progress(0, done, total),
            )

        baseline = peak_mb()
        timed("bare read (python-calamine)", bare_read)
        preview = timed("preview", importing(False))
        assert preview.ok, preview.file_errors or preview.problems[:3]
        outcome = timed("commit", importing(True))
        assert outcome.batch is not None, outcome.file_errors or outcome.problems[:3]
        timed("undo", lambda: services.import_undo(batch=outcome.batch, actor=user))
        (services.upload_dir() / "job-0.progress").unlink(missing_ok=True)

        bare_cpu = timings[0][2] or 1e-9
        lines = [
            f"Enterprise import, {rows} rows, {len(data) // 1024} KB, {connection.vendor}",
            f"{'step':<30}{'wall s':>9}{'CPU s':>9}{'rows/s':>10}{'x bare':>9}",
        ]
        for label, wall, cpu in timings:
            lines.append(
                f"{label:<30}{wall:>9.2f}{cpu:>9.2f}{rows / max(wall, 1e-9):>10.0f}"
                f"{cpu / bare_cpu:>9.1f}"
            )
        lines.append(f"peak memory: {peak_mb():.0f} MB (before the run: {baseline:.0f} MB)")
        self.stdout.write("\n".join(lines))
