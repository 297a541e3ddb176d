"""Figures against the raw-SQL floor and pandas (issue #16).

Each report-card figure, for one park and one half year, computed through
ParkOps (``Figure.result``: its selectors, note and link) against

- one hand-written SQL query computing the same number (goal: ≤ 1.5x), and
- pandas over a CSV dump of the same tables, read beforehand (goal: ParkOps
  faster). The dump holds every park's rows; pandas filters them as SQL does.

Before timing, the three numbers are compared: a baseline that computes
another number is reported as such ("differs"), not timed as if it agreed.
"""

from __future__ import annotations

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import connection

from parkops.bench.harness import Row, median_times, ratio

NAME = "figures"
SQL_GOAL = 1.5

# The hand-written queries. ``eff``: each stage change with its effective day
# (that of its latest correction, else its own); the first time a project
# reached a stage is its first such change, in the order the changes were made.
EFFECTIVE = """
WITH eff AS (
    SELECT e.id, e.project_id, e.to_stage,
           COALESCE((SELECT c.on_date FROM projects_projectevent c
                     WHERE c.park_id = %(park)s AND c.kind = 'correction'
                       AND c.corrects_id = e.id
                     ORDER BY c.id DESC LIMIT 1), e.on_date) AS day
    FROM projects_projectevent e
    WHERE e.park_id = %(park)s AND e.kind = 'stage'
)"""
FIRST_REACHED = (
    EFFECTIVE
    + """, reached AS (
    SELECT project_id, day,
           ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY id) AS n
    FROM eff WHERE to_stage = %(stage)s
)"""
)
SETTLED = "park_id = %(park)s AND status = 'settled' AND settled_on <= %(last)s"
MAJOR_STARTED = (
    FIRST_REACHED
    + """, started AS (
    SELECT project_id FROM reached
    WHERE n = 1 AND day BETWEEN %(first)s AND %(last)s
      AND project_id IN (SELECT project_id FROM projects_majorlisting
                         WHERE park_id = %(park)s AND year = %(year)s)
)"""
)
MONEY = f"""{MAJOR_STARTED}
SELECT (SELECT SUM(amount) FROM projects_investmententry
        WHERE park_id = %(park)s AND project_id IN (SELECT project_id FROM started)
          AND month BETWEEN %(january)s AND %(last)s),
       (SELECT SUM(amount) FROM projects_annualplan
        WHERE park_id = %(park)s AND project_id IN (SELECT project_id FROM started)
          AND year = %(year)s)"""

SQL = {
    "enterprises.registered": f"SELECT COUNT(*) FROM enterprises_enterprise WHERE {SETTLED}",
    "enterprises.above_scale": f"""SELECT COUNT(*) FROM enterprises_enterprise
        WHERE {SETTLED} AND above_scale_since <= %(last)s
          AND ((above_scale_until IS NULL AND above_scale) OR above_scale_until >= %(last)s)""",
    "enterprises.entered_statistics_new": f"""SELECT COUNT(*) FROM enterprises_enterprise
        WHERE {SETTLED} AND above_scale_since BETWEEN %(first)s AND %(last)s""",
    "enterprises.entered_statistics_new_yoy_pct": """SELECT
        SUM(CASE WHEN settled_on <= %(last)s
                  AND above_scale_since BETWEEN %(first)s AND %(last)s THEN 1 ELSE 0 END),
        SUM(CASE WHEN settled_on <= %(base_last)s
                  AND above_scale_since BETWEEN %(base_first)s AND %(base_last)s
                 THEN 1 ELSE 0 END)
        FROM enterprises_enterprise WHERE park_id = %(park)s AND status = 'settled'""",
    "promotion.enterprises_visited": """SELECT COUNT(DISTINCT enterprise_id)
        FROM promotion_visit WHERE park_id = %(park)s AND date BETWEEN %(first)s AND %(last)s""",
    "promotion.institutions_engaged": """SELECT COUNT(DISTINCT institution_id)
        FROM promotion_visit WHERE park_id = %(park)s AND date BETWEEN %(first)s AND %(last)s""",
    "promotion.projects_negotiating": f"""{EFFECTIVE}, latest AS (
        SELECT to_stage, ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY id DESC) AS n
        FROM eff WHERE day <= %(last)s
    ) SELECT COUNT(*) FROM latest WHERE n = 1 AND to_stage = 'negotiating'""",
    "projects.reached_yoy": f"""{FIRST_REACHED}
        SELECT SUM(CASE WHEN day BETWEEN %(first)s AND %(last)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN day BETWEEN %(base_first)s AND %(base_last)s THEN 1 ELSE 0 END)
        FROM reached WHERE n = 1""",
    "projects.major_started": f"{MAJOR_STARTED} SELECT COUNT(*) FROM started",
    "projects.money": MONEY,
}
REACHED = {
    "projects.ready_new_yoy_pct": "ready",
    "projects.started_new_yoy_pct": "started",
    "projects.completed_new_yoy_pct": "completed",
}


def _yoy(current, base) -> Decimal | None:
    current, base = Decimal(current or 0), Decimal(base or 0)
    return None if base == 0 else (current - base) / base * 100


def _decimal(value) -> Decimal:
    return Decimal(str(value or 0))


def _params(park, period, stage="started") -> dict:
    base = period.comparison
    return {
        "park": park.pk,
        "first": period.first_day,
        "last": period.last_day,
        "base_first": base.first_day,
        "base_last": base.last_day,
        "january": datetime.date(period.year, 1, 1),
        "year": period.year,
        "stage": stage,
    }


def sql_value(key: str, park, period):
    """The figure's number from one hand-written query."""
    stage = REACHED.get(key, "started")
    query = SQL.get(key) or SQL["projects.reached_yoy" if key in REACHED else "projects.money"]
    with connection.cursor() as cursor:
        cursor.execute(query, _params(park, period, stage))
        row = cursor.fetchone()
    if key.endswith("_yoy_pct"):
        return _yoy(*row)
    if key == "projects.major_investment_completed":
        return _decimal(row[0])
    if key == "projects.major_plan_share_pct":
        completed, planned = _decimal(row[0]), _decimal(row[1])
        return None if planned == 0 else completed / planned * 100
    return Decimal(row[0] or 0)


# -------------------------------------------------------------------- pandas
TABLES = {
    "enterprises": (
        "enterprises_enterprise",
        "id, park_id, status, settled_on, above_scale, above_scale_since, above_scale_until",
        ["settled_on", "above_scale_since", "above_scale_until"],
    ),
    "visits": ("promotion_visit", "id, park_id, date, enterprise_id, institution_id", ["date"]),
    "events": (
        "projects_projectevent",
        "id, park_id, project_id, kind, to_stage, on_date, corrects_id",
        ["on_date"],
    ),
    "listings": ("projects_majorlisting", "id, park_id, project_id, year", []),
    "entries": ("projects_investmententry", "id, park_id, project_id, month, amount", ["month"]),
    "plans": ("projects_annualplan", "id, park_id, project_id, year, amount", []),
}


def dump(directory: Path) -> dict[str, Path]:
    """The tables the figures read, as CSV files (every park, every row)."""
    import csv

    paths = {}
    with connection.cursor() as cursor:
        for name, (table, columns, _dates) in TABLES.items():
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")
            paths[name] = directory / f"{table}.csv"
            with paths[name].open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow([c.strip() for c in columns.split(",")])
                writer.writerows(cursor.fetchall())
    return paths


def read_dump(paths: dict[str, Path]) -> dict:
    import pandas as pd

    frames = {}
    for name, (_table, _columns, dates) in TABLES.items():
        frames[name] = pd.read_csv(paths[name], parse_dates=dates)
    return frames


class Pandas:
    """The figures from the dumped tables, as an analyst with pandas would."""

    def __init__(self, frames: dict, park, period):
        import pandas as pd

        self.t = frames
        self.park = park.pk
        self.period = period
        self.day = pd.Timestamp
        self.first, self.last = pd.Timestamp(period.first_day), pd.Timestamp(period.last_day)
        base = period.comparison
        self.base_first, self.base_last = pd.Timestamp(base.first_day), pd.Timestamp(base.last_day)

    def settled(self, last):
        e = self.t["enterprises"]
        return e[(e.park_id == self.park) & (e.status == "settled") & (e.settled_on <= last)]

    def entered(self, first, last):
        e = self.settled(last)
        return e[(e.above_scale_since >= first) & (e.above_scale_since <= last)]

    def visited(self, party):
        v = self.t["visits"]
        v = v[(v.park_id == self.park) & (v.date >= self.first) & (v.date <= self.last)]
        return v[f"{party}_id"].nunique()

    def history(self):
        import pandas as pd

        ev = self.t["events"]
        ev = ev[ev.park_id == self.park]
        corrections = ev[ev.kind == "correction"].sort_values("id")
        latest = corrections.drop_duplicates("corrects_id", keep="last")
        corrected = pd.DataFrame(
            {"id": latest.corrects_id.astype("int64"), "corrected": latest.on_date}
        )
        stages = ev[ev.kind == "stage"].sort_values("id")
        history = stages.merge(corrected, on="id", how="left")  # keeps the order of ``stages``
        return history.assign(day=history.corrected.fillna(history.on_date))

    def first_reached(self, stage):
        h = self.history()
        return h[h.to_stage == stage].drop_duplicates("project_id", keep="first")

    def reached_in(self, stage, first, last):
        r = self.first_reached(stage)
        return r[(r.day >= first) & (r.day <= last)]

    def major_started(self):
        m = self.t["listings"]
        listed = m[(m.park_id == self.park) & (m.year == self.period.year)].project_id
        started = self.reached_in("started", self.first, self.last)
        return set(started.project_id) & set(listed)

    def money(self):
        ids = self.major_started()
        e, p = self.t["entries"], self.t["plans"]
        january = self.day(datetime.date(self.period.year, 1, 1))
        e = e[(e.park_id == self.park) & e.project_id.isin(ids)]
        completed = e[(e.month >= january) & (e.month <= self.last)].amount.sum()
        planned = p[(p.park_id == self.park) & p.project_id.isin(ids)]
        planned = planned[planned.year == self.period.year].amount.sum()
        return _decimal(completed), _decimal(planned)

    def value(self, key):
        if key == "enterprises.registered":
            return Decimal(len(self.settled(self.last)))
        if key == "enterprises.above_scale":
            e = self.settled(self.last)
            open_ = e.above_scale_until.isna() & e.above_scale.astype(bool)
            on = (e.above_scale_since <= self.last) & (open_ | (e.above_scale_until >= self.last))
            return Decimal(int(on.sum()))
        if key == "enterprises.entered_statistics_new":
            return Decimal(len(self.entered(self.first, self.last)))
        if key == "enterprises.entered_statistics_new_yoy_pct":
            base = self.entered(self.base_first, self.base_last)
            return _yoy(len(self.entered(self.first, self.last)), len(base))
        if key == "promotion.enterprises_visited":
            return Decimal(self.visited("enterprise"))
        if key == "promotion.institutions_engaged":
            return Decimal(self.visited("institution"))
        if key == "promotion.projects_negotiating":
            h = self.history()
            latest = h[h.day <= self.last].drop_duplicates("project_id", keep="last")
            return Decimal(int((latest.to_stage == "negotiating").sum()))
        if key in REACHED:
            stage = REACHED[key]
            now = self.reached_in(stage, self.first, self.last)
            return _yoy(len(now), len(self.reached_in(stage, self.base_first, self.base_last)))
        if key == "projects.major_started":
            return Decimal(len(self.major_started()))
        completed, planned = self.money()
        if key == "projects.major_investment_completed":
            return completed
        return None if planned == 0 else completed / planned * 100


# --------------------------------------------------------------------- rows
def figures():
    from parkops.core.figures import all_figures

    return all_figures()


def row_names() -> list[str]:
    keys = [figure.key for figure in figures()]
    return (
        [f"figure {key} vs SQL" for key in keys]
        + [f"figure {key} vs pandas" for key in keys]
        + ["report card (all figures) vs SQL", "report card (all figures) vs pandas"]
    )


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(a) - Decimal(b)) < Decimal("0.005")


def small(ctx):
    return None


def run(ctx, _small) -> list[Row]:
    try:
        import pandas  # noqa: F401 - is it installed?

        has_pandas = True
    except ImportError:
        has_pandas = False
    park, period = ctx.park, ctx.period
    frames = None
    with tempfile.TemporaryDirectory(prefix="parkops-bench-") as scratch:
        if has_pandas:
            frames = read_dump(dump(Path(scratch)))
    rows_sql, rows_pandas = [], []
    totals = {"parkops": 0.0, "sql": 0.0, "pandas": 0.0}
    for figure in figures():
        ours = figure.result(parks=[park], period=period).value
        functions = {
            "parkops": lambda f=figure: f.result(parks=[park], period=period),
            "sql": lambda key=figure.key: sql_value(key, park, period),
        }
        agree_sql = _same(ours, sql_value(figure.key, park, period))
        agree_pandas = None
        if frames is not None:
            analyst = Pandas(frames, park, period)
            functions["pandas"] = lambda key=figure.key, a=analyst: a.value(key)
            agree_pandas = _same(ours, analyst.value(figure.key))
        times = median_times(functions, ctx.rounds)
        for key in totals:
            totals[key] += times.get(key, 0.0)
        value = "–" if ours is None else f"{ours:.1f}"
        rows_sql.append(_row(f"figure {figure.key} vs SQL", times, "sql", agree_sql, value))
        rows_pandas.append(
            _row(f"figure {figure.key} vs pandas", times, "pandas", agree_pandas, value)
        )
    card = [
        _row("report card (all figures) vs SQL", totals, "sql", True, ""),
        _row("report card (all figures) vs pandas", totals, "pandas", bool(frames), ""),
    ]
    return rows_sql + rows_pandas + card


def _row(name, times, baseline, agrees, value) -> Row:
    if baseline == "pandas" and baseline not in times:
        return Row(
            NAME,
            name,
            times["parkops"],
            None,
            "s",
            None,
            "< 1 (faster)",
            None,
            "pandas not installed: not measured",
        )
    base = times[baseline] or None
    r = ratio(times["parkops"], base)
    if baseline == "sql":
        goal, met = f"≤ {SQL_GOAL}", r is not None and r <= SQL_GOAL
    else:
        goal, met = "< 1 (faster)", r is not None and r < 1
    note = f"value {value}" if value else ""
    if agrees is False:
        note, met = f"{note}; the baseline computes another number".strip("; "), False
    return Row(NAME, name, times["parkops"], base, "s", r, goal, met, note)
