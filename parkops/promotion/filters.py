import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from parkops.accounts.models import User
from parkops.core import permissions
from parkops.core.filters import DateFilter, ScopedFilterSet
from parkops.core.models import Industry
from parkops.core.permissions import Role
from parkops.promotion.models import Institution, PromotionEvent, PromotionUnit, Visit


class PromotionUnitFilterSet(ScopedFilterSet):
    class Meta:
        model = PromotionUnit
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class InstitutionFilterSet(ScopedFilterSet):
    class Meta:
        model = Institution
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(notes__icontains=value))


class VisitFilterSet(ScopedFilterSet):
    PARTIES = (("enterprise", _("enterprises")), ("institution", _("institutions")))

    # Inclusive date bounds: the report card's drill-down links use them.
    date_after = DateFilter(field_name="date", lookup_expr="gte", label=_("on or after"))
    date_before = DateFilter(field_name="date", lookup_expr="lte", label=_("on or before"))
    party = django_filters.ChoiceFilter(choices=PARTIES, method="filter_party", label=_("visited"))
    # Who made the visit: one of the promotion officers of the parks in view.
    staff = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(),
        method="filter_staff",
        label=_("staff"),
    )
    # One visit per enterprise (or institution), its first within the other
    # filters: the records behind "distinct enterprises visited" (拜访企业N家).
    first_per = django_filters.ChoiceFilter(
        choices=PARTIES, method="filter_first_per", label=_("first visit to each")
    )
    # Visits to enterprises of an industry or of any industry under it (a chain's
    # segments): the chain coverage board's "targets visited" (projects/boards.py).
    enterprise_industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(),
        method="filter_enterprise_industry",
        label=_("enterprise industry or below"),
    )

    class Meta:
        model = Visit
        fields = [
            "q",
            "unit",
            "staff",
            "party",
            "event",
            "date_after",
            "date_before",
            "first_per",
            "enterprise_industry",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        parks = permissions.park_ids_for(user, Visit, permissions.VIEW) if user else set()
        self.filters["staff"].queryset = (
            User.objects.filter(
                memberships__role=Role.PROMOTION_OFFICER, memberships__park_id__in=parks
            )
            .distinct()
            .order_by("name_pinyin", "username")
        )

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(institution__name__icontains=value)
            | Q(purpose__icontains=value)
            | Q(city__icontains=value)
        )

    def filter_staff(self, queryset, name, value):
        # One staff row per visit and person (visit_staff_unique): no duplicates.
        return queryset.filter(staff=value)

    def filter_party(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_enterprise_industry(self, queryset, name, value):
        # The tree has three levels at most: the node, its children, theirs.
        return queryset.filter(
            Q(enterprise__industry=value)
            | Q(enterprise__industry__parent=value)
            | Q(enterprise__industry__parent__parent=value)
        )

    def filter_first_per(self, queryset, name, value):
        # Applied last (``filter_queryset``), so "first" is within the other filters.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        party = self.form.cleaned_data.get("first_per")
        if party:
            first = (
                queryset.filter(**{party: OuterRef(party)}).order_by("date", "pk").values("pk")[:1]
            )
            queryset = queryset.filter(**{f"{party}__isnull": False}).filter(pk=Subquery(first))
        return queryset


class PromotionEventFilterSet(ScopedFilterSet):
    # Events overlapping the range: on or after ends no earlier, on or before
    # starts no later (a trip 14–21 May is in "May 20 onwards").
    date_after = DateFilter(field_name="end_date", lookup_expr="gte", label=_("on or after"))
    date_before = DateFilter(field_name="start_date", lookup_expr="lte", label=_("on or before"))
    place = django_filters.CharFilter(method="filter_place", label=_("country or city"))

    class Meta:
        model = PromotionEvent
        fields = ["q", "kind", "organiser_unit", "place", "date_after", "date_before"]

    def search(self, queryset, name, value):
        """Name, places and description; latin letters also match the name's
        pinyin or its initials (rbxjp → 日本新加坡...)."""
        from parkops.core.text import pinyin_keys

        text = value.strip()
        condition = (
            Q(name__icontains=text)
            | Q(city__icontains=text)
            | Q(country__icontains=text)
            | Q(description__icontains=text)
        )
        lowered = text.lower().replace(" ", "")
        if lowered.isascii() and lowered.isalnum():
            condition |= Q(name_initials__contains=lowered) | Q(name_pinyin__contains=lowered)
        else:
            full = pinyin_keys(text)[0]
            if full:
                condition |= Q(name_pinyin__contains=full)
        return queryset.filter(condition)

    def filter_place(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(country__icontains=text) | Q(city__icontains=text))
