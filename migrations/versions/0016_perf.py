"""Partial indexes for the needs-attention counts (app.domain.attention): each rule's count is an
index-only scan of the rows it can match

Contracts inactive, active without the original, requiring registration; invoices cancelled
with payments; incoming money not allocated now leaves out transfers between our own accounts,
as the rule does (the old index made that count visit the table).

Revision ID: 0016_perf
Revises: 0015_reports
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_perf'
down_revision = '0015_reports'
branch_labels = None
depends_on = None

REGISTRATION = "status IN ('signed', 'registered') AND status <> 'registered' AND "
UNALLOCATED = "direction = 'incoming' AND allocated_amount < amount"


def _partial(name, table, columns, where, sqlite_where=None):
    op.create_index(name, table, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(sqlite_where or where))


def upgrade():
    _partial('ix_contract_inactive', 'contract', ['id'], "status IN ('draft', 'booked', 'on_signing')")
    _partial('ix_contract_without_original', 'contract', ['id'], "status IN ('signed', 'registered') AND NOT has_original")
    _partial('ix_contract_not_registered', 'contract', ['id'], REGISTRATION + "(end_in_force - start_date) + 1 > 364",
             REGISTRATION + "CAST(julianday(end_in_force) - julianday(start_date) AS INTEGER) + 1 > 364")
    _partial('ix_invoice_cancelled_paid', 'invoice', ['id'], "status = 'cancelled' AND paid_amount > 0")
    op.drop_index('ix_payment_unallocated', table_name='payment')
    _partial('ix_payment_unallocated', 'payment', ['date'], UNALLOCATED + " AND internal_transfer IS false")


def downgrade():
    op.drop_index('ix_payment_unallocated', table_name='payment')
    _partial('ix_payment_unallocated', 'payment', ['date'], UNALLOCATED)
    op.drop_index('ix_invoice_cancelled_paid', table_name='invoice')
    op.drop_index('ix_contract_not_registered', table_name='contract')
    op.drop_index('ix_contract_without_original', table_name='contract')
    op.drop_index('ix_contract_inactive', table_name='contract')
