"""one-off planned charges: invoice.one_off and act.one_off

A planned invoice or act written by hand (a deposit, a compensation, an extra service) is a
one-off charge that every schedule rebuild keeps (app.domain.schedule). The schedule never
writes documents of kind `other`, so those already there were written by hand: they are marked.

Revision ID: 0003_history
Revises: 0002
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_history"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("invoice", "act")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("one_off", sa.Boolean(), server_default=sa.false(), nullable=False))
        op.execute(sa.text(f"UPDATE {table} SET one_off = :yes WHERE kind = 'other'").bindparams(yes=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("one_off")
