from parkops.core import generic
from parkops.promotion import services
from parkops.promotion.filters import PromotionUnitFilterSet
from parkops.promotion.forms import PromotionUnitForm
from parkops.promotion.models import PromotionUnit
from parkops.promotion.tables import PromotionUnitTable


class PromotionUnitListView(generic.ObjectListView):
    model = PromotionUnit
    table_class = PromotionUnitTable
    filterset_class = PromotionUnitFilterSet
    select_related = ("parent", "head")
    create_url_name = "promotion:promotionunit_add"
    exchange_key = "promotion-units"


class PromotionUnitDetailView(generic.ObjectDetailView):
    model = PromotionUnit
    template_name = "promotion/promotionunit_detail.html"
    select_related = ("parent", "head", "park")
    edit_url_name = "promotion:promotionunit_edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = PromotionUnit.objects.restrict(self.request.user).filter(
            parent=self.object
        )
        context["members"] = self.object.members.order_by("username")
        return context


class PromotionUnitEditView(generic.ObjectEditView):
    model = PromotionUnit
    form_class = PromotionUnitForm
    list_url_name = "promotion:promotionunit_list"

    def create(self, form, park):
        return services.unit_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.unit_update(unit=obj, actor=self.request.user, **form.cleaned_data)
