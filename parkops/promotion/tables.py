import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from parkops.core.regions import region_name
from parkops.core.tables import WIDE_ONLY, BaseTable, truncated
from parkops.promotion.models import Institution, PromotionEvent, PromotionUnit, Visit


class PromotionUnitTable(BaseTable):
    # 排序按拼音 when sorted by name; the list itself opens in code order.
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))

    class Meta(BaseTable.Meta):
        model = PromotionUnit
        fields = ("code", "name", "kind", "parent", "head")
        order_by = ("code",)


class InstitutionTable(BaseTable):
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))

    def render_region(self, value):
        return region_name(value) or value

    class Meta(BaseTable.Meta):
        model = Institution
        fields = ("name", "kind", "region")
        order_by = ("name",)


class VisitTable(BaseTable):
    date = tables.Column(linkify=True)
    visited = tables.Column(
        verbose_name=_("visited"),
        accessor="visited",
        order_by=("enterprise__name_pinyin", "institution__name_pinyin"),
        attrs=truncated(),
    )
    unit = tables.Column(attrs=truncated())
    # Who made the visit; prefetched by ``visit_list``.
    staff = tables.Column(
        verbose_name=_("staff"), accessor="pk", orderable=False, attrs=truncated(wide_only=True)
    )
    purpose = tables.Column(attrs=truncated())

    def render_staff(self, record):
        people = sorted(record.staff.all(), key=lambda user: (user.name_pinyin, user.username))
        return "、".join(user.full_name or user.username for user in people)

    class Meta(BaseTable.Meta):
        model = Visit
        fields = ("date", "visited", "unit", "staff", "city", "purpose", "next_step_due")
        order_by = ("-date",)


class PromotionEventTable(BaseTable):
    """Fits 1366 px: the end date and country only on wider screens."""

    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"), attrs=truncated())
    end_date = tables.Column(attrs=WIDE_ONLY)
    country = tables.Column(attrs=WIDE_ONLY)
    city = tables.Column(attrs=truncated())
    organiser_unit = tables.Column(attrs=truncated())
    # Annotated by ``promotion_event_list``.
    enterprises_met = tables.Column(
        verbose_name=_("enterprises met"), orderable=True, attrs={"td": {"class": "text-end"}}
    )

    class Meta(BaseTable.Meta):
        model = PromotionEvent
        fields = (
            "start_date",
            "end_date",
            "name",
            "kind",
            "country",
            "city",
            "organiser_unit",
            "enterprises_met",
        )
        sequence = (
            "start_date",
            "name",
            "organiser_unit",
            "enterprises_met",
            "kind",
            "city",
            "end_date",
            "country",
        )
        order_by = ("-start_date",)
