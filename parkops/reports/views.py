"""The report card page (成绩单)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from parkops.core.periods import CHINA, Period
from parkops.enterprises.selectors import earliest_settled_on
from parkops.reports import selectors


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
    first_year = min(
        selectors.EARLIEST_CHOICE_YEAR, earliest.year if earliest else today.year, chosen.year
    )
    groups = selectors.period_groups(first_year=first_year, today=today)
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
        "period_state": selectors.period_state(card.period, today) if card else None,
        "sections": sections,
        "error": error,
        "period_text": period_text or "",
    }
    return render(request, "reports/card.html", context)
