"""payment.internal_transfer: a transfer between two accounts of our executors

Imported operations whose payer and recipient accounts both belong to our executors are marked,
never auto-allocated and not counted by the needs-attention rule "incoming not fully allocated".
Existing rows are not transfers (false); nothing else changes.

Revision ID: 0005_imports
Revises: 0004_security
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_imports'
down_revision = '0004_security'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal_transfer', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('internal_transfer')
