"""Sign-in (password, then second factor), sign-out, password change, two-factor
enrolment, language preference, API tokens, and the administrators' pages."""

import time

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from parkops.accounts import passwords, selectors, services
from parkops.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    MembershipForm,
    OtpTokenForm,
    OwnPasswordChangeForm,
    UserCreateForm,
)
from parkops.accounts.models import ApiToken, Lockout, Membership, User, UserSession
from parkops.accounts.tables import UserTable
from parkops.core import audit, generic, permissions
from parkops.core.generic import apply_validation_error, next_url
from parkops.core.models import AuditEntry

OTP_PENDING_KEY = "parkops_otp_pending"
OTP_PENDING_SECONDS = 300


def _complete_login(request, user, device=None):
    auth_login(request, user, backend="parkops.accounts.backends.ModelBackend")
    if device is not None:
        django_otp.login(request, device)
    services.session_start(request=request, user=user)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        try:
            services.login_permitted(username=user.get_username())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if django_otp.user_has_device(user):
            # Password right: the second factor decides. Nothing is signed in yet.
            self.request.session[OTP_PENDING_KEY] = {
                "user": user.pk,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login_verify")
        _complete_login(self.request, user)
        return redirect(self.get_success_url())


def login_verify(request):
    """Second sign-in step: a code from the authenticator app or a recovery code."""
    pending = request.session.get(OTP_PENDING_KEY)
    if not pending or time.time() - pending["at"] > OTP_PENDING_SECONDS:
        request.session.pop(OTP_PENDING_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.login_code_check(
                user=user,
                token=form.cleaned_data["token"].replace(" ", ""),
                ip=audit.current_client_ip(),
            )
            services.login_permitted(username=user.get_username())
        except ValidationError as error:
            form.add_error("token", error)
        else:
            request.session.pop(OTP_PENDING_KEY, None)
            _complete_login(request, user, device)
            return redirect(pending["next"])
    return render(request, "accounts/login_verify.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            sid = request.session.get(services.SESSION_ID_KEY)
            record = UserSession.objects.filter(sid=sid).first() if sid else None
            if record is not None:
                services.session_end(user_session=record, actor=request.user, reason="logout")
            services.session_event(user=request.user, action=AuditEntry.Action.LOGOUT)
        return super().post(request, *args, **kwargs)


@login_required
def password_change(request):
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            keep_sid=request.session.get(services.SESSION_ID_KEY),
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Password changed. Your other sessions have been ended."))
        return redirect("core:home")
    context = {
        "form": form,
        "forced": passwords.must_change_password(request.user),
        "expires_at": passwords.password_expires_at(request.user),
    }
    return render(request, "accounts/password_change.html", context)


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def otp_setup(request):
    """Enrol an authenticator app (TOTP): scan, confirm with a code, keep the
    recovery codes."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return render(request, "accounts/otp_setup.html", {"enrolled": True})
    device = services.otp_pending_device(user=user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.otp_confirm(
                user=user, device=device, token=form.cleaned_data["token"].replace(" ", "")
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            django_otp.login(request, device)
            return render(request, "accounts/otp_setup.html", {"recovery_codes": codes})
    uri = device.config_url.replace("otpauth://totp/", "otpauth://totp/ParkOps:", 1)
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(uri)),  # noqa: S308 - SVG generated by qrcode, no input
        "secret": device.bin_key.hex(),
        "secret_b32": _base32(device.bin_key),
        "required": selectors.needs_two_factor(user),
    }
    return render(request, "accounts/otp_setup.html", context)


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@require_POST
@login_required
def language_switch(request):
    try:
        services.user_set_language(
            user=request.user, language=request.POST.get("language", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(next_url(request, "/"))


@login_required
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            actor=request.user,
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "accounts/token_list.html", {"tokens": tokens, "form": form, "new_key": new_key}
    )


@require_POST
@login_required
def token_revoke(request, pk):
    # A user's own tokens only: someone else's token is simply not found.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:apitoken_list")


# ------------------------------------------------------ administrators' pages
class UserListView(generic.ObjectListView):
    """The accounts, for the system and security administrators: filters, sorting,
    pages and exports as every register's list."""

    selector = selectors.user_list
    table_class = UserTable

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Accounts belong to no park: adding one is a role held without a park.
        context["can_add"] = permissions.has_global(self.request.user, User, permissions.ADD)
        return context


@login_required
def user_export(request, fmt="xlsx"):
    """The account list as filtered on the page, for periodic account reviews."""
    from parkops.accounts.exchange import USERS
    from parkops.core.exchange.views import export_response

    permissions.require(request.user, User, permissions.VIEW)
    return export_response(request, USERS, fmt=fmt)


@login_required
def user_create(request):
    permissions.require(request.user, User, permissions.ADD)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = services.temporary_password()
        try:
            user = services.user_create(
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=password,
                actor=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return render(
                request, "accounts/user_password.html", {"target": user, "password": password}
            )
    return render(request, "accounts/user_create.html", {"form": form})


@login_required
def user_detail(request, pk):
    permissions.require(request.user, User, permissions.VIEW)
    target = get_object_or_404(User, pk=pk)
    me = request.user
    context = {
        "target": target,
        "memberships": Membership.objects.filter(user=target).select_related("park", "alliance"),
        "sessions": UserSession.objects.filter(user=target, ended_at__isnull=True),
        "has_2fa": django_otp.user_has_device(target),
        "can_manage_accounts": permissions.has_global(me, User, permissions.CHANGE),
        "can_manage_roles": permissions.has_global(me, Membership, permissions.ADD)
        and me.pk != target.pk,
        "can_manage_sessions": permissions.has_global(me, UserSession, permissions.CHANGE),
        "membership_form": MembershipForm(),
        "is_self": me.pk == target.pk,
    }
    return render(request, "accounts/user_detail.html", context)


def _is_refusal(error: ValidationError) -> bool:
    groups = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return any(item.code == services.DENIED for group in groups for item in group)


def _admin_action(request, pk, action, success: str):
    """Run ``action(target)`` for a POST from the user page; errors become messages.

    A user without the role gets a 403 from the service (``permissions.require``).
    A rule that refuses the action to an administrator who has the role
    (separation of duties, their own account) is a ``ValidationError`` coded
    ``services.DENIED``: shown as a message on the user page, like any other
    refused input, and audited as a denied attempt.
    """
    target = get_object_or_404(User, pk=pk)
    try:
        action(target)
    except ValidationError as error:
        if _is_refusal(error):
            audit.record_denied(request)  # ROLES.md: every denied attempt is audited
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("accounts:user_detail", pk=pk)


@require_POST
@login_required
def user_set_active(request, pk):
    active = request.POST.get("active") == "1"
    return _admin_action(
        request,
        pk,
        lambda target: services.user_set_active(user=target, active=active, actor=request.user),
        _("Account enabled.") if active else _("Account disabled; its sessions ended."),
    )


@require_POST
@login_required
def user_password_reset(request, pk):
    target = get_object_or_404(User, pk=pk)
    password = services.password_reset(user=target, actor=request.user)
    return render(request, "accounts/user_password.html", {"target": target, "password": password})


@require_POST
@login_required
def membership_grant(request, pk):
    form = MembershipForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect("accounts:user_detail", pk=pk)
    return _admin_action(
        request,
        pk,
        lambda user: services.membership_grant(user=user, actor=request.user, **form.cleaned_data),
        _("Role granted."),
    )


@require_POST
@login_required
def membership_revoke(request, pk, membership_pk):
    membership = get_object_or_404(Membership, pk=membership_pk, user_id=pk)
    return _admin_action(
        request,
        pk,
        lambda _user: services.membership_revoke(membership=membership, actor=request.user),
        _("Role revoked."),
    )


@require_POST
@login_required
def session_end(request, pk, session_pk):
    record = get_object_or_404(UserSession, pk=session_pk, user_id=pk)
    return _admin_action(
        request,
        pk,
        lambda _user: services.session_end(user_session=record, actor=request.user),
        _("Session ended."),
    )


@require_POST
@login_required
def otp_reset(request, pk):
    return _admin_action(
        request,
        pk,
        lambda target: services.otp_reset(user=target, actor=request.user),
        _("Two-factor reset; the user enrols again at next sign-in."),
    )


@login_required
def lockout_list(request):
    permissions.require(request.user, Lockout, permissions.VIEW)
    return render(request, "accounts/lockout_list.html", {"lockouts": selectors.lockouts_active()})


@require_POST
@login_required
def lockout_lift(request, pk):
    permissions.require(request.user, Lockout, permissions.CHANGE)
    lockout = get_object_or_404(Lockout, pk=pk)
    services.lockout_lift(lockout=lockout, actor=request.user)
    messages.success(request, _("Lock on %(key)s lifted.") % {"key": lockout.key})
    return redirect(reverse("accounts:lockout_list"))
