"""A request id for every request: taken from the proxy's X-Request-ID when it looks like one,
else made here; sent back in the response, written on every log line (``logs.py``) and on the
audit events of the request, so one request can be followed through both."""

import contextvars
import re
import uuid

_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _ACCEPTED.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response
