"""indexes for the needs-attention rules (app.domain.attention)

Unpaid issued invoices by contract and due date (overdue invoices, contracts with overdue
debt), invoices and acts by status and planned date (planned, on signing, cancelled), and
incoming money not fully allocated. Partial indexes hold only the rows a rule can list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:02:58.619007

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

UNPAID = sa.text("status = 'issued' AND paid_amount < amount")
UNALLOCATED = sa.text("direction = 'incoming' AND allocated_amount < amount")


def upgrade():
    with op.batch_alter_table('act', schema=None) as batch_op:
        batch_op.create_index('ix_act_status_planned_date', ['status', 'planned_date'], unique=False)

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_status_planned_date', ['status', 'planned_date'], unique=False)
        batch_op.create_index('ix_invoice_unpaid', ['contract_id', 'due_date'], unique=False,
                              postgresql_where=UNPAID, sqlite_where=UNPAID)

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_unallocated', ['date'], unique=False,
                              postgresql_where=UNALLOCATED, sqlite_where=UNALLOCATED)


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_unallocated')

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_unpaid')
        batch_op.drop_index('ix_invoice_status_planned_date')

    with op.batch_alter_table('act', schema=None) as batch_op:
        batch_op.drop_index('ix_act_status_planned_date')
