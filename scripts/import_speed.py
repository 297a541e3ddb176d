#!/usr/bin/env python
"""Time the enterprise import against the bare read of the same file, on a
scratch database: SQLite (default) or PostgreSQL.

    .venv/bin/python scripts/import_speed.py --rows 20000
    .venv/bin/python scripts/import_speed.py --rows 20000 \\
        --database postgres://postgres@127.0.0.1:5432/parkops_speed

The scratch database is created and migrated first (a PostgreSQL one is created
if missing; a SQLite one lives in a temporary folder and is deleted after).
The measuring itself is ``manage.py import_speed`` (steps, CPU and peak memory);
``make bench`` reports its ratios with every other benchmark's (bench/RESULTS.md).
"""

import argparse
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database", default="", help="a postgres:// URL; SQLite if empty")
    parser.add_argument(
        "--revalidate", action="store_true", help="commit without the preview's validated rows"
    )
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="parkops-speed-")
    if args.database:
        ensure_postgres_database(args.database)
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/speed.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkops.settings")
    # As a production worker runs: with DEBUG on, Django also formats every
    # query's SQL for its query log (several percent of a commit).
    os.environ.setdefault("PARKOPS_DEBUG", "0")
    sys.path.insert(0, str(ROOT))
    # No anchors in the developer's var/ for a scratch chain.
    os.environ.setdefault("PARKOPS_AUDIT_ANCHOR_FILE", f"{scratch.name}/anchors.log")
    # Migrating loads every migration: done in its own process, so that this
    # one's memory is that of a worker.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True)  # noqa: S603
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("parkops.audit").setLevel(logging.WARNING)  # anchor lines
    call_command("import_speed", rows=args.rows, revalidate=args.revalidate)
    scratch.cleanup()


if __name__ == "__main__":
    main()
