"""Administrator overrides of the working-day calendar, per park."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkops.core.scoping import ParkScopedModel


class CalendarOverride(ParkScopedModel):
    """One day a park works or rests against what the State Council calendar says
    (a local adjustment), or a day of a year the library does not cover yet."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("working day")
        HOLIDAY = "holiday", _("day off")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["park", "date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [
            # Also the (park, date) index every calendar lookup uses.
            models.UniqueConstraint(fields=["park", "date"], name="calendar_override_unique_date"),
        ]

    # Which day and whether it is worked: what every park user reads on the
    # calendar anyway; the free-text note stays masked for the audit admin.
    audit_public_fields = ("__str__", "date", "kind")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return f"{reverse('workdays:calendar')}?month={self.date:%Y-%m}"

    @property
    def working(self) -> bool:
        return self.kind == self.Kind.WORKDAY
