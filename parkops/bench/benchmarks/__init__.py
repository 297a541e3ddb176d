"""The benchmark families of ``make bench``, in the order they run (the import
adds a park of its own, so it runs last). Each module has ``NAME``,
``row_names()``, ``small(ctx)`` and ``run(ctx, small)`` (see ``harness``)."""

from parkops.bench.benchmarks import figures, growth, imports, inprocess, pages, queries

FAMILIES = (figures, growth, queries, pages, inprocess, imports)


def row_names() -> list[str]:
    """Every row the results table must have, in order."""
    return [name for family in FAMILIES for name in family.row_names()]
