"""Request-wide context: request id and client IP for the audit trail."""

from parkops.core import audit


def client_ip(request) -> str | None:
    # Behind a reverse proxy, the deployment sets PARKOPS_TRUSTED_PROXY and the
    # proxy's X-Forwarded-For; by default we trust only the socket address.
    return request.META.get("REMOTE_ADDR") or None


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
