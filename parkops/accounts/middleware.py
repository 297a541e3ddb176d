"""Per-request account rules: session lifetime, forced password change and
two-factor enrolment, language and active park."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from parkops.accounts import passwords
from parkops.accounts.models import UserSession
from parkops.accounts.selectors import needs_two_factor
from parkops.accounts.services import SESSION_ID_KEY
from parkops.core import hotpath, permissions

ACTIVE_PARK_SESSION_KEY = "parkops_active_park"
# Pages a user may open while a password change or 2FA enrolment is pending.
ALWAYS_ALLOWED = ("accounts:logout", "accounts:password_change", "accounts:otp_setup")
LAST_SEEN_RESOLUTION = datetime.timedelta(minutes=1)


def active_park_id(request) -> int | None:
    """The park chosen in the switcher, if it is still one of the user's parks."""
    park_ids = permissions.user_park_ids(request.user)
    chosen = request.session.get(ACTIVE_PARK_SESSION_KEY)
    if chosen in park_ids:
        return chosen
    return min(park_ids) if park_ids else None


def _session_valid(request) -> bool:
    """False when the session was ended, timed out or outlived its maximum age."""
    sid = request.session.get(SESSION_ID_KEY)
    now = timezone.now()
    if sid is None:
        # Sessions opened by Django's own login() outside our sign-in view
        # (tests, the shell) get a record now, so they can be ended too.
        from parkops.accounts.services import session_start

        session_start(request=request, user=request.user, record_login=False)
        return True
    found = hotpath.rows(UserSession, sid=sid, user=request.user.pk)
    record = found[0] if found else None
    if record is None or record.ended_at is not None:
        return False
    from parkops.accounts.services import session_end

    if now - record.created_at > datetime.timedelta(hours=settings.SESSION_MAX_HOURS):
        session_end(user_session=record, actor=request.user, reason="max_age")
        return False
    if now - record.last_seen_at > datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES):
        session_end(user_session=record, actor=request.user, reason="idle")
        return False
    if now - record.last_seen_at > LAST_SEEN_RESOLUTION:
        UserSession.objects.filter(pk=record.pk).update(last_seen_at=now)
    return True


def _unwrapped(user):
    """The object behind lazy stand-ins already read (django-otp wraps Django's)."""
    while isinstance(user, LazyObject) and user._wrapped is not empty:
        user = user._wrapped
    return user


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # Read now in any case: the rest of the request (the menu's and the
            # page's permission checks, dozens of reads) uses the user itself,
            # not the lazy stand-ins Django and django-otp put there, each of
            # whose reads costs several calls.
            request.user = user = _unwrapped(user)
            if not _session_valid(request):
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            detour = self._required_detour(request)
            if detour and request.path not in {reverse(name) for name in ALWAYS_ALLOWED}:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Finish signing in on the web page first."), "errors": {}},
                        status=403,
                    )
                return redirect(detour)
        response = self.get_response(request)
        if user.is_authenticated:
            # Pages of a signed-in user may carry personal or confidential data.
            response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _required_detour(request) -> str | None:
        user = request.user
        if passwords.must_change_password(user):
            return reverse("accounts:password_change")
        if needs_two_factor(user) and not user.is_verified():
            return reverse("accounts:otp_setup")
        return None


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            user.active_park_id = active_park_id(request)
        return self.get_response(request)
