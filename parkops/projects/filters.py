import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions
from parkops.core.filters import DateFilter, ScopedFilterSet, YesNoAllWidget
from parkops.core.models import Industry
from parkops.core.regions import region_full_name
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    LeadPolicy,
    MajorListing,
    Milestone,
    MilestoneKind,
    MilestoneTemplate,
    ParkInvestmentPlan,
    Project,
    ProjectEvent,
    Stage,
    TrafficRule,
)


def region_prefix(code: str) -> str | None:
    """The prefix of the GB/T 2260 codes within ``code`` (2, 4 or 6 digits; a
    6-digit province or city code ending in 00 means all below it), or None if
    ``code`` names no division."""
    code = (code or "").strip()
    if len(code) not in (2, 4, 6) or not code.isdigit():
        return None
    full = code.ljust(6, "0")
    if not region_full_name(full):
        return None
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def validate_region_prefix(code: str) -> None:
    if code and region_prefix(code) is None:
        raise ValidationError(
            _(
                "A region code has 2, 4 or 6 digits of a GB/T 2260 division, "
                "e.g. 32 (江苏), 3205 (苏州) or 320506."
            )
        )


class ProjectFilterSet(ScopedFilterSet):
    # The report card's "projects negotiating" (储备在谈项目): the projects whose
    # stage on that day, from their events, was NEGOTIATING.
    negotiating_on = DateFilter(method="filter_negotiating_on", label=_("negotiating on"))
    # The boards' links (projects/boards.py): the projects at a stage on a day
    # (``negotiating_on`` for any stage; without ``as_of``, today) ...
    at_stage = django_filters.ChoiceFilter(
        choices=Stage.choices, method="filter_in_filter_queryset", label=_("stage on the day")
    )
    as_of = DateFilter(method="filter_in_filter_queryset", label=_("on the day"))
    # ... the projects that first reached a stage between two days (inclusive):
    # a period's new leads (reached=lead) or signings (reached=signed) ...
    reached = django_filters.ChoiceFilter(
        choices=Stage.choices, method="filter_in_filter_queryset", label=_("reached stage")
    )
    reached_after = DateFilter(method="filter_in_filter_queryset", label=_("reached on or after"))
    reached_before = DateFilter(method="filter_in_filter_queryset", label=_("reached on or before"))
    # ... and those of an industry or of any industry under it (a chain's segments).
    industry_within = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(),
        method="filter_industry_within",
        label=_("industry or below"),
    )
    # Major projects (列省/列市重大项目) listed for a year: the report card's links.
    major_in = django_filters.NumberFilter(method="filter_major_in", label=_("major project in"))
    # The report card's major-project money figures link with the period's last
    # day: each project then shows its investment from January to that month
    # and its plan for the year, with their totals (it narrows nothing).
    investment_to = DateFilter(method="filter_investment_to", label=_("investment shown to"))
    # A visit's projects (its panel links here): those it started and those it
    # was linked to later (关联拜访).
    visit = django_filters.ModelChoiceFilter(
        queryset=None, method="filter_visit", label=_("visit (source or linked)")
    )
    # Where the investor comes from: a province (2 digits), a city (4) or a
    # county (6) by its GB/T 2260 code, e.g. 3205 = 苏州 (its name shown).
    origin_region = django_filters.CharFilter(
        method="filter_origin_region",
        label=_("origin region (2, 4 or 6 digits)"),
        validators=[lambda code: validate_region_prefix(code)],
    )
    # Major projects: planned investment at or above the park's threshold (LeadPolicy).
    major = django_filters.BooleanFilter(
        method="filter_major", label=_("major project"), widget=YesNoAllWidget
    )
    # Leads and negotiations whose next handling step is overdue today (线索处理时限).
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("handling overdue"), widget=YesNoAllWidget
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "stage",
            "first_contact_unit",
            "owner_unit",
            "industry",
            "source",
            "source_visit",
            "source_event",
            "signing_event",
            "visit",
            "investor",
            "negotiating_on",
            "at_stage",
            "as_of",
            "reached",
            "reached_after",
            "reached_before",
            "industry_within",
            "origin_region",
            "major",
            "overdue",
            "major_in",
            "investment_to",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # The visits and events offered are those some project came from (the
        # panels on their pages link here), not every visit of the parks.
        user = getattr(request, "user", None)
        sources = Project.objects.restrict(user, permissions.VIEW)
        self.filters["source_visit"].queryset = (
            self.filters["source_visit"]
            .queryset.filter(pk__in=sources.exclude(source_visit=None).values("source_visit"))
            .select_related("enterprise", "institution")
            .order_by("-date", "pk")
        )
        self.filters["source_event"].queryset = (
            self.filters["source_event"]
            .queryset.filter(pk__in=sources.exclude(source_event=None).values("source_event"))
            .order_by("-start_date", "pk")
        )
        from parkops.projects.models import ProjectVisit

        linked = ProjectVisit.objects.restrict(user, permissions.VIEW).values("visit")
        self.filters["visit"].queryset = (
            self.filters["source_visit"]
            .queryset.model.objects.restrict(user, permissions.VIEW)
            .filter(
                Q(pk__in=sources.exclude(source_visit=None).values("source_visit"))
                | Q(pk__in=linked)
            )
            .select_related("enterprise", "institution")
            .order_by("-date", "pk")
        )
        self.filters["signing_event"].queryset = (
            self.filters["signing_event"]
            .queryset.filter(pk__in=sources.exclude(signing_event=None).values("signing_event"))
            .order_by("-start_date", "pk")
        )

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_region_named", False):
            self._region_named = True
            field = form.fields["origin_region"]
            field.widget.attrs.setdefault("placeholder", "3205")
            code = self.data.get("origin_region", "") if self.data else ""
            prefix = region_prefix(code)
            if prefix is not None:
                field.label = f"{field.label}：{region_full_name(prefix.ljust(6, '0'))}"
        return form

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_pinyin__icontains=value.lower())
            | Q(ref__icontains=value)
            | Q(investor__name__icontains=value)
        )

    def filter_origin_region(self, queryset, name, value):
        prefix = region_prefix(value)
        if prefix is None:
            return queryset.none()
        return queryset.filter(origin_region__startswith=prefix)

    def filter_major(self, queryset, name, value):
        from parkops.projects.models import LeadPolicy

        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        parks = sorted(permissions.user_park_ids(user)) if user else []
        # Unscoped on purpose: a park's threshold applies to every list of its projects.
        own = dict(
            LeadPolicy.objects.unscoped()
            .filter(park__in=parks)
            .values_list("park_id", "major_threshold")
        )
        default = LeadPolicy.DEFAULTS["major_threshold"]
        major = Q(planned_investment__gte=default) & ~Q(park__in=sorted(own))
        for park_id, threshold in own.items():
            major |= Q(park=park_id, planned_investment__gte=threshold)
        return queryset.filter(major) if value else queryset.exclude(major)

    def filter_visit(self, queryset, name, value):
        from parkops.projects.models import ProjectVisit

        linked = ProjectVisit.objects.unscoped().filter(park=value.park_id, visit=value)
        return queryset.filter(Q(source_visit=value) | Q(pk__in=linked.values("project_id")))

    def filter_negotiating_on(self, queryset, name, value):
        from parkops.projects.selectors import project_ids_in_stage_on

        user = getattr(self.request, "user", None)
        ids = project_ids_in_stage_on(user=user, stage=Stage.NEGOTIATING, on=value)
        return queryset.filter(pk__in=sorted(ids))

    def filter_in_filter_queryset(self, queryset, name, value):
        # The boards' pairs of filters are applied together (``filter_queryset``).
        return queryset

    def filter_industry_within(self, queryset, name, value):
        # The tree has three levels at most: the node, its children, theirs.
        return queryset.filter(
            Q(industry=value) | Q(industry__parent=value) | Q(industry__parent__parent=value)
        )

    def filter_queryset(self, queryset):
        from parkops.projects import boards
        from parkops.projects.selectors import project_ids_in_stage_on

        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        user = getattr(self.request, "user", None)
        if data.get("at_stage"):
            day = data.get("as_of") or boards.today()
            ids = project_ids_in_stage_on(user=user, stage=data["at_stage"], on=day)
            queryset = queryset.filter(pk__in=sorted(ids))
        if data.get("reached"):
            ids = boards.project_ids_reached(
                user=user,
                stage=data["reached"],
                first=data.get("reached_after"),
                last=data.get("reached_before"),
            )
            queryset = queryset.filter(pk__in=sorted(ids))
        return queryset

    def filter_major_in(self, queryset, name, value):
        from parkops.projects.selectors import major_project_ids

        user = getattr(self.request, "user", None)
        return queryset.filter(pk__in=sorted(major_project_ids(user=user, year=int(value))))

    def filter_investment_to(self, queryset, name, value):
        from parkops.projects.selectors import with_investment_to

        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        return with_investment_to(queryset, day=value, user=user)

    def filter_overdue(self, queryset, name, value):
        from parkops.projects.selectors import overdue_project_ids

        if value is None:
            return queryset
        ids = sorted(overdue_project_ids(user=getattr(self.request, "user", None)))
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class LeadPolicyFilterSet(ScopedFilterSet):
    class Meta:
        model = LeadPolicy
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(park__name__icontains=value) | Q(park__code__icontains=value))


# ------------------------------------------------- milestones, traffic lights
class MilestoneFilterSet(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("kind"))
    verified = django_filters.BooleanFilter(
        field_name="verified_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("verified"),
        widget=YesNoAllWidget,
    )

    class Meta:
        model = Milestone
        fields = ["q", "project", "kind", "responsible_unit"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(project__name__icontains=value))


class MilestoneTemplateFilterSet(ScopedFilterSet):
    class Meta:
        model = MilestoneTemplate
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(project_type__icontains=value))


class TrafficRuleFilterSet(ScopedFilterSet):
    class Meta:
        model = TrafficRule
        fields = ["q", "kind", "colour", "enabled"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(park__name__icontains=value) | Q(park__code__icontains=value))


def _project_search(queryset, value):
    return queryset.filter(
        Q(project__name__icontains=value)
        | Q(project__name_pinyin__icontains=value.lower())
        | Q(project__ref__icontains=value)
    )


class InvestmentEntryFilterSet(ScopedFilterSet):
    month_after = DateFilter(field_name="month", lookup_expr="gte", label=_("from month"))
    month_before = DateFilter(field_name="month", lookup_expr="lte", label=_("to month"))

    class Meta:
        model = InvestmentEntry
        fields = ["q", "project", "month", "month_after", "month_before"]

    def search(self, queryset, name, value):
        return _project_search(queryset, value)


class StageChangeFilterSet(ScopedFilterSet):
    on_after = DateFilter(field_name="on_date", lookup_expr="gte", label=_("from"))
    on_before = DateFilter(field_name="on_date", lookup_expr="lte", label=_("to"))

    class Meta:
        model = ProjectEvent
        fields = ["q", "project", "to_stage", "on_after", "on_before"]

    def search(self, queryset, name, value):
        return _project_search(queryset, value)


class AnnualPlanFilterSet(ScopedFilterSet):
    class Meta:
        model = AnnualPlan
        fields = ["q", "project", "year"]

    def search(self, queryset, name, value):
        return _project_search(queryset, value)


class MajorListingFilterSet(ScopedFilterSet):
    class Meta:
        model = MajorListing
        fields = ["q", "project", "year", "level"]

    def search(self, queryset, name, value):
        return _project_search(queryset, value)


class ParkInvestmentPlanFilterSet(ScopedFilterSet):
    class Meta:
        model = ParkInvestmentPlan
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(note__icontains=value) | Q(park__name__icontains=value))
