"""Writes on the enterprise register. Views, the API, imports and demo data call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkops.accounts.selectors import users_with_role
from parkops.core import audit, permissions, services
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.uscc import normalise

ENTERPRISE_FIELDS = (
    "name",
    "former_names",
    "uscc",
    "registered_region",
    "industry",
    "status",
    "settled_on",
    "above_scale",
    "above_scale_since",
    "above_scale_until",
    "commissioner",
)
CONTACT_FIELDS = ("name", "title", "phone", "email")


def enterprise_fields(fields: dict) -> dict:
    """Only the allowed fields, with the credit code normalised and search keys set.

    All that the create and update services add to the shared write path: the
    import of many rows prepares them with this and writes them in bulk."""
    from parkops.core.text import pinyin_keys

    data = {name: value for name, value in fields.items() if name in ENTERPRISE_FIELDS}
    if "uscc" in data:
        data["uscc"] = normalise(data["uscc"] or "")
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        data["name_pinyin"], data["name_initials"] = pinyin_keys(data["name"])
    if "former_names" in data:
        lines = (data["former_names"] or "").splitlines()
        data["former_names"] = "\n".join(line.strip() for line in lines if line.strip())
    return data


def _check_commissioner(enterprise: Enterprise, before: Enterprise | None) -> None:
    """ROLES.md: an enterprise's commissioner (服务专员) is a service officer of
    the enterprise's park. Checked when the commissioner is set or changed, so
    that a commissioner who has since left does not block other edits."""
    commissioner_id = enterprise.commissioner_id
    unchanged = before is not None and before.commissioner_id == commissioner_id
    if commissioner_id is None or unchanged:
        return
    officers = users_with_role(role=Role.SERVICE_OFFICER, park=enterprise.park_id)
    if not officers.filter(pk=commissioner_id).exists():
        raise ValidationError(
            {"commissioner": _("The commissioner must be a service officer of this park.")}
        )


# The rule the services add to the shared write path (imports apply it too).
enterprise_check = _check_commissioner


def enterprise_create(*, park, actor, **fields) -> Enterprise:
    """Register an enterprise (or prospect) in ``park``."""
    return services.object_create(
        model=Enterprise,
        park=park,
        actor=actor,
        fields=enterprise_fields(fields),
        check=_check_commissioner,
    )


def enterprise_update(*, enterprise: Enterprise, actor, **fields) -> Enterprise:
    return services.object_update(
        obj=enterprise, actor=actor, fields=enterprise_fields(fields), check=_check_commissioner
    )


def contact_phone_reveal(*, contact: Contact, actor) -> str:
    """The full phone number, for a user allowed to see personal data; each view
    is recorded in the audit trail."""
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


def contact_anonymise(*, contact: Contact, actor) -> Contact:
    """Erase a contact person's personal data on request (PIPL right to deletion)."""
    return services.object_update(
        obj=contact,
        actor=actor,
        fields={"name": str(_("anonymised")), "title": "", "phone": "", "email": ""},
        action=AuditEntry.Action.ANONYMISE,
    )


def contact_create(*, enterprise: Enterprise, actor, **fields) -> Contact:
    data = {name: value for name, value in fields.items() if name in CONTACT_FIELDS}
    return services.object_create(
        model=Contact, park=enterprise.park, actor=actor, fields={"enterprise": enterprise, **data}
    )
