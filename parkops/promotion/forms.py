from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parkops.accounts.selectors import users_with_role
from parkops.core.forms import LenientDateField, ScopedModelForm
from parkops.core.permissions import Role
from parkops.promotion.models import (
    Institution,
    InstitutionContact,
    PromotionEvent,
    PromotionUnit,
    Visit,
)
from parkops.promotion.services import MAX_NEXT_STEP_WORKING_DAYS


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


class InstitutionForm(ScopedModelForm):
    class Meta:
        model = Institution
        fields = ["name", "kind", "region", "industries", "notes"]
        widgets = {
            "industries": forms.SelectMultiple(attrs={"size": 6}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class InstitutionContactForm(ScopedModelForm):
    class Meta:
        model = InstitutionContact
        fields = ["name", "title", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}


class VisitForm(ScopedModelForm):
    """Quick entry of a visit, usable on a phone: today, the officer's own unit
    and the officer as staff are filled in for a new visit."""

    next_step_working_days = forms.IntegerField(
        label=_lazy("next step due in working days"),
        required=False,
        min_value=1,
        max_value=MAX_NEXT_STEP_WORKING_DAYS,
        help_text=_lazy("Instead of a date: counted in the park's working days."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Visit
        fields = [
            "date",
            "unit",
            "staff",
            "enterprise",
            "institution",
            "city",
            "country",
            "purpose",
            "outcome",
            "next_step",
            "next_step_due",
            "next_step_working_days",
            "next_step_owner",
            "event",
        ]
        field_classes = {"date": LenientDateField, "next_step_due": LenientDateField}
        widgets = {
            "staff": forms.SelectMultiple(attrs={"size": 4}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Long pickers read in pinyin order (排序按拼音), as the registers do.
        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=self.park).order_by(
            "name_pinyin", "username"
        )
        self.fields["staff"].queryset = officers
        self.fields["next_step_owner"].queryset = officers
        for name in ("enterprise", "institution"):
            self.fields[name].queryset = self.fields[name].queryset.order_by("name_pinyin", "name")
        self.fields["staff"].error_messages["invalid_choice"] = _(
            "Visit staff must be promotion officers of this park."
        )
        self.fields["next_step_owner"].error_messages["invalid_choice"] = _(
            "The next step's owner must be a promotion officer of this park."
        )
        # Latest events first: a visit is usually logged during or just after one.
        self.fields["event"].queryset = self.fields["event"].queryset.order_by("-start_date", "-pk")
        self.fields["event"].help_text = _("The fair or trip the visit was made during, if any.")
        # Either party: the service refuses both or neither, in one message.
        self.fields["enterprise"].required = False
        self.fields["institution"].required = False
        if self.instance.pk is None and not self.is_bound:
            from parkops.core.text import today_cst

            self.initial.setdefault("date", today_cst())
            self.initial.setdefault("staff", [self.user.pk])
            from parkops.promotion.selectors import own_unit_id

            own = own_unit_id(user=self.user, park=self.park)
            if own is not None and self.fields["unit"].queryset.filter(pk=own).exists():
                self.initial.setdefault("unit", own)


class PromotionEventForm(ScopedModelForm):
    """An event of the active park (its host): participants, partner parks and
    those met are multiple choices, each long list in pinyin order."""

    class Meta:
        model = PromotionEvent
        fields = [
            "ref",
            "name",
            "kind",
            "start_date",
            "end_date",
            "city",
            "country",
            "organiser_unit",
            "staff",
            "partner_parks",
            "enterprises",
            "institutions",
            "description",
            "outcome",
        ]
        field_classes = {"start_date": LenientDateField, "end_date": LenientDateField}
        widgets = {
            "staff": forms.SelectMultiple(attrs={"size": 6}),
            "partner_parks": forms.SelectMultiple(attrs={"size": 5}),
            "enterprises": forms.SelectMultiple(attrs={"size": 8}),
            "institutions": forms.SelectMultiple(attrs={"size": 6}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from parkops.core.models import Park

        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=self.park).order_by(
            "name_pinyin", "username"
        )
        self.fields["staff"].queryset = officers
        self.fields["staff"].error_messages["invalid_choice"] = _(
            "Participants must be promotion officers of this park."
        )
        # The other parks of the host park's alliances (parks are not park-scoped
        # records; their names are known to every member).
        self.fields["partner_parks"].queryset = (
            Park.objects.filter(alliances__members=self.park)
            .exclude(pk=getattr(self.park, "pk", None))
            .distinct()
            .order_by("name_pinyin", "pk")
            if self.park is not None
            else Park.objects.none()
        )
        self.fields["partner_parks"].error_messages["invalid_choice"] = _(
            "Partner parks must be other parks of this park's alliance."
        )
        for name in ("enterprises", "institutions"):
            self.fields[name].queryset = self.fields[name].queryset.order_by("name_pinyin", "name")
        self.fields["organiser_unit"].queryset = self.fields["organiser_unit"].queryset.order_by(
            "code"
        )
        if self.instance.pk is None and not self.is_bound:
            from parkops.promotion.selectors import own_unit_id

            self.initial.setdefault("staff", [self.user.pk])
            own = own_unit_id(user=self.user, park=self.park)
            if own is not None and self.fields["organiser_unit"].queryset.filter(pk=own).exists():
                self.initial.setdefault("organiser_unit", own)
