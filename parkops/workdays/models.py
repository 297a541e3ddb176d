"""Administrator overrides of the working-day calendar, per park."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkops.core.periods import FIRST_YEAR
from parkops.core.scoping import ParkScopedModel
from parkops.core.workdays import china_now

# How far ahead a park may enter its calendar: the State Council publishes the
# next year's arrangement in November; a few years more leave room for dates
# known early (a park's anniversary), not for typing slips such as 2200.
YEARS_AHEAD = 5


def calendar_years(today=None) -> range:
    """The years the calendar can be kept for: from the first year of the
    reporting periods (``core.periods.FIRST_YEAR``) to ``YEARS_AHEAD`` years after
    this one (China time)."""
    year = (today or china_now().date()).year
    return range(FIRST_YEAR, year + YEARS_AHEAD + 1)


def outside_calendar_years(years: range) -> str:
    return _("The calendar covers the years %(first)d to %(last)d.") % {
        "first": years[0],
        "last": years[-1],
    }


class CalendarOverride(ParkScopedModel):
    """One day a park works or rests against what the State Council calendar says
    (a local adjustment), or a day of a year the library does not cover yet."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", pgettext_lazy("park adjustment", "make-up working day")
        HOLIDAY = "holiday", pgettext_lazy("park adjustment", "holiday")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["park", "date"]
        verbose_name = _("park calendar adjustment")
        verbose_name_plural = _("park calendar adjustments")
        constraints = [
            # Also the (park, date) index every calendar lookup uses.
            models.UniqueConstraint(fields=["park", "date"], name="calendar_override_unique_date"),
        ]

    # Which day and whether it is worked: what every park user reads on the
    # calendar anyway; the free-text note stays masked for the audit admin.
    audit_public_fields = ("__str__", "date", "kind")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        # A day outside these years could be saved but never shown again: the
        # calendar page does not open its month.
        years = calendar_years()
        if self.date is not None and self.date.year not in years:
            raise ValidationError({"date": outside_calendar_years(years)}, code="out_of_range")

    def get_absolute_url(self) -> str:
        return f"{reverse('workdays:calendaroverride_list')}?month={self.date:%Y-%m}"

    @property
    def working(self) -> bool:
        return self.kind == self.Kind.WORKDAY


class CalendarYear(ParkScopedModel):
    """The park administrator's statement that the State Council's whole
    arrangement for a year the library does not cover (its holidays and make-up
    working days) has been entered as adjustments: from then on that year's
    other days are definite, no longer provisional. Withdrawn by deleting it."""

    year = models.PositiveSmallIntegerField(_("year"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("confirmed by"),
    )
    entered_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        ordering = ["park", "year"]
        verbose_name = _("calendar year entered")
        verbose_name_plural = _("calendar years entered")
        constraints = [
            models.UniqueConstraint(fields=["park", "year"], name="calendar_year_unique_year"),
        ]
        indexes = [models.Index(fields=["park", "entered_by"], name="calendar_year_park_user")]

    audit_public_fields = ("__str__", "year", "entered_at")

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return f"{reverse('workdays:calendaroverride_list')}?month={self.year}-01"
