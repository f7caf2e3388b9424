"""`demo load` and `demo generate --contracts N`."""
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import bulk
from app.cli.output import emit, fail
from app.demo import generate as generator
from app.demo import load as loader
from app.extensions import db
from app.models import Counterparty
from app.timeutil import today

group = AppGroup("demo", help="Demo and benchmark data.")


@group.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no counterparties yet.")
def load_command(if_empty):
    """Load a realistic sample landlord (does nothing if it is already loaded)."""
    if if_empty and db.session.scalar(select(func.count(Counterparty.id))):
        emit({"loaded": False, "reason": "the database already holds data"})
        return
    result = loader.load(db.session, current_app.appbuilder.sm, today())
    db.session.commit()
    _statistics()
    emit(result)


@group.command("generate")
@click.option("--contracts", "count", type=int, required=True, help="How many contracts to generate.")
@click.option("--seed", type=int, default=1, show_default=True)
def generate_command(count, seed):
    """Synthetic data of any size (contracts with a year of documents and payments)."""
    if count < 1:
        fail("--contracts must be a positive number")
    started = time.monotonic()
    result = generator.generate(db.session, count, today(), seed=seed)
    db.session.commit()
    _statistics()
    emit({**result, "seconds": round(time.monotonic() - started, 1)})


def _statistics():
    """The planner's statistics of the rows just written (app.bulk.refresh_statistics)."""
    bulk.refresh_statistics(db.session)
    db.session.commit()
