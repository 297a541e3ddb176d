"""Reads on the promotion structure, institutions, visits and promotion events."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from parkops.accounts.models import User
from parkops.core.models import Industry, Park
from parkops.core.selectors import list_selector, scoped_list
from parkops.promotion.filters import (
    InstitutionFilterSet,
    PromotionEventFilterSet,
    PromotionUnitFilterSet,
    VisitFilterSet,
)
from parkops.promotion.models import (
    Institution,
    InstitutionContact,
    InstitutionIndustry,
    PromotionEvent,
    PromotionEventEnterprise,
    PromotionEventInstitution,
    PromotionEventPark,
    PromotionEventStaff,
    PromotionUnit,
    PromotionUnitMember,
    Visit,
)


@list_selector(model=PromotionUnit, filterset_class=PromotionUnitFilterSet)
def promotion_unit_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The promotion units ``user`` may view, with parent and head, by park and code."""
    return scoped_list(
        PromotionUnit,
        user=user,
        filters=filters,
        filterset_class=PromotionUnitFilterSet,
        park_id=park_id,
        select_related=("parent", "head"),
    )


def promotion_unit_children(*, user, unit) -> QuerySet:
    """The units directly under ``unit`` that ``user`` may view."""
    return PromotionUnit.objects.restrict(user).filter(parent=unit)


def promotion_unit_members(*, unit) -> QuerySet:
    """The members of ``unit``, by user name."""
    return unit.members.order_by("username")


def promotion_structure(*, user, park_id) -> list[dict]:
    """``park_id``'s units as a tree (office → bureaus, centres, teams), each node
    ``{"unit", "members", "children"}``, roots and children in code order. Two
    queries whatever the size: the units, then their members."""
    units = list(
        PromotionUnit.objects.restrict(user)
        .filter(park_id=park_id)
        .select_related("head")
        .prefetch_related("members")
        .order_by("code")
    )
    nodes = {
        unit.pk: {
            "unit": unit,
            "members": sorted(unit.members.all(), key=lambda u: u.username),
            "children": [],
        }
        for unit in units
    }
    roots = []
    for unit in units:
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent else roots).append(nodes[unit.pk])
    return roots


def own_unit_id(*, user, park) -> int | None:
    """The first unit (by code) of ``park`` that ``user`` is a member of: a new
    visit's unit unless they choose another."""
    # The user's own memberships, whichever role they hold: unscoped on purpose.
    rows = PromotionUnitMember.objects.unscoped().filter(park=park, user=user)
    return rows.order_by("unit__code").values_list("unit_id", flat=True).first()


def own_unit_ids(*, user, park) -> set[int]:
    """The promotion units of ``park`` that ``user`` is a member of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    # The user's own memberships, whichever role they hold: unscoped on purpose.
    rows = PromotionUnitMember.objects.unscoped().filter(park=park, user=user)
    return set(rows.values_list("unit_id", flat=True))


def is_unit_member(*, user, unit) -> bool:
    """Is ``user`` a member of promotion unit ``unit``?"""
    rows = PromotionUnitMember.objects.unscoped().filter(park=unit.park_id, unit=unit, user=user)
    return rows.exists()


@list_selector(model=Institution, filterset_class=InstitutionFilterSet)
def institution_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The institutions ``user`` may view, by the pinyin of their names (排序按拼音)."""
    return scoped_list(
        Institution,
        user=user,
        filters=filters,
        filterset_class=InstitutionFilterSet,
        park_id=park_id,
        ordering=("name_pinyin", "name", "pk"),
    )


def institution_contact_list(*, user, institution) -> QuerySet:
    """``institution``'s contacts, for roles that may read them (none otherwise)."""
    return InstitutionContact.objects.restrict(user).filter(
        park_id=institution.park_id, institution=institution
    )


def institution_industries(*, user, institution) -> QuerySet:
    """The industries ``institution`` covers, as ``user`` may read them, by code."""
    links = InstitutionIndustry.objects.restrict(user).filter(
        park_id=institution.park_id, institution=institution
    )
    return (
        Industry.objects.restrict(user)
        .filter(park_id=institution.park_id, pk__in=links.values("industry_id"))
        .order_by("code")
    )


def institution_visits(*, user, institution) -> QuerySet:
    """The engagement history: the visits to ``institution`` ``user`` may view."""
    return (
        Visit.objects.restrict(user)
        .filter(park_id=institution.park_id, institution=institution)
        .select_related("unit")
        .order_by("-date", "-pk")
    )


@list_selector(model=Visit, filterset_class=VisitFilterSet)
def visit_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The visits ``user`` may view, newest first, with unit, staff and party visited."""
    return scoped_list(
        Visit,
        user=user,
        filters=filters,
        filterset_class=VisitFilterSet,
        park_id=park_id,
        select_related=("unit", "enterprise", "institution", "next_step_owner", "event"),
        ordering=("-date", "-pk"),
    ).prefetch_related("staff")


def first_visits(visits, party: str) -> tuple[int, ...]:
    """Ids of the first visit (by date, then id) to each distinct ``party``
    (``"enterprise"`` or ``"institution"``) among ``visits``: one per party, so
    two visits to one enterprise count once. The visit list's ``first_per``
    filter lists the same records."""
    seen, ids = set(), []
    rows = visits.filter(**{f"{party}__isnull": False}).order_by("date", "pk")
    for pk, party_id in rows.values_list("pk", f"{party}_id"):
        if party_id not in seen:
            seen.add(party_id)
            ids.append(pk)
    return tuple(sorted(ids))


# ---------------------------------------------------------------------- events
@list_selector(model=PromotionEvent, filterset_class=PromotionEventFilterSet)
def promotion_event_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The events ``user`` may view, latest first, with their organising unit and
    the number of enterprises met (``enterprises_met``). A joint event is listed
    for its host park only."""
    met = (
        PromotionEventEnterprise.objects.restrict(user)
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return scoped_list(
        PromotionEvent,
        user=user,
        filters=filters,
        filterset_class=PromotionEventFilterSet,
        park_id=park_id,
        select_related=("organiser_unit",),
        ordering=("-start_date", "-pk"),
    ).annotate(enterprises_met=Coalesce(Subquery(met), 0))


def event_visits(*, user, event) -> QuerySet:
    """The visits made during ``event`` that ``user`` may view, by date."""
    return (
        Visit.objects.restrict(user)
        .filter(park_id=event.park_id, event=event)
        .select_related("unit", "enterprise", "institution")
        .order_by("date", "pk")
    )


def event_staff(*, user, event) -> QuerySet:
    """``event``'s participants, in pinyin order."""
    links = PromotionEventStaff.objects.restrict(user).filter(park_id=event.park_id, event=event)
    return User.objects.filter(pk__in=links.values("user_id")).order_by("name_pinyin", "username")


def event_partner_parks(*, user, event) -> QuerySet:
    """The partner parks of a joint ``event`` (names only: their records stay theirs)."""
    links = PromotionEventPark.objects.restrict(user).filter(park_id=event.park_id, event=event)
    return Park.objects.filter(pk__in=links.values("partner_id")).order_by("name_pinyin", "pk")


def event_enterprises(*, user, event) -> QuerySet:
    """The enterprises met at ``event`` that ``user`` may view, by pinyin."""
    from parkops.enterprises.models import Enterprise

    links = PromotionEventEnterprise.objects.restrict(user).filter(
        park_id=event.park_id, event=event
    )
    return (
        Enterprise.objects.restrict(user)
        .filter(park_id=event.park_id, pk__in=links.values("enterprise_id"))
        .order_by("name_pinyin", "name", "pk")
    )


def event_institutions(*, user, event) -> QuerySet:
    """The institutions met at ``event`` that ``user`` may view, by pinyin."""
    links = PromotionEventInstitution.objects.restrict(user).filter(
        park_id=event.park_id, event=event
    )
    return (
        Institution.objects.restrict(user)
        .filter(park_id=event.park_id, pk__in=links.values("institution_id"))
        .order_by("name_pinyin", "name", "pk")
    )
