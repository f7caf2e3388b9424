"""`schedule run [--on YYYY-MM-DD]`: the nightly job now, with its JSON summary."""
import click
from flask.cli import AppGroup

from app.cli.output import emit, iso_date
from app.jobs.nightly import run_nightly

group = AppGroup("schedule", help="The billing schedule: the nightly job on demand.")


@group.command("run")
@click.option("--on", "on", metavar="YYYY-MM-DD", callback=iso_date, help="The day to run for (default: today, UTC).")
def run_command(on):
    """Issue every planned document due up to the day, and the rest of the nightly job."""
    emit(run_nightly(on.isoformat() if on else None))
