"""Reads on projects: the list, a project's history, the dates it reached each
stage, the as-of rule (which stage a project was at on a given day) and who may
read confidential negotiation terms."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from parkops.core import permissions
from parkops.core.permissions import Role
from parkops.core.selectors import list_selector, scoped_list
from parkops.core.text import today_cst
from parkops.projects.deadlines import LeadDates, LeadDeadline, Policy, WorkdayIndex, next_deadline
from parkops.projects.filters import (
    AnnualPlanFilterSet,
    InvestmentEntryFilterSet,
    LeadPolicyFilterSet,
    MajorListingFilterSet,
    MilestoneFilterSet,
    MilestoneTemplateFilterSet,
    ParkInvestmentPlanFilterSet,
    ProjectFilterSet,
    StageChangeFilterSet,
    TrafficRuleFilterSet,
)
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    LeadPolicy,
    MajorListing,
    Milestone,
    MilestoneTemplate,
    ParkInvestmentPlan,
    Project,
    ProjectDocument,
    ProjectEvent,
    ProjectVisit,
    Stage,
    TrafficRule,
)


@list_selector(model=Project, filterset_class=ProjectFilterSet)
def project_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The projects ``user`` may view, by the pinyin of their names (排序按拼音)."""
    return scoped_list(
        Project,
        user=user,
        filters=filters,
        filterset_class=ProjectFilterSet,
        park_id=park_id,
        select_related=("investor", "industry", "first_contact_unit", "owner_unit"),
        ordering=("name_pinyin", "name", "pk"),
    )


def project_events(*, user, project) -> QuerySet:
    """``project``'s history as ``user`` may read it, in the order it was recorded."""
    return (
        ProjectEvent.objects.restrict(user)
        .filter(park_id=project.park_id, project=project)
        .select_related("recorded_by", "corrects")
        .order_by("recorded_at", "pk")
    )


@list_selector(model=ProjectEvent, filterset_class=StageChangeFilterSet)
def stage_change_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The projects' stage changes ``user`` may view (each with its date
    corrections), by project and date: the stage-change register."""
    return scoped_list(
        ProjectEvent,
        user=user,
        filters=filters,
        filterset_class=StageChangeFilterSet,
        park_id=park_id,
        queryset=ProjectEvent.objects.restrict(user).filter(kind=ProjectEvent.Kind.STAGE),
        select_related=("project", "recorded_by"),
        ordering=("project__name_pinyin", "project_id", "on_date", "pk"),
    ).prefetch_related("corrections")


def latest_correction(event) -> ProjectEvent | None:
    """The latest correction of ``event``'s date, if any (of its corrections as
    ``stage_change_list`` prefetches them: no query)."""
    corrections = sorted(event.corrections.all(), key=lambda c: (c.recorded_at, c.pk))
    return corrections[-1] if corrections else None


# ------------------------------------------------------------------ the as-of rule
def _ids_or_subquery(ids):
    """``ids`` for an ``__in`` lookup: a queryset stays a subquery (always one
    query, even when it finds nothing), any other iterable becomes a list."""
    return ids if isinstance(ids, QuerySet) else list(ids)


def stage_event_rows(park_ids: Iterable[int] | None = None, *, user=None, project_ids=None):
    """Stage and correction events, as tuples, for the as-of rule. Scoped to
    ``user`` if given; otherwise unscoped over ``park_ids`` (figures, boards:
    the caller decided the parks may be read)."""
    if user is not None:
        rows = ProjectEvent.objects.restrict(user)
    else:
        rows = ProjectEvent.objects.unscoped().filter(park__in=list(park_ids or ()))
    if project_ids is not None:
        rows = rows.filter(project_id__in=_ids_or_subquery(project_ids))
    kinds = (ProjectEvent.Kind.STAGE, ProjectEvent.Kind.CORRECTION)
    return rows.filter(kind__in=kinds).values_list(
        "pk", "project_id", "kind", "from_stage", "to_stage", "on_date", "corrects_id"
    )


def effective_history(rows) -> dict[int, list[tuple[datetime.date, int, str, str]]]:
    """Per project, its stage changes as ``(effective date, event id, from, to)``
    in the order they happened. A stage change's effective date is its own
    ``on_date`` unless corrected; then that of its latest correction (history
    keeps both events; only the date counts)."""
    stage_events, corrected = {}, {}
    for pk, project_id, kind, from_stage, to_stage, on_date, corrects_id in sorted(rows):
        if kind == ProjectEvent.Kind.STAGE:
            stage_events[pk] = (project_id, on_date, from_stage, to_stage)
        else:  # rows are in id order: the latest correction wins
            corrected[corrects_id] = on_date
    history: dict[int, list] = {}
    for pk, (project_id, on_date, from_stage, to_stage) in stage_events.items():
        history.setdefault(project_id, []).append(
            (corrected.get(pk, on_date), pk, from_stage, to_stage)
        )
    for changes in history.values():
        changes.sort(key=lambda change: change[1])  # in the order they were made
    return history


def stages_on(history, day: datetime.date) -> dict[int, str]:
    """THE as-of rule: the stage each project was at on ``day`` = the stage of
    its last stage change effective on or before ``day``. A project with none
    (a lead recorded later) was at no stage then and is left out."""
    result = {}
    for project_id, changes in history.items():
        reached = [change for change in changes if change[0] <= day]
        if reached:
            result[project_id] = reached[-1][3]
    return result


def projects_in_stage_on(*, parks, stage: str, on: datetime.date) -> tuple[int, ...]:
    """Ids of the projects of ``parks`` that were at ``stage`` on day ``on`` (from
    their events, corrections applied). Unscoped over ``parks``: for figures
    and boards, whose caller decided the user may read these parks' projects."""
    park_ids = [getattr(park, "pk", park) for park in parks]
    current = stages_on(effective_history(stage_event_rows(park_ids)), on)
    return tuple(sorted(pk for pk, at in current.items() if at == stage))


# The same rules in SQL, for figures that need only how many projects meet them:
# the database counts, Python reads no history. Each must count exactly the ids
# the Python rule gives (``effective_history``, ``stages_on``, ``boards.ids_reached``);
# the figures' tests compare the two.
def _stage_changes(park_ids) -> QuerySet:
    return ProjectEvent.objects.unscoped().filter(
        park__in=list(park_ids), kind=ProjectEvent.Kind.STAGE
    )


def effective_day():
    """A stage change's effective date as an expression: the date of its latest
    correction, else its own (``effective_history``)."""
    latest = (
        ProjectEvent.objects.unscoped()
        .filter(
            park=OuterRef("park_id"), kind=ProjectEvent.Kind.CORRECTION, corrects=OuterRef("pk")
        )
        .order_by("-pk")
        .values("on_date")[:1]
    )
    return Coalesce(Subquery(latest), F("on_date"), output_field=DateField())


def first_reached_changes(park_ids, stage: str) -> QuerySet:
    """The change by which each project of the parks first reached ``stage`` (its
    first such change in the order they were made), with its ``day`` (effective)."""
    first = (
        _stage_changes(park_ids)
        .filter(to_stage=stage)
        .order_by()
        .values("project_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return _stage_changes(park_ids).filter(pk__in=Subquery(first)).alias(day=effective_day())


def reached_in_q(period) -> Q:
    """On ``first_reached_changes``: reached within ``period``."""
    return Q(day__gte=period.first_day, day__lte=period.last_day)


def count_reached(*, parks, stage: str, periods: dict) -> dict[str, int]:
    """For each named period, how many projects of ``parks`` first reached ``stage``
    in it: ``len(boards.ids_reached(...))`` for each, in one query."""
    park_ids = [getattr(park, "pk", park) for park in parks]
    return first_reached_changes(park_ids, stage).aggregate(
        **{name: Count("pk", filter=reached_in_q(period)) for name, period in periods.items()}
    )


def count_in_stage_on(*, parks, stage: str, days: dict) -> dict[str, int]:
    """For each named day, how many projects of ``parks`` were at ``stage`` on it
    (the stage of their last change effective by then): ``len(projects_in_stage_on)``
    for each, in one query."""
    park_ids = [getattr(park, "pk", park) for park in parks]
    dated = _stage_changes(park_ids).alias(day=effective_day())

    def last_by(day):
        return (
            dated.filter(day__lte=day)
            .order_by()
            .values("project_id")
            .annotate(last=Max("pk"))
            .values("last")
        )

    return (
        _stage_changes(park_ids)
        .filter(to_stage=stage)
        .aggregate(
            **{name: Count("pk", filter=Q(pk__in=last_by(day))) for name, day in days.items()}
        )
    )


def project_ids_in_stage_on(*, user, stage: str, on: datetime.date) -> set[int]:
    """Like ``projects_in_stage_on``, over the events ``user`` may read (the list filter)."""
    current = stages_on(effective_history(stage_event_rows(user=user)), on)
    return {pk for pk, at in current.items() if at == stage}


def stage_dates(project, *, user=None) -> dict[str, datetime.date]:
    """The date ``project`` first reached each stage it reached (corrections
    applied), stage → date, in lifecycle order of reaching. Read as ``user``
    if given, else unscoped (the caller holds a project it may read)."""
    if user is not None:
        rows = stage_event_rows(user=user, project_ids=[project.pk])
    else:
        rows = stage_event_rows([project.park_id], project_ids=[project.pk])
    dates: dict[str, datetime.date] = {}
    for on_date, _pk, _from, to_stage in effective_history(rows).get(project.pk, []):
        dates.setdefault(to_stage, on_date)
    return dates


def last_stage_change(project, *, user=None) -> tuple[datetime.date, int, str, str] | None:
    """``project``'s latest stage change ``(effective date, id, from, to)``."""
    if user is not None:
        rows = stage_event_rows(user=user, project_ids=[project.pk])
    else:
        rows = stage_event_rows([project.park_id], project_ids=[project.pk])
    changes = effective_history(rows).get(project.pk, [])
    return changes[-1] if changes else None


def held_at(project) -> str | None:
    """The stage a project on hold (or dropped) was at when it was put on hold
    (or dropped): where an ON_HOLD project resumes."""
    if project.stage not in (Stage.ON_HOLD, Stage.DROPPED):
        return None
    rows = stage_event_rows([project.park_id], project_ids=[project.pk])
    changes = effective_history(rows).get(project.pk, [])
    # The latest change from a lifecycle stage: X → ON_HOLD, or X → DROPPED
    # (or X → ON_HOLD → DROPPED).
    for _on, _pk, from_stage, _to in reversed(changes):
        if from_stage not in (Stage.ON_HOLD, Stage.DROPPED, ""):
            return from_stage
    return Stage.LEAD


# ------------------------------------------------------------ confidential terms
TERMS_ROLES = frozenset({Role.PARK_LEADER, Role.PROJECT_OFFICER, Role.FINANCE_OFFICER})


def own_unit_ids(user, park_id) -> set[int]:
    """The promotion units of ``park_id`` ``user`` is a member of."""
    from parkops.promotion import selectors as promotion

    return promotion.own_unit_ids(user=user, park=park_id)


def terms_reader(user) -> Callable[[Project], bool]:
    """THE rule for confidential negotiation terms (ROLES.md): readable by the
    park leader, project officer and finance officer of the project's park, and
    by a promotion officer of the park whose unit is the project's first
    contact or owner unit. Returns ``may_read(project)``; memberships and units
    are read once, so a list or an export asks it for each row for free."""
    if user is permissions.SYSTEM:
        return lambda project: True
    memberships = permissions.memberships(user) if getattr(user, "is_active", False) else []
    by_role = {m.park_id for m in memberships if m.role in TERMS_ROLES and m.park_id}
    promotion = {m.park_id for m in memberships if m.role == Role.PROMOTION_OFFICER and m.park_id}
    units: dict[int, set[int]] = {}

    def may_read(project) -> bool:
        if project.park_id in by_role:
            return True
        if project.park_id not in promotion:
            return False
        if project.park_id not in units:
            units[project.park_id] = own_unit_ids(user, project.park_id)
        own = units[project.park_id]
        return project.first_contact_unit_id in own or project.owner_unit_id in own

    return may_read


def can_read_terms(user, project) -> bool:
    return terms_reader(user)(project)


# ------------------------------------------------------------ lead handling
# Stages whose leads have handling deadlines (线索处理时限).
OPEN_LEAD_STAGES = (Stage.LEAD, Stage.NEGOTIATING)


@list_selector(model=LeadPolicy, filterset_class=LeadPolicyFilterSet)
def lead_policy_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The lead-handling policies ``user`` may view (one per park)."""
    return scoped_list(
        LeadPolicy,
        user=user,
        filters=filters,
        filterset_class=LeadPolicyFilterSet,
        park_id=park_id,
        select_related=("park",),
        ordering=("park__code", "pk"),
    )


def lead_policy(park) -> LeadPolicy:
    """``park``'s lead-handling policy, or the defaults (unsaved) if it has none.
    Unscoped on purpose, like the park's calendar: it applies to every deadline
    in the park, whoever computes it."""
    park_id = getattr(park, "pk", park)
    found = LeadPolicy.objects.unscoped().filter(park=park_id).first()
    return found or LeadPolicy(park_id=park_id, **LeadPolicy.DEFAULTS)


def with_lead_dates(queryset: QuerySet, *, user=None) -> QuerySet:
    """``queryset`` of projects with the dates of their handling steps annotated
    (``lead_on``, ``assigned_on``, ``assessed_on``, ``feedback_on``,
    ``progress_on``): subqueries over the events ``user`` may read, so a list's
    deadlines cost no query per row."""
    events = ProjectEvent.objects.restrict(user) if user is not None else None
    if events is None:
        events = ProjectEvent.objects.unscoped()
    own = events.filter(project=OuterRef("pk"), park=OuterRef("park"))

    def first(kind):
        rows = own.filter(kind=kind).order_by("on_date", "pk")
        return Subquery(rows.values("on_date")[:1])

    # The lead's own date: its creation event (from no stage), as last corrected.
    creation = own.filter(from_stage="", to_stage=Stage.LEAD)
    created = creation.filter(kind=ProjectEvent.Kind.STAGE).order_by("pk").values("on_date")
    corrected = creation.filter(kind=ProjectEvent.Kind.CORRECTION).order_by("-pk")
    latest_progress = own.filter(kind=ProjectEvent.Kind.PROGRESS).order_by("-on_date", "-pk")
    # An owner officer named with the lead was assigned that day (no event); a
    # later one is an ASSIGNED event (``services.project_update``).
    with_owner = Case(
        When(owner_officer__isnull=False, then=F("lead_on")), output_field=DateField()
    )
    return queryset.annotate(
        lead_on=Coalesce(
            Subquery(corrected.values("on_date")[:1]),
            Subquery(created[:1]),
            output_field=DateField(),
        ),
    ).annotate(
        assigned_on=Coalesce(
            first(ProjectEvent.Kind.ASSIGNED), with_owner, output_field=DateField()
        ),
        assessed_on=first(ProjectEvent.Kind.ASSESSMENT),
        feedback_on=first(ProjectEvent.Kind.FEEDBACK),
        progress_on=Subquery(latest_progress.values("on_date")[:1]),
    )


def _year_to_day(*, day: datetime.date, user) -> tuple[QuerySet, QuerySet]:
    """The investment entries from January to ``day``'s month and the plans for
    ``day``'s year, as ``user`` may read them."""
    entries = InvestmentEntry.objects.restrict(user).filter(
        month__gte=datetime.date(day.year, 1, 1), month__lte=day
    )
    return entries, AnnualPlan.objects.restrict(user).filter(year=day.year)


def with_investment_to(queryset: QuerySet, *, day: datetime.date, user) -> QuerySet:
    """``queryset`` of projects with the investment each completed from January
    to ``day``'s month (``completed_to``) and its plan for ``day``'s year
    (``year_plan``): the numbers behind the report card's major-project
    figures, beside the projects they add up."""
    entries, plans = _year_to_day(day=day, user=user)
    own = entries.filter(project=OuterRef("pk")).values("project")
    completed = own.annotate(total=Sum("amount")).values("total")
    plan = plans.filter(project=OuterRef("pk")).values("amount")
    return queryset.annotate(completed_to=Subquery(completed[:1]), year_plan=Subquery(plan[:1]))


def investment_totals(projects: QuerySet, *, day: datetime.date, user) -> dict:
    """The totals of ``with_investment_to`` over ``projects``, in two queries."""
    entries, plans = _year_to_day(day=day, user=user)
    ids = projects.order_by().values("pk")
    return {
        "completed_to": entries.filter(project__in=ids).aggregate(t=Sum("amount"))["t"],
        "year_plan": plans.filter(project__in=ids).aggregate(t=Sum("amount"))["t"],
    }


class LeadClock:
    """Deadlines of projects annotated by ``with_lead_dates``, as of a day (China
    time, default today): each park's policy and calendar are read once."""

    def __init__(self, *, as_of: datetime.date | None = None):
        self.as_of = as_of or today_cst()
        self._parks: dict[int, tuple[Policy, WorkdayIndex]] = {}

    def _park(self, park_id: int) -> tuple[Policy, WorkdayIndex]:
        if park_id not in self._parks:
            from parkops.workdays.selectors import working_calendar

            policy = Policy.of(lead_policy(park_id))
            self._parks[park_id] = (policy, WorkdayIndex(working_calendar(park=park_id)))
        return self._parks[park_id]

    def policy(self, park_id: int) -> Policy:
        return self._park(park_id)[0]

    def deadline(self, project) -> LeadDeadline | None:
        """The next handling step of ``project`` and when it is due, or None if
        it is not an open lead or negotiation (or not annotated)."""
        if project.stage not in OPEN_LEAD_STAGES or not hasattr(project, "lead_on"):
            return None
        policy, index = self._park(project.park_id)
        dates = LeadDates(
            lead_on=project.lead_on,
            assigned_on=project.assigned_on,
            assessed_on=project.assessed_on,
            feedback_on=project.feedback_on,
            progress_on=project.progress_on,
            stage_on=project.stage_on,
            planned_investment=project.planned_investment,
        )
        return next_deadline(dates, policy=policy, index=index, as_of=self.as_of)


def lead_deadlines(*, user, as_of=None, park_id=None, project_ids=None) -> dict[int, LeadDeadline]:
    """THE lead-handling deadlines: for each open lead or negotiation ``user``
    may view (in ``park_id``, among ``project_ids``, if given), its next step and
    when it is due in its park's working days, overdue as of ``as_of``."""
    rows = Project.objects.restrict(user).filter(stage__in=OPEN_LEAD_STAGES)
    if park_id is not None:
        rows = rows.filter(park_id=park_id)
    if project_ids is not None:
        rows = rows.filter(pk__in=list(project_ids))
    clock = LeadClock(as_of=as_of)
    found = {}
    for project in with_lead_dates(rows.order_by("park_id", "pk"), user=user):
        deadline = clock.deadline(project)
        if deadline is not None:
            found[project.pk] = deadline
    return found


def overdue_project_ids(*, user, as_of=None, park_id=None) -> set[int]:
    """Ids of the open leads and negotiations ``user`` may view whose next
    handling step is overdue as of ``as_of`` (the list's "overdue" filter)."""
    deadlines = lead_deadlines(user=user, as_of=as_of, park_id=park_id)
    return {pk for pk, deadline in deadlines.items() if deadline.overdue}


def project_deadline(project, *, user, as_of=None) -> LeadDeadline | None:
    """``project``'s next handling step (the project page)."""
    return lead_deadlines(user=user, as_of=as_of, project_ids=[project.pk]).get(project.pk)


def project_visits(*, user, project) -> list:
    """The visits linked to ``project`` after its source visit, newest first, as
    ``user`` may read them (none for a role that does not read visits)."""
    from parkops.promotion.models import Visit

    if not permissions.can(user, Visit, permissions.VIEW, project.park_id):
        return []
    return list(
        ProjectVisit.objects.restrict(user)
        .filter(park_id=project.park_id, project=project)
        .select_related("visit", "visit__enterprise", "visit__institution", "visit__unit")
        .order_by("-visit__date", "-visit_id", "pk")
    )


def linkable_visits(*, user, project):
    """The visits of ``project``'s park to its investor that may be linked to it
    (not its source, not linked already), newest first."""
    from parkops.promotion.models import Visit

    linked = ProjectVisit.objects.restrict(user).filter(park_id=project.park_id, project=project)
    return (
        Visit.objects.restrict(user, permissions.VIEW)
        .filter(park_id=project.park_id, enterprise_id=project.investor_id)
        .exclude(pk=project.source_visit_id or 0)
        .exclude(pk__in=linked.values("visit_id"))
        .select_related("enterprise", "institution")
        .order_by("-date", "-pk")
    )


def project_documents(*, user, project) -> list:
    """``project``'s documents as ``user`` may read them: none for a user who may
    not read its confidential terms (an agreement holds them)."""
    if not can_read_terms(user, project):
        return []
    return list(
        ProjectDocument.objects.restrict(user)
        .filter(park_id=project.park_id, project=project)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


# ------------------------------------------------------- the project's history
HISTORY_SHOWN = 20  # entries on the project page, newest first
# The records that belong to a project (each with a ``project`` key), whose
# changes are part of its story; documents only for who may read them.
HISTORY_CHILDREN = (
    ProjectEvent,
    Milestone,
    InvestmentEntry,
    AnnualPlan,
    MajorListing,
    ProjectVisit,
)


@dataclass(frozen=True)
class ProjectHistory:
    entries: list  # of ``audit_display.EntryDisplay``, values left out
    more: bool  # older entries exist beyond the ones shown


def project_history(*, user, project, limit: int = HISTORY_SHOWN) -> ProjectHistory:
    """The audit entries of ``project`` and of the records that belong to it
    (stage events, milestones, investment, plans, listings, visits, and
    documents for who may read them), newest first, in one query.

    For the project's readers, not the audit log's: the caller has read
    ``project`` through the user's scope, and each entry shows who did what
    and when and which fields changed, never the values (``values=False``),
    so no confidential term is shown, whatever the fields are."""
    from django.db.models import Q

    from parkops.core.audit_display import AuditReader
    from parkops.core.models import AuditEntry

    children = list(HISTORY_CHILDREN)
    if can_read_terms(user, project):
        children.append(ProjectDocument)
    # A child's snapshot names its project by id: after a creation or a
    # change, before a deletion.
    belongs = Q(after__project_id=project.pk) | Q(before__project_id=project.pk)
    found = list(
        AuditEntry.objects.filter(park_id=project.park_id)
        .filter(
            Q(object_type=Project._meta.label_lower, object_id=str(project.pk))
            | Q(object_type__in=[model._meta.label_lower for model in children]) & belongs
        )
        .select_related("actor")
        .order_by("-time", "-pk")[: limit + 1]
    )
    reader = AuditReader(user)
    return ProjectHistory(
        entries=[reader.display(entry, values=False) for entry in found[:limit]],
        more=len(found) > limit,
    )


# ------------------------------------------------------------ a lead's source
def lead_source_initial(*, user, park, visit_id=None, event_id=None) -> dict:
    """The new-lead form's initial values for a lead from a visit or a promotion
    event the user may read in ``park`` (the "record a lead" links of the visit
    and event pages): the source, the investor visited and the visit's unit."""
    from parkops.promotion.models import PromotionEvent, Visit

    park_id = getattr(park, "pk", park)
    if visit_id:
        visit = (
            Visit.objects.restrict(user, permissions.VIEW)
            .filter(park_id=park_id, pk=visit_id)
            .first()
        )
        if visit is not None:
            initial = {
                "source": Project.Source.VISIT,
                "source_visit": visit.pk,
                "first_contact_unit": visit.unit_id,
            }
            if visit.enterprise_id:
                initial["investor"] = visit.enterprise_id
            return initial
    if event_id:
        event = (
            PromotionEvent.objects.restrict(user, permissions.VIEW)
            .filter(park_id=park_id, pk=event_id)
            .first()
        )
        if event is not None:
            return {"source": Project.Source.EVENT, "source_event": event.pk}
    return {}


# ------------------------------------------------------- milestones (里程碑)
@list_selector(model=Milestone, filterset_class=MilestoneFilterSet)
def milestone_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The milestones ``user`` may view, by project and planned date."""
    return scoped_list(
        Milestone,
        user=user,
        filters=filters,
        filterset_class=MilestoneFilterSet,
        park_id=park_id,
        select_related=("project", "responsible_unit", "responsible_officer", "verified_by"),
        ordering=("project__name_pinyin", "project_id", "planned_on", "position", "pk"),
    )


def project_milestones(*, user, project) -> list:
    """``project``'s milestones ``user`` may view, in planned order."""
    return list(
        Milestone.objects.restrict(user, permissions.VIEW)
        .filter(project=project)
        .select_related("responsible_unit", "responsible_officer", "document", "verified_by")
        .order_by("planned_on", "position", "pk")
    )


@list_selector(model=MilestoneTemplate, filterset_class=MilestoneTemplateFilterSet)
def milestone_template_list(*, user, filters=None, park_id=None) -> QuerySet:
    return scoped_list(
        MilestoneTemplate,
        user=user,
        filters=filters,
        filterset_class=MilestoneTemplateFilterSet,
        park_id=park_id,
        select_related=("park",),
        ordering=("name", "pk"),
    )


# ------------------------------------------------------ traffic lights (红绿灯)
@list_selector(model=TrafficRule, filterset_class=TrafficRuleFilterSet)
def traffic_rule_list(*, user, filters=None, park_id=None) -> QuerySet:
    return scoped_list(
        TrafficRule,
        user=user,
        filters=filters,
        filterset_class=TrafficRuleFilterSet,
        park_id=park_id,
        select_related=("park",),
        ordering=("park__code", "kind", "threshold", "pk"),
    )


def traffic_rules(park) -> tuple:
    """``park``'s traffic-light rules, or the defaults if it has none. Unscoped
    on purpose, like the lead policy: they apply to every light in the park."""
    from parkops.projects import lights

    park_id = getattr(park, "pk", park)
    saved = list(TrafficRule.objects.unscoped().filter(park=park_id).order_by("kind", "pk"))
    if not saved:
        return lights.default_rules()
    return tuple(lights.Rule.of(rule) for rule in saved if rule.enabled)


# The events that count as recorded progress (a note, a step, a stage change).
PROGRESS_KINDS = (
    ProjectEvent.Kind.STAGE,
    ProjectEvent.Kind.PROGRESS,
    ProjectEvent.Kind.ASSESSMENT,
    ProjectEvent.Kind.FEEDBACK,
)
NOTE_PROGRESS_KINDS = frozenset(PROGRESS_KINDS) - {ProjectEvent.Kind.STAGE}


def traffic_facts(projects, *, as_of: datetime.date | None = None) -> dict:
    """The facts ``lights.evaluate`` needs of each of ``projects`` (loaded, one
    park's or several) on ``as_of`` (today by default: it names the year whose
    plan and investment count), read in four queries whatever their number."""
    from parkops.projects import lights

    year = (as_of or today_cst()).year
    projects = list(projects)
    ids = sorted(p.pk for p in projects)
    park_ids = sorted({p.park_id for p in projects})
    events = (
        ProjectEvent.objects.unscoped()
        .filter(park__in=park_ids, project__in=ids)
        .filter(
            kind__in=(
                *PROGRESS_KINDS,
                ProjectEvent.Kind.CORRECTION,
                ProjectEvent.Kind.ENTERED_STATISTICS,
            )
        )
        .values_list("pk", "project_id", "kind", "from_stage", "to_stage", "on_date", "corrects_id")
    )
    rows, entered = _split_entered_statistics(events)
    last_progress: dict[int, datetime.date] = {}
    started: dict[int, datetime.date] = {}
    # Stage changes at their effective dates (corrections applied) ...
    for pid, changes in effective_history(rows).items():
        for on_date, _pk, _from, to_stage in changes:
            last_progress[pid] = max(on_date, last_progress.get(pid, on_date))
            if to_stage == Stage.STARTED:
                started[pid] = min(on_date, started.get(pid, on_date))
    # ... and the notes of what was done.
    for _pk, pid, kind, _from, _to, on_date, _corrects in rows:
        if kind in NOTE_PROGRESS_KINDS:
            last_progress[pid] = max(on_date, last_progress.get(pid, on_date))
    milestones: dict[int, list] = {}
    rows = (
        Milestone.objects.unscoped()
        .filter(park__in=park_ids, project__in=ids)
        .order_by("planned_on", "position", "pk")
        .values_list("project_id", "kind", "name", "planned_on", "actual_on")
    )
    for pid, kind, name, planned_on, actual_on in rows:
        milestones.setdefault(pid, []).append(
            lights.MilestoneFacts(kind, name or str(kind), planned_on, actual_on)
        )
        if actual_on:
            last_progress[pid] = max(actual_on, last_progress.get(pid, actual_on))
    investment = _investment_facts(park_ids, ids, year)
    return {
        p.pk: lights.ProjectFacts(
            stage=p.stage,
            last_progress_on=last_progress.get(p.pk),
            started_on=started.get(p.pk),
            entered_statistics_on=entered.get(p.pk),
            milestones=tuple(milestones.get(p.pk, ())),
            investment=investment.get(p.pk),
        )
        for p in projects
    }


def _split_entered_statistics(rows) -> tuple[list, dict[int, datetime.date]]:
    """``rows`` of events (as ``traffic_facts`` reads them) without the
    ENTERED_STATISTICS ones, and per project the date it entered the
    statistics: its first such event's, its latest correction applied (as
    ``entered_statistics_on`` reads it for one project)."""
    rows = sorted(rows)  # in id order: the first event, the latest correction
    entered_event: dict[int, tuple[int, datetime.date]] = {}
    corrected: dict[int, datetime.date] = {}
    others = []
    for row in rows:
        pk, project_id, kind, _from, _to, on_date, corrects_id = row
        if kind == ProjectEvent.Kind.ENTERED_STATISTICS:
            entered_event.setdefault(project_id, (pk, on_date))
            continue
        if kind == ProjectEvent.Kind.CORRECTION:
            corrected[corrects_id] = on_date
        others.append(row)
    entered = {pid: corrected.get(pk, on_date) for pid, (pk, on_date) in entered_event.items()}
    return others, entered


def _investment_facts(park_ids, ids, year: int) -> dict:
    """The ``year``'s plan and monthly investment of the projects ``ids`` that
    have a plan for it (``lights.InvestmentFacts``), in two queries."""
    from parkops.projects import lights

    plans = dict(
        AnnualPlan.objects.unscoped()
        .filter(park__in=park_ids, project__in=ids, year=year)
        .values_list("project_id", "amount")
    )
    monthly = {pid: [Decimal(0)] * 12 for pid in plans}
    rows = (
        InvestmentEntry.objects.unscoped()
        .filter(park__in=park_ids, project__in=ids, month__year=year)
        .values_list("project_id", "month", "amount")
    )
    for pid, month, amount in rows:
        if pid in monthly:
            monthly[pid][month.month - 1] += amount
    return {
        pid: lights.InvestmentFacts(year=year, plan=plan, monthly=tuple(monthly[pid]))
        for pid, plan in plans.items()
    }


def traffic_results(*, park, as_of=None, user=None, projects=None) -> list:
    """``(project, lights.Result)`` of every project on ``park``'s board (those
    ``user`` may view, or all for the system), in a fixed number of queries."""
    from parkops.projects import lights
    from parkops.projects.deadlines import WorkdayIndex
    from parkops.workdays.selectors import working_calendar

    as_of = as_of or today_cst()
    if projects is None:
        base = (
            Project.objects.unscoped()
            if user is None
            else Project.objects.restrict(user, permissions.VIEW)
        )
        projects = list(
            base.filter(park=park, stage__in=lights.BOARD_STAGES).select_related(
                "owner_unit", "owner_officer", "industry"
            )
        )
    facts = traffic_facts(projects, as_of=as_of)
    rules = traffic_rules(park)
    index = WorkdayIndex(working_calendar(park=park))
    return [(p, lights.evaluate(facts[p.pk], rules, index, as_of)) for p in projects]


def project_lights(project, milestones) -> tuple:
    """``project``'s traffic light today (``lights.Result``) and each of
    ``milestones``' own light (the milestone rules on it alone)."""
    from parkops.projects import lights
    from parkops.projects.deadlines import WorkdayIndex
    from parkops.workdays.selectors import working_calendar

    as_of = today_cst()
    index = WorkdayIndex(working_calendar(park=project.park_id))
    rules = traffic_rules(project.park_id)
    facts = traffic_facts([project], as_of=as_of)[project.pk]
    overall = lights.evaluate(facts, rules, index, as_of)
    per_milestone = {}
    for milestone in milestones:
        alone = lights.ProjectFacts(
            stage=facts.stage,
            started_on=facts.started_on,
            entered_statistics_on=facts.entered_statistics_on,
            milestones=(
                lights.MilestoneFacts(
                    milestone.kind, str(milestone), milestone.planned_on, milestone.actual_on
                ),
            ),
        )
        per_milestone[milestone.pk] = lights.evaluate(alone, rules, index, as_of).light
    return overall, per_milestone


# ------------------------------------------------------- entered statistics
def entered_statistics_event(project) -> ProjectEvent | None:
    """``project``'s ENTERED_STATISTICS event (列统入规), if recorded. Unscoped:
    the caller holds a project it may read."""
    return (
        ProjectEvent.objects.unscoped()
        .filter(park=project.park_id, project=project.pk, kind=ProjectEvent.Kind.ENTERED_STATISTICS)
        .order_by("pk")
        .first()
    )


def entered_statistics_on(project) -> datetime.date | None:
    """The day ``project`` entered the statistics, its latest correction applied."""
    event = entered_statistics_event(project)
    if event is None:
        return None
    latest = (
        ProjectEvent.objects.unscoped()
        .filter(park=project.park_id, corrects=event.pk, kind=ProjectEvent.Kind.CORRECTION)
        .order_by("-pk")
        .first()
    )
    return latest.on_date if latest else event.on_date


# ------------------------------------------------------------------ investment
@list_selector(model=InvestmentEntry, filterset_class=InvestmentEntryFilterSet)
def investment_entry_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The monthly investment entries ``user`` may view, by project and month."""
    return scoped_list(
        InvestmentEntry,
        user=user,
        filters=filters,
        filterset_class=InvestmentEntryFilterSet,
        park_id=park_id,
        select_related=("project",),
        ordering=("project_id", "month", "pk"),
    )


@list_selector(model=AnnualPlan, filterset_class=AnnualPlanFilterSet)
def annual_plan_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The projects' annual investment plans ``user`` may view."""
    return scoped_list(
        AnnualPlan,
        user=user,
        filters=filters,
        filterset_class=AnnualPlanFilterSet,
        park_id=park_id,
        select_related=("project",),
        ordering=("project_id", "year", "pk"),
    )


@list_selector(model=MajorListing, filterset_class=MajorListingFilterSet)
def major_listing_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The major-project listings (列省/列市) ``user`` may view."""
    return scoped_list(
        MajorListing,
        user=user,
        filters=filters,
        filterset_class=MajorListingFilterSet,
        park_id=park_id,
        select_related=("project",),
        ordering=("year", "project_id", "pk"),
    )


def _decimal_of(fraction: Fraction) -> Decimal:
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


@dataclass(frozen=True)
class Pace:
    """Investment against a year's plan at the end of month ``month`` (序时进度,
    MECHANISMS.md): ``share_pct`` = completed ÷ plan × 100; on pace is
    ``month``/12 of the plan (``expected_pct``); ``ahead_pp`` = share −
    expected, in percentage points (negative: behind). Without a plan (none,
    or zero) there is no share and no pace."""

    completed: Decimal
    plan: Decimal | None
    month: int
    share_pct: Decimal | None
    expected_pct: Decimal
    ahead_pp: Decimal | None


def pace(*, completed, plan, month: int) -> Pace:
    """THE pace computation (序时进度), exact: no float, no rounding until shown."""
    completed = Decimal(completed or 0)
    expected = _expected(month)
    if plan is None or Decimal(plan) == 0:
        return Pace(completed, plan, month, None, _decimal_of(expected), None)
    share = _share(completed, plan)
    return Pace(
        completed=completed,
        plan=Decimal(plan),
        month=month,
        share_pct=_decimal_of(share),
        expected_pct=_decimal_of(expected),
        ahead_pp=_decimal_of(share - expected),
    )


def pace_ahead(*, completed, plan, month: int) -> Fraction | None:
    """``pace(...).ahead_pp`` as an exact fraction, for the rules that compare
    it with a threshold (``lights``): None without a plan."""
    if plan is None or Decimal(plan) == 0:
        return None
    return _share(Decimal(completed or 0), plan) - _expected(month)


def _expected(month: int) -> Fraction:
    if not 1 <= month <= 12:
        raise ValueError("month is 1..12")
    return Fraction(month, 12) * 100


def _share(completed: Decimal, plan) -> Fraction:
    return Fraction(completed) / Fraction(Decimal(plan)) * 100


def default_pace_month(year: int, today: datetime.date | None = None) -> int:
    """The month a year's pace is read at: December for a past year; for this
    year the last month that has ended (January while January runs)."""
    today = today or today_cst()
    if year < today.year:
        return 12
    return max(1, today.month - 1)


def completed_by_project(
    entries: QuerySet, *, year: int, month: int, project_ids=None
) -> dict[int, Decimal]:
    """Investment completed from January to ``month`` of ``year``, per project."""
    rows = entries.filter(
        month__gte=datetime.date(year, 1, 1), month__lte=datetime.date(year, month, 1)
    )
    if project_ids is not None:
        rows = rows.filter(project_id__in=_ids_or_subquery(project_ids))
    totals = rows.values("project_id").annotate(total=Sum("amount")).order_by("project_id")
    return {row["project_id"]: row["total"] for row in totals}


def project_investment(project, *, user, year: int | None = None, month: int | None = None):
    """``project``'s investment as ``user`` may read it: the entries of ``year``
    (default: the latest year with a plan, else with an entry, else this year),
    the year's plan, its pace at the end of ``month`` (default
    ``default_pace_month``), and ``years``, those with a plan or an entry to
    choose from. Four queries, however many years and entries."""
    rows = InvestmentEntry.objects.restrict(user).filter(park=project.park_id, project=project.pk)
    plans = {
        plan.year: plan
        for plan in AnnualPlan.objects.restrict(user).filter(
            park=project.park_id, project=project.pk
        )
    }
    entry_years = {day.year for day in rows.dates("month", "year")}
    if year is None:
        year = max(plans or entry_years or {today_cst().year})
    month = month or default_pace_month(year)
    entries = list(rows.filter(month__year=year).order_by("month", "pk"))
    plan = plans.get(year)
    completed = sum((e.amount for e in entries if e.month.month <= month), Decimal(0))
    return {
        "year": year,
        "month": month,
        "years": sorted(set(plans) | entry_years | {year}),
        "entries": entries,
        "plan": plan,
        "pace": pace(completed=completed, plan=plan.amount if plan else None, month=month),
        "listing": MajorListing.objects.restrict(user)
        .filter(park=project.park_id, project=project.pk, year=year)
        .first(),
    }


# The chart's unit: 亿元 once the plan or the year's total reaches 1亿, else 万元.
_CHART_UNITS = ((Decimal(10) ** 8, "亿元"), (Decimal(10) ** 4, "万元"))


def investment_chart(investment: dict) -> dict | None:
    """The project page's chart of ``project_investment``'s year: each month's
    investment (bars), the year to date (a line, up to the last month entered)
    and the plan's pace, ``month``/12 of the plan by the end of each month (a
    line; none without a plan). Amounts in 亿元 or 万元 as decimal strings, two
    places, rounded half up; None when the year has neither plan nor entries."""
    entries, plan = investment["entries"], investment["plan"]
    if not entries and plan is None:
        return None
    by_month = {entry.month.month: entry.amount for entry in entries}
    total = sum(by_month.values(), Decimal(0))
    biggest = max(total, plan.amount if plan else Decimal(0))
    size, unit = next(((s, u) for s, u in _CHART_UNITS if biggest >= s), _CHART_UNITS[-1])

    def shown(amount):
        if amount is None:
            return None
        return str((Decimal(amount) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    last = max(by_month, default=0)
    running, cumulative = Decimal(0), []
    for month in range(1, 13):
        running += by_month.get(month, Decimal(0))
        cumulative.append(shown(running) if month <= last else None)
    return {
        "year": investment["year"],
        "unit": unit,
        "monthly": [shown(by_month.get(month)) for month in range(1, 13)],
        "cumulative": cumulative,
        "pace": [
            shown(_decimal_of(Fraction(plan.amount) * Fraction(month, 12))) if plan else None
            for month in range(1, 13)
        ],
    }


def major_level(project, *, user=None, year: int | None = None) -> str | None:
    """``Project.major_level`` (GLOSSARY): its listing (provincial/municipal) for
    ``year``, this year by default; None if not listed."""
    year = year or today_cst().year
    rows = (
        MajorListing.objects.restrict(user)
        if user is not None
        else MajorListing.objects.unscoped().filter(park=project.park_id)
    )
    found = rows.filter(project=project.pk, year=year).first()
    return found.level if found else None


def major_project_ids(*, user=None, parks=None, year: int) -> set[int]:
    """The projects listed as major for ``year``: as ``user`` may read them, or
    unscoped over ``parks`` (figures)."""
    if user is not None:
        rows = MajorListing.objects.restrict(user)
    else:
        rows = MajorListing.objects.unscoped().filter(park__in=list(parks or ()))
    return set(rows.filter(year=year).values_list("project_id", flat=True))


@dataclass
class MajorRow:
    listing: MajorListing
    started_on: datetime.date | None
    pace: Pace


def major_projects(*, user, park, year: int, month: int | None = None) -> list[MajorRow]:
    """The major projects of ``park`` listed for ``year``: each with its start
    date, the year's plan, investment completed to the end of ``month`` and its
    pace; in a fixed number of queries."""
    month = month or default_pace_month(year)
    listed = MajorListing.objects.restrict(user).filter(park=park, year=year)
    listings = list(
        listed.select_related("project").order_by("-level", "project__name_pinyin", "pk")
    )
    # The listed projects as a subquery, not a list of ids: with no listing an
    # empty list would skip the three queries below, so the page's query count
    # would depend on whether the year has major projects.
    ids = listed.values("project_id")
    plans = dict(
        AnnualPlan.objects.restrict(user)
        .filter(park=park, year=year, project_id__in=ids)
        .values_list("project_id", "amount")
    )
    entries = InvestmentEntry.objects.restrict(user).filter(park=park)
    completed = completed_by_project(entries, year=year, month=month, project_ids=ids)
    history = effective_history(stage_event_rows(user=user, project_ids=ids).filter(park=park))
    rows = []
    for listing in listings:
        started = next(
            (c[0] for c in history.get(listing.project_id, []) if c[3] == Stage.STARTED), None
        )
        rows.append(
            MajorRow(
                listing=listing,
                started_on=started,
                pace=pace(
                    completed=completed.get(listing.project_id, Decimal(0)),
                    plan=plans.get(listing.project_id),
                    month=month,
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class MajorTotals:
    """The board's total row. ``pace`` measures the rows that have a plan
    against their plans (a row without one has nothing to be measured
    against, so it adds to neither side); ``completed`` is every row's
    investment, of which ``unplanned_completed`` is by the
    ``unplanned_count`` rows without a plan."""

    completed: Decimal
    pace: Pace
    unplanned_completed: Decimal
    unplanned_count: int


def major_totals(rows: list[MajorRow], *, month: int) -> MajorTotals | None:
    """The totals of ``major_projects`` rows; None for no rows."""
    if not rows:
        return None
    planned = [row.pace for row in rows if row.pace.plan is not None]
    unplanned = [row.pace for row in rows if row.pace.plan is None]
    unplanned_completed = sum((p.completed for p in unplanned), Decimal(0))
    return MajorTotals(
        completed=sum((row.pace.completed for row in rows), Decimal(0)),
        pace=pace(
            completed=sum((p.completed for p in planned), Decimal(0)),
            plan=sum((p.plan for p in planned), Decimal(0)) if planned else None,
            month=month,
        ),
        unplanned_completed=unplanned_completed,
        unplanned_count=len(unplanned),
    )


# ------------------------------------------------------ the park's annual plan
@list_selector(model=ParkInvestmentPlan, filterset_class=ParkInvestmentPlanFilterSet)
def park_investment_plan_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The parks' own annual investment plans ``user`` may view, latest year first."""
    return scoped_list(
        ParkInvestmentPlan,
        user=user,
        filters=filters,
        filterset_class=ParkInvestmentPlanFilterSet,
        park_id=park_id,
        select_related=("park",),
        ordering=("-year", "pk"),
    )


@dataclass(frozen=True)
class ParkPace:
    """The park line of the pace board: investment completed from January to
    ``pace.month`` by all the park's projects against the park's own plan for
    the year (``plan``, None without one)."""

    plan: ParkInvestmentPlan | None
    pace: Pace


def park_pace(*, user, park, year: int, month: int) -> ParkPace | None:
    """The park's pace (序时进度) for ``year`` at the end of ``month``: all its
    projects' entries against its own plan; None if ``user`` may not read the
    entries or the plan. Two queries."""
    if not (
        permissions.can(user, InvestmentEntry, permissions.VIEW, park)
        and permissions.can(user, ParkInvestmentPlan, permissions.VIEW, park)
    ):
        return None
    plan = ParkInvestmentPlan.objects.restrict(user).filter(park=park, year=year).first()
    completed = (
        InvestmentEntry.objects.restrict(user)
        .filter(
            park=park,
            month__gte=datetime.date(year, 1, 1),
            month__lte=datetime.date(year, month, 1),
        )
        .aggregate(total=Sum("amount"))["total"]
    )
    amount = plan.amount if plan else None
    return ParkPace(plan=plan, pace=pace(completed=completed, plan=amount, month=month))
