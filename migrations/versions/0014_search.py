"""Indexes for the top bar's search (app.domain.search): money operations by number and by amount

Revision ID: 0014_search
Revises: 0013_audit
"""
from alembic import op


revision = '0014_search'
down_revision = '0013_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_payment_number', 'payment', ['number'])
    op.create_index('ix_payment_amount', 'payment', ['amount'])


def downgrade():
    op.drop_index('ix_payment_amount', table_name='payment')
    op.drop_index('ix_payment_number', table_name='payment')
