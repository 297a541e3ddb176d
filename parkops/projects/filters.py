import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkops.core.filters import DateFilter, ScopedFilterSet, YesNoAllWidget
from parkops.projects.models import LeadPolicy, Project, Stage


class ProjectFilterSet(ScopedFilterSet):
    # The report card's "projects negotiating" (储备在谈项目): the projects whose
    # stage on that day, from their events, was NEGOTIATING.
    negotiating_on = DateFilter(method="filter_negotiating_on", label=_("negotiating on"))
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
            "investor",
            "negotiating_on",
            "overdue",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_pinyin__icontains=value.lower())
            | Q(ref__icontains=value)
            | Q(investor__name__icontains=value)
        )

    def filter_negotiating_on(self, queryset, name, value):
        from parkops.projects.selectors import project_ids_in_stage_on

        user = getattr(self.request, "user", None)
        ids = project_ids_in_stage_on(user=user, stage=Stage.NEGOTIATING, on=value)
        return queryset.filter(pk__in=sorted(ids))

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
