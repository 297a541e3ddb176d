"""The report card page (成绩单)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from parkops.core.periods import CHINA, FIRST_YEAR, Period, PeriodKind
from parkops.enterprises.selectors import earliest_settled_on
from parkops.reports import selectors

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


def _drill_url(url: str, *, period: Period, figure) -> str:
    """The figure's records, naming the card they came from: the list then says
    so and links back to this card."""
    extra = urlencode({"card_period": period.code, "card_figure": figure.key})
    return f"{url}{'&' if '?' in url else '?'}{extra}"


@login_required
def card(request):
    """A park's figures for a period, by section, each linking to its records."""
    user = request.user
    park = selectors.card_park(user=user, code=request.GET.get("park"))
    period_text = request.GET.get("period")
    error, card = None, None
    try:
        card = selectors.card_for_request(
            user=user, park_code=park.code, period_text=period_text, keys=None
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    today = timezone.now().astimezone(CHINA).date()
    # After a period that was not understood the list shows the default one,
    # which is what "Show" would then give.
    chosen = card.period if card else selectors.default_period(today)
    earliest = earliest_settled_on(user=user, park=park)
    first_year = min(EARLIEST_CHOICE_YEAR, earliest.year if earliest else today.year, chosen.year)
    groups = period_groups(first_year=first_year, today=today)
    if not any(chosen in periods for _year, periods in groups):
        groups.insert(0, (chosen.year, [chosen]))
    sections = []
    if card:
        for label, items in card.by_section():
            rows = []
            for item in items:
                url = item.result.url
                if url:
                    url = _drill_url(url, period=card.period, figure=item.figure)
                rows.append((item, url))
            sections.append((label, items[0].figure.section.value, rows))
    context = {
        "card": card,
        "park": park,
        "parks": selectors.card_parks(user=user),
        "period_groups": groups,
        "period": chosen,
        "period_state": period_state(card.period, today) if card else None,
        "sections": sections,
        "error": error,
        "period_text": period_text or "",
    }
    return render(request, "reports/card.html", context)
