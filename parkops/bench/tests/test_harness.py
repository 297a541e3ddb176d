"""``make bench``'s harness at a tiny scale (issue #16, item 4): it produces
every row of the results table, with numbers, and writes RESULTS.md and the
JSON; its raw-SQL and pandas baselines compute the same figures as ParkOps.
Timings are never asserted: they belong to the machine."""

import json

import pytest
from django.core.management import call_command

from parkops.bench import harness
from parkops.bench.benchmarks import row_names


def _empty_database():
    call_command("flush", interactive=False, verbosity=0)


@pytest.mark.bench_smoke  # one leg only (parkops/conftest.py)
@pytest.mark.django_db(transaction=True)
def test_the_harness_produces_every_row_of_the_results_table(tmp_path):
    # The whole harness, both phases, gunicorn included (one worker, short loads).
    rows, described = harness.run(
        scale=0.01, parks=2, seed=16, rounds=1, quick=True, fresh_database=_empty_database
    )

    assert [row.benchmark for row in rows] == row_names()
    for row in rows:
        if "no record" in row.note:  # a detail page of a register the tiny data leaves empty
            assert row.family == "queries"
            continue
        assert isinstance(row.parkops, int | float), row
        if row.goal != "–":
            assert isinstance(row.baseline, int | float), row
            assert row.ratio is not None and row.met is not None, row
    # The baselines compute the same number as the report card, or they measure nothing.
    assert not [row.benchmark for row in rows if "another number" in row.note]
    # Every page answered the signed-in leader, on the production server.
    assert not [row.benchmark for row in rows if "other than 200" in row.note]
    assert not [row.benchmark for row in rows if "answered" in row.note]

    harness.write(rows, described, tmp_path)
    written = json.loads((tmp_path / "results.json").read_text())
    entry = written[harness.result_key(described)]
    assert [row["benchmark"] for row in entry["rows"]] == row_names()
    assert entry["machine"]["cpu_count"] and entry["machine"]["django"]
    results = (tmp_path / "RESULTS.md").read_text()
    for name in row_names():
        assert f"| {name}" in results


def test_results_are_kept_per_database_and_scale(tmp_path):
    # A scale-1.0 run on SQLite must not erase the scale-0.1 run or PostgreSQL's.
    row = harness.Row("figures", "figure x vs SQL", 1.0, 1.0, "s", 1.0, "≤ 1.5", True)
    machine = {
        "cpu_count": 2,
        "cpu": "cpu",
        "load_average": [0.1],
        "python": "3.11",
        "django": "5.2",
        "platform": "linux",
        "at": "now",
        "parks": 2,
        "seed": 16,
        "rounds": 1,
        "park": "p",
        "period": "2026-H1",
    }
    for vendor, scale in (("sqlite", 0.1), ("postgresql", 0.1), ("sqlite", 1.0)):
        described = {**machine, "vendor": vendor, "database": f"{vendor} 1", "scale": scale}
        harness.write([row], described, tmp_path)

    written = json.loads((tmp_path / "results.json").read_text())
    assert sorted(written) == ["postgresql@0.1", "sqlite@0.1", "sqlite@1"]
    results = (tmp_path / "RESULTS.md").read_text()
    assert "## sqlite 1, scale 1\n" in results and "## sqlite 1, scale 0.1\n" in results


def test_only_runs_the_named_families():
    assert [family.NAME for family in harness.families(("queries", "figures"))] == [
        "figures",
        "queries",
    ]
    with pytest.raises(ValueError, match="nope"):
        harness.families(("nope",))
