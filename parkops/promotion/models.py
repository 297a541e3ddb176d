"""The promotion structure (招商体系): office, bureaus, regional centres, teams."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkops.core.fields import CodeField, EncryptedCharField
from parkops.core.models import tree_ancestors
from parkops.core.regions import validate_region_code
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


class Institution(ParkScopedModel):
    """An industry institution the park works with (行业机构): an association, a
    chamber of commerce, an intermediary, a research institute, a government
    agency or an investment fund. Its engagement history is its visits."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("industry association")
        CHAMBER = "chamber", _("chamber of commerce")
        INTERMEDIARY = "intermediary", _("intermediary")
        RESEARCH = "research", _("research institute")
        GOVERNMENT = "government", _("government agency")
        FUND = "fund", _("investment fund")

    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.CharField(
        _("region"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("GB/T 2260 code of where the institution is based."),
    )
    industries = models.ManyToManyField(
        "core.Industry",
        through="InstitutionIndustry",
        blank=True,
        related_name="+",
        verbose_name=_("industries"),
    )
    notes = models.TextField(_("notes"), blank=True)

    audit_public_fields = ("kind", "region")

    class Meta:
        ordering = ["park", "name_pinyin", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="institution_unique_name"),
        ]
        indexes = [
            models.Index(fields=["park", "kind"], name="institution_park_kind"),
            models.Index(fields=["park", "name_pinyin"], name="institution_park_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("promotion:institution_detail", args=[self.pk])


class InstitutionIndustry(ParkScopedModel):
    """An industry an institution covers (the many-to-many table, park-scoped)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, db_index=False, verbose_name=_("institution")
    )
    industry = models.ForeignKey(
        "core.Industry",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("industry"),
    )

    audit_public_fields = ("institution", "industry")

    class Meta:
        verbose_name = _("institution industry")
        verbose_name_plural = _("institution industries")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "institution", "industry"], name="institution_industry_unique"
            ),
        ]
        indexes = [models.Index(fields=["park", "industry"], name="institution_ind_park_ind")]


class InstitutionContact(ParkScopedModel):
    """A person to call at an institution. The phone is masked wherever listed."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="contacts",
        db_index=False,
        verbose_name=_("institution"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    # Personal data: encrypted at rest, masked wherever shown (core.text.mask_phone).
    phone = EncryptedCharField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)

    audit_public_fields = ()  # a person's contact details: nothing

    class Meta:
        ordering = ["park", "institution", "id"]
        verbose_name = _("institution contact")
        verbose_name_plural = _("institution contacts")
        indexes = [
            models.Index(fields=["park", "institution"], name="inst_contact_park_inst"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from parkops.enterprises.models import normalise_phone

        if self.institution_id and self.park_id and self.institution.park_id != self.park_id:
            raise ValidationError(
                {"institution": _("The contact's institution is in another park.")}
            )
        if self.phone:
            self.phone = normalise_phone(self.phone)


class Visit(ParkScopedModel):
    """A visit (拜访) by promotion staff to an enterprise or an institution."""

    # An optional reference (编号) a spreadsheet may carry, so that importing the
    # same file again updates its visits rather than logging them twice.
    ref = models.CharField(_("reference"), max_length=30, blank=True)
    date = models.DateField(_("date"))
    unit = models.ForeignKey(
        PromotionUnit,
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,
        verbose_name=_("promotion unit"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="VisitStaff",
        related_name="+",
        verbose_name=_("staff"),
    )
    # Exactly one of the two (services.visit_rules): a visit is to one party.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("enterprise"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        db_index=False,
        verbose_name=_("institution"),
    )
    city = models.CharField(_("city"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True, default="中国")
    purpose = models.CharField(_("purpose"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    next_step_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("next step owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    audit_public_fields = ("date", "unit")

    class Meta:
        ordering = ["park", "-date", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "ref"], condition=~models.Q(ref=""), name="visit_unique_ref"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "date"], name="visit_park_date"),
            models.Index(fields=["park", "enterprise", "date"], name="visit_park_enterprise"),
            models.Index(fields=["park", "institution", "date"], name="visit_park_institution"),
            models.Index(fields=["park", "unit", "date"], name="visit_park_unit"),
            models.Index(fields=["park", "next_step_owner"], name="visit_park_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.visited}"

    @property
    def visited(self):
        return self.enterprise or self.institution

    def get_absolute_url(self) -> str:
        return reverse("promotion:visit_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if bool(self.enterprise_id) == bool(self.institution_id):
            errors["enterprise"] = _(
                "A visit is to one enterprise or one institution: name exactly one."
            )
        for name in ("unit", "enterprise", "institution"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and self.park_id and related.park_id != self.park_id:
                errors[name] = _("Choose one of this park's records.")
        if self.next_step_due and self.date and self.next_step_due < self.date:
            errors["next_step_due"] = _("The next step cannot be due before the visit.")
        if (self.next_step_due or self.next_step_owner_id) and not self.next_step:
            errors["next_step"] = _("Say what the next step is.")
        if errors:
            raise ValidationError(errors)


class VisitStaff(ParkScopedModel):
    """A member of staff on a visit (the many-to-many table, park-scoped)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, db_index=False, verbose_name=_("visit")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("user"),
    )

    audit_public_fields = ("visit", "user")

    class Meta:
        verbose_name = _("visit staff")
        verbose_name_plural = _("visit staff")
        constraints = [
            models.UniqueConstraint(fields=["park", "visit", "user"], name="visit_staff_unique"),
        ]
        indexes = [models.Index(fields=["park", "user"], name="visit_staff_park_user")]
