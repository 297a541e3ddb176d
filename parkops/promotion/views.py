from parkops.core import generic
from parkops.promotion import selectors, services
from parkops.promotion.forms import PromotionUnitForm
from parkops.promotion.models import PromotionUnit
from parkops.promotion.tables import PromotionUnitTable


class PromotionUnitListView(generic.ObjectListView):
    selector = selectors.promotion_unit_list
    table_class = PromotionUnitTable
    exchange_key = "promotion-units"


class PromotionUnitDetailView(generic.ObjectDetailView):
    model = PromotionUnit
    template_name = "promotion/promotionunit_detail.html"
    select_related = ("parent", "head", "park")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = selectors.promotion_unit_children(
            user=self.request.user, unit=self.object
        )
        context["members"] = selectors.promotion_unit_members(unit=self.object)
        return context


class PromotionUnitEditView(generic.ObjectEditView):
    model = PromotionUnit
    form_class = PromotionUnitForm

    def create(self, form, park):
        return services.unit_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.unit_update(unit=obj, actor=self.request.user, **form.cleaned_data)
