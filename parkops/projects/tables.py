from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkops.core.tables import BaseTable
from parkops.projects.models import Project, Stage

# Tabler badge colours by stage: delivery stages green, the stopped ones grey/amber.
STAGE_BADGES = {
    Stage.LEAD: "bg-azure-lt",
    Stage.NEGOTIATING: "bg-blue-lt",
    Stage.SIGNED: "bg-indigo-lt",
    Stage.READY: "bg-purple-lt",
    Stage.STARTED: "bg-teal-lt",
    Stage.COMPLETED: "bg-green-lt",
    Stage.PRODUCING: "bg-green",
    Stage.DROPPED: "bg-secondary-lt",
    Stage.ON_HOLD: "bg-yellow-lt",
}


def stage_badge(stage: str) -> str:
    return format_html(
        '<span class="badge {}" data-stage="{}">{}</span>',
        STAGE_BADGES.get(stage, "bg-secondary-lt"),
        stage,
        Stage(stage).label,
    )


def wan_yuan(amount) -> str:
    """Yuan as 万元 with two decimals (the unit of project lists)."""
    if amount is None:
        return "—"
    value = (Decimal(amount) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:,f}"


class ProjectTable(BaseTable):
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))
    investor = tables.Column(order_by=("investor__name_pinyin", "investor__name"))
    stage = tables.Column(order_by=("stage", "stage_on"))
    planned_investment = tables.Column(
        verbose_name=_("planned investment (10,000 yuan)"), attrs={"td": {"class": "text-end"}}
    )
    first_contact_unit = tables.Column(order_by=("first_contact_unit__code",))

    def render_stage(self, value, record):
        return stage_badge(record.stage)

    def render_planned_investment(self, value):
        return wan_yuan(value)

    class Meta(BaseTable.Meta):
        model = Project
        fields = (
            "name",
            "investor",
            "industry",
            "stage",
            "stage_on",
            "planned_investment",
            "first_contact_unit",
        )
        order_by = ("name",)
