"""`schedule run [--on YYYY-MM-DD]`: the nightly job now, with its JSON summary."""
from datetime import date

import click
from flask.cli import AppGroup

from app.cli.output import emit, fail
from app.jobs.nightly import run_nightly

group = AppGroup("schedule", help="The billing schedule: the nightly job on demand.")


@group.command("run")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="The day to run for (default: today, UTC).")
def run_command(on):
    """Issue every planned document due up to the day, and the rest of the nightly job."""
    if on is not None:
        try:
            on = date.fromisoformat(on).isoformat()
        except ValueError:
            fail(f"--on: ожидается дата в виде ГГГГ-ММ-ДД, например 2026-01-31, а не «{on}»")
    emit(run_nightly(on))
