"""Report-card figures from the enterprise register (企业培育与经济运行)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from parkops.core.figures import (
    Figure,
    FigureResult,
    Kind,
    Section,
    Unit,
    counts,
    declare,
    list_url,
    yoy_pct,
)
from parkops.enterprises.models import Enterprise

LIST = "enterprises:enterprise_list"
MODEL = "enterprises.Enterprise"


def _ids(queryset) -> tuple[int, ...]:
    return tuple(queryset.order_by("pk").values_list("pk", flat=True))


def _in_parks(parks):
    # Unscoped on purpose: the caller (the report card) decided the user may read
    # these parks' enterprises; a figure is the same number whoever asks.
    return Enterprise.objects.unscoped().filter(park__in=parks)


def _settled_params(day) -> dict:
    return {"status": Enterprise.Status.SETTLED.value, "settled_on_before": day}


def _settled(parks):
    return _in_parks(parks).filter(status=Enterprise.Status.SETTLED)


def _on(day):
    """Settled on or before ``day``: only they are the park's enterprises on that
    day (a prospect, or a firm that came later, is not)."""
    return Q(settled_on__lte=day)


def _above_scale_on(day):
    return _on(day) & Enterprise.above_scale_on_q(day)


def _entered_in(period):
    # Entering statistics is history: an enterprise that has dropped out since still
    # entered in this period, so ``above_scale`` (today's status) is not asked.
    return _on(period.last_day) & period.dates_q("above_scale_since")


def _counted(parks, period, condition) -> tuple[int, int]:
    """``condition(period)`` and ``condition(the same period last year)`` counted
    over the parks' settled enterprises in one query."""
    found = counts(_settled(parks), now=condition(period), then=condition(period.comparison))
    return found["now"], found["then"]


def _records(parks, condition):
    return lambda: _ids(_settled(parks).filter(condition))


def registered(*, parks, period) -> FigureResult:
    """Enterprises settled in the parks on or before the period's last day."""
    day, base = period.last_day, period.comparison.last_day
    now, then = _counted(parks, period, lambda p: _on(p.last_day))
    return FigureResult(
        value=Decimal(now),
        note=_(
            "Enterprises with status “settled in the park” whose settlement date is on or "
            "before %(day)s; enterprises without a settlement date are not counted."
        )
        % {"day": day.isoformat()},
        count=now,
        records=_records(parks, _on(day)),
        url=list_url(LIST, _settled_params(day), parks=parks),
        comparison_value=Decimal(then),
        comparison_url=list_url(LIST, _settled_params(base), parks=parks),
    )


def above_scale(*, parks, period) -> FigureResult:
    """Above-scale enterprises (规上企业) as of the period's last day: settled in the
    park by then and above-scale on that day, whether or not they still are."""
    day, base = period.last_day, period.comparison.last_day
    now, then = _counted(parks, period, lambda p: _above_scale_on(p.last_day))
    return FigureResult(
        value=Decimal(now),
        note=_(
            "Enterprises settled in the park on or before %(day)s that were above-scale on "
            "%(day)s: above-scale since that day or earlier, and not dropped out before it."
        )
        % {"day": day.isoformat()},
        count=now,
        records=_records(parks, _above_scale_on(day)),
        url=_above_scale_url(parks, day),
        comparison_value=Decimal(then),
        comparison_url=_above_scale_url(parks, base),
    )


def _above_scale_url(parks, day) -> str:
    return list_url(LIST, {**_settled_params(day), "above_scale_on": day}, parks=parks)


def _entered_url(parks, period) -> str:
    return list_url(
        LIST,
        {
            **_settled_params(period.last_day),
            "above_scale_since_after": period.first_day,
            "above_scale_since_before": period.last_day,
        },
        parks=parks,
    )


def entered_statistics(*, parks, period) -> FigureResult:
    """Enterprises that entered statistics as above-scale (列统入规) in the period."""
    now, then = _counted(parks, period, _entered_in)
    return FigureResult(
        value=Decimal(now),
        note=_(
            "Enterprises settled in the park whose above-scale date falls between %(first)s "
            "and %(last)s."
        )
        % {"first": period.first_day.isoformat(), "last": period.last_day.isoformat()},
        count=now,
        records=_records(parks, _entered_in(period)),
        url=_entered_url(parks, period),
        comparison_value=Decimal(then),
        comparison_url=_entered_url(parks, period.comparison),
    )


def entered_statistics_yoy(*, parks, period) -> FigureResult:
    """Growth of 列统入规 enterprises against the same period last year, in percent."""
    current, base = _counted(parks, period, _entered_in)
    value, reason = yoy_pct(current, base)
    values = {
        "current": current,
        "base": base,
        "period": period.code,
        "comparison": period.comparison.code,
    }
    if base == 0:
        # No formula: it would divide by zero.
        note = (
            _(
                "%(current)d enterprises entered statistics in %(period)s and none in "
                "%(comparison)s: there is no growth rate against zero."
            )
            % values
        )
    else:
        note = (
            _(
                "(%(current)d − %(base)d) ÷ %(base)d × 100: enterprises that entered "
                "statistics in %(period)s against %(comparison)s."
            )
            % values
        )
    return FigureResult(
        value=value,
        comparison_value=Decimal(base),
        reason=reason,
        note=note,
        count=current,
        records=_records(parks, _entered_in(period)),
        url=_entered_url(parks, period),
    )


SECTION = Section.ENTERPRISES

declare(
    Figure(
        key="enterprises.registered",
        section=SECTION,
        label=gettext_lazy("Enterprises settled in the park"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "enterprises"),
        kind=Kind.AS_OF,
        sentence=gettext_lazy("{value} enterprises settled in the park"),
        compute=registered,
        model=MODEL,
    )
)
declare(
    Figure(
        key="enterprises.above_scale",
        section=SECTION,
        label=gettext_lazy("Above-scale enterprises"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "enterprises"),
        kind=Kind.AS_OF,
        sentence=gettext_lazy("{value} above-scale enterprises"),
        compute=above_scale,
        model=MODEL,
    )
)
declare(
    Figure(
        key="enterprises.entered_statistics_new",
        section=SECTION,
        label=gettext_lazy("Enterprises newly entered into statistics"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "enterprises"),
        kind=Kind.COUNTED,
        sentence=gettext_lazy("{value} enterprises newly entered into statistics"),
        compute=entered_statistics,
        model=MODEL,
    )
)
declare(
    Figure(
        key="enterprises.entered_statistics_new_yoy_pct",
        section=SECTION,
        label=gettext_lazy("Enterprises newly entered into statistics, year on year"),
        unit=Unit.PERCENT,
        kind=Kind.YOY_PCT,
        sentence=gettext_lazy("Enterprises newly entered into statistics up {value}% year on year"),
        sentence_down=gettext_lazy(
            "Enterprises newly entered into statistics down {value}% year on year"
        ),
        sentence_flat=gettext_lazy(
            "Enterprises newly entered into statistics level with the same period last year"
        ),
        compute=entered_statistics_yoy,
        model=MODEL,
        precision=1,
    )
)
