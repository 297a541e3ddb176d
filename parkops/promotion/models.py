"""The promotion structure (招商体系): office, bureaus, regional centres, teams."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkops.core.fields import CodeField
from parkops.core.models import tree_ancestors
from parkops.core.scoping import ParkScopedModel


class PromotionUnit(ParkScopedModel):
    """One unit of a park's promotion structure. Units are data: parks differ."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("promotion office")
        BUREAU = "bureau", _("specialised bureau")
        REGIONAL_CENTRE = "regional_centre", _("regional centre")
        DEPT_TEAM = "dept_team", _("department team")

    code = CodeField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    # 排序按拼音: the name column sorts by this key, set by the services from the name.
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,
        verbose_name=_("parent unit"),
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("head"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PromotionUnitMember",
        blank=True,
        related_name="+",
        verbose_name=_("members"),
    )

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    # Some parks treat their units' names as confidential.
    audit_public_fields = ("kind", "parent")

    class Meta:
        ordering = ["park", "code"]
        verbose_name = _("promotion unit")
        verbose_name_plural = _("promotion units")
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="unit_unique_code"),
        ]
        indexes = [
            models.Index(fields=["park", "kind"], name="unit_park_kind"),
            models.Index(fields=["park", "parent"], name="unit_park_parent"),
            models.Index(fields=["park", "head"], name="unit_park_head"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("promotion:promotionunit_detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.park_id and self.parent.park_id != self.park_id:
            raise ValidationError({"parent": _("Choose a unit of this park.")})
        # From the database, not cached parent objects that may be out of date.
        if self.pk is not None and self.pk in tree_ancestors(type(self), self.parent_id):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})


class PromotionUnitMember(ParkScopedModel):
    """A member of a unit (the many-to-many table, park-scoped like its unit)."""

    unit = models.ForeignKey(
        PromotionUnit,
        on_delete=models.CASCADE,
        db_index=False,
        verbose_name=_("promotion unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("user"),
    )

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ("unit", "user")

    class Meta:
        verbose_name = _("unit member")
        verbose_name_plural = _("unit members")
        constraints = [
            models.UniqueConstraint(fields=["park", "unit", "user"], name="unit_member_unique"),
        ]
        indexes = [models.Index(fields=["park", "user"], name="unit_member_park_user")]
