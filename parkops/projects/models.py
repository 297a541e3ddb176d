"""Projects (项目): leads, negotiations, signings and the stages after them.

A project's history is its events (``ProjectEvent``): every stage change is a
dated event, a wrong date is corrected by another event, and a change of first
contact (项目首招负责制) is an event too. Nothing in the history is overwritten.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkops.core.links import record_url
from parkops.core.regions import validate_region_code
from parkops.core.scoping import ParkScopedModel


class Stage(models.TextChoices):
    LEAD = "lead", _("lead")
    NEGOTIATING = "negotiating", _("negotiating")
    SIGNED = "signed", _("signed")
    READY = "ready", _("ready to start")
    STARTED = "started", _("started")
    COMPLETED = "completed", _("completed")
    PRODUCING = "producing", _("in production")
    DROPPED = "dropped", _("dropped")
    ON_HOLD = "on_hold", _("on hold")


# The lifecycle in order (MECHANISMS.md §2); DROPPED and ON_HOLD stand beside it.
LIFECYCLE = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.READY,
    Stage.STARTED,
    Stage.COMPLETED,
    Stage.PRODUCING,
)
FINAL = frozenset({Stage.PRODUCING, Stage.DROPPED})
# Stages a project may be dropped from or put on hold at.
OPEN = frozenset(LIFECYCLE) - FINAL
# Moves that need a reason.
NEEDS_REASON = frozenset({Stage.DROPPED, Stage.ON_HOLD})


def _transitions() -> frozenset[tuple[str, str]]:
    pairs = set(itertools.pairwise(LIFECYCLE))
    pairs |= {(stage, Stage.DROPPED) for stage in OPEN}
    pairs |= {(stage, Stage.ON_HOLD) for stage in OPEN}
    # From ON_HOLD: back to the stage it was held at (``resumes_to``), or dropped.
    pairs |= {(Stage.ON_HOLD, stage) for stage in OPEN}
    pairs.add((Stage.ON_HOLD, Stage.DROPPED))
    return frozenset(pairs)


# THE transition table: every (from, to) a project may move along. A move from
# ON_HOLD is further limited to the stage the project was held at (or DROPPED):
# ``services.allowed_next_stages`` applies both.
TRANSITIONS = _transitions()


class Project(ParkScopedModel):
    """An investment project the park courts and then delivers."""

    Stage = Stage

    class Source(models.TextChoices):
        VISIT = "visit", _("visit")
        EVENT = "event", _("promotion event")
        REFERRAL = "referral", _("referral")
        ONLINE = "online", _("online")
        OTHER = "other", _("other")

    # An optional reference (编号): the key a spreadsheet import matches rows by.
    ref = models.CharField(_("reference"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("investor"),
        help_text=_("The investing enterprise: a prospect or a firm settled in the park."),
    )
    industry = models.ForeignKey(
        "core.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("industry"),
    )
    planned_investment = models.DecimalField(
        _("planned investment (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # Foreign investment (外资): the amount in US dollars and the rate used, both or neither.
    planned_investment_usd = models.DecimalField(
        _("planned investment (US dollars)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    usd_rate = models.DecimalField(
        _("yuan per US dollar"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.OTHER
    )
    source_visit = models.ForeignKey(
        "promotion.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("source visit"),
    )
    # The promotion event (招商活动) the lead came from: its "leads generated".
    source_event = models.ForeignKey(
        "promotion.PromotionEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("source event"),
    )
    origin_region = models.CharField(
        _("origin region"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("GB/T 2260 code of where the investor comes from (e.g. 320500 Suzhou)."),
    )
    # 项目首招负责制: set when the lead is created, changed only by
    # ``services.project_first_contact_change`` (a park leader, with a reason).
    first_contact_unit = models.ForeignKey(
        "promotion.PromotionUnit",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("first contact unit"),
    )
    first_contact_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("first contact officer"),
    )
    # Who handles the project now (the first contact unless handed over).
    owner_unit = models.ForeignKey(
        "promotion.PromotionUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("owner unit"),
    )
    owner_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("owner officer"),
    )
    # A denormalisation for lists and filters: the stage of the latest stage
    # event and its date, kept equal to the events by the services (the events
    # are the record; ``selectors.stage_dates`` reads them).
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD, editable=False
    )
    stage_on = models.DateField(_("stage date"), editable=False)
    # The signing (签约): the agreement's amount, recorded with the move to SIGNED.
    signed_amount = models.DecimalField(
        _("signed amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    # The promotion event the agreement was signed at (在推介会上签约), if any.
    signing_event = models.ForeignKey(
        "promotion.PromotionEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("signing event"),
    )
    # Confidential (ROLES.md): shown only through ``selectors.terms_reader``.
    terms = models.TextField(_("negotiation terms"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    audit_public_fields = ("stage", "stage_on", "first_contact_unit", "owner_unit")

    class Meta:
        ordering = ["park", "name_pinyin", "name", "pk"]
        verbose_name = _("project")
        # The list is where leads come in as well (the menu's name for it).
        verbose_name_plural = _("leads and projects")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "ref"], condition=~models.Q(ref=""), name="project_unique_ref"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "stage", "stage_on"], name="project_park_stage"),
            models.Index(fields=["park", "first_contact_unit"], name="project_park_first_unit"),
            models.Index(fields=["park", "first_contact_officer"], name="project_park_first_off"),
            models.Index(fields=["park", "owner_unit"], name="project_park_owner_unit"),
            models.Index(fields=["park", "owner_officer"], name="project_park_owner_off"),
            models.Index(fields=["park", "investor"], name="project_park_investor"),
            models.Index(fields=["park", "industry"], name="project_park_industry"),
            models.Index(fields=["park", "source_visit"], name="project_park_visit"),
            models.Index(fields=["park", "source_event"], name="project_park_event"),
            # The list's order, ending in the id (first and cursor pages).
            models.Index(fields=["park", "name_pinyin", "name", "id"], name="project_park_order"),
            models.Index(fields=["park", "signing_event"], name="project_park_sign_event"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("projects:project_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        for name in (
            "investor",
            "industry",
            "source_visit",
            "source_event",
            "first_contact_unit",
            "owner_unit",
            "signing_event",
        ):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and self.park_id and related.park_id != self.park_id:
                errors[name] = _("Choose one of this park's records.")
        if (self.planned_investment_usd is None) != (self.usd_rate is None):
            errors["usd_rate"] = _(
                "Give both the amount in US dollars and the rate used, or neither."
            )
        for name in ("planned_investment", "planned_investment_usd", "usd_rate"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("An amount cannot be negative.")
        if self.source_visit_id and self.source != self.Source.VISIT:
            errors["source_visit"] = _("A source visit is given only when the source is a visit.")
        if self.source_event_id and self.source != self.Source.EVENT:
            errors["source_event"] = _(
                "A source event is given only when the source is a promotion event."
            )
        if errors:
            raise ValidationError(errors)


class ProjectEvent(ParkScopedModel):
    """One dated entry of a project's history: a stage change, a correction of
    an earlier event's date, or a change of first contact. Never changed."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("stage change")
        CORRECTION = "correction", _("date correction")
        FIRST_CONTACT = "first_contact", _("first contact change")
        # Lead handling (线索处理时限, ``LeadPolicy``): the steps that stop a deadline.
        ASSIGNED = "assigned", _("owner assigned")
        ASSESSMENT = "assessment", _("assessment")
        FEEDBACK = "feedback", _("feedback")
        PROGRESS = "progress", _("progress note")
        # 列统入规: the project (its enterprise) entered the statistics (once;
        # its date corrected by a CORRECTION like a stage change's).
        ENTERED_STATISTICS = "entered_statistics", _("entered statistics")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices, blank=True)
    # The day the change took effect (China time), not the day it was recorded.
    on_date = models.DateField(_("effective date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # A CORRECTION names the event whose date it corrects.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        db_index=False,
        verbose_name=_("corrects"),
    )
    # A FIRST_CONTACT event: who it was and who it is.
    details = models.JSONField(_("details"), default=dict, blank=True)

    audit_public_fields = ("project", "kind", "from_stage", "to_stage", "on_date", "corrects")

    class Meta:
        ordering = ["park", "project", "on_date", "pk"]
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        indexes = [
            models.Index(fields=["park", "project", "on_date"], name="projectevent_park_project"),
            models.Index(fields=["park", "to_stage", "on_date"], name="projectevent_park_stage"),
            models.Index(fields=["park", "corrects"], name="projectevent_park_corrects"),
            models.Index(fields=["park", "recorded_by"], name="projectevent_park_recorder"),
        ]

    def __str__(self) -> str:
        return f"{self.on_date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.project.get_absolute_url()}#event-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.project_id and self.park_id and self.project.park_id != self.park_id:
            errors["project"] = _("Choose one of this park's records.")
        if self.kind == self.Kind.CORRECTION:
            if not self.corrects_id:
                errors["corrects"] = _("Say which event the correction corrects.")
            elif self.corrects.project_id != self.project_id:
                errors["corrects"] = _("A correction corrects an event of the same project.")
        if self.kind in (self.Kind.CORRECTION, self.Kind.FIRST_CONTACT) and not self.reason:
            errors["reason"] = _("Give the reason.")
        if self.kind in NOTE_KINDS and not (self.note or "").strip():
            errors["note"] = _("Write what was done: the note cannot be empty.")
        move = (self.from_stage, self.to_stage)
        new_lead = move == ("", Stage.LEAD)  # a new lead comes from no stage
        if self.kind == self.Kind.STAGE and move not in TRANSITIONS and not new_lead:
            errors["to_stage"] = _("This stage change is not allowed.")
        if errors:
            raise ValidationError(errors)


# The lead-handling steps recorded with a note of what was done.
NOTE_KINDS = frozenset(
    {ProjectEvent.Kind.ASSESSMENT, ProjectEvent.Kind.FEEDBACK, ProjectEvent.Kind.PROGRESS}
)


class LeadPolicy(ParkScopedModel):
    """A park's lead-handling deadlines (线索处理时限), in working days of its
    calendar (State Council holidays, make-up working days, its overrides).

    One per park, kept by the park administrator; a park without one follows
    ``DEFAULTS`` (one city's practice, MECHANISMS.md): an owner assigned within
    1 working day of the lead, assessed within 3 (5 for a major lead), feedback
    within 5, then a progress note every 10; leads of 5亿 or more are major and
    reported to the leadership."""

    DEFAULTS = {
        "assign_days": 1,
        "assess_days": 3,
        "assess_major_days": 5,
        "feedback_days": 5,
        "progress_days": 10,
        "major_threshold": Decimal("500000000.00"),
    }

    assign_days = models.PositiveSmallIntegerField(
        _("owner assigned within (working days)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    assess_days = models.PositiveSmallIntegerField(
        _("assessed within (working days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    assess_major_days = models.PositiveSmallIntegerField(
        _("major lead assessed within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    feedback_days = models.PositiveSmallIntegerField(
        _("feedback within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    progress_days = models.PositiveSmallIntegerField(
        _("progress note every (working days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
    )
    major_threshold = models.DecimalField(
        _("major lead from (yuan)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("500000000.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Leads of this planned investment or more are flagged for the leadership."),
    )

    audit_public_fields = (
        "assign_days",
        "assess_days",
        "assess_major_days",
        "feedback_days",
        "progress_days",
        "major_threshold",
    )

    class Meta:
        ordering = ["park", "pk"]
        verbose_name = _("lead handling deadlines")
        verbose_name_plural = _("lead handling deadlines")
        constraints = [
            models.UniqueConstraint(fields=["park"], name="leadpolicy_one_per_park"),
        ]

    def __str__(self) -> str:
        return _("Lead handling deadlines of %(park)s") % {"park": self.park}

    def get_absolute_url(self) -> str:
        return record_url("projects:leadpolicy_detail", self.pk)


class ProjectDocument(ParkScopedModel):
    """A document attached to a project (an agreement, a memorandum): the file
    kept under a random name outside the web root (``documents.py``), its
    uploaded name, size, SHA-256 and type as read from its content."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("investment agreement")
        MOU = "mou", _("memorandum of understanding")
        OTHER = "other", _("other document")

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="documents",
        db_index=False,
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGREEMENT)
    # The file's name in ``documents.document_storage()``: random, no extension.
    file = models.CharField(_("stored file"), max_length=200, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(_("file type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    audit_public_fields = ("project", "kind", "original_name", "size", "sha256", "content_type")

    class Meta:
        ordering = ["park", "project", "uploaded_at", "pk"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        indexes = [
            models.Index(fields=["park", "project", "uploaded_at"], name="projectdoc_park_project"),
            models.Index(fields=["park", "uploaded_by"], name="projectdoc_park_uploader"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return f"{record_url('projects:project_detail', self.project_id)}#document-{self.pk}"

    def clean(self) -> None:
        if self.project_id and self.park_id and self.project.park_id != self.park_id:
            raise ValidationError({"project": _("Choose one of this park's records.")})


# ------------------------------------------------------- visits linked (关联拜访)
class ProjectVisit(ParkScopedModel):
    """A visit linked to a project after the one it came from (``source_visit``):
    a later visit to the investor about it. Of the project's park."""

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="visit_links",
        db_index=False,
        verbose_name=_("project"),
    )
    visit = models.ForeignKey(
        "promotion.Visit",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("visit"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    audit_public_fields = ("project", "visit")

    class Meta:
        ordering = ["park", "project", "pk"]
        verbose_name = _("linked visit")
        verbose_name_plural = _("linked visits")
        indexes = [
            models.Index(fields=["park", "visit"], name="projectvisit_park_visit"),
            models.Index(fields=["park", "linked_by"], name="projectvisit_park_linker"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "project", "visit"], name="projectvisit_unique_visit"
            ),
        ]

    def __str__(self) -> str:
        return str(self.visit)

    def get_absolute_url(self) -> str:
        return f"{record_url('projects:project_detail', self.project_id)}#visit-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.project_id and self.park_id and self.project.park_id != self.park_id:
            errors["project"] = _("Choose one of this park's records.")
        if self.visit_id and self.park_id and self.visit.park_id != self.park_id:
            errors["visit"] = _("Choose one of this park's records.")
        elif self.visit_id and self.project_id and self.project.source_visit_id == self.visit_id:
            errors["visit"] = _("This visit is already the project's source.")
        if errors:
            raise ValidationError(errors)


# ------------------------------------------------------------ milestones (里程碑)
class MilestoneKind(models.TextChoices):
    """What a milestone (计划节点) marks. The traffic-light rules name two of
    them: the start (开工) and the entry into statistics (列统入规)."""

    LAND_SUPPLIED = "land_supplied", _("land supplied")
    PLANNING_PERMIT = "planning_permit", _("planning permit")
    CONSTRUCTION_PERMIT = "construction_permit", _("construction permit")
    STARTED = "started", _("construction started")
    TOPPED_OUT = "topped_out", _("topped out")
    EQUIPMENT_IN = "equipment_in", _("equipment in")
    TRIAL_PRODUCTION = "trial_production", _("trial production")
    PRODUCTION = "production", _("production")
    ENTERED_STATISTICS = "entered_statistics", _("entered statistics")
    OTHER = "other", _("other milestone")


def validate_template_items(value) -> None:
    """A template's items: a list of ``{"kind", "name", "offset_days"}``, in order."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one milestone."))
    for number, item in enumerate(value, 1):
        ok = (
            isinstance(item, dict)
            and item.get("kind") in MilestoneKind.values
            and isinstance(item.get("offset_days"), int)
            and 0 <= item["offset_days"] <= 3660
            and isinstance(item.get("name", ""), str)
        )
        if not ok:
            raise ValidationError(
                _(
                    "Line %(number)s: give a milestone kind and its offset in days "
                    "(0 to 3660) from the base date."
                )
                % {"number": number}
            )


class MilestoneTemplate(ParkScopedModel):
    """A park's list of planned milestones for one type of project (工业项目,
    服务业项目…), each with its offset in days from a base date (the signing,
    say), kept by the park administrator and applied to a project with
    ``services.milestone_template_apply``."""

    name = models.CharField(_("name"), max_length=100)
    project_type = models.CharField(_("project type"), max_length=100, blank=True)
    items = models.JSONField(_("milestones"), default=list, validators=[validate_template_items])
    notes = models.TextField(_("notes"), blank=True)

    audit_public_fields = ("name", "project_type", "items")

    class Meta:
        ordering = ["park", "name", "pk"]
        verbose_name = _("milestone template")
        verbose_name_plural = _("milestone templates")
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="milestonetemplate_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("projects:milestonetemplate_detail", self.pk)


class Milestone(ParkScopedModel):
    """A planned milestone of a project (计划节点): its planned date, the actual
    date once reached (recorded by a project officer), who is responsible, the
    evidence (one of the project's documents) and its verification by a second
    person, never the one who recorded the actual date. Incentive tranches are
    released only on verified milestones."""

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="milestones",
        db_index=False,
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MilestoneKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    planned_on = models.DateField(_("planned date"))
    actual_on = models.DateField(_("actual date"), null=True, blank=True, editable=False)
    actual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("actual date recorded by"),
    )
    responsible_unit = models.ForeignKey(
        "promotion.PromotionUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("responsible unit"),
    )
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("responsible officer"),
    )
    document = models.ForeignKey(
        ProjectDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        db_index=False,
        verbose_name=_("evidence"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    audit_public_fields = (
        "project",
        "kind",
        "name",
        "planned_on",
        "actual_on",
        "actual_by",
        "responsible_unit",
        "document",
        "verified_by",
        "verified_at",
    )

    class Meta:
        ordering = ["park", "project", "planned_on", "position", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["park", "project", "planned_on"], name="milestone_park_project"),
            models.Index(fields=["park", "planned_on"], name="milestone_park_planned"),
            models.Index(fields=["park", "responsible_unit"], name="milestone_park_unit"),
            models.Index(fields=["park", "responsible_officer"], name="milestone_park_officer"),
            models.Index(fields=["park", "document"], name="milestone_park_document"),
            models.Index(fields=["park", "actual_by"], name="milestone_park_actual_by"),
            models.Index(fields=["park", "verified_by"], name="milestone_park_verified_by"),
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def get_absolute_url(self) -> str:
        return record_url("projects:milestone_detail", self.pk)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def clean(self) -> None:
        errors = {}
        for name in ("project", "responsible_unit", "document"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and self.park_id and related.park_id != self.park_id:
                errors[name] = _("Choose one of this park's records.")
        if self.document_id and self.project_id and self.document.project_id != self.project_id:
            errors["document"] = _("Choose a document of this milestone's project.")
        if self.verified_at and not self.actual_on:
            errors["actual_on"] = _(
                "A milestone is verified only once its actual date is recorded."
            )
        if errors:
            raise ValidationError(errors)


# ------------------------------------------------------------------ investment
def first_of_month(day):
    """The first day of ``day``'s month: the key of a month's investment."""
    return day.replace(day=1) if day else day


class InvestmentEntry(ParkScopedModel):
    """The investment a project completed in one month (月度完成投资), in yuan:
    entered on the project page, through the API or imported. One per project
    and month; ``month`` is the month's first day."""

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="investment_entries",
        db_index=False,
        verbose_name=_("project"),
    )
    month = models.DateField(_("month"), help_text=_("Its first day: 2023-06-01 for June 2023."))
    amount = models.DecimalField(
        _("investment completed (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    audit_public_fields = ("project", "month", "amount")

    class Meta:
        ordering = ["park", "project", "month", "pk"]
        verbose_name = _("monthly investment")
        verbose_name_plural = _("monthly investment")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "project", "month"], name="investmententry_one_per_month"
            ),
        ]
        indexes = [
            models.Index(fields=["park", "month"], name="investmententry_park_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}" if self.month else str(self.project)

    def get_absolute_url(self) -> str:
        return record_url("projects:investmententry_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        if self.project_id and self.park_id and self.project.park_id != self.park_id:
            errors["project"] = _("Choose one of this park's records.")
        if self.month and self.month.day != 1:
            errors["month"] = _("Give the month as its first day (2023-06-01 for June 2023).")
        if errors:
            raise ValidationError(errors)


# ------------------------------------------------------ traffic lights (红绿灯)
class TrafficLight(models.TextChoices):
    GREEN = "green", _("green")
    AMBER = "amber", _("amber")
    RED = "red", _("red")


class TrafficRule(ParkScopedModel):
    """One rule of a park's traffic lights (项目推进红绿灯): when it fires and the
    colour it gives. A park with no rules follows ``DEFAULTS``, the two
    published rule sets (MECHANISMS.md, "Facts from practice"). The evaluator
    is ``lights.evaluate``."""

    class Kind(models.TextChoices):
        MILESTONE_DUE = "milestone_due", _("milestone due within N working days")
        MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue by more than N working days")
        NO_PROGRESS = "no_progress", _("no progress recorded for N months")
        NOT_STARTED = "not_started", _("not started N months after its planned month")
        STATISTICS_LATE = "statistics_late", _("entry into statistics N months late")
        INVESTMENT_BEHIND = (
            "investment_behind",
            _(
                "investment N percentage points behind time-elapsed pace "
                "(amber: N or more; red: more than N)"
            ),
        )

    # (kind, threshold, colour): set (a) no progress 2 → amber, 3 → red; set (b)
    # not started in the planned month → amber, 3 months later red; statistics
    # 1 month late amber, 2 red; investment 10 percentage points or more
    # behind time-elapsed pace (序时进度) amber, more than 30 red; and the
    # board's own: a milestone due within 10 working days amber, overdue red.
    DEFAULTS = (
        ("milestone_due", 10, "amber"),
        ("milestone_overdue", 0, "red"),
        ("no_progress", 2, "amber"),
        ("no_progress", 3, "red"),
        ("not_started", 0, "amber"),
        ("not_started", 3, "red"),
        ("statistics_late", 1, "amber"),
        ("statistics_late", 2, "red"),
        ("investment_behind", 10, "amber"),
        ("investment_behind", 30, "red"),
    )

    kind = models.CharField(_("rule"), max_length=30, choices=Kind.choices)
    threshold = models.PositiveSmallIntegerField(
        _("N"),
        validators=[MaxValueValidator(250)],
        help_text=_("Working days, months or percentage points, by rule."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=10,
        choices=[
            (TrafficLight.AMBER, TrafficLight.AMBER.label),
            (TrafficLight.RED, TrafficLight.RED.label),
        ],
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    audit_public_fields = ("kind", "threshold", "colour", "enabled")

    class Meta:
        ordering = ["park", "kind", "threshold", "pk"]
        verbose_name = _("traffic-light rule")
        verbose_name_plural = _("traffic-light rules")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "kind", "colour"], name="trafficrule_unique_kind_colour"
            ),
        ]

    def __str__(self) -> str:
        rule = f"{self.get_kind_display()} (N={self.threshold}) → {self.get_colour_display()}"
        return f"{self.park}: {rule}"

    def get_absolute_url(self) -> str:
        return record_url("projects:trafficrule_detail", self.pk)


class TrafficSnapshot(ParkScopedModel):
    """A project's light in one week (the Monday), written by
    ``manage.py snapshot_traffic_lights``, so the board shows what changed colour."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("project"),
    )
    week = models.DateField(_("week (Monday)"))
    light = models.CharField(_("light"), max_length=10, choices=TrafficLight.choices)
    rules = models.JSONField(_("rules fired"), default=list, blank=True)
    taken_at = models.DateTimeField(_("taken"), auto_now=True)

    audit_public_fields = ("project", "week", "light", "rules")

    class Meta:
        ordering = ["park", "-week", "project", "pk"]
        verbose_name = _("traffic-light snapshot")
        verbose_name_plural = _("traffic-light snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "project", "week"], name="trafficsnapshot_unique_week"
            ),
        ]
        indexes = [models.Index(fields=["park", "week"], name="trafficsnapshot_park_week")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.week:%Y-%m-%d} {self.get_light_display()}"

    def get_absolute_url(self) -> str:
        return record_url("projects:project_detail", self.project_id)


class AnnualPlan(ParkScopedModel):
    """A project's planned investment for a year (年度计划投资), in yuan: the base
    of its completion % and of its pace (序时进度)."""

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="annual_plans",
        db_index=False,
        verbose_name=_("project"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("planned investment for the year (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    audit_public_fields = ("project", "year", "amount")

    class Meta:
        ordering = ["park", "project", "year", "pk"]
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "project", "year"], name="annualplan_one_per_year"
            ),
        ]
        indexes = [models.Index(fields=["park", "year"], name="annualplan_park_year")]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"

    def get_absolute_url(self) -> str:
        return record_url("projects:annualplan_detail", self.pk)

    def clean(self) -> None:
        if self.project_id and self.park_id and self.project.park_id != self.park_id:
            raise ValidationError({"project": _("Choose one of this park's records.")})


class MajorListing(ParkScopedModel):
    """A project on the province's or the city's list of major projects (列省/列市
    重大项目) for a year. The lists are published each year and a project may be
    listed one year and not the next, or move from the city's list to the
    province's: so membership is a row per year, not a field of the project; the
    project's ``major_level`` (GLOSSARY) is its listing of the current year
    (``selectors.major_level``)."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("provincial major project")
        MUNICIPAL = "municipal", _("municipal major project")

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="major_listings",
        db_index=False,
        verbose_name=_("project"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)

    audit_public_fields = ("project", "year", "level")

    class Meta:
        ordering = ["park", "year", "project", "pk"]
        verbose_name = _("major project listing")
        verbose_name_plural = _("major project listings")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "project", "year"], name="majorlisting_one_per_year"
            ),
        ]
        indexes = [models.Index(fields=["park", "year", "level"], name="majorlisting_park_year")]

    def __str__(self) -> str:
        return f"{self.project} {self.year} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return record_url("projects:majorlisting_detail", self.pk)

    def clean(self) -> None:
        if self.project_id and self.park_id and self.project.park_id != self.park_id:
            raise ValidationError({"project": _("Choose one of this park's records.")})


# ------------------------------------------------------ the park's annual plan
class ParkInvestmentPlan(ParkScopedModel):
    """The park's own investment target for a year (年度固定资产投资计划), in
    yuan: the base of the park's pace (序时进度) over all its projects, not the
    sum of the projects' plans (a park plans for projects it has not yet won).
    One per park and year."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("park's planned investment for the year (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    audit_public_fields = ("year", "amount", "note")

    class Meta:
        ordering = ["park", "-year", "pk"]
        verbose_name = _("park investment plan")
        verbose_name_plural = _("park investment plans")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "year"], name="parkinvestmentplan_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.year}"

    def get_absolute_url(self) -> str:
        return record_url("projects:parkinvestmentplan_detail", self.pk)
