"""The promotion structure (招商体系): office, bureaus, regional centres, teams."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkops.core.fields import CodeField, EncryptedCharField
from parkops.core.links import record_url
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
        return record_url("promotion:promotionunit_detail", self.pk)

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
            # The list's order, ending in the id (first and cursor pages).
            models.Index(
                fields=["park", "name_pinyin", "name", "id"], name="institution_park_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("promotion:institution_detail", self.pk)


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
    # The event or trip (招商活动) the visit was made during, if any: same park,
    # the visit's date within the event's dates (clean).
    event = models.ForeignKey(
        "PromotionEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        db_index=False,
        verbose_name=_("promotion event"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    audit_public_fields = ("date", "unit", "event")

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
            # The list's order (newest first: the index read backwards), with the id.
            models.Index(fields=["park", "date", "id"], name="visit_park_date_id"),
            models.Index(fields=["park", "enterprise", "date"], name="visit_park_enterprise"),
            models.Index(fields=["park", "institution", "date"], name="visit_park_institution"),
            models.Index(fields=["park", "unit", "date"], name="visit_park_unit"),
            models.Index(fields=["park", "next_step_owner"], name="visit_park_owner"),
            models.Index(fields=["park", "event", "date"], name="visit_park_event"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.visited}"

    @property
    def visited(self):
        return self.enterprise or self.institution

    def get_absolute_url(self) -> str:
        return record_url("promotion:visit_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        if bool(self.enterprise_id) == bool(self.institution_id):
            errors["enterprise"] = _(
                "A visit is to one enterprise or one institution: name exactly one."
            )
        for name in ("unit", "enterprise", "institution", "event"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and self.park_id and related.park_id != self.park_id:
                errors[name] = _("Choose one of this park's records.")
        if (
            self.event_id
            and self.date
            and "event" not in errors
            and not self.event.covers(self.date)
        ):
            errors["event"] = _(
                "The visit's date is outside the event's dates (%(start)s to %(end)s)."
            ) % {"start": self.event.start_date.isoformat(), "end": self.event.end_date.isoformat()}
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


class PromotionEvent(ParkScopedModel):
    """A promotion event (招商活动) of the host park: a fair, a roadshow, an
    overseas trip, a forum or a joint event of the alliance. Its participants,
    partner parks, enterprises and institutions met are many-to-many rows of the
    host park; the visits made during it point to it (``Visit.event``).

    A joint event belongs to its host park alone: the partner parks are named on
    it, but their users do not see the host's record (each park's promotion
    work stays confidential to it)."""

    class Kind(models.TextChoices):
        FAIR = "fair", _("fair or expo")
        ROADSHOW = "roadshow", _("roadshow")
        OVERSEAS = "overseas", _("overseas trip")
        CONFERENCE = "conference", _("conference or forum")
        JOINT = "joint", _("joint alliance event")
        OTHER = "other", _("other event")

    # An optional reference (编号) a spreadsheet may carry, so that importing the
    # same file again updates its events rather than adding them twice.
    ref = models.CharField(_("reference"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100)
    # 排序按拼音 and search by pinyin or its initials (rbzs → 日本招商...), set by the services.
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    name_initials = models.CharField(_("name initials"), max_length=100, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(pgettext_lazy("event", "start date"))
    end_date = models.DateField(pgettext_lazy("event", "end date"))
    city = models.CharField(_("city"), max_length=60, blank=True)
    country = models.CharField(
        _("country"),
        max_length=60,
        blank=True,
        default="中国",
        help_text=_("One or several, e.g. 日本、新加坡."),
    )
    organiser_unit = models.ForeignKey(
        PromotionUnit,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
        verbose_name=pgettext_lazy("event", "organising unit"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PromotionEventStaff",
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("event", "participants"),
    )
    partner_parks = models.ManyToManyField(
        "core.Park",
        through="PromotionEventPark",
        through_fields=("event", "partner"),
        blank=True,
        related_name="+",
        verbose_name=_("partner parks"),
        help_text=_(
            "Other parks of the alliance taking part. The event stays this park's "
            "record: the partner parks' users do not see it."
        ),
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        through="PromotionEventEnterprise",
        blank=True,
        related_name="+",
        verbose_name=_("enterprises met"),
    )
    institutions = models.ManyToManyField(
        Institution,
        through="PromotionEventInstitution",
        blank=True,
        related_name="+",
        verbose_name=_("institutions met"),
    )
    description = models.TextField(pgettext_lazy("event", "description"), blank=True)
    outcome = models.TextField(pgettext_lazy("event", "outcome"), blank=True)

    audit_public_fields = ("kind", "start_date", "end_date", "organiser_unit")

    class Meta:
        ordering = ["park", "-start_date", "-pk"]
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "ref"], condition=~models.Q(ref=""), name="event_unique_ref"
            ),
        ]
        indexes = [
            # The list's order (newest first: the index read backwards), with the id.
            models.Index(fields=["park", "start_date", "id"], name="event_park_start_id"),
            models.Index(fields=["park", "kind", "start_date"], name="event_park_kind"),
            models.Index(fields=["park", "organiser_unit"], name="event_park_unit"),
            models.Index(fields=["park", "name_pinyin"], name="event_park_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("promotion:promotionevent_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The event cannot end before it starts.")
        if self.organiser_unit_id and self.park_id and self.organiser_unit.park_id != self.park_id:
            errors["organiser_unit"] = _("Choose one of this park's records.")
        if errors:
            raise ValidationError(errors)

    def covers(self, day) -> bool:
        return self.start_date <= day <= self.end_date


class PromotionEventStaff(ParkScopedModel):
    """A participant of an event: a promotion officer of the host park."""

    event = models.ForeignKey(
        PromotionEvent, on_delete=models.CASCADE, db_index=False, verbose_name=_("promotion event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("user"),
    )

    audit_public_fields = ("event", "user")

    class Meta:
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")
        constraints = [
            models.UniqueConstraint(fields=["park", "event", "user"], name="event_staff_unique"),
        ]
        indexes = [models.Index(fields=["park", "user"], name="event_staff_park_user")]


class PromotionEventPark(ParkScopedModel):
    """A partner park of a joint event (another park of the host's alliance).
    The row is the host park's (``park``); the partner park sees nothing of it."""

    event = models.ForeignKey(
        PromotionEvent, on_delete=models.CASCADE, db_index=False, verbose_name=_("promotion event")
    )
    partner = models.ForeignKey(
        "core.Park",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("partner park"),
    )

    audit_public_fields = ("event", "partner")

    class Meta:
        verbose_name = _("event partner park")
        verbose_name_plural = _("event partner parks")
        constraints = [
            models.UniqueConstraint(fields=["park", "event", "partner"], name="event_park_unique"),
        ]
        indexes = [models.Index(fields=["park", "partner"], name="event_park_park_partner")]


class PromotionEventEnterprise(ParkScopedModel):
    """An enterprise (settled or prospect) of the host park met at an event."""

    event = models.ForeignKey(
        PromotionEvent, on_delete=models.CASCADE, db_index=False, verbose_name=_("promotion event")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("enterprise"),
    )

    audit_public_fields = ("event", "enterprise")

    class Meta:
        verbose_name = _("enterprise met")
        verbose_name_plural = _("enterprises met")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "event", "enterprise"], name="event_enterprise_unique"
            ),
        ]
        indexes = [models.Index(fields=["park", "enterprise"], name="event_ent_park_ent")]


class PromotionEventInstitution(ParkScopedModel):
    """An institution of the host park met at an event."""

    event = models.ForeignKey(
        PromotionEvent, on_delete=models.CASCADE, db_index=False, verbose_name=_("promotion event")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("institution"),
    )

    audit_public_fields = ("event", "institution")

    class Meta:
        verbose_name = _("institution met")
        verbose_name_plural = _("institutions met")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "event", "institution"], name="event_institution_unique"
            ),
        ]
        indexes = [models.Index(fields=["park", "institution"], name="event_inst_park_inst")]
