from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions
from parkops.core.filters import DateFilter, ScopedFilterSet
from parkops.projects.models import Project, Stage


class ProjectFilterSet(ScopedFilterSet):
    # The report card's "projects negotiating" (储备在谈项目): the projects whose
    # stage on that day, from their events, was NEGOTIATING.
    negotiating_on = DateFilter(method="filter_negotiating_on", label=_("negotiating on"))

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
            "investor",
            "negotiating_on",
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
