"""Indexes for the top bar's search (app.domain.search): money operations by number and by amount

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


def downgrade():
    op.drop_index('ix_payment_amount', table_name='payment')
    op.drop_index('ix_payment_number', table_name='payment')
