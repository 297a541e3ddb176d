from django import forms
from django.utils.translation import gettext as _

from parkops.core import permissions
from parkops.core.forms import ScopedModelForm
from parkops.core.permissions import Role
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
            "settled_on",
            "above_scale",
            "above_scale_since",
            "above_scale_until",
            "commissioner",
        ]
        widgets = {
            "former_names": forms.Textarea(attrs={"rows": 2}),
            "settled_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "above_scale_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "above_scale_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uscc"].widget.attrs["autocomplete"] = "off"
        # Commissioners are the park's service officers: the service enforces
        # it; the form only offers them, and refuses others in the same words.
        from parkops.accounts.selectors import users_with_role

        self.fields["commissioner"].queryset = users_with_role(
            role=Role.SERVICE_OFFICER, park=self.park
        )
        self.fields["commissioner"].error_messages["invalid_choice"] = _(
            "The commissioner must be a service officer of this park."
        )
        # Fields another office owns are shown but cannot be changed here; the
        # form says who keeps them, so that the user knows whom to ask.
        owners = permissions.FIELD_OWNERS[permissions.ENTERPRISE]
        for name, roles in owners.items():
            if not permissions.may_set_field(self.user, Enterprise, name, self.park):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Maintained by the %(roles)s.") % {
                    "roles": "、".join(str(Role(role).label) for role in sorted(roles))
                }


class ContactForm(ScopedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email"]
        # The phone is stored in a text column (encrypted) but is one line to type.
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}
