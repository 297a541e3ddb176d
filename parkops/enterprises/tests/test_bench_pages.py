"""``manage.py bench_pages`` measures every row of its table (timings are not
tested: they depend on the machine)."""

import io

import pytest
from django.core.management import call_command

from parkops.enterprises.management.commands.bench_pages import ROWS
from parkops.enterprises.models import Enterprise


@pytest.mark.django_db
def test_the_bench_builds_its_enterprises_and_prints_every_row():
    out = io.StringIO()
    call_command("bench_pages", enterprises=30, requests=1, in_place=True, stdout=out)
    table = out.getvalue()
    assert "30 enterprises on" in table
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    for row in ROWS:
        assert any(line.startswith(f"| {row}") for line in lines), row
    assert Enterprise.objects.unscoped().count() == 30


@pytest.mark.django_db
def test_the_search_bench_prints_every_kind_of_query():
    from parkops.enterprises.management.commands.bench_search import queries

    out = io.StringIO()
    call_command("bench_search", enterprises=30, rounds=1, in_place=True, stdout=out)
    table = out.getvalue()
    assert "30 enterprises on" in table
    for kind in queries([("名称甲乙丙丁", "曾用名", "913213000000000001", "pinyin", "py")]):
        assert f"| {kind} |" in table, kind
