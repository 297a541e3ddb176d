import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkops.core.tables import WIDE_ONLY, BaseTable, truncated
from parkops.core.text import to_wan
from parkops.projects.models import LeadPolicy, Project, Stage

# Tabler badge colours by stage: delivery stages green, the stopped ones grey/amber.
STAGE_BADGES = {
    Stage.LEAD: "bg-azure-lt",
    Stage.NEGOTIATING: "bg-blue-lt",
    Stage.SIGNED: "bg-indigo-lt",
    Stage.READY: "bg-purple-lt",
    Stage.STARTED: "bg-teal-lt",
    Stage.COMPLETED: "bg-green-lt",
    Stage.PRODUCING: "bg-green text-green-fg",
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


def deadline_badge(deadline) -> str:
    """A lead's next step, its due date, and the overdue and major flags."""
    if deadline is None:
        return "—"
    overdue = major = ""
    if deadline.overdue:
        overdue = format_html(
            ' <span class="badge bg-red-lt" data-overdue-days="{}">{}</span>',
            deadline.overdue_days,
            _("overdue by %(days)d working days") % {"days": deadline.overdue_days},
        )
    if deadline.major:
        major = format_html(
            ' <span class="badge bg-orange-lt" data-major>{}</span>',
            _("major lead: report to the leadership"),
        )
    return format_html(
        '<span title="{}" data-due="{}">{}</span>{}{}',
        deadline.step.label,
        deadline.due.isoformat(),
        deadline.due.isoformat(),
        overdue,
        major,
    )


def wan_yuan(amount) -> str:
    """Yuan as 万元 with two decimals (the unit of project lists)."""
    if amount is None:
        return "—"
    return f"{to_wan(amount):,f}"


class ProjectTable(BaseTable):
    """Fits 1366 px: the name, its next deadline (overdue flags) and stage first;
    the industry and stage date only on wider screens."""

    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"), attrs=truncated())
    investor = tables.Column(
        order_by=("investor__name_pinyin", "investor__name"), attrs=truncated()
    )
    industry = tables.Column(attrs=WIDE_ONLY)
    stage = tables.Column(order_by=("stage", "stage_on"))
    stage_on = tables.Column(attrs=WIDE_ONLY)
    planned_investment = tables.Column(
        verbose_name=_("planned investment (10,000 yuan)"), attrs={"td": {"class": "text-end"}}
    )
    first_contact_unit = tables.Column(
        order_by=("first_contact_unit__code",), attrs=truncated(wide_only=True)
    )

    # The next lead-handling step's deadline (线索处理时限), from the dates the
    # list annotates (``selectors.with_lead_dates``): no query per row.
    deadline = tables.Column(
        verbose_name=_("next deadline"), empty_values=(), orderable=False, accessor="pk"
    )

    def __init__(self, *args, **kwargs):
        from parkops.projects.selectors import LeadClock

        self.lead_clock = LeadClock()
        kwargs.setdefault(
            "row_attrs",
            {
                "class": lambda record: "table-danger" if self.deadline_of(record) else "",
                "data-overdue": lambda record: "true" if self.deadline_of(record) else None,
            },
        )
        super().__init__(*args, **kwargs)

    def deadline_of(self, record, *, overdue_only=True):
        found = getattr(record, "_lead_deadline", False)
        if found is False:
            found = record._lead_deadline = self.lead_clock.deadline(record)
        if overdue_only:
            return found if found is not None and found.overdue else None
        return found

    def render_deadline(self, record):
        return deadline_badge(self.deadline_of(record, overdue_only=False))

    def value_deadline(self, record):
        found = self.deadline_of(record, overdue_only=False)
        return found.due.isoformat() if found else ""

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
        sequence = (
            "name",
            "deadline",
            "stage",
            "investor",
            "planned_investment",
            "industry",
            "stage_on",
            "first_contact_unit",
        )
        order_by = ("name",)


class WanYuanColumn(tables.Column):
    """An amount in yuan shown in 万元, right-aligned."""

    def __init__(self, *args, **kwargs):
        attrs = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
        attrs["tf"] = {"class": "text-end", **kwargs.pop("footer_attrs", {})}
        super().__init__(*args, attrs=attrs, orderable=False, **kwargs)

    def render(self, value):
        return wan_yuan(value)


def investment_columns(totals: dict) -> list[tuple[str, tables.Column]]:
    """The columns a project list adds when it is the drill-down of the report
    card's major-project money figures (``selectors.with_investment_to``): each
    project's investment completed to the month and its plan for the year, the
    totals of all the rows listed below them."""
    return [
        (
            "completed_to",
            WanYuanColumn(
                verbose_name=_("completed from January (10,000 yuan)"),
                footer=wan_yuan(totals["completed_to"] or 0),
                footer_attrs={"data-total": "completed_to"},
            ),
        ),
        (
            "year_plan",
            WanYuanColumn(
                verbose_name=_("planned investment for the year (10,000 yuan)"),
                footer=wan_yuan(totals["year_plan"] or 0),
                footer_attrs={"data-total": "year_plan"},
            ),
        ),
    ]


class LeadPolicyTable(BaseTable):
    park = tables.Column(linkify=lambda record: record.get_absolute_url())
    major_threshold = tables.Column(
        verbose_name=_("major lead from (10,000 yuan)"), attrs={"td": {"class": "text-end"}}
    )

    def render_major_threshold(self, value):
        return wan_yuan(value)

    class Meta(BaseTable.Meta):
        model = LeadPolicy
        fields = (
            "park",
            "assign_days",
            "assess_days",
            "assess_major_days",
            "feedback_days",
            "progress_days",
            "major_threshold",
        )
        order_by = ("park",)


# ------------------------------------------------ milestones, traffic lights
LIGHT_BADGES = {
    "green": "bg-green text-green-fg",
    "amber": "bg-yellow text-yellow-fg",
    "red": "bg-red text-red-fg",
}


def light_badge(light: str) -> str:
    from parkops.projects.models import TrafficLight

    return format_html(
        '<span class="badge {}" data-light="{}">{}</span>',
        LIGHT_BADGES.get(light, "bg-secondary-lt"),
        light,
        TrafficLight(light).label,
    )


class MilestoneTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.project.get_absolute_url())
    name = tables.Column(
        linkify=lambda record: record.get_absolute_url(), verbose_name=_("milestone")
    )
    verified_at = tables.Column(verbose_name=_("verified"))

    def render_name(self, record):
        return str(record)

    def render_verified_at(self, record):
        return format_html('<span class="badge bg-green-lt">{}</span>', _("verified"))

    class Meta(BaseTable.Meta):
        from parkops.projects.models import Milestone

        model = Milestone
        fields = (
            "project",
            "name",
            "kind",
            "planned_on",
            "actual_on",
            "responsible_unit",
            "responsible_officer",
            "verified_at",
        )
        order_by = ("project",)


class MilestoneTemplateTable(BaseTable):
    name = tables.Column(linkify=lambda record: record.get_absolute_url())
    items = tables.Column(verbose_name=_("milestones"), orderable=False)

    def render_items(self, value):
        return len(value)

    class Meta(BaseTable.Meta):
        from parkops.projects.models import MilestoneTemplate

        model = MilestoneTemplate
        fields = ("name", "project_type", "items")
        order_by = ("name",)


class TrafficRuleTable(BaseTable):
    kind = tables.Column(linkify=lambda record: record.get_absolute_url())

    def render_colour(self, value, record):
        return light_badge(record.colour)

    class Meta(BaseTable.Meta):
        from parkops.projects.models import TrafficRule

        model = TrafficRule
        fields = ("park", "kind", "threshold", "colour", "enabled")
        order_by = ("kind",)


# ------------------------------------------------------------------ delivery
class _DeliveryTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())

    def render_amount(self, value):
        return wan_yuan(value)


class InvestmentEntryTable(_DeliveryTable):
    month = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    amount = tables.Column(
        verbose_name=_("investment completed (10,000 yuan)"), attrs={"td": {"class": "text-end"}}
    )

    def render_month(self, value):
        return value.strftime("%Y-%m")

    class Meta(BaseTable.Meta):
        from parkops.projects.models import InvestmentEntry

        model = InvestmentEntry
        fields = ("project", "month", "amount", "note")


class AnnualPlanTable(_DeliveryTable):
    amount = tables.Column(
        verbose_name=_("planned investment for the year (10,000 yuan)"),
        attrs={"td": {"class": "text-end"}},
    )

    class Meta(BaseTable.Meta):
        from parkops.projects.models import AnnualPlan

        model = AnnualPlan
        fields = ("project", "year", "amount")


class MajorListingTable(_DeliveryTable):
    class Meta(BaseTable.Meta):
        from parkops.projects.models import MajorListing

        model = MajorListing
        fields = ("project", "year", "level")


class ParkInvestmentPlanTable(BaseTable):
    year = tables.Column(linkify=lambda record: record.get_absolute_url())
    amount = tables.Column(
        verbose_name=_("park's planned investment for the year (10,000 yuan)"),
        attrs={"td": {"class": "text-end"}},
    )

    def render_amount(self, value):
        return wan_yuan(value)

    class Meta(BaseTable.Meta):
        from parkops.projects.models import ParkInvestmentPlan

        model = ParkInvestmentPlan
        fields = ("park", "year", "amount", "note")
