"""Parks, alliances, the industry tree and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkops.core import permissions
from parkops.core.fields import CodeField
from parkops.core.links import record_url
from parkops.core.regions import validate_region_code
from parkops.core.scoping import (
    DjangoDefaultManager,
    ParkScopedManager,
    ParkScopedModel,
    ParkScopedQuerySet,
)
from parkops.core.text import format_cst

# "created / updated / unchanged" are counts of records here, not the times a
# record was created or updated, so they carry their own translation context.
IMPORT_COUNT = "import count"


class ParkQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> ParkQuerySet:
        """Parks in which ``user`` may perform ``action`` on the park record."""
        ids = permissions.park_ids_for(user, Park, action)
        return self.filter(id__in=sorted(ids))


class Park(models.Model):
    """An industrial park run by an administrative committee (管委会)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # 排序按拼音: lists and exports sort by this key, set by the services from the name.
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    short_name = models.CharField(_("short name"), max_length=30)
    code = CodeField(_("code"), max_length=30, unique=True)
    region = models.CharField(
        _("region"),
        max_length=6,
        validators=[validate_region_code],
        help_text=_("GB/T 2260 administrative division code, six digits"),
    )
    shares_figures_with_alliance = models.BooleanField(
        _("shares per-park figures with the alliance"),
        default=False,
        help_text=_("When off, the alliance sees this park only inside consolidated totals."),
    )

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = (
        "__str__",
        "name",
        "name_pinyin",
        "short_name",
        "code",
        "region",
        "shares_figures_with_alliance",
    )

    objects = ParkQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("core:park_detail", self.pk)

    @property
    def region_name(self) -> str:
        from parkops.core.regions import region_full_name

        return region_full_name(self.region)


class AllianceQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> AllianceQuerySet:
        """Alliances the user belongs to, directly or as staff of a member park."""
        if permissions.has_global(user, Alliance, action):
            return self.all()
        direct = permissions.alliance_ids_for(user, Alliance, action)
        through_parks = permissions.member_park_ids_for(user, Alliance, action)
        return self.filter(
            models.Q(id__in=sorted(direct)) | models.Q(members__in=sorted(through_parks))
        ).distinct()


class Alliance(models.Model):
    """Co-built parks that work as one ("1+5" 联动发展)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # 排序按拼音: lists and exports sort by this key, set by the services from the name.
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    lead_park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="led_alliances", verbose_name=_("lead park")
    )
    members = models.ManyToManyField(Park, related_name="alliances", verbose_name=_("member parks"))

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ("__str__", "name", "name_pinyin", "lead_park", "members")

    objects = AllianceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("park alliance")
        verbose_name_plural = _("park alliances")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("core:alliance_detail", self.pk)


def tree_ancestors(model, parent_id) -> list[int]:
    """The ids from ``parent_id`` up to the root, read from the database; stops
    at a loop so that a corrupt tree cannot hang the check."""
    ids: list[int] = []
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = (
            model.objects.unscoped()
            .filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return ids


class Industry(ParkScopedModel):
    """A node of the park's industry tree: leading industry → chain → segment."""

    class Level(models.IntegerChoices):
        LEADING = 1, _("leading industry")
        CHAIN = 2, _("industry chain")
        SEGMENT = 3, _("segment")

    code = CodeField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, default=Level.LEADING, editable=False
    )

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    # The industry tree is the park's published catalogue, not business data.
    audit_public_fields = ("__str__", "code", "name", "parent", "level")

    class Meta:
        ordering = ["park", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="industry_unique_code"),
        ]
        indexes = [models.Index(fields=["park", "parent"], name="industry_park_parent")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("core:industry_detail", self.pk)

    def clean(self) -> None:
        """The level follows from the parent (leading industries have none); the
        tree has at most three levels and no loops. Ancestors are read from the
        database, not from cached parent objects that may be out of date."""
        if self.parent_id is None:
            level = self.Level.LEADING
        else:
            ancestors = tree_ancestors(type(self), self.parent_id)
            parent_park, parent_level = (
                type(self)
                .objects.unscoped()
                .filter(pk=self.parent_id)
                .values_list("park_id", "level")[0]
            )
            if self.park_id and parent_park != self.park_id:
                raise ValidationError({"parent": _("Choose an industry of this park.")})
            if self.pk is not None and self.pk in ancestors:
                raise ValidationError({"parent": _("An industry cannot be placed under itself.")})
            if parent_level >= self.Level.SEGMENT:
                raise ValidationError({"parent": _("A segment cannot have sub-industries.")})
            level = parent_level + 1
        if self.pk is not None and level + self._subtree_height() > self.Level.SEGMENT:
            raise ValidationError(
                {"parent": _("Its sub-industries would fall below the segment level.")}
            )
        self.level = level

    def _subtree_height(self) -> int:
        """How many levels of sub-industries hang below this one (0 for none)."""
        height, level_ids = 0, [self.pk]
        while True:
            level_ids = list(
                type(self)
                .objects.unscoped()
                .filter(parent_id__in=level_ids)
                .values_list("pk", flat=True)
            )
            if not level_ids:
                return height
            height += 1


class AuditChainHead(models.Model):
    """The two ends of the audit chain; its row lock serialises appends.

    ``first_seq`` and ``first_prev_hash`` are where the chain starts: 1 and ""
    until a purge moves them to the first surviving entry and the hash before
    it. ``seal`` is a keyed MAC over all four fields (see ``audit_seal``), so
    the head cannot be moved back or forward without the audit key.
    """

    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=96, blank=True)
    first_seq = models.PositiveBigIntegerField(_("first sequence number"), default=1)
    first_prev_hash = models.CharField(_("hash before the first entry"), max_length=96, blank=True)
    seal = models.CharField(_("seal"), max_length=96, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.last_seq} {self.last_hash[:12]}"


class AuditEntryQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> AuditEntryQuerySet:
        if action == permissions.VIEW and permissions.has_global(user, AuditEntry, action):
            return self.all()
        return self.none()

    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One recorded action: who did what to which object, with before and after.

    Written only by ``parkops.core.audit.record``, in the same transaction as the
    change it describes. Entries are never updated or deleted by the application.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        LOGIN = "login", _("log in")
        LOGOUT = "logout", _("log out")
        LOGIN_FAILED = "login_failed", _("failed login")
        DENIED = "denied", _("permission denied")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        TOKEN_CREATE = "token_create", _("API token created")
        TOKEN_REVOKE = "token_revoke", _("API token revoked")
        LOCKOUT = "lockout", _("account or address locked")
        UNLOCK = "unlock", _("lock lifted")
        PASSWORD_CHANGE = "password_change", pgettext_lazy("audit action", "password changed")
        PASSWORD_RESET = "password_reset", _("password reset")
        SESSION_END = "session_end", _("session ended")
        OTP_ENROL = "otp_enrol", _("two-factor enrolled")
        OTP_RESET = "otp_reset", _("two-factor reset")
        VIEW_PERSONAL = "view_personal", _("personal data viewed")
        ANONYMISE = "anonymise", _("personal data anonymised")
        DISABLE = "disable", _("account disabled")
        ENABLE = "enable", _("account enabled")
        PURGE = "purge", _("audit entries purged")

    # Hash chain (tamper evidence): seq numbers are consecutive, and each entry's
    # hash covers its content and the previous entry's hash. Since version 2 the
    # "hash" is a keyed MAC, ``v2:<algorithm>:<hex>``; a bare hex digest is a
    # version 1 (unkeyed SHA-256) entry written before keys existed.
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, null=True)
    prev_hash = models.CharField(_("previous hash"), max_length=96, blank=True)
    hash = models.CharField(_("hash"), max_length=96, blank=True)
    time = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("park"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["park", "time"], name="audit_park_time"),
        ]

    def __str__(self) -> str:
        return " ".join(
            part
            for part in (
                format_cst(self.time),
                self.actor_name,
                str(self.get_action_display()),
                self.object_repr,
            )
            if part
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return record_url("core:auditentry_detail", self.pk)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before, after = self.before or {}, self.after or {}
        return [
            (name, before.get(name), after.get(name))
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]


class ImportBatchQuerySet(ParkScopedQuerySet):
    def restrict(self, user, action: str = "view") -> ImportBatchQuerySet:
        """The batches of the parks where ``user`` may ``action`` batches, and of
        those only the batches of registers ``user`` may read in the batch's park:
        an import of the enterprise register is not a park administrator's to
        list or open (it lists enterprises they may not see), so it is not found."""
        from parkops.core.exchange.spec import readable_registers

        clone = super().restrict(user, action)
        if user is permissions.SYSTEM:
            return clone
        return clone.filter(readable_registers(user))


class ImportBatchManager(ParkScopedManager.from_queryset(ImportBatchQuerySet)):
    pass


class ImportBatch(ParkScopedModel):
    """One committed spreadsheet import: who, when, which file, what it did.

    Its items remember each object's state before and after, so that the batch
    can be undone as a whole while none of those objects changed since.
    """

    class Status(models.TextChoices):
        # Written in short transactions, not finished: by a commit running
        # now (it holds the batch's claim), or left by a worker that died,
        # then rolled back by the next worker (``services.recover_interrupted``).
        COMMITTING = "committing", _("being imported")
        COMMITTED = "committed", _("committed")
        # An undo in short batches that has not finished: its first
        # ``undone_items`` rows (last row first) are undone, the rest not yet.
        # Resumed by the next undo request, or by a worker that starts.
        UNDOING = "undoing", _("being undone")
        UNDONE = "undone", _("undone")
        # Its worker died while committing: the rows it wrote (``undone_items``)
        # were rolled back; nothing of the file was imported.
        FAILED = "failed", _("interrupted")

    register = models.CharField(_("register"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    created_count = models.PositiveIntegerField(pgettext_lazy(IMPORT_COUNT, "created"), default=0)
    updated_count = models.PositiveIntegerField(pgettext_lazy(IMPORT_COUNT, "updated"), default=0)
    unchanged_count = models.PositiveIntegerField(
        pgettext_lazy(IMPORT_COUNT, "unchanged"), default=0
    )
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COMMITTED
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_items = models.PositiveIntegerField(_("rows undone"), default=0)

    # Declared again, in ParkScopedModel's order: Django's machinery keeps the
    # plain default manager; project code gets the batches' own ``restrict``.
    unguarded = DjangoDefaultManager()
    objects = ImportBatchManager()

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = (
        "__str__",
        "register",
        "actor",
        "file_name",
        "sha256",
        "created_count",
        "updated_count",
        "unchanged_count",
        "duration_ms",
        "status",
        "undone_items",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [
            models.Index(fields=["park", "register", "created_at"], name="import_park_register"),
            models.Index(fields=["park", "actor"], name="import_park_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}（{format_cst(self.created_at)}）"

    def get_absolute_url(self) -> str:
        return record_url("exchange:importbatch_detail", self.pk)

    @property
    def item_count(self) -> int:
        """The rows the import wrote (and an undo reverses)."""
        return self.created_count + self.updated_count

    @property
    def register_title(self) -> str:
        """The register's name as users know it (台账 "企业", not the key "enterprises")."""
        from parkops.core.exchange.spec import get_spec

        try:
            return str(get_spec(self.register).title)
        except KeyError:
            # A register removed since the import: its key is all that is left.
            return self.register


class ImportItem(ParkScopedModel):
    """One object an import created or updated, with its state before and after."""

    # Labels only: the field keeps no choices, so that no migration is needed
    # for what is a matter of display.
    ACTION_LABELS = {
        "create": pgettext_lazy(IMPORT_COUNT, "created"),
        "update": pgettext_lazy(IMPORT_COUNT, "updated"),
    }

    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="items",
        db_index=False,
        verbose_name=_("import batch"),
    )
    row = models.PositiveIntegerField(_("row"))
    action = models.CharField(_("action"), max_length=10)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("state before the import"), null=True, blank=True)
    after = models.JSONField(_("state after the import"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "row"]
        verbose_name = _("import item")
        verbose_name_plural = _("import items")
        indexes = [models.Index(fields=["park", "batch"], name="import_item_park_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row} {self.get_action_display()}"

    def get_action_display(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class ImportJob(ParkScopedModel):
    """A large import running in the background: its progress and its result.

    Progress itself is written to a file beside the held upload, because the
    import's own transaction hides its rows until it commits.
    """

    class Mode(models.TextChoices):
        PREVIEW = "preview", _("preview")
        COMMIT = "commit", _("commit")
        UNDO = "undo", _("undo")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    register = models.CharField(_("register"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("imported by"),
    )
    token = models.CharField(_("upload token"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("total rows"), default=0)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ("__str__", "register", "actor", "file_name", "mode", "status")
    result = models.JSONField(_("result"), null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("import batch"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["park", "actor"], name="import_job_park_actor")]

    def __str__(self) -> str:
        return f"{self.file_name} {self.get_mode_display()} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return record_url("exchange:importjob_detail", self.pk)
