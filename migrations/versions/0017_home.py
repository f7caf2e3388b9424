"""The start page read from indexes alone: ix_invoice_unpaid carries the amounts and the id (the
debt by age of app.domain.reports.summary, the invoices needing attention counted once by
attention.counts), ix_act_status_planned_date the id (acts needing attention counted once),
ix_payment_incoming_date the money received by date with its amount (received by month)

Revision ID: 0017_home
Revises: 0016_perf
Create Date: 2026-12-01 14:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_home'
down_revision = '0016_perf'
branch_labels = None
depends_on = None

UNPAID = sa.text("status = 'issued' AND paid_amount < amount")
INCOMING = sa.text("direction = 'incoming' AND internal_transfer IS false")


def _unpaid(batch_op, columns):
    batch_op.drop_index('ix_invoice_unpaid', postgresql_where=UNPAID, sqlite_where=UNPAID)
    batch_op.create_index('ix_invoice_unpaid', columns, unique=False, postgresql_where=UNPAID, sqlite_where=UNPAID)


def _act_status(batch_op, columns):
    batch_op.drop_index('ix_act_status_planned_date')
    batch_op.create_index('ix_act_status_planned_date', columns, unique=False)


def upgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        _unpaid(batch_op, ['contract_id', 'due_date', 'amount', 'paid_amount', 'id'])
    with op.batch_alter_table('act', schema=None) as batch_op:
        _act_status(batch_op, ['status', 'planned_date', 'id'])
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_incoming_date', ['date', 'amount'], unique=False,
                              postgresql_where=INCOMING, sqlite_where=INCOMING)


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_incoming_date', postgresql_where=INCOMING, sqlite_where=INCOMING)
    with op.batch_alter_table('act', schema=None) as batch_op:
        _act_status(batch_op, ['status', 'planned_date'])
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        _unpaid(batch_op, ['contract_id', 'due_date'])
