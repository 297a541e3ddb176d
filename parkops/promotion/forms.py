from django import forms
from django.utils.translation import gettext as _

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
        # The service enforces who may be head and member; the form only offers
        # the park's promotion officers, and refuses others in the same words.
        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=self.park)
        self.fields["head"].queryset = officers
        self.fields["members"].queryset = officers
        self.fields["head"].error_messages["invalid_choice"] = _(
            "The head must be a promotion officer of this unit's park."
        )
        self.fields["members"].error_messages["invalid_choice"] = _(
            "Members must be promotion officers of this unit's park."
        )
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )
