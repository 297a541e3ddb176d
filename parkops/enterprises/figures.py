"""Report-card figures from the enterprise register (企业培育与经济运行)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from parkops.core.figures import (
    Figure,
    FigureResult,
    Kind,
    Section,
    Unit,
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


def _settled_by(parks, day):
    """Enterprises settled in the parks on or before ``day``: only they are the
    park's enterprises on that day (a prospect, or a firm that came later, is not)."""
    return _in_parks(parks).filter(status=Enterprise.Status.SETTLED, settled_on__lte=day)


def _settled_params(day) -> dict:
    return {"status": Enterprise.Status.SETTLED.value, "settled_on_before": day}


def registered(*, parks, period) -> FigureResult:
    """Enterprises settled in the parks on or before the period's last day."""
    ids = _ids(_settled_by(parks, period.last_day))
    return FigureResult(
        value=Decimal(len(ids)),
        note=_(
            "Enterprises with status “settled in the park” whose settlement date is on or "
            "before %(day)s; enterprises without a settlement date are not counted."
        )
        % {"day": period.last_day.isoformat()},
        record_ids=ids,
        url=list_url(LIST, _settled_params(period.last_day), parks=parks),
    )


def above_scale(*, parks, period) -> FigureResult:
    """Above-scale enterprises (规上企业) as of the period's last day: settled in the
    park by then and above-scale on that day, whether or not they still are."""
    day = period.last_day
    ids = _ids(_settled_by(parks, day).filter(Enterprise.above_scale_on_q(day)))
    return FigureResult(
        value=Decimal(len(ids)),
        note=_(
            "Enterprises settled in the park on or before %(day)s that were above-scale on "
            "%(day)s: above-scale since that day or earlier, and not dropped out before it."
        )
        % {"day": day.isoformat()},
        record_ids=ids,
        url=list_url(LIST, {**_settled_params(day), "above_scale_on": day}, parks=parks),
    )


def _entered(parks, period):
    # Entering statistics is history: an enterprise that has dropped out since still
    # entered in this period, so ``above_scale`` (today's status) is not asked.
    return _settled_by(parks, period.last_day).filter(period.dates_q("above_scale_since"))


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
    ids = _ids(_entered(parks, period))
    return FigureResult(
        value=Decimal(len(ids)),
        note=_(
            "Enterprises settled in the park whose above-scale date falls between %(first)s "
            "and %(last)s."
        )
        % {"first": period.first_day.isoformat(), "last": period.last_day.isoformat()},
        record_ids=ids,
        url=_entered_url(parks, period),
    )


def entered_statistics_yoy(*, parks, period) -> FigureResult:
    """Growth of 列统入规 enterprises against the same period last year, in percent."""
    ids = _ids(_entered(parks, period))
    base = _entered(parks, period.comparison).count()
    value, reason = yoy_pct(len(ids), base)
    values = {
        "current": len(ids),
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
        record_ids=ids,
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
