import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from parkops.accounts.models import User
from parkops.core.api_base import Schema, resolve_related, user_of
from parkops.core.api_routes import add_read_routes, add_write_routes
from parkops.core.models import Industry
from parkops.core.text import mask_phone
from parkops.enterprises.models import Enterprise
from parkops.promotion import selectors, services
from parkops.promotion.models import Institution, PromotionEvent, PromotionUnit

router = Router(tags=["promotion"])


class PromotionUnitOut(Schema):
    id: int
    park_id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    head_id: int | None


add_read_routes(
    router,
    path="/promotion-units",
    selector=selectors.promotion_unit_list,
    schema=PromotionUnitOut,
)


# ------------------------------------------------------------------ institutions
class InstitutionContactOut(Schema):
    id: int
    name: str
    title: str
    phone_masked: str

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


class InstitutionOut(Schema):
    id: int
    park_id: int
    name: str
    kind: str
    region: str
    notes: str


class InstitutionDetailOut(InstitutionOut):
    industry_ids: list[int]
    contacts: list[InstitutionContactOut]

    @staticmethod
    def resolve_industry_ids(obj, context) -> list[int]:
        user = user_of(context["request"])
        industries = selectors.institution_industries(user=user, institution=obj)
        return sorted(industries.values_list("pk", flat=True))

    @staticmethod
    def resolve_contacts(obj, context) -> list:
        user = user_of(context["request"])
        return list(selectors.institution_contact_list(user=user, institution=obj))


class InstitutionIn(Schema):
    name: str
    kind: Institution.Kind
    region: str = ""
    notes: str = ""
    industry_ids: list[int] = []


class InstitutionPatch(Schema):
    name: str | None = None
    kind: Institution.Kind | None = None
    region: str | None = None
    notes: str | None = None
    industry_ids: list[int] | None = None


def _institution_fields(request, data: dict, park) -> dict:
    fields = dict(data)
    if "industry_ids" in fields:
        ids = fields.pop("industry_ids") or []
        fields["industries"] = [
            resolve_related(request, Industry, pk, park=park, field="industry_ids") for pk in ids
        ]
    return fields


add_read_routes(
    router,
    path="/institutions",
    selector=selectors.institution_list,
    schema=InstitutionOut,
    detail_schema=InstitutionDetailOut,
)


add_write_routes(
    router,
    path="/institutions",
    selector=selectors.institution_list,
    schema_in=InstitutionIn,
    schema_patch=InstitutionPatch,
    schema_out=InstitutionDetailOut,
    create=services.institution_create,
    update=lambda obj, *, actor, **fields: services.institution_update(
        institution=obj, actor=actor, **fields
    ),
    resolve=_institution_fields,
)


# ------------------------------------------------------------------------ visits
class VisitOut(Schema):
    id: int
    park_id: int
    date: datetime.date
    unit_id: int
    enterprise_id: int | None
    institution_id: int | None
    city: str
    country: str
    purpose: str
    outcome: str
    next_step: str
    next_step_due: datetime.date | None
    next_step_owner_id: int | None
    event_id: int | None


class VisitDetailOut(VisitOut):
    staff_ids: list[int]

    @staticmethod
    def resolve_staff_ids(obj) -> list[int]:
        return sorted(user.pk for user in obj.staff.all())


class VisitIn(Schema):
    date: datetime.date
    unit_id: int
    staff_ids: list[int]
    enterprise_id: int | None = None
    institution_id: int | None = None
    city: str = ""
    country: str = "中国"
    purpose: str
    outcome: str = ""
    next_step: str = ""
    next_step_due: datetime.date | None = None
    next_step_working_days: int | None = None
    next_step_owner_id: int | None = None
    event_id: int | None = None


class VisitPatch(Schema):
    date: datetime.date | None = None
    unit_id: int | None = None
    staff_ids: list[int] | None = None
    enterprise_id: int | None = None
    institution_id: int | None = None
    city: str | None = None
    country: str | None = None
    purpose: str | None = None
    outcome: str | None = None
    next_step: str | None = None
    next_step_due: datetime.date | None = None
    next_step_working_days: int | None = None
    next_step_owner_id: int | None = None
    event_id: int | None = None


def _users(ids, field: str) -> list:
    # Any account may be named; the service decides who may be on a visit,
    # with the same message as on the page.
    found = list(User.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: [_("No such record in this park.")]})
    return found


def _visit_fields(request, data: dict, park) -> dict:
    fields = dict(data)
    for name, model in (
        ("unit", PromotionUnit),
        ("enterprise", Enterprise),
        ("institution", Institution),
        ("event", PromotionEvent),
    ):
        if f"{name}_id" in fields:
            fields[name] = resolve_related(
                request, model, fields.pop(f"{name}_id"), park=park, field=f"{name}_id"
            )
    if "staff_ids" in fields:
        fields["staff"] = _users(fields.pop("staff_ids") or [], "staff_ids")
    if "next_step_owner_id" in fields:
        owner_id = fields.pop("next_step_owner_id")
        fields["next_step_owner"] = (
            _users([owner_id], "next_step_owner_id")[0] if owner_id is not None else None
        )
    return fields


add_read_routes(
    router,
    path="/visits",
    selector=selectors.visit_list,
    schema=VisitOut,
    detail_schema=VisitDetailOut,
)


add_write_routes(
    router,
    path="/visits",
    selector=selectors.visit_list,
    schema_in=VisitIn,
    schema_patch=VisitPatch,
    schema_out=VisitDetailOut,
    create=services.visit_create,
    update=lambda obj, *, actor, **fields: services.visit_update(visit=obj, actor=actor, **fields),
    resolve=_visit_fields,
)


# ---------------------------------------------------------------------- events
class PromotionEventOut(Schema):
    id: int
    park_id: int
    ref: str
    name: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    city: str
    country: str
    organiser_unit_id: int
    description: str
    outcome: str
    enterprises_met: int | None = None


class PromotionEventDetailOut(PromotionEventOut):
    staff_ids: list[int]
    partner_park_ids: list[int]
    enterprise_ids: list[int]
    institution_ids: list[int]
    visit_ids: list[int]

    @staticmethod
    def resolve_enterprises_met(obj, context) -> int:
        user = user_of(context["request"])
        return selectors.event_enterprises(user=user, event=obj).count()

    @staticmethod
    def resolve_staff_ids(obj, context) -> list[int]:
        user = user_of(context["request"])
        return sorted(u.pk for u in selectors.event_staff(user=user, event=obj))

    @staticmethod
    def resolve_partner_park_ids(obj, context) -> list[int]:
        user = user_of(context["request"])
        return sorted(p.pk for p in selectors.event_partner_parks(user=user, event=obj))

    @staticmethod
    def resolve_enterprise_ids(obj, context) -> list[int]:
        user = user_of(context["request"])
        return sorted(e.pk for e in selectors.event_enterprises(user=user, event=obj))

    @staticmethod
    def resolve_institution_ids(obj, context) -> list[int]:
        user = user_of(context["request"])
        return sorted(i.pk for i in selectors.event_institutions(user=user, event=obj))

    @staticmethod
    def resolve_visit_ids(obj, context) -> list[int]:
        user = user_of(context["request"])
        return sorted(v.pk for v in selectors.event_visits(user=user, event=obj))


class PromotionEventIn(Schema):
    ref: str = ""
    name: str
    kind: PromotionEvent.Kind
    start_date: datetime.date
    end_date: datetime.date
    city: str = ""
    country: str = "中国"
    organiser_unit_id: int
    description: str = ""
    outcome: str = ""
    staff_ids: list[int] = []
    partner_park_ids: list[int] = []
    enterprise_ids: list[int] = []
    institution_ids: list[int] = []


class PromotionEventPatch(Schema):
    ref: str | None = None
    name: str | None = None
    kind: PromotionEvent.Kind | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    city: str | None = None
    country: str | None = None
    organiser_unit_id: int | None = None
    description: str | None = None
    outcome: str | None = None
    staff_ids: list[int] | None = None
    partner_park_ids: list[int] | None = None
    enterprise_ids: list[int] | None = None
    institution_ids: list[int] | None = None


def _event_fields(request, data: dict, park) -> dict:
    from parkops.core.models import Park

    fields = dict(data)
    if "organiser_unit_id" in fields:
        fields["organiser_unit"] = resolve_related(
            request,
            PromotionUnit,
            fields.pop("organiser_unit_id"),
            park=park,
            field="organiser_unit_id",
        )
    for name, model in (("enterprise", Enterprise), ("institution", Institution)):
        if f"{name}_ids" in fields:
            fields[f"{name}s"] = [
                resolve_related(request, model, pk, park=park, field=f"{name}_ids")
                for pk in fields.pop(f"{name}_ids") or []
            ]
    if "staff_ids" in fields:
        fields["staff"] = _users(fields.pop("staff_ids") or [], "staff_ids")
    if "partner_park_ids" in fields:
        # Any park may be named; the service keeps to the host park's alliance,
        # with the same message as on the page.
        ids = fields.pop("partner_park_ids") or []
        parks = list(Park.objects.filter(pk__in=ids))
        if len(parks) != len(set(ids)):
            raise ValidationError({"partner_park_ids": [_("No such record in this park.")]})
        fields["partner_parks"] = parks
    return fields


add_read_routes(
    router,
    path="/promotion-events",
    selector=selectors.promotion_event_list,
    schema=PromotionEventOut,
    detail_schema=PromotionEventDetailOut,
)


add_write_routes(
    router,
    path="/promotion-events",
    selector=selectors.promotion_event_list,
    schema_in=PromotionEventIn,
    schema_patch=PromotionEventPatch,
    schema_out=PromotionEventDetailOut,
    create=services.event_create,
    update=lambda obj, *, actor, **fields: services.event_update(event=obj, actor=actor, **fields),
    resolve=_event_fields,
)
