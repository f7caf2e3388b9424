"""Indexes for the top bar's search (app.domain.search): money operations by number and by amount;
and for the invoice and act lists' order (newest period first: no sort of every document per page)

Revision ID: 0016_ux
Revises: 0011_penalties
"""
from alembic import op


revision = '0016_ux'
down_revision = '0011_penalties'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_payment_number', 'payment', ['number'])
    op.create_index('ix_payment_amount', 'payment', ['amount'])
    op.create_index('ix_invoice_period_start', 'invoice', ['period_start'])
    op.create_index('ix_act_period_start', 'act', ['period_start'])


def downgrade():
    op.drop_index('ix_act_period_start', table_name='act')
    op.drop_index('ix_invoice_period_start', table_name='invoice')
    op.drop_index('ix_payment_amount', table_name='payment')
    op.drop_index('ix_payment_number', table_name='payment')
