"""The benchmark harness (issue #16): every benchmark measures ParkOps and its
baseline in the same run, interleaved, and reports the ratio against a goal.

    manage.py bench --scale 0.1        (``make bench`` runs it on scratch databases)

A run has two phases, each on a freshly generated province (``generate_province``):
a small one at a tenth of the scale (the "before" of the growth and query-count
rows) and the full one, where every benchmark family of ``benchmarks`` runs.
Each family is a module with ``ROWS`` (the names of its table rows, in order),
and ``small(ctx)`` / ``run(ctx, small)``; ``run`` returns one ``Row`` per name.
The results go to ``bench/results.json`` (one entry per database) and
``bench/RESULTS.md``, with the machine they were measured on.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    """One line of the results table. ``parkops`` and ``baseline`` are in
    ``unit``; ``ratio`` is ParkOps against the baseline as the goal reads it
    (``ratio_of``); ``met`` whether the goal is met (None: no goal or not measured)."""

    family: str
    benchmark: str
    parkops: float | None
    baseline: float | None
    unit: str
    ratio: float | None
    goal: str
    met: bool | None
    note: str = ""


@dataclass
class Context:
    """What every benchmark of one phase works on: one park of the generated
    province, a signed-in leader of it, the half year its figures are for."""

    scale: float
    park: object
    user: object
    period: object
    rounds: int
    quick: bool
    extra: dict = field(default_factory=dict)


def median_times(functions: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each function over ``rounds`` rounds, interleaved (one
    call of each per round, after one warm-up call each), so that the machine's
    load falls on ParkOps and its baseline alike."""
    for function in functions.values():
        function()
    times: dict[str, list[float]] = {key: [] for key in functions}
    for _ in range(rounds):
        for key, function in functions.items():
            start = time.perf_counter()
            function()
            times[key].append(time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in times.items()}


def in_process_settings():
    """Settings for requests made in process (the test client): any host, and
    plain static file names (no collected manifest needed, whatever DEBUG is)."""
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return override_settings(ALLOWED_HOSTS=["*"], STORAGES=storages)


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or base in (None, 0):
        return None
    return value / base


def machine() -> dict:
    """The machine and software the figures were measured on."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [line.split(":", 1)[1] for line in info if line.startswith("model name")]
        cpu = names[0].strip() if names else cpu
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": version,
        "vendor": connection.vendor,
        "platform": platform.platform(),
        "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ------------------------------------------------------------------ the run
def _bench_user(park):
    """A leader of ``park`` (reads every register, board and card of it) who may
    sign in without changing a password first."""
    import secrets

    from parkops.accounts import services as account_services
    from parkops.core.permissions import SYSTEM, Role
    from parkops.core.testing import grant

    user = account_services.user_create(
        username=f"bench-{park.code}", password=secrets.token_urlsafe(16) + "Aa1-", actor=SYSTEM
    )
    type(user).objects.filter(pk=user.pk).update(must_change_password=False)
    user.refresh_from_db()
    grant(user, Role.PARK_LEADER, park=park)
    return user


def generate(*, parks: int, scale: float, seed: int, stdout=None) -> None:
    """The data of a phase: a synthetic province (``parkops.bench.generate``)."""
    from parkops.bench.generate import generate_province

    generate_province(parks=parks, scale=scale, seed=seed, stdout=stdout)


def context(*, scale: float, rounds: int, quick: bool) -> Context:
    """The phase's context: the park with the most enterprises (the same park at
    every scale, for the same seed), a leader of it, the last finished half year."""
    from django.db.models import Count

    from parkops.core.models import Park
    from parkops.core.periods import last_finished_half
    from parkops.core.text import today_cst
    from parkops.enterprises.models import Enterprise

    biggest = (
        Enterprise.objects.unscoped()
        .values("park")
        .annotate(n=Count("pk"))
        .order_by("-n", "park")
        .first()
    )
    park = Park.objects.get(pk=biggest["park"])
    return Context(
        scale=scale,
        park=park,
        user=_bench_user(park),
        period=last_finished_half(today_cst()),
        rounds=rounds,
        quick=quick,
    )


def families(only: tuple[str, ...] = ()):
    """The benchmark families to run: all of them, or those named in ``only``."""
    from parkops.bench.benchmarks import FAMILIES

    if not only:
        return FAMILIES
    unknown = set(only) - {family.NAME for family in FAMILIES}
    if unknown:
        raise ValueError(f"unknown benchmark families: {', '.join(sorted(unknown))}")
    return tuple(family for family in FAMILIES if family.NAME in only)


def run(
    *,
    scale: float,
    parks: int,
    seed: int,
    rounds: int,
    quick: bool = False,
    only: tuple[str, ...] = (),
    fresh_database: Callable[[], None],
    stdout=None,
) -> tuple[list[Row], dict]:
    """Both phases; returns the rows and the machine. ``fresh_database()``
    gives each phase an empty, migrated database; ``only`` names the families
    to run (all when empty)."""
    chosen = families(only)

    def say(message):
        if stdout is not None:
            stdout.write(message + "\n")

    small_scale = scale / 10
    say(f"Small phase: scale {small_scale:g}")
    fresh_database()
    generate(parks=parks, scale=small_scale, seed=seed, stdout=stdout)
    ctx = context(scale=small_scale, rounds=rounds, quick=quick)
    small = {family.NAME: family.small(ctx) for family in chosen}

    say(f"Full phase: scale {scale:g}")
    fresh_database()
    generate(parks=parks, scale=scale, seed=seed, stdout=stdout)
    ctx = context(scale=scale, rounds=rounds, quick=quick)
    rows: list[Row] = []
    for family in chosen:
        say(f"  {family.NAME} …")
        started = time.perf_counter()
        rows += family.run(ctx, small[family.NAME])
        say(f"  {family.NAME}: {time.perf_counter() - started:.0f} s")
    described = machine()
    described.update(scale=scale, parks=parks, seed=seed, rounds=rounds, park=ctx.park.code)
    described["period"] = ctx.period.code
    return rows, described


# ------------------------------------------------------------------ writing
def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit == "s":
        return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"
    if unit in ("queries", "rows"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.0f} {unit}"


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"  # 0.0032, not 0.00


def _met(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "–"}[met]


def table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | ParkOps | baseline | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio_text = "–" if row.ratio is None else _ratio(row.ratio)
        name = f"{row.benchmark} ({row.note})" if row.note else row.benchmark
        lines.append(
            f"| {name} | {_number(row.parkops, row.unit)} | {_number(row.baseline, row.unit)} "
            f"| {ratio_text} | {row.goal} | {_met(row.met)} |"
        )
    return "\n".join(lines) + "\n"


def result_key(described: dict) -> str:
    """Results are kept per database and scale: ``sqlite@0.1``, ``postgresql@1``."""
    return f"{described['vendor']}@{described['scale']:g}"


def write(rows: list[Row], described: dict, directory: Path, *, fresh: bool = False) -> None:
    """Put this run's results into ``results.json`` (the entries of other
    databases and scales kept unless ``fresh``) and write ``RESULTS.md`` from all
    of them."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "results.json"
    results = {} if fresh or not path.exists() else json.loads(path.read_text())
    # Files written before results were kept per scale have one entry per database.
    results = {result_key(entry["machine"]): entry for entry in results.values()}
    results[result_key(described)] = {"machine": described, "rows": [asdict(r) for r in rows]}
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    (directory / "RESULTS.md").write_text(markdown(results))


def markdown(results: dict) -> str:
    parts = [
        "# Benchmarks (issue #16)\n",
        "Written by `make bench` (`manage.py bench`, `parkops/bench/harness.py`); do not "
        "edit by hand. Each ratio is ParkOps against its baseline measured in the same run, "
        "interleaved, median of the rounds. The figures of a shared machine vary from run "
        "to run: compare ratios, not absolute times.\n",
    ]
    for key in sorted(results):
        entry = results[key]
        m = entry["machine"]
        parts.append(f"## {m['database']}, scale {m['scale']:g}\n")
        parts.append(
            f"Scale {m['scale']:g}, {m['parks']} parks, seed {m['seed']}; park {m['park']}, "
            f"period {m['period']}; {m['rounds']} rounds. Measured {m['at']} on {m['cpu_count']}"
            f" × {m['cpu']}, load average {', '.join(map(str, m['load_average']))} at the end; "
            f"Python {m['python']}, Django {m['django']}, {m['platform']}.\n"
        )
        if m.get("only"):
            parts.append(f"Only these benchmark families ran: {', '.join(m['only'])}.\n")
        parts.append(table([Row(**row) for row in entry["rows"]]))
    return "\n".join(parts)
