"""Measure the enterprise import against the bare read of the same file.

    manage.py import_speed --rows 20000

Builds a workbook of valid enterprise rows, then in one run times: the bare
python-calamine read, a preview, a commit and an undo, each as the background
job runs it, on the configured database, in a park of its own (created for the
run; its enterprises are removed again by the undo). Prints one table: wall
and CPU seconds, rows per second (wall and CPU), the factor against the bare
read's CPU time, and each step's peak memory (RSS of a child process forked
for the step, as a fresh worker would run it; ``--no-fork`` runs them here).
The preview keeps its validated rows as the page and the API keep them, and
the commit reuses them (``--revalidate``: the commit validates the file again).
``scripts/import_speed.py`` runs it on a scratch SQLite or PostgreSQL database;
``make bench`` reports the same steps' ratios with every other benchmark's.
"""

from __future__ import annotations

import os
import pickle
import resource
import time

from django.core.management.base import BaseCommand

from parkops.bench.benchmarks.imports import Speed, workbook


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measured(function, forked: bool):
    """(result, wall s, CPU s, peak MB) of ``function()``.

    ``forked``: run it in a child process, so that its peak memory is its own
    (the process's peak RSS cannot be reset between steps) and a worker's
    fresh start is what is measured; the result comes back through a pipe."""
    if not forked:
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        return result, time.perf_counter() - wall, time.process_time() - cpu, peak_mb()
    from django.db import connections

    connections.close_all()  # the child opens its own
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        os.close(read)
        status = 0
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            result = function()
            payload = (result, time.perf_counter() - wall, time.process_time() - cpu)
        except BaseException as error:  # reported by the parent
            payload, status = (repr(error), 0.0, 0.0), 1
        with os.fdopen(write, "wb") as out:
            pickle.dump(payload, out)
        connections.close_all()
        os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as incoming:
        result, wall, cpu = pickle.load(incoming)  # noqa: S301 - from our own child
    _pid, status, usage = os.wait4(child, 0)
    if status != 0:
        raise RuntimeError(f"step failed in the child process: {result}")
    return result, wall, cpu, usage.ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the enterprise import (preview, commit, undo) against the bare file read."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument(
            "--revalidate",
            action="store_true",
            help="Commit without the preview's validated rows (as for a changed database).",
        )
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="Run every step in this process (peak memory is then the run's, not the step's).",
        )

    def handle(self, *, rows: int, no_fork: bool, revalidate: bool = False, **options):
        from django.conf import settings
        from django.db import connection

        from parkops.core.exchange import jobs, services
        from parkops.core.models import ImportBatch

        # A test database inside a transaction, or in memory, is this process's alone.
        forked = (
            not no_fork
            and hasattr(os, "fork")
            and not connection.in_atomic_block
            and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
        )
        # The workbook is written in a child process too: openpyxl, and the
        # memory its cells took, would otherwise stay in this process and so
        # in every step forked from it, which a worker does not hold.
        speed = Speed(rows, data=measured(lambda: workbook(rows), forked)[0])
        data, park, user = speed.data, speed.park, speed.user
        timings = []
        bare_read, importing = speed.bare_read, speed.importing

        def undo():
            batch = ImportBatch.objects.unscoped().get(park=park)
            services.import_undo(
                batch=batch,
                actor=user,
                progress=lambda done, total: jobs.write_progress(0, done, total),
            )
            return ImportBatch.objects.unscoped().get(pk=batch.pk).status

        def step(label, function):
            result, wall, cpu, peak = measured(function, forked)
            timings.append((label, wall, cpu, peak))
            return result

        baseline = peak_mb()
        step("bare read (python-calamine)", bare_read)
        ok, _batch, problems = step("preview", importing(False))
        assert ok, problems
        commit_label = "commit (validated again)" if revalidate else "commit"
        ok, batch, problems = step(commit_label, importing(True, revalidate=revalidate))
        assert ok and batch is not None, problems
        assert step("undo", undo) == ImportBatch.Status.UNDONE
        speed.clean_up()

        bare_cpu = timings[0][2] or 1e-9
        where = "each step in a fresh child process" if forked else "all steps in one process"
        lines = [
            f"Enterprise import, {rows} rows, {len(data) // 1024} KB, {connection.vendor}, "
            f"DEBUG {'on' if settings.DEBUG else 'off'} "
            f"({where}; this process before the steps: {baseline:.0f} MB)",
            f"{'step':<30}{'wall s':>9}{'CPU s':>9}{'rows/s':>9}{'rows/CPU-s':>12}"
            f"{'x bare CPU':>12}{'peak MB':>9}",
        ]
        for label, wall, cpu, peak in timings:
            lines.append(
                f"{label:<30}{wall:>9.2f}{cpu:>9.2f}{rows / max(wall, 1e-9):>9.0f}"
                f"{rows / max(cpu, 1e-9):>12.0f}{cpu / bare_cpu:>12.1f}{peak:>9.0f}"
            )
        self.stdout.write("\n".join(lines))
