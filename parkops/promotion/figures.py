"""Report-card figures of investment promotion (招商): MECHANISMS.md §1."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy, pgettext_lazy

from parkops.core.figures import Figure, FigureResult, Kind, Section, Unit, declare, list_url
from parkops.promotion.models import Visit
from parkops.promotion.selectors import first_visits

LIST = "promotion:visit_list"
MODEL = "promotion.Visit"


def _visits(parks):
    # Unscoped on purpose: the caller (the report card) decided the user may read
    # these parks' visits; a figure is the same number whoever asks.
    return Visit.objects.unscoped().filter(park__in=parks)


def _url(parks, period, party: str) -> str:
    params = {"date_after": period.first_day, "date_before": period.last_day, "first_per": party}
    return list_url(LIST, params, parks=parks)


def _distinct(party: str, note: str):
    def compute(*, parks, period) -> FigureResult:
        # The number of distinct parties visited is the number of first visits
        # (one per party), counted for the period and the same period last year
        # in one query; the first visits themselves are read only when asked for.
        base = period.comparison
        column = f"{party}_id"
        found = (
            _visits(parks)
            .filter(period.dates_q("date") | base.dates_q("date"))
            .aggregate(
                now=Count(column, distinct=True, filter=period.dates_q("date")),
                then=Count(column, distinct=True, filter=base.dates_q("date")),
            )
        )
        return FigureResult(
            value=Decimal(found["now"]),
            note=note
            % {"first": period.first_day.isoformat(), "last": period.last_day.isoformat()},
            count=found["now"],
            records=lambda: first_visits(_visits(parks).filter(period.dates_q("date")), party),
            url=_url(parks, period, party),
            comparison_value=Decimal(found["then"]),
            comparison_url=_url(parks, base, party),
        )

    return compute


enterprises_visited = _distinct(
    "enterprise",
    gettext_lazy(
        "Distinct enterprises visited between %(first)s and %(last)s: several visits to one "
        "enterprise count once; the list shows the first visit to each."
    ),
)
institutions_engaged = _distinct(
    "institution",
    gettext_lazy(
        "Distinct institutions visited between %(first)s and %(last)s: several visits to one "
        "institution count once; the list shows the first visit to each."
    ),
)

# The article prints these in its project-delivery section (项目引建), with the
# "14312" structure that does the visiting.
declare(
    Figure(
        key="promotion.enterprises_visited",
        section=Section.PROJECTS,
        label=gettext_lazy("Enterprises visited"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "enterprises"),
        kind=Kind.COUNTED,
        sentence=gettext_lazy("{value} enterprises visited"),
        compute=enterprises_visited,
        model=MODEL,
    )
)
declare(
    Figure(
        key="promotion.institutions_engaged",
        section=Section.PROJECTS,
        label=gettext_lazy("Industry institutions engaged"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "institutions"),
        kind=Kind.COUNTED,
        sentence=gettext_lazy("{value} industry institutions of all kinds engaged"),
        compute=institutions_engaged,
        model=MODEL,
    )
)
