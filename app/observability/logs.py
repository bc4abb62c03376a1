"""Structured logs: one JSON object a line in production, readable lines in development.

Plain stdlib logging with two small formatters: a JSON line is a dict dumped, which needs no
library. Every line passes `redact` last, so an API token or a bearer credential that reaches
a message by accident (an exception's text) is cut before it is written; requests log no
header, query string or body in the first place.
"""

import json
import logging
import logging.config
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["json", "text"]

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The request being answered, set by the access-log middleware: every line logged while
answering it carries its id."""

# Attributes every LogRecord has; anything else was passed with `extra=` and is a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
# `nwsk_<id>_<secret>` (app.auth.service): the id is public and worth keeping, the rest is not.
_TOKEN = re.compile(r"(nwsk_(?:key_)?[0-9A-Za-z]{26})_[0-9A-Za-z_-]+")
_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[^\s\"',;]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def redact(line: str) -> str:
    if "nwsk_" in line:
        line = _TOKEN.sub(r"\1_[redacted]", line)
    return _BEARER.sub(r"\1\2[redacted]", line)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to records logged while answering it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = REQUEST_ID.get()
            if request_id is not None:
                record.request_id = request_id
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        name: value
        for name, value in record.__dict__.items()
        if name not in _STANDARD and not name.startswith("_") and value is not None
    }


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...extra fields, "exception"}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return redact(json.dumps(line, default=str, ensure_ascii=False))


_IN_ACCESS_MESSAGE = ("method", "path", "status", "duration_ms")


class TextFormatter(logging.Formatter):
    """`12:00:00.123 INFO app.access GET /v1/... 200 3.1 ms  request_id=… key_id=…`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s.%(msecs)03d %(levelname)-7s %(name)s %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = _fields(record)
        for name in _IN_ACCESS_MESSAGE:
            fields.pop(name, None)
        if fields:
            pairs = " ".join(f"{name}={value}" for name, value in fields.items())
            head, newline, rest = text.partition("\n")  # a traceback stays below
            text = f"{head}  {pairs}{newline}{rest}"
        return redact(text)


def escape(value: str) -> str:
    """A client-sent string (a path) made safe for a text line: no forged line breaks."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


def resolve_format(log_format: LogFormat | None, environment: str) -> LogFormat:
    if log_format is not None:
        return log_format
    return "json" if environment == "production" else "text"


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` document: the app's loggers, uvicorn's and the
    libraries' all write through one handler in one format. Also given to uvicorn as its
    `log_config`, so that every worker process it starts logs the same way."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"newsroom": {"()": formatter}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "newsroom",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            # uvicorn's own lines go to the root handler; its access log is replaced by
            # app.access (one line per request with the route template and key id).
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            # A webhook target's URL may carry a partner's token in its query string.
            "httpx2": {"level": "WARNING"},
            "httpcore2": {"level": "WARNING"},
        },
    }


def configure_logging(log_format: LogFormat, level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(log_format, level))
