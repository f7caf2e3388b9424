"""contract.end_in_force: the last day after the agreements, for the SQL rules

The "registration required" rule (app.domain.attention) reads the end in force, which an
agreement moves (a new end date) or cuts (early termination: the day before its start). The
column is kept by the save hooks (app.rescheduling); this fills it for the existing rows by
the same rule as app.domain.contracts.end_in_force, agreements in order of start date and id.

Revision ID: 0007_layers
Revises: 0006_unique
"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_layers'
down_revision = '0006_unique'
branch_labels = None
depends_on = None


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite returns text


def upgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_in_force', sa.Date(), nullable=True))
    fill_end_in_force(op.get_bind())


def fill_end_in_force(connection):
    """Set contract.end_in_force of every row from its end date and agreements (tests call it too)."""
    contract = sa.table('contract', sa.column('id', sa.Integer), sa.column('end_date', sa.Date),
                        sa.column('end_in_force', sa.Date))
    agreement = sa.table('agreement', sa.column('id', sa.Integer), sa.column('contract_id', sa.Integer),
                         sa.column('start_date', sa.Date), sa.column('new_end_date', sa.Date),
                         sa.column('terminates', sa.Boolean))
    ends = {row.id: _day(row.end_date) for row in connection.execute(sa.select(contract.c.id, contract.c.end_date))}
    rows = connection.execute(sa.select(agreement.c.contract_id, agreement.c.start_date, agreement.c.new_end_date,
                                        agreement.c.terminates).order_by(agreement.c.contract_id, agreement.c.start_date,
                                                                         agreement.c.id))
    for row in rows:
        if row.new_end_date is not None:
            ends[row.contract_id] = _day(row.new_end_date)
        if row.terminates:
            ends[row.contract_id] = _day(row.start_date) - timedelta(days=1)
    for contract_id, end in ends.items():
        connection.execute(sa.update(contract).where(contract.c.id == contract_id).values(end_in_force=end))


def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('end_in_force')
