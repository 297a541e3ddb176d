"""Request-wide context: request id and client IP for the audit trail."""

import ipaddress

from django.conf import settings

from parkops.core import audit


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
