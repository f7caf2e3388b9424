"""`attention counts` and `attention list`: what needs attention (SPEC §1.7), as JSON."""
import click
from flask.cli import AppGroup

from app.cli.output import emit, fail, iso_date
from app.domain import attention
from app.extensions import db
from app.timeutil import today

group = AppGroup("attention", help="Needs attention: counts per rule and the rows with their reasons.")
on_option = click.option(
    "--on", "on", callback=iso_date, metavar="YYYY-MM-DD", help="The day to judge by (default: today, UTC)."
)


@group.command("counts")
@on_option
def counts_command(on):
    """Rows per rule of each kind, and the total of rows needing attention (each row once)."""
    emit(attention.counts(db.session, on or today()).as_json())


@group.command("list")
@on_option
@click.option("--kind", metavar="|".join(attention.KINDS), help="Only this kind of rows.")
def list_command(on, kind):
    """Every row needing attention with its id, number and reasons."""
    if kind is not None and kind not in attention.KINDS:
        fail(f"--kind: неизвестный вид «{kind}»; допустимы: {', '.join(attention.KINDS)}")
    emit(attention.listing(db.session, on or today(), [kind] if kind else list(attention.KINDS)))
