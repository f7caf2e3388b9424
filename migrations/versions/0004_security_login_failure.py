"""login_failure: failed sign-ins, counted for login throttling (app.domain.login_throttle)

One row per failed attempt on the login form or the REST login, by login (lower-cased) and
client address; the database keeps the counts shared by every web process.

Revision ID: 0004_security
Revises: 0003_history
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_security'
down_revision = '0003_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=256), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_address_failed_at', ['address', 'failed_at'], unique=False)
        batch_op.create_index('ix_login_failure_username_failed_at', ['username', 'failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_username_failed_at')
        batch_op.drop_index('ix_login_failure_address_failed_at')

    op.drop_table('login_failure')
