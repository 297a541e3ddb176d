"""Writes on the promotion structure, institutions, visits and promotion events."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parkops.accounts.selectors import users_with_role
from parkops.core import services
from parkops.core.permissions import Role
from parkops.core.text import pinyin_keys
from parkops.promotion.models import (
    Institution,
    InstitutionContact,
    PromotionEvent,
    PromotionEventPark,
    PromotionEventStaff,
    PromotionUnit,
    PromotionUnitMember,
    Visit,
    VisitStaff,
)

UNIT_FIELDS = ("code", "name", "kind", "parent", "head")


def _staff_check(members):
    """The rule for a unit's people: its head and its members are promotion
    officers of the unit's park. Checked for a head or members being added, so
    that someone who has since left does not block other edits."""

    def check(unit: PromotionUnit, before: PromotionUnit | None) -> None:
        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=unit.park_id)
        errors = {}
        head_changed = before is None or before.head_id != unit.head_id
        head_ok = unit.head_id is None or officers.filter(pk=unit.head_id).exists()
        if head_changed and not head_ok:
            errors["head"] = _("The head must be a promotion officer of this unit's park.")
        if members is not None:
            wanted = {getattr(member, "pk", member) for member in members}
            if before is not None:
                wanted -= set(
                    PromotionUnitMember.objects.unscoped()
                    .filter(unit_id=unit.pk)
                    .values_list("user_id", flat=True)
                )
            if wanted and officers.filter(pk__in=wanted).count() != len(wanted):
                errors["members"] = _("Members must be promotion officers of this unit's park.")
        if errors:
            raise ValidationError(errors)

    return check


def unit_create(*, park, actor, members=(), **fields) -> PromotionUnit:
    data = services.with_sort_key({n: v for n, v in fields.items() if n in UNIT_FIELDS})
    return services.object_create(
        model=PromotionUnit,
        park=park,
        actor=actor,
        fields=data,
        many={"members": members},
        check=_staff_check(members),
    )


def unit_update(*, unit: PromotionUnit, actor, members=None, **fields) -> PromotionUnit:
    data = services.with_sort_key({n: v for n, v in fields.items() if n in UNIT_FIELDS})
    many = None if members is None else {"members": members}
    return services.object_update(
        obj=unit, actor=actor, fields=data, many=many, check=_staff_check(members)
    )


# ------------------------------------------------------------------ institutions
INSTITUTION_FIELDS = ("name", "kind", "region", "notes")
INSTITUTION_CONTACT_FIELDS = ("name", "title", "phone", "email")


def _industries_check(industries):
    """An institution's industries are industries of its own park."""

    def check(institution: Institution, before: Institution | None) -> None:
        if industries and any(
            getattr(i, "park_id", None) != institution.park_id for i in industries
        ):
            raise ValidationError({"industries": _("Choose industries of this park.")})

    return check


def _institution_data(fields: dict) -> dict:
    data = {n: v for n, v in fields.items() if n in INSTITUTION_FIELDS}
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    return services.with_sort_key(data)


def institution_create(*, park, actor, industries=(), **fields) -> Institution:
    """Register an institution (行业机构) the park works with."""
    industries = list(industries or ())
    return services.object_create(
        model=Institution,
        park=park,
        actor=actor,
        fields=_institution_data(fields),
        many={"industries": industries},
        check=_industries_check(industries),
    )


def institution_update(*, institution: Institution, actor, industries=None, **fields):
    many = None if industries is None else {"industries": list(industries)}
    return services.object_update(
        obj=institution,
        actor=actor,
        fields=_institution_data(fields),
        many=many,
        check=_industries_check(list(industries or ())),
    )


def institution_contact_create(*, institution: Institution, actor, **fields):
    data = {n: v for n, v in fields.items() if n in INSTITUTION_CONTACT_FIELDS}
    return services.object_create(
        model=InstitutionContact,
        park=institution.park,
        actor=actor,
        fields={"institution": institution, **data},
    )


def institution_contact_phone_reveal(*, contact: InstitutionContact, actor) -> str:
    """The full phone number, for a user allowed to see personal data; each view
    is recorded in the audit trail (ROLES.md: personal data is masked for all)."""
    from django.db import transaction

    from parkops.core import audit, permissions
    from parkops.core.models import AuditEntry

    if not permissions.can_view_personal_data(actor, contact.park_id):
        permissions.deny(_("Seeing full personal numbers needs the personal-data permission."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditEntry.Action.VIEW_PERSONAL,
            obj=contact,
            after={"field": "phone"},
        )
    return contact.phone


# ------------------------------------------------------------------------ visits
VISIT_FIELDS = (
    "ref",
    "date",
    "unit",
    "enterprise",
    "institution",
    "city",
    "country",
    "purpose",
    "outcome",
    "next_step",
    "next_step_due",
    "next_step_owner",
    "event",
)


def due_after_working_days(*, park, on: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``on`` (the park's calendar: State
    Council holidays and make-up working days, and the park's overrides)."""
    from parkops.core.periods import CHINA
    from parkops.workdays.selectors import working_calendar

    # From the close of the visit day: one working day is the next working day.
    start = datetime.datetime.combine(on, datetime.time(23, 59, 59), tzinfo=CHINA)
    return working_calendar(park=park).add_working_days(start, days).at.date()


def _visit_check(staff, both_due=False):
    """The rules of a visit that need other objects: it is to exactly one party
    (enterprise or institution), and its staff and the next step's owner are
    promotion officers of the visit's park (checked for people being added, so
    that someone who has since left does not block other edits). ``both_due``:
    a due date and a number of working days were both given, and one would be
    silently dropped."""

    def check(visit: Visit, before: Visit | None) -> None:
        errors = {}
        if both_due:
            errors["next_step_due"] = _(
                "Give either the next step's due date or its working days, not both."
            )
        if bool(visit.enterprise_id) == bool(visit.institution_id):
            errors["enterprise"] = _(
                "A visit is to one enterprise or one institution: name exactly one."
            )
        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=visit.park_id)
        if staff is not None:
            wanted = {getattr(user, "pk", user) for user in staff}
            if before is None and not wanted:
                errors["staff"] = _("Name who made the visit.")
            if before is not None:
                wanted -= set(
                    VisitStaff.objects.unscoped()
                    .filter(park=visit.park_id, visit_id=visit.pk)
                    .values_list("user_id", flat=True)
                )
            if wanted and officers.filter(pk__in=wanted).count() != len(wanted):
                errors["staff"] = _("Visit staff must be promotion officers of this park.")
        owner_changed = before is None or before.next_step_owner_id != visit.next_step_owner_id
        if (
            owner_changed
            and visit.next_step_owner_id
            and not officers.filter(pk=visit.next_step_owner_id).exists()
        ):
            errors["next_step_owner"] = _(
                "The next step's owner must be a promotion officer of this park."
            )
        if errors:
            raise ValidationError(errors)

    return check


def _both_due(fields: dict, next_step_working_days) -> bool:
    return bool(fields.get("next_step_due")) and bool(next_step_working_days)


# A next step is due within a working year: the form offers the same range.
MAX_NEXT_STEP_WORKING_DAYS = 250


def _visit_data(park, fields: dict, next_step_working_days, date=None) -> dict:
    data = {n: v for n, v in fields.items() if n in VISIT_FIELDS}
    if next_step_working_days is not None and not (
        1 <= int(next_step_working_days) <= MAX_NEXT_STEP_WORKING_DAYS
    ):
        raise ValidationError(
            {
                "next_step_working_days": _(
                    "Give the next step's working days as a whole number from 1 to %(max)d."
                )
                % {"max": MAX_NEXT_STEP_WORKING_DAYS}
            }
        )
    if next_step_working_days:
        on = data.get("date") or date
        if on is not None:
            data["next_step_due"] = due_after_working_days(
                park=park, on=on, days=int(next_step_working_days)
            )
    return data


def visit_create(*, park, actor, staff=(), next_step_working_days=None, **fields) -> Visit:
    """Log a visit. ``next_step_working_days`` sets the next step's due date that
    many working days after the visit (instead of a date)."""
    staff = list(staff or ())
    return services.object_create(
        model=Visit,
        park=park,
        actor=actor,
        fields=_visit_data(park, fields, next_step_working_days),
        many={"staff": staff},
        check=_visit_check(staff, _both_due(fields, next_step_working_days)),
    )


def visit_update(*, visit: Visit, actor, staff=None, next_step_working_days=None, **fields):
    data = _visit_data(visit.park, fields, next_step_working_days, date=visit.date)
    many = None if staff is None else {"staff": list(staff)}
    return services.object_update(
        obj=visit,
        actor=actor,
        fields=data,
        many=many,
        check=_visit_check(
            None if staff is None else list(staff), _both_due(fields, next_step_working_days)
        ),
    )


# ---------------------------------------------------------------------- events
EVENT_FIELDS = (
    "ref",
    "name",
    "kind",
    "start_date",
    "end_date",
    "city",
    "country",
    "organiser_unit",
    "description",
    "outcome",
)


def _ids(values) -> set:
    return {getattr(value, "pk", value) for value in values or ()}


def _event_check(*, staff, partner_parks, enterprises, institutions):
    """The rules of an event that need other objects: its participants are
    promotion officers of the host park (checked for people being added, so
    that someone who has since left does not block other edits); its partner
    parks are other parks of an alliance the host park belongs to; the
    enterprises and institutions met are the host park's; and the visits
    already made during it stay within its dates."""

    def check(event: PromotionEvent, before: PromotionEvent | None) -> None:
        from parkops.core.models import Park
        from parkops.enterprises.models import Enterprise

        errors = {}
        if staff is not None:
            wanted = _ids(staff)
            if before is not None:
                wanted -= set(
                    PromotionEventStaff.objects.unscoped()
                    .filter(park=event.park_id, event_id=event.pk)
                    .values_list("user_id", flat=True)
                )
            officers = users_with_role(role=Role.PROMOTION_OFFICER, park=event.park_id)
            if wanted and officers.filter(pk__in=wanted).count() != len(wanted):
                errors["staff"] = _("Participants must be promotion officers of this park.")
        if partner_parks is not None:
            wanted = _ids(partner_parks)
            if before is not None:
                wanted -= set(
                    PromotionEventPark.objects.unscoped()
                    .filter(park=event.park_id, event_id=event.pk)
                    .values_list("partner_id", flat=True)
                )
            if event.park_id in wanted:
                errors["partner_parks"] = _("The host park is not its own partner park.")
            elif wanted:
                # Parks sharing an alliance with the host (parks are not park-scoped).
                allied = set(
                    Park.objects.filter(alliances__members=event.park_id).values_list(
                        "pk", flat=True
                    )
                )
                if not wanted <= allied:
                    errors["partner_parks"] = _(
                        "Partner parks must be other parks of this park's alliance."
                    )
        for name, model, values in (
            ("enterprises", Enterprise, enterprises),
            ("institutions", Institution, institutions),
        ):
            wanted = _ids(values)
            if wanted:
                # Across parks on purpose: a record of another park is refused here.
                found = model.objects.unscoped().filter(pk__in=wanted, park=event.park_id)
                if found.count() != len(wanted):
                    errors[name] = _("Choose records of this park.")
        if before is not None and event.start_date and event.end_date:
            outside = (
                Visit.objects.unscoped()
                .filter(park=event.park_id, event_id=event.pk)
                .exclude(date__range=(event.start_date, event.end_date))
            )
            if outside.exists():
                errors["start_date"] = _(
                    "Visits made during the event would fall outside its dates: "
                    "change or unlink them first."
                )
        if errors:
            raise ValidationError(errors)

    return check


def _event_data(fields: dict) -> dict:
    data = {n: v for n, v in fields.items() if n in EVENT_FIELDS}
    for name in ("name", "ref"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if "name" in data:
        data["name_pinyin"], data["name_initials"] = pinyin_keys(data["name"])
    return data


def _event_many(**lists) -> dict | None:
    many = {name: list(values) for name, values in lists.items() if values is not None}
    return many or None


def event_create(
    *, park, actor, staff=(), partner_parks=(), enterprises=(), institutions=(), **fields
) -> PromotionEvent:
    """Record a promotion event (招商活动) of ``park``, the host park."""
    lists = {
        "staff": list(staff or ()),
        "partner_parks": list(partner_parks or ()),
        "enterprises": list(enterprises or ()),
        "institutions": list(institutions or ()),
    }
    return services.object_create(
        model=PromotionEvent,
        park=park,
        actor=actor,
        fields=_event_data(fields),
        many=lists,
        check=_event_check(**lists),
    )


def event_update(
    *,
    event: PromotionEvent,
    actor,
    staff=None,
    partner_parks=None,
    enterprises=None,
    institutions=None,
    **fields,
) -> PromotionEvent:
    lists = {
        "staff": None if staff is None else list(staff),
        "partner_parks": None if partner_parks is None else list(partner_parks),
        "enterprises": None if enterprises is None else list(enterprises),
        "institutions": None if institutions is None else list(institutions),
    }
    return services.object_update(
        obj=event,
        actor=actor,
        fields=_event_data(fields),
        many=_event_many(**lists),
        check=_event_check(**lists),
    )
