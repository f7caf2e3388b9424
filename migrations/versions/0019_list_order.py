"""ix_contract_date_id: the contracts list's order (date, then id, newest first), so a page of the
list, needing attention or not, is read off the index instead of sorting every contract

Revision ID: 0019_list_order
Revises: 0018_changes
"""
from alembic import op


revision = '0019_list_order'
down_revision = '0018_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index('ix_contract_date_id', ['date', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_date_id')
