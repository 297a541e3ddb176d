"""The report card for other systems: ``GET /api/reports/card``."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from parkops.core.api_base import ErrorOut, Schema, user_of
from parkops.reports import selectors

router = Router(tags=["reports"])


class PeriodOut(Schema):
    code: str
    label: str
    first_day: datetime.date
    last_day: datetime.date


class ParkOut(Schema):
    code: str
    name: str


class RecordsOut(Schema):
    count: int
    url: str | None


class FigureOut(Schema):
    key: str
    section: str
    section_label: str
    label: str
    value: int | float | None
    unit: str
    comparison_value: int | float | None
    sentence: str
    note: str
    records: RecordsOut


class CardOut(Schema):
    park: ParkOut
    period: PeriodOut
    comparison_period: PeriodOut
    generated_at: datetime.datetime
    figures: list[FigureOut]


def _period(period) -> dict:
    return {
        "code": period.code,
        "label": period.label,
        "first_day": period.first_day,
        "last_day": period.last_day,
    }


@router.get(
    "/reports/card",
    response={200: CardOut, 400: ErrorOut},
    operation_id="report_card",
    url_name="report_card",
)
def report_card(
    request,
    # Optional here so that a missing one is our 400 with the reason, not ninja's 422.
    park: str | None = None,
    period: str | None = None,
    # Not named ``keys``: ninja merges the query into a dict through ``.keys()``.
    figure_keys: str | None = Query(None, alias="keys"),
):
    """The park's report card (成绩单) for ``period`` (``2023-H1``, ``2023``,
    ``2023-Q2`` …), optionally only the figures in ``keys`` (comma-separated).
    ``value`` is a number: yuan for money, percent for ``_pct`` keys, points
    for ``_pp_`` keys, rounded half up as displayed; null when there is none,
    with the reason in ``sentence`` and ``note``. ``park`` and ``period`` are
    required (unlike the page, the API does not default them). 404 for a park
    that is not the caller's; 400 for a missing park or period, an unknown
    period or key, or a ``keys`` naming no figure."""
    try:
        card = selectors.card_for_request(
            user=user_of(request),
            park_code=park,
            period_text=period,
            keys=figure_keys,
            defaults=False,
        )
    except ValidationError as error:
        errors = {name: list(messages) for name, messages in error.message_dict.items()}
        return Status(400, {"detail": _("The request is not valid."), "errors": errors})
    return Status(
        200,
        {
            "park": {"code": card.park.code, "name": card.park.name},
            "period": _period(card.period),
            "comparison_period": _period(card.period.comparison),
            "generated_at": card.generated_at,
            "figures": [
                {
                    "key": item.figure.key,
                    "section": item.figure.section.value,
                    "section_label": str(item.figure.section.label),
                    "label": str(item.figure.label),
                    "value": item.number(item.result.value),
                    "unit": item.figure.unit.value,
                    "comparison_value": item.number_comparison,
                    "sentence": item.sentence,
                    "note": " ".join(filter(None, [item.result.reason, item.result.note])),
                    "records": {"count": item.count, "url": item.result.url},
                }
                for item in card.figures
            ],
        },
    )
