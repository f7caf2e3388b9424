"""Structured logs: with LOG_FORMAT=json (the production default) every log line is one JSON
object on stderr, and every request is logged once with its request id and user.

The request id is the caller's `X-Request-ID` when it is a sane token (a proxy's), else a new
one; it is sent back in the response's `X-Request-ID` and stamped on every line logged while
the request runs, so the lines of one request can be found together. The web server (gunicorn,
`gunicorn_logconfig`) writes its own lines with the same formatter.
"""
import json
import logging
import os
import re
import time
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request

REQUEST_LOG = logging.getLogger("arenda.request")
# Libraries that log every step at INFO: WeasyPrint writes seven lines per PDF ("Step 1 - Fetching …").
QUIET = ("weasyprint", "fontTools")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the request's id and
    user when there is one, the record's extra fields, and the traceback if any."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            line["request_id"] = g.get("request_id")
            user = g.get("user")
            if getattr(user, "is_authenticated", False):
                line["user"] = user.username
        line.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_format():
    """"json" or "text": LOG_FORMAT, else json in production (the server's config reads it too)."""
    default = "json" if os.environ.get("ARENDA_CONFIG", "").lower() == "production" else "text"
    return (os.environ.get("LOG_FORMAT") or default).lower()


def gunicorn_logconfig():
    """gunicorn's `logconfig_dict`: its error log as JSON lines too, or its default in text mode."""
    if log_format() != "json":
        return {}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
                    **{name: {"level": "WARNING"} for name in QUIET}},
    }


def _install_json_handler(app):
    from flask.logging import default_handler

    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    app.logger.removeHandler(default_handler)  # the app's lines go up to the root's JSON handler


def _begin():
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _end(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    REQUEST_LOG.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "method": request.method, "path": request.path, "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "remote": request.remote_addr,
    })
    return response


def init_app(app):
    app.config.setdefault("LOG_FORMAT", log_format())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    if app.config["LOG_FORMAT"] == "json":
        _install_json_handler(app)
    app.before_request(_begin)
    app.after_request(_end)
