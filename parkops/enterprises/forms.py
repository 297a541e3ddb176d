from django import forms

from parkops.core import permissions
from parkops.core.forms import ScopedModelForm
from parkops.enterprises.models import Contact, Enterprise


class EnterpriseForm(ScopedModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "former_names",
            "uscc",
            "status",
            "registered_region",
            "industry",
            "above_scale",
            "above_scale_since",
            "commissioner",
        ]
        widgets = {
            "former_names": forms.Textarea(attrs={"rows": 2}),
            "above_scale_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uscc"].widget.attrs["autocomplete"] = "off"
        # Commissioners are the park's service officers.
        from parkops.accounts.selectors import users_with_role
        from parkops.core.permissions import Role

        self.fields["commissioner"].queryset = users_with_role(
            role=Role.SERVICE_OFFICER, park=self.park
        )
        # Fields another office owns are shown but cannot be changed here.
        for name in permissions.FIELD_OWNERS[permissions.ENTERPRISE]:
            if not permissions.may_set_field(self.user, Enterprise, name, self.park):
                self.fields[name].disabled = True


class ContactForm(ScopedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email"]
