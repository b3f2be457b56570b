"""Structured logs: one JSON object per line, with the request id (``request_id.py``), so a
request can be followed across web and worker lines and the audit log.

Nothing personal goes in: code logs IDs, never names or dates of birth, and URLs carry only
IDs (a test uses the app while capturing every log line and looks for the child's details)."""

import json
import logging
import re
import time

from .request_id import current_request_id

# A secure link's token (panels' invitations: 64 hex characters in the path) opens a child's
# case without an account: it must never be written where a log reader would see it.
_LINK_TOKEN = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")


def without_secrets(text: str) -> str:
    """``text`` (a path, a log message) with any secure-link token replaced."""
    return _LINK_TOKEN.sub("[token]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": without_secrets(record.getMessage()),
            "request_id": _request_id(record),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _request_id(record) -> str | None:
    # Django logs a failed response after the middleware has finished (so after the request id
    # has left the context), with the request attached to the record.
    found = getattr(record, "request_id", None)
    if found and found != "-":
        return found
    request = getattr(record, "request", None)
    return getattr(request, "request_id", None) or current_request_id() or None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record, for the plain (local) format too, and takes any
    secure-link token out of its message (Django logs the path of a 404 or 410)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id(record) or "-"
        message = record.getMessage()
        cleaned = without_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
