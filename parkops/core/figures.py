"""The figures registry: every report-card number, declared once by its app.

An app declares its figures in its own ``figures.py`` (the way ``exchange.py``
declares registers) by calling ``declare(Figure(...))``; the registry finds
those modules by autodiscovery on first use, so ``core`` imports no leaf app.
A figure's ``compute(parks=..., period=...)`` is a selector returning a
``FigureResult``: the value (``Decimal``, or ``None`` with the reason), the
comparison value where one applies, a plain-language note of how it was
computed and the ids of the records behind it with the URL of the register's
list filtered to exactly those records (STYLE.md rule 5).

The value (and the comparison value) come from aggregate queries; the record
ids are only read when someone asks for them (``FigureResult.record_ids``, as
the drill-down tests and exports do): the card, its API and the boards show
the value, its count and the link, which are known without loading the rows.

Values are kept exact; ``format_figure`` rounds once, half up, at display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkops.core.periods import Period
from parkops.core.text import format_money


class Section(models.TextChoices):
    """The report card's sections, in the article's order."""

    PROJECTS = "projects", gettext_lazy("Project delivery")
    ENTERPRISES = "enterprises", gettext_lazy("Enterprise cultivation and the economy")
    INNOVATION = "innovation", gettext_lazy("Science and technology innovation")
    ALLIANCE = "alliance", gettext_lazy("Linked development")
    BUSINESS = "business", gettext_lazy("Business environment")
    CITY = "city", gettext_lazy("Industry and city integration")


class Unit(models.TextChoices):
    COUNT = "count", gettext_lazy("count")
    YUAN = "yuan", gettext_lazy("yuan")
    PERCENT = "percent", gettext_lazy("percent")
    PP = "pp", gettext_lazy("percentage points")
    PEOPLE = "people", gettext_lazy("people")
    MU = "mu", gettext_lazy("mu")


class Kind(models.TextChoices):
    COUNTED = "counted", gettext_lazy("counted within the period")
    AS_OF = "as_of", gettext_lazy("as of the period's last day")
    YOY_PCT = "yoy_pct", gettext_lazy("year-on-year change, %")
    CHANGE_PP = "change_pp", gettext_lazy("change in percentage points")
    PLAN_SHARE = "plan_share", gettext_lazy("share of the plan")
    AMOUNT = "amount", gettext_lazy("amount within the period")


# Kinds whose value is the number of records linked: the registry test checks it.
COUNTING_KINDS = frozenset({Kind.COUNTED, Kind.AS_OF})


@dataclass(frozen=True)
class FigureResult:
    """One figure for a set of parks and a period."""

    value: Decimal | None
    note: str  # how it was computed, in plain language
    url: str | None = None  # the register's list, filtered to exactly ``record_ids``
    comparison_value: Decimal | None = None
    reason: str = ""  # why there is no value (e.g. 上年同期为零)
    comparison_url: str | None = None  # the comparison's records, for a counting figure
    # How many records are behind the figure, when the query that computed the
    # value also counted them; otherwise ``len(record_ids)``.
    count: int | None = None
    # Reads the ids of the records behind the figure, on demand: building them
    # is the costly part of a figure and the card only shows their number and link.
    records: Callable[[], Iterable[int]] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def record_ids(self) -> tuple[int, ...]:
        """The ids of the records behind the figure, ascending (read once, on first use)."""
        return tuple(sorted(self.records())) if self.records is not None else ()

    @property
    def record_count(self) -> int:
        """The number of records behind the figure, without reading them when known."""
        return self.count if self.count is not None else len(self.record_ids)


@dataclass(frozen=True)
class Figure:
    """A report-card figure: what it is, how it reads and how it is computed."""

    key: str  # stable: ``<area>.<name>``, ``_yoy_pct`` / ``_pp_`` for changes
    section: Section
    label: str  # lazy gettext: Chinese by default, English in ``en``
    unit: Unit
    kind: Kind
    sentence: str  # lazy gettext with ``{value}``, in the article's style
    compute: Callable[..., FigureResult]  # (*, parks, period) -> FigureResult
    model: str  # ``app_label.ModelName`` of the records: who may read them may see it
    precision: int = 0  # decimals shown
    # What a count is shown in on the card (家 for enterprises, 个 for institutions):
    # lazy gettext in the "measure word" context; the unit's name when not given.
    counter: str | None = None
    # For a change that can fall: the sentence when the value is negative, with the
    # value shown without its sign (同比下降20.0%, not 同比增长-20.0%).
    sentence_down: str | None = None
    # For a change: the sentence when the value shown rounds to zero (与上年同期持平).
    sentence_flat: str | None = None
    # Place within the section: figures of equal ``order`` keep the order in which
    # they were declared (an app's ``figures.py`` declares them as the article prints them).
    order: int = 0

    def display(self, value: Decimal | None, precision: int | None = None) -> str:
        """``value`` as the card shows it: an amount of money in 元, 万元 or 亿元
        with its unit (1300000000 → 13亿元, ``text.format_money``), anything
        else rounded half up to ``precision`` (default the figure's) without one.
        The exact value stays in the result, the API and the drill-down."""
        if value is not None and self.unit == Unit.YUAN:
            return format_money(value)
        return format_figure(value, self.precision if precision is None else precision)

    @property
    def shows_unit(self) -> bool:
        """Whether ``display`` already names the unit (money does: 13亿元)."""
        return self.unit == Unit.YUAN

    @property
    def comparison_precision(self) -> int:
        """A YoY figure's comparison is last year's count or amount, not a percentage."""
        return 0 if self.kind == Kind.YOY_PCT and self.unit == Unit.PERCENT else self.precision

    def result(self, *, parks, period: Period) -> FigureResult:
        """The figure for ``parks`` and ``period``. A counting figure also carries
        the same count for the comparison period (same period last year), with
        the link to those records, as the card's 上年同期 column shows it."""
        result = self.compute(parks=list(parks), period=period)
        if self.kind in COUNTING_KINDS and result.comparison_value is None:
            last_year = self.compute(parks=list(parks), period=period.comparison)
            result = replace(result, comparison_value=last_year.value, comparison_url=last_year.url)
        return result

    def text(self, result: FigureResult) -> str:
        """The figure's sentence with its displayed value, or the reason there is none.
        Rising, falling or level is read from the value as displayed: −0.04 shown at
        one decimal is 0.0, which is level, not 下降0.0%."""
        if result.value is None:
            return _("%(label)s: %(reason)s") % {
                "label": self.label,
                "reason": result.reason or _("no value"),
            }
        shown = Decimal(format_figure(result.value, self.precision))
        if shown == 0 and self.sentence_flat is not None:
            return str(self.sentence_flat)
        if shown < 0 and self.sentence_down is not None:
            return str(self.sentence_down).format(value=self.display(-result.value))
        return str(self.sentence).format(value=self.display(result.value))


_REGISTRY: dict[str, Figure] = {}
_discovered = False


class DuplicateFigure(RuntimeError):
    """Two declarations of one key: keys are stable names, so this is a bug."""


def declare(figure: Figure) -> Figure:
    """Add ``figure`` to the registry; a key may be declared once."""
    if figure.key in _REGISTRY and _REGISTRY[figure.key] is not figure:
        raise DuplicateFigure(figure.key)
    _REGISTRY[figure.key] = figure
    return figure


def _discover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("figures")
        _discovered = True


_card_page: str | None = None


def declare_card_page(url_name: str) -> None:
    """The page that shows the figures (the report card): lists reached from it
    link back to it. Declared by the app that serves it, in its ``figures.py``."""
    global _card_page
    _card_page = url_name


def card_page() -> str | None:
    """The URL name of the report card page, if an installed app serves one."""
    _discover()
    return _card_page


def all_figures() -> list[Figure]:
    """Every declared figure as the article prints them: by section (in the order
    of ``Section``), then by ``order``, then in the order they were declared."""
    _discover()
    sections = {section: index for index, section in enumerate(Section)}
    # ``sorted`` is stable and the registry keeps insertion order: ties stay declared order.
    return sorted(_REGISTRY.values(), key=lambda f: (sections[f.section], f.order))


def get_figure(key: str) -> Figure | None:
    _discover()
    return _REGISTRY.get(key)


def format_figure(value: Decimal | None, precision: int = 0) -> str:
    """``value`` rounded half up to ``precision`` decimals (2.345 → 2.35), the
    statistics office's rule, never the banker's rounding of ``round()``. A value
    that rounds to zero is shown as 0, never −0 (−0.04 → 0.0)."""
    if value is None:
        return ""
    exponent = Decimal(1).scaleb(-precision)
    shown = Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = shown.copy_abs()
    return str(shown)


def yoy_pct(current: Decimal | int, base: Decimal | int | None) -> tuple[Decimal | None, str]:
    """Year-on-year growth in percent, exact; ``(None, reason)`` against a zero or
    missing base (上年同期为零 / 无上年同期数), never infinity."""
    if base is None:
        return None, _("no figure for the same period last year")
    base = Decimal(base)
    if base == 0:
        return None, _("the same period last year was zero")
    return (Decimal(current) - base) / base * 100, ""


def list_url(url_name: str, params: dict, *, parks: Iterable) -> str:
    """The list page ``url_name`` with ``params``, naming the park when there is one."""
    parks = list(parks)
    query = dict(params)
    if len(parks) == 1:
        query = {"park": parks[0].code, **query}
    return f"{reverse(url_name)}?{urlencode(query)}"


def counts(queryset, **conditions) -> dict[str, int]:
    """How many rows of ``queryset`` meet each condition (a ``Q``), in one query
    (conditional aggregation): a figure and its comparison period read the
    same base rows once."""
    from django.db.models import Count

    return queryset.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
