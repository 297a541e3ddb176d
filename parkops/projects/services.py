"""Writes on projects: a new lead, its plain fields, its stages (each a dated
event), corrections of an event's date and the change of first contact.

Who may write what (ROLES.md):
- a promotion officer: new leads of their park, and projects whose first
  contact or owner unit is one of their units, until signing (moves from LEAD
  and NEGOTIATING, including the signing itself);
- a project officer: the project's stages from signing on, and its fields then;
- a park leader: only the change of first contact (项目首招负责制), with a reason.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkops.accounts.selectors import users_with_role
from parkops.core import permissions, services
from parkops.core.permissions import Role
from parkops.core.text import today_cst
from parkops.projects import selectors
from parkops.projects.models import (
    FINAL,
    LIFECYCLE,
    NEEDS_REASON,
    NOTE_KINDS,
    TRANSITIONS,
    AnnualPlan,
    InvestmentEntry,
    LeadPolicy,
    MajorListing,
    Milestone,
    MilestoneKind,
    MilestoneTemplate,
    ParkInvestmentPlan,
    Project,
    ProjectDocument,
    ProjectEvent,
    ProjectVisit,
    Stage,
    TrafficRule,
    TrafficSnapshot,
)

PROJECT_FIELDS = (
    "ref",
    "name",
    "investor",
    "industry",
    "planned_investment",
    "planned_investment_usd",
    "usd_rate",
    "source",
    "source_visit",
    "source_event",
    "origin_region",
    "first_contact_unit",
    "first_contact_officer",
    "owner_unit",
    "owner_officer",
    "terms",
    "notes",
)
FIRST_CONTACT_FIELDS = ("first_contact_unit", "first_contact_officer")
# Before signing a project is promotion's (leads and negotiations); from signing
# on, delivery's.
PROMOTION_STAGES = frozenset({Stage.LEAD, Stage.NEGOTIATING})


# ------------------------------------------------------------------ the table
def allowed_next_stages(project) -> list[str]:
    """The stages ``project`` may move to now: the transition table, and from
    ON_HOLD only back to the stage it was held at (or DROPPED)."""
    current = project.stage
    if current in FINAL:
        return []
    if current == Stage.ON_HOLD:
        return [selectors.held_at(project), Stage.DROPPED]
    return [to for to in (*LIFECYCLE, Stage.DROPPED, Stage.ON_HOLD) if (current, to) in TRANSITIONS]


def phase_stage(project) -> str:
    """The lifecycle stage that decides who handles ``project``: its stage, or
    for a project on hold or dropped the stage it was at then."""
    if project.stage in (Stage.ON_HOLD, Stage.DROPPED):
        return selectors.held_at(project)
    return project.stage


# --------------------------------------------------------------- the row rule
def _roles_in(actor, park_id) -> set[str]:
    if not getattr(actor, "is_active", False) or not actor.is_authenticated:
        return set()
    return {m.role for m in permissions.memberships(actor) if m.park_id == park_id}


def write_refusal(actor, project, *, at_stage: str | None = None) -> str | None:
    """Why ``actor`` may not change ``project`` (its fields, its stages) while it
    is at ``at_stage`` (default: its phase stage), or None if they may."""
    if actor is permissions.SYSTEM:
        return None
    stage = at_stage or phase_stage(project)
    roles = _roles_in(actor, project.park_id)
    promotion_phase = stage in PROMOTION_STAGES
    if promotion_phase and Role.PROMOTION_OFFICER in roles:
        units = selectors.own_unit_ids(actor, project.park_id)
        if project.first_contact_unit_id in units or project.owner_unit_id in units:
            return None
        return _(
            "Only the promotion officers of the project's first contact unit or owner unit "
            "may change it; you are not a member of either."
        )
    if not promotion_phase and Role.PROJECT_OFFICER in roles:
        return None
    if promotion_phase and Role.PROJECT_OFFICER in roles:
        return _(
            "Before signing, a project is handled by the promotion officers of its units; "
            "project officers take it over from signing on."
        )
    if not promotion_phase and Role.PROMOTION_OFFICER in roles:
        return _("From signing on, a project's stages and details are the project officers'.")
    return _(
        "Projects are kept by the promotion officers of their units until signing and by "
        "project officers from signing on; park leaders approve changes of first contact."
    )


def _require_writer(actor, project, *, at_stage=None) -> None:
    refusal = write_refusal(actor, project, at_stage=at_stage)
    if refusal:
        permissions.deny(refusal)


def may_change(user, project) -> bool:
    """May ``user`` edit ``project``'s fields or move its stage now (pages show buttons by it)?"""
    return permissions.can(
        user, Project, permissions.CHANGE, project.park_id
    ) and not write_refusal(user, project)


def _people_check(project: Project, before: Project | None) -> None:
    """The first contact and owner officers are promotion officers of the
    project's park (checked for values that change)."""
    officers = users_with_role(role=Role.PROMOTION_OFFICER, park=project.park_id)
    errors = {}
    for name in ("first_contact_officer", "owner_officer"):
        value = getattr(project, f"{name}_id")
        changed = before is None or getattr(before, f"{name}_id") != value
        if value and changed and not officers.filter(pk=value).exists():
            errors[name] = _("Choose a promotion officer of this park.")
    if errors:
        raise ValidationError(errors)


def _officer_of_unit_error(officer, unit) -> str | None:
    """Why ``officer`` cannot be named first contact officer of ``unit`` (not one
    of its members), or None."""
    from parkops.promotion import selectors as promotion

    if officer is None or unit is None or promotion.is_unit_member(user=officer, unit=unit):
        return None
    return _(
        "%(officer)s is not a member of %(unit)s: choose a member of the first contact unit."
    ) % {"officer": officer.full_name or officer.username, "unit": unit}


def _first_contact_check(actor):
    """The check of a new lead's first contact (项目首招负责制): its officer is a
    member of its unit, and a promotion officer names one of their own units."""

    def check(project: Project, before) -> None:
        _people_check(project, before)
        errors = {}
        unit = project.first_contact_unit
        error = _officer_of_unit_error(project.first_contact_officer, unit)
        if error:
            errors["first_contact_officer"] = error
        if unit is not None and actor is not permissions.SYSTEM:
            own = selectors.own_unit_ids(actor, project.park_id)
            if unit.pk not in own:
                errors["first_contact_unit"] = _(
                    "A lead's first contact is one of your own units: you are not a member "
                    "of %(unit)s."
                ) % {"unit": unit}
        if errors:
            raise ValidationError(errors)

    return check


def _not_after_today(on_date, field="on_date") -> None:
    if on_date > today_cst():
        raise ValidationError({field: _("The date cannot be in the future.")})


DECIMALS = {"planned_investment": 2, "planned_investment_usd": 2, "usd_rate": 4}


def _decimal(value, places: int):
    """``value`` as stored (``Decimal`` to the column's places), so that a value
    read back from a file or the API compares equal to the stored one."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except (ArithmeticError, ValueError):
        return value  # full_clean says what is wrong with it


def _fields(fields: dict) -> dict:
    data = {n: v for n, v in fields.items() if n in PROJECT_FIELDS}
    for name, places in DECIMALS.items():
        if name in data:
            data[name] = _decimal(data[name], places)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    if "ref" in data:
        data["ref"] = (data["ref"] or "").strip()
    return services.with_sort_key(data)


def _record_event(*, project, actor, **fields) -> ProjectEvent:
    recorder = actor if getattr(actor, "pk", None) else None
    return services.object_create(
        model=ProjectEvent,
        park=project.park,
        actor=actor,
        fields={"project": project, "recorded_by": recorder, **fields},
    )


# -------------------------------------------------------------------- writes
def project_create(*, park, actor, on_date: datetime.date | None = None, **fields) -> Project:
    """Record a new lead (线索): stage LEAD from ``on_date`` (default today), its
    first contact (首招) set here for good. The owner defaults to the first contact.
    Any promotion officer of the park records leads (ROLES.md: "leads … of own
    park"); working on one afterwards is for its units' officers."""
    data = _fields(fields)
    data.setdefault("owner_unit", data.get("first_contact_unit"))
    if data.get("owner_unit") is None:
        data["owner_unit"] = data.get("first_contact_unit")
    if not data.get("owner_officer") and data.get("owner_unit") == data.get("first_contact_unit"):
        data["owner_officer"] = data.get("first_contact_officer")
    on_date = on_date or today_cst()
    _not_after_today(on_date)
    with transaction.atomic():
        project = services.object_create(
            model=Project,
            park=park,
            actor=actor,
            fields={**data, "stage": Stage.LEAD, "stage_on": on_date},
            check=_first_contact_check(actor),
        )
        _record_event(
            project=project,
            actor=actor,
            kind=ProjectEvent.Kind.STAGE,
            from_stage="",
            to_stage=Stage.LEAD,
            on_date=on_date,
        )
    return project


def project_update(*, project: Project, actor, **fields) -> Project:
    """Change a project's plain fields. Its first contact is not one of them
    (``project_first_contact_change``), nor its stage (``project_advance``)."""
    data = _fields(fields)
    errors = {}
    for name in FIRST_CONTACT_FIELDS:
        if name in data and getattr(data[name], "pk", data[name]) != getattr(project, f"{name}_id"):
            errors[name] = _(
                "The first contact cannot be changed here (项目首招负责制): a park leader "
                "changes it with “Change first contact”, giving a reason."
            )
    if errors:
        raise ValidationError(errors)
    for name in FIRST_CONTACT_FIELDS:
        data.pop(name, None)
    stored = {}

    def check(current: Project, before: Project) -> None:
        # Who may write is decided on the row as locked, not the caller's copy.
        _require_writer(actor, before)
        stored["owner_officer"] = before.owner_officer_id
        _people_check(current, before)

    with transaction.atomic():
        updated = services.object_update(obj=project, actor=actor, fields=data, check=check)
        if updated.owner_officer_id and updated.owner_officer_id != stored["owner_officer"]:
            # Lead handling: an owner officer assigned (or another one) today.
            _record_assignment(updated, actor, today_cst())
    return updated


def _locked(project, actor) -> Project:
    current = (
        Project.objects.restrict(actor, permissions.CHANGE)
        .select_for_update()
        .filter(pk=project.pk)
        .first()
    )
    if current is None:
        permissions.deny()
    return current


def project_advance(
    *,
    project: Project,
    to_stage: str,
    on_date: datetime.date,
    actor,
    note: str = "",
    reason: str = "",
    signing_amount: Decimal | None = None,
    signing_event=None,
) -> Project:
    """Move ``project`` to ``to_stage`` as from ``on_date``: one dated STAGE event.
    Refuses a move the transition table does not allow, a date before the
    previous stage change or after today (China time), DROPPED or ON_HOLD
    without a reason, and SIGNED without the agreement's amount."""
    with transaction.atomic():
        current = _locked(project, actor)
        from_stage = current.stage
        _require_writer(actor, current)
        errors = {}
        if to_stage not in allowed_next_stages(current):
            errors["to_stage"] = _("A project at “%(from)s” cannot move to “%(to)s”.") % {
                "from": Stage(from_stage).label,
                "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
            }
        if on_date is None:
            errors["on_date"] = _("Give the date of the change.")
        elif on_date > today_cst():
            errors["on_date"] = _("The date cannot be in the future.")
        else:
            last = selectors.last_stage_change(current)
            if last is not None and on_date < last[0]:
                errors["on_date"] = _(
                    "The date cannot be before the previous stage change (%(date)s)."
                ) % {"date": last[0].isoformat()}
        if to_stage in NEEDS_REASON and not (reason or "").strip():
            errors["reason"] = _("Give the reason for dropping the project or putting it on hold.")
        fields = {"stage": to_stage, "stage_on": on_date}
        if to_stage == Stage.SIGNED:
            if signing_amount is None:
                errors["signing_amount"] = _("Give the amount of the signed agreement (yuan).")
            elif signing_amount < 0:
                errors["signing_amount"] = _("An amount cannot be negative.")
            fields["signed_amount"] = _decimal(signing_amount, 2)
            if signing_event is not None:  # signed at a promotion event (在推介会上签约)
                fields["signing_event"] = signing_event
                error = _signing_event_error(signing_event, on_date, current.park_id)
                if error:
                    errors["signing_event"] = error
        elif signing_event is not None:
            errors["signing_event"] = _("A signing event is given only with the signing.")
        if errors:
            raise ValidationError(errors)
        _record_event(
            project=current,
            actor=actor,
            kind=ProjectEvent.Kind.STAGE,
            from_stage=from_stage,
            to_stage=to_stage,
            on_date=on_date,
            note=(note or "").strip(),
            reason=(reason or "").strip(),
        )
        return services.object_update(obj=current, actor=actor, fields=fields)


def event_phase_stage(project, event) -> str:
    """The lifecycle stage whose handlers own ``event``'s date: the stage it moved
    to, or for a move to ON_HOLD or DROPPED the stage it left (a move from ON_HOLD
    to DROPPED: the stage it was held at)."""
    if event.to_stage in (Stage.ON_HOLD, Stage.DROPPED):
        if event.from_stage and event.from_stage != Stage.ON_HOLD:
            return event.from_stage
        return selectors.held_at(project) or phase_stage(project)
    return event.to_stage or phase_stage(project)


def event_correct_refusal(actor, project, event) -> str | None:
    """Why ``actor`` may not correct the date of ``event``, or None: the writers of
    the stage the event belongs to (not the project's current one). The signing
    belongs to both sides: the promotion officers who brought it in and the
    project officers who take it over."""
    stage = event_phase_stage(project, event)
    refusal = write_refusal(actor, project, at_stage=stage)
    signing = stage == Stage.SIGNED
    if refusal and signing and write_refusal(actor, project, at_stage=Stage.NEGOTIATING) is None:
        return None
    return refusal


def _signing_event_error(event, on_date, park_id) -> str | None:
    """Why ``event`` cannot be the promotion event ``project`` was signed at on
    ``on_date`` (another park's, or the date outside its dates), or None."""
    if event.park_id != park_id:
        return _("Choose one of this park's records.")
    if on_date is not None and not event.start_date <= on_date <= event.end_date:
        return _(
            "The signing date %(date)s is not within the event's dates (%(start)s to %(end)s): "
            "a project signed at an event is signed while it is held."
        ) % {
            "date": on_date.isoformat(),
            "start": event.start_date.isoformat(),
            "end": event.end_date.isoformat(),
        }
    return None


def project_event_correct(
    *, event: ProjectEvent, on_date: datetime.date, reason: str, actor
) -> ProjectEvent:
    """Correct the date of a stage change: a CORRECTION event pointing at it,
    with the reason; the original stays in the history. The new date must keep
    the order of the project's stage changes and not be in the future."""
    if event.kind == ProjectEvent.Kind.CORRECTION:
        event = event.corrects  # a correction of a correction corrects the change itself
    if event.kind == ProjectEvent.Kind.ENTERED_STATISTICS:
        return _entered_statistics_correct(event=event, on_date=on_date, reason=reason, actor=actor)
    with transaction.atomic():
        project = _locked(event.project, actor)
        refusal = event_correct_refusal(actor, project, event)
        if refusal:
            permissions.deny(refusal)
        errors = {}
        if event.kind != ProjectEvent.Kind.STAGE:
            errors["on_date"] = _("Only the date of a stage change can be corrected.")
        if not (reason or "").strip():
            errors["reason"] = _("Give the reason for the correction.")
        if on_date is None:
            errors["on_date"] = _("Give the correct date.")
        elif on_date > today_cst():
            errors["on_date"] = _("The date cannot be in the future.")
        elif event.kind == ProjectEvent.Kind.STAGE:
            changes = selectors.effective_history(
                selectors.stage_event_rows([project.park_id], project_ids=[project.pk])
            ).get(project.pk, [])
            ids = [change[1] for change in changes]
            index = ids.index(event.pk)
            if index > 0 and on_date < changes[index - 1][0]:
                errors["on_date"] = _(
                    "The date cannot be before the previous stage change (%(date)s)."
                ) % {"date": changes[index - 1][0].isoformat()}
            elif index + 1 < len(changes) and on_date > changes[index + 1][0]:
                errors["on_date"] = _(
                    "The date cannot be after the next stage change (%(date)s)."
                ) % {"date": changes[index + 1][0].isoformat()}
            elif on_date == changes[index][0]:
                errors["on_date"] = _("That is already the date of this change.")
        if errors:
            raise ValidationError(errors)
        correction = _record_event(
            project=project,
            actor=actor,
            kind=ProjectEvent.Kind.CORRECTION,
            from_stage=event.from_stage,
            to_stage=event.to_stage,
            on_date=on_date,
            reason=reason.strip(),
            corrects=event,
        )
        if ids[-1] == event.pk:  # the latest change: the project's stage date follows
            services.object_update(obj=project, actor=actor, fields={"stage_on": on_date})
    return correction


def _is_park_leader(actor, park_id) -> bool:
    return actor is permissions.SYSTEM or Role.PARK_LEADER in _roles_in(actor, park_id)


def _person(user) -> dict:
    if user is None:
        return {"id": None, "name": ""}
    return {"id": user.pk, "name": user.full_name or user.username}


def project_first_contact_change(*, project: Project, unit, officer, reason: str, actor) -> Project:
    """Change who first brought ``project`` in (项目首招负责制): only a park
    leader of its park, with a reason; recorded as a FIRST_CONTACT event naming
    before and after, and in the audit trail."""
    if not _is_park_leader(actor, project.park_id):
        permissions.deny(
            _(
                "Only a park leader of the project's park may change its first contact "
                "(项目首招负责制)."
            )
        )
    with transaction.atomic():
        current = _locked(project, actor)
        errors = {}
        if not (reason or "").strip():
            errors["reason"] = _("Give the reason for changing the first contact.")
        if unit is None:
            errors["unit"] = _("Choose the first contact unit.")
        elif unit.park_id != current.park_id:
            errors["unit"] = _("Choose one of this park's records.")
        elif unit.pk == current.first_contact_unit_id and getattr(officer, "pk", None) == (
            current.first_contact_officer_id
        ):
            errors["unit"] = _("That is already the project's first contact.")
        else:
            error = _officer_of_unit_error(officer, unit)
            if error:
                errors["officer"] = error
        if errors:
            raise ValidationError(errors)
        before = {
            "unit": {"id": current.first_contact_unit_id, "name": str(current.first_contact_unit)},
            "officer": _person(current.first_contact_officer),
        }
        after = {"unit": {"id": unit.pk, "name": str(unit)}, "officer": _person(officer)}
        updated = services.object_update(
            obj=current,
            actor=actor,
            fields={"first_contact_unit": unit, "first_contact_officer": officer},
            check=_people_check,
        )
        _record_event(
            project=updated,
            actor=actor,
            kind=ProjectEvent.Kind.FIRST_CONTACT,
            on_date=today_cst(),
            reason=reason.strip(),
            details={"before": before, "after": after},
        )
    return updated


def may_change_first_contact(user, project) -> bool:
    """Is ``user`` a park leader of ``project``'s park (pages show the form by it)?"""
    return _is_park_leader(user, project.park_id)


# -------------------------------------------------------- lead handling policy
LEAD_POLICY_FIELDS = tuple(LeadPolicy.DEFAULTS)


def _lead_policy_fields(fields: dict) -> dict:
    data = {n: v for n, v in fields.items() if n in LEAD_POLICY_FIELDS}
    if "major_threshold" in data:
        data["major_threshold"] = _decimal(data["major_threshold"], 2)
    return data


def _one_policy_per_park(policy: LeadPolicy, before) -> None:
    others = LeadPolicy.objects.unscoped().filter(park=policy.park_id).exclude(pk=policy.pk)
    if others.exists():
        raise ValidationError(
            _("This park already has its lead handling deadlines: edit them instead.")
        )


def lead_policy_create(*, park, actor, **fields) -> LeadPolicy:
    """Set ``park``'s lead-handling deadlines (the park administrator); fields not
    given keep the defaults."""
    data = {**LeadPolicy.DEFAULTS, **_lead_policy_fields(fields)}
    return services.object_create(
        model=LeadPolicy, park=park, actor=actor, fields=data, check=_one_policy_per_park
    )


def lead_policy_update(*, policy: LeadPolicy, actor, **fields) -> LeadPolicy:
    return services.object_update(obj=policy, actor=actor, fields=_lead_policy_fields(fields))


# ------------------------------------------------------- lead handling records
def note_kinds(project) -> list[str]:
    """The notes offered on ``project``'s page at its phase: the lead-handling
    steps (assessment, feedback, progress) for a lead or a negotiation, progress
    notes (推进情况, counted by the NO_PROGRESS light) from signing on."""
    if phase_stage(project) in PROMOTION_STAGES:
        return [kind for kind, _label in ProjectEvent.Kind.choices if kind in NOTE_KINDS]
    return [ProjectEvent.Kind.PROGRESS]


def may_note(user, project) -> bool:
    """May ``user`` record a note on ``project`` now (``project_note``'s rule:
    its writers at its phase, while it is not closed)?"""
    return project.stage not in FINAL and may_change(user, project)


def project_note(
    *, project: Project, kind: str, on_date: datetime.date | None, note: str, actor
) -> ProjectEvent:
    """Record a handling step of ``project`` (线索处理): its assessment, the
    feedback given, or a progress note, dated ``on_date`` (the day it was done,
    not after today nor before the lead came in), with what was done. Stops the
    step's deadline (``selectors.lead_deadlines``)."""
    errors = {}
    if kind not in NOTE_KINDS:
        errors["kind"] = _("Choose an assessment, a feedback or a progress note.")
    if not (note or "").strip():
        errors["note"] = _("Write what was done: the note cannot be empty.")
    with transaction.atomic():
        current = _locked(project, actor)
        _require_writer(actor, current)
        if current.stage in FINAL:
            errors["kind"] = _("The project is closed: no more handling notes are recorded.")
        if on_date is None:
            errors["on_date"] = _("Give the date it was done.")
        elif on_date > today_cst():
            errors["on_date"] = _("The date cannot be in the future.")
        else:
            lead = selectors.stage_dates(current).get(Stage.LEAD)
            if lead is not None and on_date < lead:
                errors["on_date"] = _("The date cannot be before the lead came in (%(date)s).") % {
                    "date": lead.isoformat()
                }
        if errors:
            raise ValidationError(errors)
        return _record_event(
            project=current, actor=actor, kind=kind, on_date=on_date, note=note.strip()
        )


def _record_assignment(project: Project, actor, on_date: datetime.date) -> None:
    """The owner officer was set: the ASSIGNED step of lead handling is done."""
    officer = project.owner_officer
    _record_event(
        project=project,
        actor=actor,
        kind=ProjectEvent.Kind.ASSIGNED,
        on_date=on_date,
        details={"officer": _person(officer), "unit": {"id": project.owner_unit_id}},
    )


# ------------------------------------------------------------------ documents
def document_refusal(actor, project: Project) -> str | None:
    """Why ``actor`` may not attach documents to ``project`` or remove them, or
    None: whoever may change the project now, and at signing also the promotion
    officers of its units (the agreement they brought in)."""
    refusal = write_refusal(actor, project)
    signing = project.stage == Stage.SIGNED
    if refusal and signing and write_refusal(actor, project, at_stage=Stage.NEGOTIATING) is None:
        return None
    return refusal


def may_attach(user, project: Project) -> bool:
    return permissions.can(
        user, ProjectDocument, permissions.ADD, project.park_id
    ) and not document_refusal(user, project)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def document_too_big_message(*, name: str, size: int) -> str:
    """The refusal of a file larger than ``PARKOPS_DOCUMENT_MAX_BYTES``."""
    from parkops.projects import documents

    return _("“%(name)s” is %(size)s: files of at most %(limit)s can be attached.") % {
        "name": name,
        "size": _human_size(size),
        "limit": _human_size(documents.max_bytes()),
    }


def document_add(
    *, project: Project, upload, actor, kind: str = ProjectDocument.Kind.AGREEMENT
) -> ProjectDocument:
    """Attach an uploaded file to ``project``: refused if larger than
    ``PARKOPS_DOCUMENT_MAX_BYTES`` or, by its content, not a PDF, Word (.docx),
    Excel (.xlsx), JPG or PNG file, or not the type its name says. Stored under
    a random name outside the web root (``documents.py``). Audited."""
    from django.core.files.base import ContentFile

    from parkops.projects import documents

    permissions.require(actor, ProjectDocument, permissions.ADD, project.park)
    refusal = document_refusal(actor, project)
    if refusal:
        permissions.deny(refusal)
    if upload is None:
        raise ValidationError({"file": _("Choose the file to attach.")})
    name = documents.clean_name(getattr(upload, "name", ""))
    limit = documents.max_bytes()
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ValidationError({"file": document_too_big_message(name=name, size=size)})
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    if len(data) > limit:
        raise ValidationError({"file": document_too_big_message(name=name, size=len(data))})
    if not data:
        raise ValidationError({"file": _("“%(name)s” is empty.") % {"name": name}})
    found = documents.sniff(data)
    if found is None:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” was refused: by its content it is not a PDF, Word (.docx), "
                    "Excel (.xlsx), JPG or PNG file, whatever its name says."
                )
                % {"name": name}
            }
        )
    if documents.extension(name) not in found.extensions:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is a %(type)s file by its content, but its name does not end "
                    "in %(ext)s: rename it and upload it again."
                )
                % {"name": name, "type": found.key.upper(), "ext": " / ".join(found.extensions)}
            }
        )
    if kind not in ProjectDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    storage = documents.document_storage()
    stored = storage.save(documents.document_path(project, name), ContentFile(data))
    try:
        return services.object_create(
            model=ProjectDocument,
            park=project.park,
            actor=actor,
            fields={
                "project": project,
                "kind": kind,
                "file": stored,
                "original_name": name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "content_type": found.content_type,
                "uploaded_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    except BaseException:
        storage.delete(stored)
        raise


def document_delete(*, document: ProjectDocument, actor) -> None:
    """Remove a document from its project (the file goes once this commits). Audited."""
    from parkops.projects import documents

    def check(current: ProjectDocument) -> None:
        refusal = document_refusal(actor, current.project)
        if refusal:
            permissions.deny(refusal)
        name = current.file
        transaction.on_commit(lambda: documents.document_storage().delete(name))

    with transaction.atomic():
        services.object_delete(obj=document, actor=actor, check=check)


def document_download(*, document: ProjectDocument, actor):
    """Open ``document``'s file for ``actor`` (who may read it: the caller found
    it in their scope), the download audited. Refused to a user who may not read
    the project's confidential terms (an agreement holds them)."""
    from parkops.core import audit
    from parkops.core.models import AuditEntry

    if not selectors.can_read_terms(actor, document.project):
        permissions.deny(
            _("Documents of a project are for those who may read its negotiation terms.")
        )
    from parkops.projects import documents

    handle = documents.document_storage().open(document.file, "rb")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditEntry.Action.EXPORT,
            obj=document,
            after={"download": document.original_name, "sha256": document.sha256},
        )
    return handle


# ------------------------------------------------------- visits linked (关联拜访)
def visit_link_refusal(actor, project: Project) -> str | None:
    """Why ``actor`` may not link a later visit to ``project`` or unlink one, or
    None: the promotion officers of its first contact or owner unit (the visits
    are theirs), at any stage."""
    if actor is permissions.SYSTEM:
        return None
    if write_refusal(actor, project, at_stage=Stage.NEGOTIATING) is None:
        return None
    return _(
        "Visits are linked to a project by the promotion officers of its first contact "
        "or owner unit."
    )


def may_link_visits(user, project: Project) -> bool:
    return permissions.can(
        user, ProjectVisit, permissions.ADD, project.park_id
    ) and not visit_link_refusal(user, project)


def _one_link_per_visit(link: ProjectVisit, before) -> None:
    others = ProjectVisit.objects.unscoped().filter(
        park=link.park_id, project=link.project_id, visit=link.visit_id
    )
    if others.exclude(pk=link.pk).exists():
        raise ValidationError({"visit": _("This visit is already linked to the project.")})


def project_visit_link(*, project: Project, visit, actor) -> ProjectVisit:
    """Link ``visit`` (a later visit of ``project``'s park) to ``project``. Audited."""
    permissions.require(actor, ProjectVisit, permissions.ADD, project.park)
    refusal = visit_link_refusal(actor, project)
    if refusal:
        permissions.deny(refusal)
    if visit is None:
        raise ValidationError({"visit": _("Choose the visit to link.")})
    return services.object_create(
        model=ProjectVisit,
        park=project.park,
        actor=actor,
        fields={
            "project": project,
            "visit": visit,
            "linked_by": actor if getattr(actor, "pk", None) else None,
        },
        check=_one_link_per_visit,
    )


def project_visit_unlink(*, link: ProjectVisit, actor) -> None:
    """Remove the link of a visit to its project (the visit stays). Audited."""

    def check(current: ProjectVisit) -> None:
        refusal = visit_link_refusal(actor, current.project)
        if refusal:
            permissions.deny(refusal)

    services.object_delete(obj=link, actor=actor, check=check)


# ------------------------------------------------------- milestones (里程碑)
MILESTONE_FIELDS = (
    "kind",
    "name",
    "position",
    "planned_on",
    "responsible_unit",
    "responsible_officer",
    "document",
    "notes",
)


def milestone_refusal(actor, project) -> str | None:
    """Why ``actor`` may not plan ``project``'s milestones or record their
    actual dates, or None: its project officers, from signing on."""
    if actor is permissions.SYSTEM:
        return None
    if project.stage in PROMOTION_STAGES:
        return _("Milestones are planned from signing on, by the project officers.")
    if Role.PROJECT_OFFICER not in _roles_in(actor, project.park_id):
        return _("Milestones are planned and reached by the park's project officers.")
    return None


def may_plan_milestones(user, project) -> bool:
    return permissions.can(
        user, Milestone, permissions.ADD, project.park_id
    ) and not milestone_refusal(user, project)


def _milestone_check(milestone, before) -> None:
    """The responsible officer holds a role in the milestone's park."""
    from parkops.accounts.models import User

    officer = milestone.responsible_officer_id
    changed = before is None or before.responsible_officer_id != officer
    if officer and changed:
        in_park = User.objects.filter(
            pk=officer, is_active=True, memberships__park=milestone.park_id
        ).exists()
        if not in_park:
            raise ValidationError(
                {"responsible_officer": _("Choose a member of this park's staff.")}
            )


def _milestone_fields(fields: dict) -> dict:
    data = {n: v for n, v in fields.items() if n in MILESTONE_FIELDS}
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    if data.get("position") is None:
        data.pop("position", None)
    return data


def milestone_create(*, project, actor, **fields):
    """Plan a milestone of ``project`` (a project officer's, from signing on). Audited."""
    permissions.require(actor, Milestone, permissions.ADD, project.park)
    refusal = milestone_refusal(actor, project)
    if refusal:
        permissions.deny(refusal)
    data = _milestone_fields(fields)
    return services.object_create(
        model=Milestone,
        park=project.park,
        actor=actor,
        fields={**data, "project": project},
        check=_milestone_check,
    )


def milestone_update(*, milestone, actor, **fields):
    """Change a milestone's plan (date, responsible, evidence). Audited."""
    refusal = milestone_refusal(actor, milestone.project)
    if refusal:
        permissions.deny(refusal)
    data = _milestone_fields(fields)
    data.pop("project", None)
    return services.object_update(obj=milestone, actor=actor, fields=data, check=_milestone_check)


def milestone_set_actual(*, milestone, actual_on, actor, document=None):
    """Record the day ``milestone`` was reached (not in the future), and the
    evidence if given; the recorder is kept, so that someone else verifies it.
    Refused once the milestone is verified. Audited."""
    refusal = milestone_refusal(actor, milestone.project)
    if refusal:
        permissions.deny(refusal)
    if milestone.verified_at is not None:
        raise ValidationError(
            {"actual_on": _("The milestone is verified: its actual date can no longer change.")}
        )
    if actual_on is None:
        raise ValidationError({"actual_on": _("Give the day the milestone was reached.")})
    _not_after_today(actual_on, "actual_on")
    fields = {"actual_on": actual_on, "actual_by": actor if getattr(actor, "pk", None) else None}
    if document is not None:
        fields["document"] = document
    return services.object_update(obj=milestone, actor=actor, fields=fields)


def verify_refusal(actor, milestone) -> str | None:
    """Why ``actor`` may not verify ``milestone``, or None: a project officer or
    the park leader, never the person who recorded its actual date."""
    if milestone.actual_on is None:
        return _("The milestone has no actual date yet: there is nothing to verify.")
    if milestone.verified_at is not None:
        return _("The milestone is already verified.")
    if getattr(actor, "pk", None) is not None and actor.pk == milestone.actual_by_id:
        return _(
            "You recorded this milestone's actual date, so you cannot verify it: another "
            "project officer or the park leader verifies it."
        )
    roles = _roles_in(actor, milestone.park_id)
    if not roles & {Role.PROJECT_OFFICER, Role.PARK_LEADER}:
        return _("Milestones are verified by a project officer or the park leader.")
    return None


def milestone_verify(*, milestone, actor):
    """Verify ``milestone``'s actual date (a second person: a project officer or
    the park leader who did not record it). Incentive tranches are released on
    verified milestones only. Audited."""
    from django.utils import timezone

    permissions.require(actor, Milestone, permissions.CHANGE, milestone.park)
    with transaction.atomic():
        current = (
            Milestone.objects.restrict(actor, permissions.CHANGE)
            .select_for_update()
            .filter(pk=milestone.pk)
            .first()
        )
        if current is None:
            permissions.deny()
        refusal = verify_refusal(actor, current)
        if refusal:
            permissions.deny(refusal)
        return services.object_update(
            obj=current,
            actor=actor,
            fields={"verified_by": actor, "verified_at": timezone.now()},
        )


def may_verify(user, milestone) -> bool:
    return permissions.can(
        user, Milestone, permissions.CHANGE, milestone.park_id
    ) and not verify_refusal(user, milestone)


TEMPLATE_FIELDS = ("name", "project_type", "items", "notes")


def _template_fields(fields: dict) -> dict:
    data = {n: v for n, v in fields.items() if n in TEMPLATE_FIELDS}
    for name in ("name", "project_type"):
        if name in data:
            data[name] = (data[name] or "").strip()
    return data


def milestone_template_create(*, park, actor, **fields):
    return services.object_create(
        model=MilestoneTemplate, park=park, actor=actor, fields=_template_fields(fields)
    )


def milestone_template_update(*, template, actor, **fields):
    return services.object_update(obj=template, actor=actor, fields=_template_fields(fields))


def milestone_template_apply(*, template, project, base_on: datetime.date, actor) -> list:
    """Plan ``project``'s milestones from ``template``: one per item, planned
    ``offset_days`` after ``base_on``, in the template's order, the project's
    owner unit responsible. All or nothing; each milestone audited."""
    if template.park_id != project.park_id:
        raise ValidationError({"template": _("Choose one of this park's templates.")})
    if base_on is None:
        raise ValidationError({"base_on": _("Give the date the offsets count from.")})
    created = []
    with transaction.atomic():
        for position, item in enumerate(template.items, 1):
            created.append(
                milestone_create(
                    project=project,
                    actor=actor,
                    kind=item["kind"],
                    name=item.get("name") or str(MilestoneKind(item["kind"]).label),
                    position=position,
                    planned_on=base_on + datetime.timedelta(days=item["offset_days"]),
                    responsible_unit=project.owner_unit,
                )
            )
    return created


# ----------------------------------------------------- traffic-light rules
TRAFFIC_RULE_FIELDS = ("kind", "threshold", "colour", "enabled")


def traffic_rule_create(*, park, actor, **fields):
    data = {n: v for n, v in fields.items() if n in TRAFFIC_RULE_FIELDS}
    return services.object_create(model=TrafficRule, park=park, actor=actor, fields=data)


def traffic_rule_update(*, rule, actor, **fields):
    data = {n: v for n, v in fields.items() if n in TRAFFIC_RULE_FIELDS}
    return services.object_update(obj=rule, actor=actor, fields=data)


def traffic_rules_seed(*, park, actor) -> list:
    """Give ``park`` the default rules (the published sets) to edit, if it has none."""
    if TrafficRule.objects.unscoped().filter(park=park).exists():
        return []
    with transaction.atomic():
        return [
            traffic_rule_create(park=park, actor=actor, kind=k, threshold=n, colour=c)
            for k, n, c in TrafficRule.DEFAULTS
        ]


def traffic_snapshot_take(*, park, as_of: datetime.date | None = None) -> int:
    """Keep each board project's light of ``as_of``'s week (its Monday) in
    ``park`` (the command's, for the system): written again the same week, the
    week's row is updated. Returns how many projects were kept."""
    from parkops.projects import lights

    as_of = as_of or today_cst()
    week = lights.monday(as_of)
    results = selectors.traffic_results(park=park, as_of=as_of)
    existing = {
        s.project_id: s for s in TrafficSnapshot.objects.unscoped().filter(park=park, week=week)
    }
    with transaction.atomic():
        for project, result in results:
            fields = {"light": result.light, "rules": [f.text for f in result.fired]}
            row = existing.get(project.pk)
            if row is None:
                services.object_create(
                    model=TrafficSnapshot,
                    park=park,
                    actor=permissions.SYSTEM,
                    fields={"project": project, "week": week, **fields},
                )
            else:
                services.object_update(obj=row, actor=permissions.SYSTEM, fields=fields)
    return len(results)


# ------------------------------------------------------- entered statistics
def project_entered_statistics(
    *, project: Project, on_date: datetime.date, actor, note: str = ""
) -> ProjectEvent:
    """Record that ``project`` (its enterprise) entered the statistics (列统入规)
    on ``on_date``: one ENTERED_STATISTICS event, once per project, for a
    project that has started (a project is listed in the statistics once
    under construction), not before its start nor after today. A wrong date is
    corrected like a stage change's (``project_event_correct``)."""
    with transaction.atomic():
        current = _locked(project, actor)
        _require_writer(actor, current)
        errors = {}
        started = selectors.stage_dates(current).get(Stage.STARTED)
        if selectors.entered_statistics_event(current) is not None:
            errors["on_date"] = _(
                "The project has already entered the statistics: correct that date instead."
            )
        elif started is None:
            errors["on_date"] = _(
                "Only a project that has started construction enters the statistics (列统入规)."
            )
        elif on_date is None:
            errors["on_date"] = _("Give the date it entered the statistics.")
        elif on_date > today_cst():
            errors["on_date"] = _("The date cannot be in the future.")
        elif on_date < started:
            errors["on_date"] = _("The date cannot be before the project started (%(date)s).") % {
                "date": started.isoformat()
            }
        if errors:
            raise ValidationError(errors)
        return _record_event(
            project=current,
            actor=actor,
            kind=ProjectEvent.Kind.ENTERED_STATISTICS,
            on_date=on_date,
            note=(note or "").strip(),
        )


def _entered_statistics_correct(*, event, on_date, reason, actor) -> ProjectEvent:
    with transaction.atomic():
        project = _locked(event.project, actor)
        _require_writer(actor, project)
        errors = {}
        started = selectors.stage_dates(project).get(Stage.STARTED)
        if not (reason or "").strip():
            errors["reason"] = _("Give the reason for the correction.")
        if on_date is None:
            errors["on_date"] = _("Give the correct date.")
        elif on_date > today_cst():
            errors["on_date"] = _("The date cannot be in the future.")
        elif started is not None and on_date < started:
            errors["on_date"] = _("The date cannot be before the project started (%(date)s).") % {
                "date": started.isoformat()
            }
        elif on_date == selectors.entered_statistics_on(project):
            errors["on_date"] = _("That is already the date of this change.")
        if errors:
            raise ValidationError(errors)
        return _record_event(
            project=project,
            actor=actor,
            kind=ProjectEvent.Kind.CORRECTION,
            on_date=on_date,
            reason=reason.strip(),
            corrects=event,
        )


# ------------------------------------------------------------------ investment
def _investment_check(obj, before) -> None:
    """Investment is recorded for a project from signing on, of this park."""
    if obj.project_id is None:
        return  # no project: its own error (required) says so
    project = obj.project
    if phase_stage(project) in PROMOTION_STAGES:
        raise ValidationError(
            {
                "project": _(
                    "Investment is recorded for signed projects: “%(name)s” is still a lead "
                    "or under negotiation."
                )
                % {"name": project.name}
            }
        )


def _month(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
        except ValueError:
            raise ValidationError(
                {"month": _("“%(value)s” is not a month: write it as 2023-06.") % {"value": text}}
            ) from None
    return value.replace(day=1)


def entry_rule(entry: InvestmentEntry, before) -> None:
    """An entry's own rules, without a query: a signed project, a month begun.
    (An import applies it to each row; the file's project+month keys settle
    the one entry per month there.)"""
    _investment_check(entry, before)
    if entry.month and entry.month > today_cst().replace(day=1):
        raise ValidationError(
            {
                "month": _(
                    "%(month)s has not begun: investment is entered for past months and this one."
                )
                % {"month": entry.month.strftime("%Y-%m")}
            }
        )


def _entry_check(entry: InvestmentEntry, before) -> None:
    entry_rule(entry, before)
    errors = {}
    if entry.month:
        others = InvestmentEntry.objects.unscoped().filter(
            park=entry.park_id, project=entry.project_id, month=entry.month
        )
        if others.exclude(pk=entry.pk).exists():
            errors["month"] = _(
                "%(month)s already has an entry for this project: edit that one."
            ) % {"month": entry.month.strftime("%Y-%m")}
    if errors:
        raise ValidationError(errors)


def investment_entry_fields(fields: dict) -> dict:
    """An entry's fields as stored: the month's first day, yuan to the fen, the
    note trimmed (the services' and an import's preparation)."""
    data = {n: v for n, v in fields.items() if n == "project"}
    if "amount" in fields:
        data["amount"] = _decimal(fields["amount"], 2)
    if "month" in fields:
        data["month"] = _month(fields["month"])
    if "note" in fields:
        data["note"] = (fields["note"] or "").strip()
    return data


def investment_entry_create(
    *, project: Project, month, amount, actor, note: str = ""
) -> InvestmentEntry:
    """Enter the investment ``project`` completed in ``month`` (any day of it;
    kept as its first day), in yuan: one entry per project and month, not for a
    month that has not begun, never negative. Project officers (ROLES.md)."""
    return services.object_create(
        model=InvestmentEntry,
        park=project.park,
        actor=actor,
        fields=investment_entry_fields(
            {"project": project, "month": month, "amount": amount, "note": note}
        ),
        check=_entry_check,
    )


def investment_entry_update(*, entry: InvestmentEntry, actor, **fields) -> InvestmentEntry:
    """Change an entry's amount, month or note (the audit keeps the old values)."""
    data = investment_entry_fields(fields)
    data.pop("project", None)
    return services.object_update(obj=entry, actor=actor, fields=data, check=_entry_check)


def plan_rule(obj, before) -> None:
    """A plan's (or listing's) own rule, without a query: a signed project. (An
    import applies it to each row; the file's project+year keys settle the one
    per year there.)"""
    _investment_check(obj, before)


def _one_per_year(model, label):
    def check(obj, before) -> None:
        plan_rule(obj, before)
        others = model.objects.unscoped().filter(
            park=obj.park_id, project=obj.project_id, year=obj.year
        )
        if obj.year and others.exclude(pk=obj.pk).exists():
            raise ValidationError({"year": label % {"year": obj.year}})

    return check


_plan_check = _one_per_year(
    AnnualPlan, _("The project already has a plan for %(year)s: edit that one.")
)
_listing_check = _one_per_year(
    MajorListing, _("The project is already listed for %(year)s: edit that listing.")
)


def annual_plan_fields(fields: dict) -> dict:
    """A plan's fields as stored (yuan to the fen)."""
    data = {n: v for n, v in fields.items() if n in ("project", "year")}
    if "amount" in fields:
        data["amount"] = _decimal(fields["amount"], 2)
    return data


def annual_plan_create(*, project: Project, year: int, amount, actor) -> AnnualPlan:
    """The investment planned for ``project`` in ``year`` (yuan), one per year."""
    return services.object_create(
        model=AnnualPlan,
        park=project.park,
        actor=actor,
        fields=annual_plan_fields({"project": project, "year": year, "amount": amount}),
        check=_plan_check,
    )


def annual_plan_update(*, plan: AnnualPlan, actor, **fields) -> AnnualPlan:
    data = annual_plan_fields(fields)
    data.pop("project", None)
    return services.object_update(obj=plan, actor=actor, fields=data, check=_plan_check)


def major_listing_create(*, project: Project, year: int, level: str, actor) -> MajorListing:
    """List ``project`` as a provincial or municipal major project (列省/列市) for ``year``."""
    return services.object_create(
        model=MajorListing,
        park=project.park,
        actor=actor,
        fields={"project": project, "year": year, "level": level},
        check=_listing_check,
    )


def major_listing_update(*, listing: MajorListing, actor, **fields) -> MajorListing:
    data = {n: v for n, v in fields.items() if n in ("year", "level")}
    return services.object_update(obj=listing, actor=actor, fields=data, check=_listing_check)


# ------------------------------------------------------ the park's annual plan
def _park_plan_check(plan, before) -> None:
    others = ParkInvestmentPlan.objects.unscoped().filter(park=plan.park_id, year=plan.year)
    if plan.year and others.exclude(pk=plan.pk).exists():
        raise ValidationError(
            {
                "year": _("The park already has a plan for %(year)s: edit that one.")
                % {"year": plan.year}
            }
        )


def _park_plan_fields(fields: dict) -> dict:
    data = {}
    if "year" in fields:
        data["year"] = fields["year"]
    if "amount" in fields:
        data["amount"] = _decimal(fields["amount"], 2)
    if "note" in fields:
        data["note"] = (fields["note"] or "").strip()
    return data


def park_investment_plan_create(
    *, park, year: int, amount, actor, note: str = ""
) -> ParkInvestmentPlan:
    """The park's investment target for ``year`` (年度固定资产投资计划, yuan),
    one per year; entered by the statistics office."""
    return services.object_create(
        model=ParkInvestmentPlan,
        park=park,
        actor=actor,
        fields=_park_plan_fields({"year": year, "amount": amount, "note": note}),
        check=_park_plan_check,
    )


def park_investment_plan_update(*, plan: ParkInvestmentPlan, actor, **fields) -> ParkInvestmentPlan:
    """Change the target's year, amount or note (the audit keeps the old values)."""
    return services.object_update(
        obj=plan, actor=actor, fields=_park_plan_fields(fields), check=_park_plan_check
    )
