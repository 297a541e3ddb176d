import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from parkops.core.regions import region_name
from parkops.core.tables import BaseTable
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
    )
    # Who made the visit; prefetched by ``visit_list``.
    staff = tables.Column(verbose_name=_("staff"), accessor="pk", orderable=False)

    def render_staff(self, record):
        people = sorted(record.staff.all(), key=lambda user: (user.name_pinyin, user.username))
        return "、".join(user.full_name or user.username for user in people)

    class Meta(BaseTable.Meta):
        model = Visit
        fields = ("date", "visited", "unit", "staff", "city", "purpose", "next_step_due")
        order_by = ("-date",)


class PromotionEventTable(BaseTable):
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))
    # Annotated by ``promotion_event_list``.
    enterprises_met = tables.Column(verbose_name=_("enterprises met"), orderable=True)

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
        order_by = ("-start_date",)
