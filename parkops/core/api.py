"""API routes of core registers: parks, alliances, industries, the audit trail."""

import datetime

from ninja import Router

from parkops.core import selectors
from parkops.core.api_base import Schema, user_of
from parkops.core.api_routes import add_read_routes
from parkops.core.audit_display import AuditReader, EntryDisplay

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


add_read_routes(router, path="/parks", selector=selectors.park_list, schema=ParkOut)
add_read_routes(
    router,
    path="/alliances",
    selector=selectors.alliance_list,
    schema=AllianceOut,
)
add_read_routes(
    router,
    path="/industries",
    selector=selectors.industry_list,
    schema=IndustryOut,
)


class FieldChangeOut(Schema):
    key: str
    label: str
    before: str
    after: str
    hidden: bool


def _shown(entry, context) -> EntryDisplay:
    """The entry as ``AuditReader`` shows it to the request's user (one reader per
    request, one display per entry), so the API masks exactly as the pages do."""
    shown = getattr(entry, "_parkops_shown", None)
    if shown is None:
        request = context["request"]
        reader = getattr(request, "_parkops_audit_reader", None)
        if reader is None:
            reader = request._parkops_audit_reader = AuditReader(user_of(request))
        shown = entry._parkops_shown = reader.display(entry)
    return shown


class AuditEntryOut(Schema):
    """An entry as the audit pages show it: values the reader may not see are
    ``"***"`` in ``before`` and ``after`` and ``hidden`` in ``changes``; a
    confidential object name is replaced in ``object_repr``."""

    id: int
    seq: int | None
    time: datetime.datetime
    actor_id: int | None
    actor_name: str
    action: str
    action_name: str
    object_type: str
    object_type_name: str
    object_id: str
    object_repr: str
    object_hidden: bool
    park_id: int | None
    before: dict | None
    after: dict | None
    changes: list[FieldChangeOut]
    request_id: str
    client_ip: str | None

    @staticmethod
    def resolve_actor_name(entry, context) -> str:
        return _shown(entry, context).actor_name

    @staticmethod
    def resolve_action_name(entry, context) -> str:
        return _shown(entry, context).action_name

    @staticmethod
    def resolve_object_type_name(entry, context) -> str:
        return _shown(entry, context).object_type_name

    @staticmethod
    def resolve_object_repr(entry, context) -> str:
        return _shown(entry, context).object_name

    @staticmethod
    def resolve_object_hidden(entry, context) -> bool:
        return _shown(entry, context).object_hidden

    @staticmethod
    def resolve_before(entry, context) -> dict | None:
        return _shown(entry, context).before

    @staticmethod
    def resolve_after(entry, context) -> dict | None:
        return _shown(entry, context).after

    @staticmethod
    def resolve_changes(entry, context) -> list:
        return [vars(change) for change in _shown(entry, context).changes]


# The audit trail, read-only (no write routes exist), for the audit administrator.
add_read_routes(
    router,
    path="/audit-entries",
    selector=selectors.audit_entry_list,
    schema=AuditEntryOut,
)
