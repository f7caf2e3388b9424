"""How every reporting command answers: one JSON object on stdout; errors as a clear message and exit 1."""
import json
import sys
from array import array
from datetime import date
from decimal import Decimal

import click

from app.domain import dates


def _default(value):
    if isinstance(value, array):  # ids kept compact (the nightly job's summary)
        return value.tolist()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit(payload):
    click.echo(json.dumps(payload, ensure_ascii=False, default=_default))


def fail(message):
    click.echo(json.dumps({"error": message}, ensure_ascii=False), err=True)
    sys.exit(1)


def iso_date(ctx, param, value):
    """Click callback of date options (`--on YYYY-MM-DD`): the date, or a clear error and exit 1."""
    if value is None:
        return None
    try:
        return dates.iso_date(value, param.opts[0])
    except dates.NotADate as error:
        fail(str(error))
