"""Reads for the report card (成绩单): which park, which period, which figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkops.core import audit, permissions
from parkops.core.figures import Figure, FigureResult, all_figures, format_figure, get_figure
from parkops.core.models import Park
from parkops.core.periods import (
    CHINA,
    FIRST_YEAR,
    Period,
    PeriodKind,
    last_finished_half,
    parse_period,
)


@dataclass(frozen=True)
class CardFigure:
    """One figure of a card with its result, ready for a page or the API."""

    figure: Figure
    result: FigureResult

    @property
    def sentence(self) -> str:
        return self.figure.text(self.result)

    @property
    def value_text(self) -> str:
        """The value as shown: money in 元/万元/亿元 with its unit (13亿元)."""
        return self.figure.display(self.result.value)

    @property
    def comparison_text(self) -> str:
        return self.figure.display(self.result.comparison_value, self.figure.comparison_precision)

    @property
    def unit_text(self) -> str:
        """The unit shown after the value: none for money (its text names it)."""
        if self.figure.shows_unit:
            return ""
        return str(self.figure.counter or self.figure.unit.label)

    @property
    def count(self) -> int:
        return self.result.record_count

    def number(self, value: Decimal | None, precision: int | None = None) -> int | float | None:
        """``value`` as the API gives it: rounded half up at the display precision."""
        if value is None:
            return None
        precision = self.figure.precision if precision is None else precision
        shown = Decimal(format_figure(value, precision))
        return int(shown) if precision == 0 else float(shown)

    @property
    def number_comparison(self) -> int | float | None:
        return self.number(self.result.comparison_value, self.figure.comparison_precision)


@dataclass(frozen=True)
class Card:
    park: Park
    period: Period
    figures: list[CardFigure]
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    def by_section(self) -> list[tuple[str, list[CardFigure]]]:
        """The figures grouped by section, in the article's order."""
        sections: dict[str, list[CardFigure]] = {}
        for item in self.figures:
            sections.setdefault(item.figure.section.label, []).append(item)
        return list(sections.items())


def card_parks(*, user) -> list[Park]:
    """The parks whose card ``user`` may open: the parks they work in. An alliance
    or province membership reads several parks but is no single park's card."""
    return list(Park.objects.filter(pk__in=permissions.user_park_ids(user)).order_by("pk"))


def card_park(*, user, code: str | None) -> Park:
    """The park with ``code`` if it is one of ``user``'s parks (without a code,
    the active park, else the first); ``Http404`` otherwise, the same for "not
    yours" as for "no such park", and the attempt on an existing park audited."""
    parks = card_parks(user=user)
    if not code:
        active = getattr(user, "active_park_id", None)
        chosen = next((p for p in parks if p.pk == active), parks[0] if parks else None)
        if chosen is None:
            raise Http404
        return chosen
    chosen = next((p for p in parks if p.code == code), None)
    if chosen is None:
        existing = Park.objects.filter(code=code).values_list("pk", flat=True).first()
        if existing is not None:
            audit.record_out_of_scope(Park, existing, user)
        raise Http404
    return chosen


def parse_keys(text: str | None) -> list[Figure] | None:
    """The figures named in ``text`` (``a,b``), None (all) when ``text`` is None;
    unknown keys, or a ``keys`` that names none (``keys=``, ``keys=,``), are a
    ValidationError on ``keys``."""
    if text is None:
        return None
    keys = [key.strip() for key in text.split(",") if key.strip()]
    if not keys:
        raise ValidationError(
            {"keys": _("Name at least one figure in keys, or leave keys out for every figure.")}
        )
    unknown = [key for key in keys if get_figure(key) is None]
    if unknown:
        raise ValidationError(
            {"keys": _("Unknown figure: %(keys)s.") % {"keys": ", ".join(unknown)}}
        )
    return [get_figure(key) for key in dict.fromkeys(keys)]


def report_card(*, user, park: Park, period: Period, figures: list[Figure] | None = None) -> Card:
    """``park``'s card for ``period``: every figure (or those asked for) whose
    records ``user`` may read in ``park``, computed for that park alone."""
    chosen = all_figures() if figures is None else figures
    visible = [
        figure
        for figure in chosen
        if permissions.can(user, apps.get_model(figure.model), permissions.VIEW, park)
    ]
    return Card(
        park=park,
        period=period,
        figures=[CardFigure(f, f.result(parks=[park], period=period)) for f in visible],
    )


def card_for_request(
    *,
    user,
    park_code: str | None,
    period_text: str | None,
    keys: str | None,
    defaults: bool = True,
):
    """Parse the request's park, period and keys, then compute the card:
    ``Http404`` for a park not the user's, ``ValidationError`` for a bad period or key.
    The page falls back to the active park and the last half year (``defaults``);
    the API does not guess: there a missing or empty park or period is a
    ValidationError naming it."""
    if not defaults:
        missing = {}
        if not (park_code or "").strip():
            missing["park"] = [_("Say which park: park=<park code>.")]
        if not (period_text or "").strip():
            missing["period"] = [_("Say which period: period=2023-H1, for example.")]
        if missing:
            raise ValidationError(missing)
    park = card_park(user=user, code=park_code)
    period = parse_period(period_text) if period_text else default_period()
    return report_card(user=user, park=park, period=period, figures=parse_keys(keys))


def default_period(today: datetime.date | None = None) -> Period:
    """The last finished half year: the report card is a half-year report."""
    return last_finished_half(today or timezone.now().astimezone(CHINA).date())


# Without records to go by, the choices reach back this far (the comparison
# years of the first half-year reports).
EARLIEST_CHOICE_YEAR = 2020
# The kinds offered in the period list, each year in this order; single months
# (2023-M06) stay reachable by URL: the statistics office reports 1–N月累计.
_KIND_ORDER = (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.YTD)


def period_groups(*, first_year: int, today: datetime.date) -> list[tuple[int, list[Period]]]:
    """The periods offered on the card, by year (newest first): each year's whole
    year, halves, quarters and 1–N月累计 (N up to 11: 1–12月 is the year), as
    far as they have begun by ``today``; a period under way is offered too and
    the card says it is not over."""
    groups = []
    for year in range(today.year, max(first_year, FIRST_YEAR) - 1, -1):
        periods = [
            Period(kind, year, number)
            for kind in _KIND_ORDER
            for number in range(1, {"year": 1, "half": 2, "quarter": 4, "ytd": 11}[kind] + 1)
        ]
        periods = [period for period in periods if period.first_day <= today]
        periods.sort(key=lambda p: (-p.last_month, _KIND_ORDER.index(p.kind)))
        groups.append((year, periods))
    return groups


def period_state(period: Period, today: datetime.date) -> str:
    """``"future"`` (not begun), ``"running"`` (not over: figures as of today) or ``"ended"``."""
    if today < period.first_day:
        return "future"
    if today <= period.last_day:
        return "running"
    return "ended"
