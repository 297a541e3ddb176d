"""The background-job worker that outlasts a busy database.

    manage.py run_worker [the options of db_worker]

``db_worker`` (django-tasks-db) exits when the database refuses it: SQLite's
"database is locked" while it opens its exclusive transaction to claim a task,
or while it records a task's result. Background imports then stop until
someone restarts it. This worker waits and tries again instead, with a backoff
from a tenth of a second up to ten seconds, and never exits for a database
error; ``scripts/with_worker.sh`` also restarts it should it die anyway. As it starts,
it rolls back the commits a worker that died left half written and queues
again the undos it left unfinished (``exchange.jobs.resume_interrupted``).
"""

from __future__ import annotations

import functools
import logging
import time

from django.db import close_old_connections, connections
from django.db.utils import DatabaseError
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("parkops.worker")

FIRST_WAIT = 0.1
LONGEST_WAIT = 10.0


def _retrying(method):
    """``method``, tried again (with backoff) while the database refuses it."""

    @functools.wraps(method)
    def retried(*args, **kwargs):
        wait = FIRST_WAIT
        while True:
            try:
                return method(*args, **kwargs)
            except DatabaseError as error:
                logger.warning(
                    "Database busy while recording a task (%s); again in %.1f s.", error, wait
                )
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)

    return retried


class SteadyWorker(db_worker.Worker):
    def run(self) -> None:
        wait = FIRST_WAIT
        while self.running:
            try:
                return super().run()  # returns only in --batch or --max-tasks mode
            except DatabaseError as error:
                logger.warning("Database busy (%s); the worker tries again in %.1f s.", error, wait)
                # A connection left in a failed transaction would fail again.
                for connection in connections.all(initialized_only=True):
                    connection.close()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                self.startup_delay = False

    def run_task(self, db_task_result) -> None:
        # The task's own outcome must be recorded, however long the database is busy.
        db_task_result.set_successful = _retrying(db_task_result.set_successful)
        db_task_result.set_failed = _retrying(db_task_result.set_failed)
        super().run_task(db_task_result)


class Command(db_worker.Command):
    help = "Run the background-job worker; it waits out a busy or locked database."

    def handle(self, *args, **options):
        from parkops.core.exchange import jobs

        # An undo a stopped worker left half done goes on where it stopped.
        for job_id in _retrying(jobs.resume_interrupted)():
            logger.warning("Import job %s was interrupted; it resumes.", job_id)
        original = db_worker.Worker
        db_worker.Worker = SteadyWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
