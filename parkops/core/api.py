"""API routes of core registers: parks, alliances, industries, the audit trail."""

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from parkops.core import permissions
from parkops.core.api_base import user_of
from parkops.core.api_routes import add_read_routes
from parkops.core.filters import (
    AllianceFilterSet,
    AuditEntryFilterSet,
    IndustryFilterSet,
    ParkFilterSet,
)
from parkops.core.models import Alliance, AuditEntry, Industry, Park

router = Router(tags=["core"])


class ParkOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    region: str
    region_name: str
    shares_figures_with_alliance: bool


class AllianceOut(Schema):
    id: int
    name: str
    lead_park_id: int
    member_park_ids: list[int]

    @staticmethod
    def resolve_member_park_ids(obj) -> list[int]:
        return [park.pk for park in obj.members.all()]


class IndustryOut(Schema):
    id: int
    park_id: int
    code: str
    name: str
    level: int
    parent_id: int | None


add_read_routes(
    router, path="/parks", name="park", model=Park, filterset_class=ParkFilterSet, schema=ParkOut
)
add_read_routes(
    router,
    path="/alliances",
    name="alliance",
    model=Alliance,
    filterset_class=AllianceFilterSet,
    schema=AllianceOut,
    prefetch_related=("members",),
)
add_read_routes(
    router,
    path="/industries",
    name="industry",
    model=Industry,
    filterset_class=IndustryFilterSet,
    schema=IndustryOut,
)


class AuditEntryOut(Schema):
    id: int
    time: datetime.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    park_id: int | None
    before: dict | None
    after: dict | None
    request_id: str
    client_ip: str | None


def _audit_admins_only(request):
    if not permissions.can(user_of(request), AuditEntry, permissions.VIEW):
        raise PermissionDenied


# The audit trail, read-only (no write routes exist), for the audit administrator.
add_read_routes(
    router,
    path="/audit-entries",
    name="audit",
    model=AuditEntry,
    filterset_class=AuditEntryFilterSet,
    schema=AuditEntryOut,
    guard=_audit_admins_only,
)
