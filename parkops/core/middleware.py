"""Request-wide context: request id and client IP for the audit trail, China
time for every page, and the product's error pages."""

import ipaddress
import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone

from parkops.core import audit, text

logger = logging.getLogger("django.request")


def client_ip(request) -> str | None:
    """The client's address, for lockouts and the audit log.

    By default only the socket address counts. Behind a reverse proxy listed in
    PARKOPS_TRUSTED_PROXIES, the address is the last one in X-Forwarded-For that
    is not itself a trusted proxy (earlier entries are whatever the client sent).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.PARKOPS_TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for address in reversed([a.strip() for a in forwarded if a.strip()]):
        if address in trusted:
            continue
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            return remote
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_request_context(client_ip=client_ip(request))
        request.request_id = audit.current_request_id()
        try:
            response = self.get_response(request)
        finally:
            audit.reset_request_context(token)
        response["X-Request-ID"] = request.request_id
        return response


class ChinaTimeMiddleware:
    """Every page, form and filter works in China Standard Time, whatever the
    server's own zone (settings.TIME_ZONE or the host's clock)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(text.CHINA_TIME)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ErrorPageMiddleware:
    """The product's 404 and 500 pages also while DEBUG is on (``make run``), and
    its 405 page in every mode.

    With DEBUG on, Django answers an unknown address or a missing record with
    its technical page, which lists the site's URL patterns, and an error with a
    traceback; users of a development or trial installation should see the same
    pages as in production. A developer who wants Django's pages sets
    PARKOPS_DEBUG_PAGES=1. With DEBUG off, Django itself calls handler404 and
    handler500 (parkops.urls), and this middleware stands aside.

    It is the innermost middleware, so that CommonMiddleware still turns a 404
    for a path without its trailing slash into a redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not settings.PARKOPS_DEBUG_PAGES

    def __call__(self, request):
        if self._active():
            # An unknown address never reaches a view (nor process_exception).
            try:
                resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
            except Resolver404 as exc:
                return self._not_found(request, exc)
        response = self.get_response(request)
        # require_POST answers a GET with an empty 405, a blank page, in any mode
        # (Django has no handler for it). One with a body (the API's) stays.
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            from parkops.core.views import error_405

            return error_405(request, response)
        return response

    def process_exception(self, request, exception):
        if not self._active() or isinstance(exception, PermissionDenied):
            # Refusals already get the 403 page (and their audit entry) in any mode.
            return None
        if isinstance(exception, Http404):
            return self._not_found(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            from django.views.defaults import bad_request

            return bad_request(request, exception)
        # As Django does for an uncaught exception: tell listeners, log it, and
        # answer with the 500 page rather than the traceback.
        signals.got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
            extra={"status_code": 500, "request": request},
        )
        from parkops.core.views import error_500

        return error_500(request)

    @staticmethod
    def _not_found(request, exception):
        from parkops.core.views import error_404

        return error_404(request, exception)
