from django import forms

from parkops.accounts.selectors import users_with_role
from parkops.core.forms import ScopedModelForm
from parkops.core.permissions import Role
from parkops.promotion.models import PromotionUnit


class PromotionUnitForm(ScopedModelForm):
    class Meta:
        model = PromotionUnit
        fields = ["code", "name", "kind", "parent", "head", "members"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=self.park)
        self.fields["head"].queryset = officers
        self.fields["members"].queryset = officers
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )
