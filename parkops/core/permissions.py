"""What each role may do: the one module that decides it.

A user holds memberships: (park, role), (alliance, role) or, for the province
and the three separated administrators, a role with neither. ``CAPABILITIES``
maps a role to the actions it may perform on each model, named by the model's
``app_label.model_name``. Where ROLES.md is silent the table grants least
privilege. ``park_ids_for`` turns a user's memberships into the set of parks
where an action is allowed; ``ParkScopedQuerySet.restrict`` is its only
consumer for row scoping.
"""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkops.core import hotpath

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)
READ = frozenset({VIEW})
WRITE = frozenset({VIEW, ADD, CHANGE})
MANAGE = frozenset({VIEW, ADD, CHANGE, DELETE})


class Role(models.TextChoices):
    PARK_LEADER = "park_leader", _("park leader")
    PROMOTION_OFFICER = "promotion_officer", _("promotion officer")
    PROJECT_OFFICER = "project_officer", _("project officer")
    SERVICE_OFFICER = "service_officer", _("service officer")
    STATISTICS_OFFICER = "statistics_officer", _("statistics officer")
    FINANCE_OFFICER = "finance_officer", _("finance officer")
    PLANNING_OFFICER = "planning_officer", _("planning officer")
    LABOUR_OFFICER = "labour_officer", _("labour officer")
    PARK_ADMIN = "park_admin", _("park administrator")
    ALLIANCE_VIEWER = "alliance_viewer", _("alliance viewer")
    ALLIANCE_COORDINATOR = "alliance_coordinator", _("alliance coordinator")
    PROVINCE_ASSESSOR = "province_assessor", _("province assessor")
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDIT_ADMIN = "audit_admin", _("audit administrator")


PARK_ROLES = frozenset(
    {
        Role.PARK_LEADER,
        Role.PROMOTION_OFFICER,
        Role.PROJECT_OFFICER,
        Role.SERVICE_OFFICER,
        Role.STATISTICS_OFFICER,
        Role.FINANCE_OFFICER,
        Role.PLANNING_OFFICER,
        Role.LABOUR_OFFICER,
        Role.PARK_ADMIN,
    }
)
ALLIANCE_ROLES = frozenset({Role.ALLIANCE_VIEWER, Role.ALLIANCE_COORDINATOR})
GLOBAL_ROLES = frozenset(
    {Role.PROVINCE_ASSESSOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
)
# 三员分立: no account may hold two of these (GB/T 22239-2019 separation of duties).
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

PARK = "core.park"
ALLIANCE = "core.alliance"
INDUSTRY = "core.industry"
AUDIT_ENTRY = "core.auditentry"
IMPORT_BATCH = "core.importbatch"
IMPORT_JOB = "core.importjob"
UNIT = "promotion.promotionunit"
INSTITUTION = "promotion.institution"
INSTITUTION_CONTACT = "promotion.institutioncontact"
INSTITUTION_INDUSTRY = "promotion.institutionindustry"
VISIT = "promotion.visit"
VISIT_STAFF = "promotion.visitstaff"
EVENT = "promotion.promotionevent"
EVENT_STAFF = "promotion.promotioneventstaff"
EVENT_PARK = "promotion.promotioneventpark"
EVENT_ENTERPRISE = "promotion.promotionevententerprise"
EVENT_INSTITUTION = "promotion.promotioneventinstitution"
PROJECT = "projects.project"
PROJECT_EVENT = "projects.projectevent"
PROJECT_DOCUMENT = "projects.projectdocument"
PROJECT_VISIT = "projects.projectvisit"
LEAD_POLICY = "projects.leadpolicy"
MILESTONE = "projects.milestone"
MILESTONE_TEMPLATE = "projects.milestonetemplate"
TRAFFIC_RULE = "projects.trafficrule"
TRAFFIC_SNAPSHOT = "projects.trafficsnapshot"
INVESTMENT_ENTRY = "projects.investmententry"
ANNUAL_PLAN = "projects.annualplan"
MAJOR_LISTING = "projects.majorlisting"
PARK_INVESTMENT_PLAN = "projects.parkinvestmentplan"
ENTERPRISE = "enterprises.enterprise"
CONTACT = "enterprises.contact"
USER = "accounts.user"
MEMBERSHIP = "accounts.membership"
LOCKOUT = "accounts.lockout"
USER_SESSION = "accounts.usersession"
CALENDAR_OVERRIDE = "workdays.calendaroverride"
CALENDAR_YEAR = "workdays.calendaryear"

# Import batches are visible to the park's staff; what a batch may do (and undo)
# is checked object by object by the register's own services.
_PARK_READER = {
    PARK: READ,
    INDUSTRY: READ,
    UNIT: READ,
    IMPORT_BATCH: READ,
    IMPORT_JOB: READ,
    CALENDAR_OVERRIDE: READ,
    CALENDAR_YEAR: READ,
}

# Promotion records (visits, institutions): the park leader reads everything of
# the park; other roles' work does not need them (least privilege).
_PROMOTION_READ = {
    INSTITUTION: READ,
    INSTITUTION_CONTACT: READ,
    INSTITUTION_INDUSTRY: READ,
    VISIT: READ,
    VISIT_STAFF: READ,
    EVENT: READ,
    EVENT_STAFF: READ,
    EVENT_PARK: READ,
    EVENT_ENTERPRISE: READ,
    EVENT_INSTITUTION: READ,
}

# Projects (ROLES.md): promotion officers write leads and negotiations (the
# services allow only their units' projects, until signing); project officers
# the stages from signing on; the park leader reads them all and approves a
# change of first contact, an update (CHANGE, events ADD) the services allow
# leaders for nothing else. The finance officer reads them: their incentive
# agreements and confidential terms are the project's.
APPEND = frozenset({VIEW, ADD})  # a history: entries are added, never changed

CAPABILITIES: dict[str, dict[str, frozenset[str]]] = {
    Role.PARK_LEADER: {
        **_PARK_READER,
        ENTERPRISE: READ,
        CONTACT: READ,
        ALLIANCE: READ,
        **_PROMOTION_READ,
        PROJECT: frozenset({VIEW, CHANGE}),
        PROJECT_EVENT: APPEND,
        PROJECT_DOCUMENT: READ,
        PROJECT_VISIT: READ,
        LEAD_POLICY: READ,
        # Milestones: the leader verifies (CHANGE; services allow nothing else).
        MILESTONE: frozenset({VIEW, CHANGE}),
        MILESTONE_TEMPLATE: READ,
        TRAFFIC_RULE: READ,
        TRAFFIC_SNAPSHOT: READ,
        INVESTMENT_ENTRY: READ,
        ANNUAL_PLAN: READ,
        MAJOR_LISTING: READ,
        PARK_INVESTMENT_PLAN: READ,
    },
    # ROLES.md: promotion officers write visits and institutions of their park.
    Role.PROMOTION_OFFICER: {
        **_PARK_READER,
        ENTERPRISE: WRITE,
        CONTACT: WRITE,
        INSTITUTION: WRITE,
        INSTITUTION_CONTACT: WRITE,
        INSTITUTION_INDUSTRY: WRITE,
        VISIT: WRITE,
        VISIT_STAFF: WRITE,
        # Promotion events (招商活动) and their participants, partner parks and
        # those met: the host park's officers only (a joint event is not shared).
        EVENT: WRITE,
        EVENT_STAFF: WRITE,
        EVENT_PARK: WRITE,
        EVENT_ENTERPRISE: WRITE,
        EVENT_INSTITUTION: WRITE,
        PROJECT: WRITE,
        PROJECT_EVENT: APPEND,
        # Documents of a project: added and removed by whoever may change the
        # project then (services.document_refusal); the file is never changed.
        PROJECT_DOCUMENT: frozenset({VIEW, ADD, DELETE}),
        # Later visits linked to a project: by the officers of its units (services).
        PROJECT_VISIT: frozenset({VIEW, ADD, DELETE}),
        LEAD_POLICY: READ,
        # "Delivery status of projects" (ROLES.md): milestones and lights, read.
        MILESTONE: READ,
        TRAFFIC_SNAPSHOT: READ,
    },
    Role.PROJECT_OFFICER: {
        **_PARK_READER,
        ENTERPRISE: READ,
        CONTACT: READ,
        PROJECT: frozenset({VIEW, CHANGE}),
        PROJECT_EVENT: APPEND,
        PROJECT_DOCUMENT: frozenset({VIEW, ADD, DELETE}),
        LEAD_POLICY: READ,
        # Milestones planned and actual; one officer verifies another's.
        MILESTONE: WRITE,
        MILESTONE_TEMPLATE: READ,
        TRAFFIC_RULE: READ,
        TRAFFIC_SNAPSHOT: READ,
        # ROLES.md: "investment entries" are the project officer's: monthly
        # completed investment, the year's plans and the major-project listings.
        INVESTMENT_ENTRY: WRITE,
        ANNUAL_PLAN: WRITE,
        MAJOR_LISTING: WRITE,
        # The park's own target is the statistics office's (below); the
        # project officers measure their projects' pace against it.
        PARK_INVESTMENT_PLAN: READ,
    },
    Role.SERVICE_OFFICER: {**_PARK_READER, ENTERPRISE: WRITE, CONTACT: WRITE},
    Role.STATISTICS_OFFICER: {
        **_PARK_READER,
        ENTERPRISE: WRITE,
        CONTACT: READ,
        # The park's annual investment target (年度固定资产投资计划): ROLES.md
        # names no writer; fixed-asset investment is a statistics figure, so
        # the statistics office enters it and no other role changes it.
        PARK_INVESTMENT_PLAN: WRITE,
    },
    Role.FINANCE_OFFICER: {
        PARK: READ,
        ENTERPRISE: READ,
        PROJECT: READ,
        PROJECT_EVENT: READ,
        PROJECT_DOCUMENT: READ,
        # Reads milestones (tranches are released on them), never verifies.
        MILESTONE: READ,
        # Investment against plan: incentives are paid on it.
        INVESTMENT_ENTRY: READ,
        ANNUAL_PLAN: READ,
        MAJOR_LISTING: READ,
        PARK_INVESTMENT_PLAN: READ,
        IMPORT_BATCH: READ,
        CALENDAR_OVERRIDE: READ,
        CALENDAR_YEAR: READ,
    },
    Role.PLANNING_OFFICER: {
        PARK: READ,
        ENTERPRISE: READ,
        IMPORT_BATCH: READ,
        CALENDAR_OVERRIDE: READ,
        CALENDAR_YEAR: READ,
    },
    Role.LABOUR_OFFICER: {
        PARK: READ,
        ENTERPRISE: READ,
        IMPORT_BATCH: READ,
        CALENDAR_OVERRIDE: READ,
        CALENDAR_YEAR: READ,
    },
    Role.PARK_ADMIN: {
        IMPORT_BATCH: READ,
        IMPORT_JOB: READ,
        PARK: frozenset({VIEW, CHANGE}),
        INDUSTRY: MANAGE,
        UNIT: MANAGE,
        # ROLES.md: the park administrator keeps the park's calendar overrides
        # (and states when a year is entered in full); every park role reads
        # them (their deadlines follow the calendar).
        CALENDAR_OVERRIDE: MANAGE,
        CALENDAR_YEAR: frozenset({VIEW, ADD, DELETE}),
        # The park's lead-handling deadlines (线索处理时限), one per park.
        LEAD_POLICY: frozenset({VIEW, ADD, CHANGE}),
        # Milestone templates and traffic-light rules (ROLES.md: configuration).
        MILESTONE_TEMPLATE: MANAGE,
        TRAFFIC_RULE: MANAGE,
    },
    # Alliance roles see the member parks and the alliance's consolidated totals,
    # never a park's rows: they hold no capability on any park-scoped register.
    Role.ALLIANCE_VIEWER: {PARK: READ, ALLIANCE: READ},
    Role.ALLIANCE_COORDINATOR: {PARK: READ, ALLIANCE: READ},
    Role.PROVINCE_ASSESSOR: {PARK: READ, ALLIANCE: READ},
    Role.SYSTEM_ADMIN: {PARK: WRITE, ALLIANCE: WRITE, USER: WRITE},
    Role.SECURITY_ADMIN: {
        PARK: READ,
        USER: READ,
        MEMBERSHIP: MANAGE,
        LOCKOUT: MANAGE,
        USER_SESSION: MANAGE,
    },
    Role.AUDIT_ADMIN: {AUDIT_ENTRY: READ},
}


# Fields of a register that only some of its writers may set (ROLES.md "writes":
# above-scale status is the statistics office's, commissioners the service
# staff's). Other writers of the register may read them but not change them.
FIELD_OWNERS: dict[str, dict[str, frozenset[str]]] = {
    ENTERPRISE: {
        "above_scale": frozenset({Role.STATISTICS_OFFICER}),
        "above_scale_since": frozenset({Role.STATISTICS_OFFICER}),
        "above_scale_until": frozenset({Role.STATISTICS_OFFICER}),
        "commissioner": frozenset({Role.SERVICE_OFFICER}),
    },
}


class _SystemActor:
    """The actor of management commands and the demo loader: may do anything,
    and is recorded in the audit trail as "system"."""

    is_authenticated = False
    is_active = True
    pk = None

    def __str__(self) -> str:
        return "system"

    def get_username(self) -> str:
        return "system"


SYSTEM = _SystemActor()


def label(model) -> str:
    return model._meta.label_lower


def memberships(user) -> list:
    """The user's memberships, loaded once per user object (one per request)."""
    cached = getattr(user, "_parkops_memberships", None)
    if cached is None:
        if "memberships" in getattr(user, "_prefetched_objects_cache", ()):
            cached = list(user.memberships.all())  # a list page of users prefetched them
        else:
            # Read on every signed-in request: without building an ORM query.
            cached = hotpath.rows(user.memberships.model, user=user.pk)
            for membership in cached:
                membership.user = user
        user._parkops_memberships = cached
    return cached


def clear_cache(user) -> None:
    for attr in (
        "_parkops_memberships",
        "_parkops_park_ids",
        "_parkops_parks",
        "_parkops_alliance_parks",
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_of(user) -> set[str]:
    if not _is_active(user):
        return set()
    return {m.role for m in memberships(user)}


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _all_park_ids() -> set[int]:
    from parkops.core.models import Park

    return set(Park.objects.values_list("id", flat=True))


def _alliance_park_ids(alliance_id: int) -> set[int]:
    from parkops.core.models import Alliance

    return set(
        Alliance.members.through.objects.filter(alliance_id=alliance_id).values_list(
            "park_id", flat=True
        )
    )


def _member_parks(user, alliance_id: int) -> set[int]:
    """The member parks of one of the user's alliances, read once per user
    object (one per request), not once for each model asked about."""
    cache = getattr(user, "_parkops_alliance_parks", None)
    if cache is None:
        cache = user._parkops_alliance_parks = {}
    if alliance_id not in cache:
        cache[alliance_id] = _alliance_park_ids(alliance_id)
    return cache[alliance_id]


def park_ids_for(user, model, action: str) -> set[int]:
    """Ids of the parks in which ``user`` may perform ``action`` on ``model``."""
    if user is SYSTEM:
        return _all_park_ids()
    if not _is_active(user):
        return set()
    cache = getattr(user, "_parkops_park_ids", None)
    if cache is None:
        cache = {}
        user._parkops_park_ids = cache
    key = (label(model), action)
    if key not in cache:
        ids: set[int] = set()
        for membership in memberships(user):
            if action not in CAPABILITIES.get(membership.role, {}).get(key[0], ()):
                continue
            if membership.park_id is not None:
                ids.add(membership.park_id)
            elif membership.alliance_id is not None:
                ids |= _member_parks(user, membership.alliance_id)
            else:
                ids |= _all_park_ids()
        cache[key] = ids
    return set(cache[key])


def may_set_field(user, model, field: str, park) -> bool:
    """May ``user`` set ``field`` of ``model`` in ``park``? True for fields no
    role owns (the register's write permission decides those)."""
    owners = FIELD_OWNERS.get(label(model), {}).get(field)
    if owners is None or user is SYSTEM:
        return True
    if not _is_active(user):
        return False
    park_id = getattr(park, "pk", park)
    return any(m.role in owners and m.park_id == park_id for m in memberships(user))


def _membership_ids(user, model, action: str, attribute: str) -> set[int]:
    """The ``park_id`` or ``alliance_id`` of each membership granting ``action``."""
    if not _is_active(user):
        return set()
    return {
        getattr(m, attribute)
        for m in memberships(user)
        if getattr(m, attribute) is not None
        and action in CAPABILITIES.get(m.role, {}).get(label(model), ())
    }


def member_park_ids_for(user, model, action: str) -> set[int]:
    """Like ``park_ids_for``, but only parks the user holds a park membership in
    (an alliance membership does not make its member parks "own parks")."""
    return _membership_ids(user, model, action, "park_id")


def alliance_ids_for(user, model, action: str) -> set[int]:
    """Ids of the alliances in whose name ``user`` may perform ``action``."""
    return _membership_ids(user, model, action, "alliance_id")


def has_global(user, model, action: str) -> bool:
    """True when a role held without park or alliance grants ``action`` on ``model``.

    Used for registers that belong to no park: accounts, the audit log.
    """
    if user is SYSTEM:
        return True
    if not _is_active(user):
        return False
    return any(
        membership.park_id is None
        and membership.alliance_id is None
        and action in CAPABILITIES.get(membership.role, {}).get(label(model), ())
        for membership in memberships(user)
    )


def can(user, model, action: str, park=None) -> bool:
    """May ``user`` perform ``action`` on ``model`` in ``park`` (any park if None)?"""
    if user is SYSTEM:
        return True
    park_ids = park_ids_for(user, model, action)
    if park is None:
        return bool(park_ids) or has_global(user, model, action)
    return getattr(park, "pk", park) in park_ids


class Refusal(PermissionDenied):
    """A refusal raised by ``deny``; ``reason`` is the specific message passed
    to ``deny`` (a rule the user can act on), or ``None`` for the generic one.
    The 403 page shows only this reason, never the text of another exception."""

    def __init__(self, message, reason=None):
        super().__init__(message)
        self.reason = reason


def deny(message=None) -> NoReturn:
    """Refuse: the one way ParkOps says "you may not do this" (a 403).

    Raises ``PermissionDenied`` with a translated message (the generic one, or
    ``message``). Pages answer it with the 403 page, the API with a JSON 403,
    and both record the attempt in the audit trail (``audit.record_denied``).
    A record outside the user's scope is not refused but not found (404, by
    ``generic.get_scoped_or_404``), so that "not yours" and "doesn't exist" read
    the same, even for a user who may view the model in no park; a list or an
    export of such a model is refused (403). Input that breaks a business rule
    is a ``ValidationError``.
    """
    raise Refusal(message or _("You do not have permission to do this."), reason=message or None)


def require(user, model, action: str, park=None) -> None:
    """Return if ``user`` may ``action`` on ``model`` in ``park`` (in some park,
    or globally, if None); otherwise ``deny()``. Views, the API and services
    all check permission with this."""
    if not can(user, model, action, park):
        deny()


def user_park_ids(user) -> set[int]:
    """Parks the user works in (any park membership): the park switcher's choices."""
    if not _is_active(user):
        return set()
    return {m.park_id for m in memberships(user) if m.park_id is not None}


def can_view_personal_data(user, park) -> bool:
    """ROLES.md: full personal numbers need ``can_view_personal_data`` on a
    membership in that park, on top of a role that reads the register."""
    if not _is_active(user):
        return False
    park_id = getattr(park, "pk", park)
    return any(m.park_id == park_id and m.can_view_personal_data for m in memberships(user))
