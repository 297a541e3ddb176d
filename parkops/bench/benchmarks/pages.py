"""Pages against the hello-world ceiling (issue #16).

Requests per second for the traffic-light board, the enterprise list, the
visit list and a project's page, served by gunicorn (``gunicorn.conf.py``,
production settings) against a trivial Django view on the same server and
workers (``parkops.bench.settings``: the project's settings and URLs plus the
hello-world page). The load comes from a second process on 127.0.0.1
(``parkops.bench.load``), signed in once with a session cookie; each round
loads every page in turn, bounded in requests and seconds. Goal: ≥ 0.5.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.urls import reverse

from parkops.bench.harness import Row, ratio

NAME = "pages"
GOAL = 0.5
HELLO = "/bench/hello/"
ROOT = Path(settings.BASE_DIR)
PAGES = (
    "traffic-light board",
    "enterprise list",
    "visit list",
    "project page",
)


def row_names() -> list[str]:
    return ["hello-world (the ceiling)"] + [f"page: {page} vs hello-world" for page in PAGES]


def database_url(directory: Path) -> str:
    """A URL the server process can open this database at. An in-memory SQLite
    database (the test suite's) is copied to a file in ``directory`` first."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            connection.ensure_connection()
            path = directory / "served.sqlite3"
            copy = sqlite3.connect(path)
            connection.connection.backup(copy)
            copy.close()
            return f"sqlite:///{path}"
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    where = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{where}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(url: str, directory: Path) -> dict:
    env = dict(os.environ)
    env.update(
        PARKOPS_ENV="production",
        PARKOPS_DEBUG="0",
        DJANGO_SETTINGS_MODULE="parkops.bench.settings",
        DATABASE_URL=url,
        PARKOPS_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on this machine (TLS is in front in production).
        PARKOPS_SSL_REDIRECT="0",
        PARKOPS_SECURE_COOKIES="0",
        # The session cookie was signed here: the server must share the key.
        PARKOPS_SECRET_KEY=settings.SECRET_KEY,
        PARKOPS_AUDIT_ANCHOR_FILE=str(directory / "anchors.log"),
    )
    return env


def static_is_stale() -> bool:
    """Whether a static file changed since ``collectstatic`` last wrote its manifest."""
    from django.contrib.staticfiles import finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    written = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > written:
                return True
    return False


@contextmanager
def server(url: str, directory: Path, *, quick: bool):
    """gunicorn with the production settings on a free port of 127.0.0.1."""
    env = server_environment(url, directory)
    if static_is_stale():
        # Production serves hashed static file names from the collected manifest.
        subprocess.run(  # noqa: S603 - our own command
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
            check=True,
            env=env,
            cwd=ROOT,
        )
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "parkops.wsgi:application",
    ]
    if quick:  # the smoke test: one worker is enough to prove the harness
        command += ["--workers", "1"]
    log = (directory / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{HELLO}", timeout=30):
                    break
            except OSError:  # not listening yet, or still booting its workers
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    output = (directory / "gunicorn.log").read_text()[-2000:]
                    raise RuntimeError(f"gunicorn did not start: {output}") from None
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def load(port: int, path: str, cookie: str, *, quick: bool) -> dict:
    """One bounded load on ``path`` from a second process."""
    requests, seconds = (20, 2.0) if quick else (5000, 6.0)
    output = subprocess.run(  # noqa: S603 - our own module
        [
            sys.executable,
            "-m",
            "parkops.bench.load",
            "--port",
            str(port),
            "--path",
            path,
            "--cookie",
            cookie,
            "--threads",
            "4",
            "--requests",
            str(requests),
            "--seconds",
            str(seconds),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output)


def paths(ctx) -> dict[str, str]:
    from django.db.models import Count

    from parkops.projects.models import ProjectEvent

    busiest = (
        ProjectEvent.objects.unscoped()
        .filter(park=ctx.park)
        .values("project")
        .annotate(n=Count("pk"))
        .order_by("-n", "project")
        .first()
    )
    project = reverse("projects:project_detail", args=[busiest["project"]]) if busiest else None
    return {
        "traffic-light board": reverse("projects:traffic_board"),
        "enterprise list": reverse("enterprises:enterprise_list"),
        "visit list": reverse("promotion:visit_list"),
        "project page": project,
    }


def session_cookie(user) -> str:
    from django.test import Client

    from parkops.core.testing import sign_in

    client = Client()
    sign_in(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def small(ctx):
    return None


def run(ctx, _small) -> list[Row]:
    cookie = session_cookie(ctx.user)
    targets = {"hello-world (the ceiling)": HELLO}
    targets.update({page: path for page, path in paths(ctx).items() if path})
    rates: dict[str, list[float]] = {name: [] for name in targets}
    statuses: dict[str, dict] = {name: {} for name in targets}
    rounds = 1 if ctx.quick else max(1, ctx.rounds // 2)
    with tempfile.TemporaryDirectory(prefix="parkops-bench-") as scratch:
        directory = Path(scratch)
        with server(database_url(directory), directory, quick=ctx.quick) as port:
            for path in targets.values():  # warm-up: each worker's first request
                load(port, path, cookie, quick=True)
            for _ in range(rounds):
                for name, path in targets.items():
                    result = load(port, path, cookie, quick=ctx.quick)
                    rates[name].append(result["per_second"])
                    for status, n in result["statuses"].items():
                        statuses[name][status] = statuses[name].get(status, 0) + n
    hello = statistics.median(rates["hello-world (the ceiling)"])
    rows = [_row("hello-world (the ceiling)", hello, None, statuses["hello-world (the ceiling)"])]
    for page in PAGES:
        name = f"page: {page} vs hello-world"
        if page not in rates:
            rows.append(Row(NAME, name, None, hello, "req/s", None, f"≥ {GOAL}", None, "no record"))
            continue
        rows.append(_row(name, statistics.median(rates[page]), hello, statuses[page]))
    return rows


def _row(name, rate, hello, statuses) -> Row:
    failed = {status: n for status, n in statuses.items() if status != "200"}
    note = (
        ""
        if not failed
        else "answers other than 200: "
        + ", ".join(f"{status} ×{n}" for status, n in sorted(failed.items()))
    )
    if hello is None:
        return Row(NAME, name, rate, None, "req/s", None, "–", None, note)
    r = ratio(rate, hello)
    met = r is not None and r >= GOAL and not failed
    return Row(NAME, name, rate, hello, "req/s", r, f"≥ {GOAL}", met, note)
