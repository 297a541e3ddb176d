"""Growth (issue #16): the time of the whole report card (every figure, for one
park and one half year, through ``Figure.result``) on the small phase's data
(scale ÷ 10) and on the full data. Goal: ten times the data, at most twice the
time."""

from __future__ import annotations

from parkops.bench.harness import Row, median_times, ratio

NAME = "growth"
GOAL = 2.0


def row_names() -> list[str]:
    return ["growth: report card time, scale ÷ 10 → scale"]


def card_time(ctx) -> float:
    from parkops.core.figures import all_figures

    def card():
        for figure in all_figures():
            figure.result(parks=[ctx.park], period=ctx.period)

    return median_times({"card": card}, ctx.rounds)["card"]


def small(ctx):
    return card_time(ctx), ctx.scale


def run(ctx, before) -> list[Row]:
    few, few_scale = before
    many = card_time(ctx)
    r = ratio(many, few)
    note = f"scale {few_scale:g} → {ctx.scale:g}"
    return [Row(NAME, row_names()[0], many, few, "s", r, f"≤ {GOAL:g}", r <= GOAL, note)]
