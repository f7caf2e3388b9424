"""change_stamp: a number per topic drawn anew by every transaction changing the topic's rows, so
the listing feeds are rebuilt only when what they say can have changed (app.domain.changes)

Revision ID: 0018_changes
Revises: 0017_home
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_changes'
down_revision = '0017_home'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_stamp',
    sa.Column('topic', sa.String(length=50), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('topic', name=op.f('pk_change_stamp'))
    )


def downgrade():
    op.drop_table('change_stamp')
