"""The enterprise register: settled enterprises and prospects, with contacts."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkops.core.fields import EncryptedCharField
from parkops.core.links import record_url
from parkops.core.regions import validate_region_code
from parkops.core.scoping import ParkScopedModel
from parkops.enterprises.uscc import validate_uscc


class Enterprise(ParkScopedModel):
    """An enterprise settled in the park, or a prospect courted from elsewhere."""

    class Status(models.TextChoices):
        SETTLED = "settled", _("settled in the park")
        PROSPECT = "prospect", _("prospect")

    name = models.CharField(_("name"), max_length=100)
    former_names = models.TextField(
        _("former names"), blank=True, help_text=_("One name per line.")
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_("18 characters (GB 32100-2015). May be empty only for a foreign prospect."),
    )
    registered_region = models.CharField(
        _("registered region"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("GB/T 2260 code of the place of registration."),
    )
    industry = models.ForeignKey(
        "core.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        db_index=False,
        verbose_name=_("industry"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SETTLED
    )
    # 入园日期: the day the enterprise settled in the park, which report-card
    # figures count by (the record's own creation time is when someone typed it in).
    settled_on = models.DateField(_("settled in the park on"), null=True, blank=True)
    above_scale = models.BooleanField(_("above-scale"), default=False)
    above_scale_since = models.DateField(_("above-scale since"), null=True, blank=True)
    # The last day an enterprise that dropped out of above-scale (退规) counted as
    # above-scale. Kept with ``above_scale_since`` so that past report cards count it
    # as they did: above-scale on day D means since <= D and (no end or D <= until).
    above_scale_until = models.DateField(
        _("above-scale until"),
        null=True,
        blank=True,
        help_text=_("For an enterprise no longer above-scale: the last day it was."),
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("commissioner"),
    )
    # Search helpers, kept in step with ``name`` by the services.
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    name_initials = models.CharField(_("name initials"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    # Name, credit code, industry and commissioner are business data.
    audit_public_fields = (
        "status",
        "settled_on",
        "above_scale",
        "above_scale_since",
        "above_scale_until",
    )

    class Meta:
        ordering = ["park", "name_pinyin", "name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "uscc"],
                condition=~models.Q(uscc=""),
                name="enterprise_unique_uscc",
                violation_error_message=_(
                    "An enterprise with this unified social credit code is already registered."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["park", "name"], name="enterprise_park_name"),
            models.Index(fields=["park", "status"], name="enterprise_park_status"),
            # The list's order (排序按拼音), ending in the id: the first page, and
            # every page by cursor, is a range of this index (core/pagination.py).
            models.Index(
                fields=["park", "name_pinyin", "name", "id"], name="enterprise_park_order"
            ),
            # Search by initials is by prefix (``LIKE 'abc%'``): on PostgreSQL the
            # pattern operator class serves it whatever the database's collation.
            models.Index(
                fields=["park", "name_initials"],
                name="enterprise_park_initials_like",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["park", "industry"], name="enterprise_park_industry"),
            models.Index(fields=["park", "commissioner"], name="enterprise_park_commissioner"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("enterprises:enterprise_detail", self.pk)

    @property
    def former_name_list(self) -> list[str]:
        return [line for line in self.former_names.splitlines() if line.strip()]

    @staticmethod
    def above_scale_on_q(day) -> models.Q:
        """``Q`` for enterprises above-scale on ``day``: from ``above_scale_since``
        through ``above_scale_until`` (open while it is still above-scale)."""
        return models.Q(above_scale_since__lte=day) & (
            models.Q(above_scale_until__isnull=True, above_scale=True)
            | models.Q(above_scale_until__gte=day)
        )

    def _above_scale_errors(self) -> dict:
        """Above-scale is a settled enterprise's status, with the days it held it."""
        errors = {}
        since, until = self.above_scale_since, self.above_scale_until
        if self.above_scale and self.status != self.Status.SETTLED:
            errors["above_scale"] = _("Only an enterprise settled in the park can be above-scale.")
        if self.above_scale and until:
            errors["above_scale_until"] = _(
                "An above-scale enterprise has no end date: clear it, or untick above-scale."
            )
        elif since and not self.above_scale and not until:
            # Unticking above-scale keeps its start: the end is what is new.
            errors["above_scale_until"] = _(
                "Give the last day this enterprise was above-scale (its history is kept)."
            )
        if until and not since:
            errors["above_scale_since"] = _("Give the day it became above-scale too.")
        elif since and until and until < since:
            errors["above_scale_until"] = _("The end cannot be before the start.")
        return errors

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.SETTLED and not self.uscc:
            errors["uscc"] = _("An enterprise settled in the park needs its credit code.")
        errors.update(self._above_scale_errors())
        if self.industry_id and self.park_id and self.industry.park_id != self.park_id:
            errors["industry"] = _("Choose an industry of this park.")
        if errors:
            raise ValidationError(errors)


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")


def normalise_phone(raw: str) -> str:
    """A mainland mobile (13812345678) or landline (0527-84301234[-123]), or an error."""
    compact = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", raw or ""))
    if compact.startswith("+86"):
        compact = compact[3:]
    if _MOBILE.fullmatch(compact.replace("-", "")):
        return compact.replace("-", "")
    if _LANDLINE.fullmatch(compact):
        return compact
    raise ValidationError(
        {
            "phone": _(
                "Enter a mobile number (11 digits, e.g. 13812345678) or a landline with "
                "area code (e.g. 0527-84301234)."
            )
        }
    )


class Contact(ParkScopedModel):
    """A person to call at an enterprise. The phone is masked wherever listed."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="contacts",
        db_index=False,
        verbose_name=_("enterprise"),
    )
    # A person's name (姓名), not an organisation's (名称).
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    # Personal data: encrypted at rest, masked wherever shown (core.text.mask_phone).
    phone = EncryptedCharField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ()  # a person's contact details: nothing

    class Meta:
        ordering = ["park", "enterprise", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["park", "enterprise"], name="contact_park_enterprise")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.enterprise_id and self.park_id and self.enterprise.park_id != self.park_id:
            raise ValidationError({"enterprise": _("The contact's enterprise is in another park.")})
        if self.phone:
            self.phone = normalise_phone(self.phone)
