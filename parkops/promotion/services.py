"""Writes on the promotion structure."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parkops.accounts.selectors import users_with_role
from parkops.core import services
from parkops.core.permissions import Role
from parkops.promotion.models import PromotionUnit, PromotionUnitMember

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
