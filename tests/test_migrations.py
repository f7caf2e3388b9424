"""`flask db upgrade` from empty reproduces the models exactly (no autogenerate drift)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.extensions import db
from app.models import Model


def test_upgraded_database_matches_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Model.metadata)
    assert diff == []


def test_every_model_table_exists(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(Model.metadata.tables) <= tables


def test_database_refuses_what_breaks_invariants(session):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from tests import factories

    contract = factories.contract(session)
    first = factories.invoice(session, contract, number="А-1")
    session.commit()
    broken = [
        dict(number="А-1"),  # duplicate number of the same executor
        dict(amount=-1),
        dict(status="paid"),
    ]
    for fields in broken:
        with pytest.raises(IntegrityError):
            factories.invoice(session, contract, **fields)
        session.rollback()
    contract.end_date = contract.start_date.replace(year=contract.start_date.year - 1)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert first.number == "А-1"
