from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from parkops.accounts import services
from parkops.accounts.models import Membership, User
from parkops.core import audit
from parkops.core.forms import prompt_empty_choices, style_widgets
from parkops.core.models import Alliance, Park
from parkops.core.permissions import Role


def checked_credentials(username: str, check):
    """``check()`` under the lockout rules (services.credential_check)."""
    return services.credential_check(username=username, ip=audit.current_client_ip(), check=check)


class LoginForm(AuthenticationForm):
    error_messages = {
        # The same words whether or not the username exists.
        "invalid_login": _("Wrong username or password."),
        "inactive": _("Wrong username or password."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        return checked_credentials(username, super().clean)


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class OwnPasswordChangeForm(PasswordChangeForm):
    """The user's own change. The old password is a credential like at sign-in:
    wrong guesses count towards the same lockout, so a stolen session cannot be
    used to try passwords without limit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)

    def clean_old_password(self):
        return checked_credentials(self.user.username, super().clean_old_password)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60)
    read_only = forms.BooleanField(label=_("read only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class UserCreateForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class MembershipForm(forms.ModelForm):
    """Grant a role; park or alliance as the role needs (checked by the model).

    Which promotion unit an officer works in is kept on the unit (its members),
    by the park administrator, not here.
    """

    class Meta:
        model = Membership
        fields = ["role", "park", "alliance", "can_view_personal_data"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.order_by("id")
        self.fields["alliance"].queryset = Alliance.objects.order_by("id")
        # No role is preselected: a grant made without choosing one must fail, not
        # quietly become the first (and widest) role in the list.
        self.fields["role"].choices = [("", ""), *Role.choices]
        style_widgets(self.fields)
        prompt_empty_choices(self.fields)
