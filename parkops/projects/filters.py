from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
