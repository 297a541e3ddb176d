from django.db.models import Q

from parkops.core.filters import ScopedFilterSet
from parkops.promotion.models import PromotionUnit


class PromotionUnitFilterSet(ScopedFilterSet):
    class Meta:
        model = PromotionUnit
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
