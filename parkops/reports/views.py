"""The report card page (成绩单)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render

from parkops.reports import selectors


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
    choices = selectors.period_choices()
    chosen = card.period if card else None
    if chosen is not None and chosen not in choices:
        choices.insert(0, chosen)
    context = {
        "card": card,
        "park": park,
        "parks": selectors.card_parks(user=user),
        "periods": choices,
        "period": chosen,
        "error": error,
        "period_text": period_text or "",
    }
    return render(request, "reports/card.html", context)
