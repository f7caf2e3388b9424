"""ix_invoice_issued_date: issued invoices by date with their amount, for the reports' and the
start page's invoiced by month (app.domain.reports) read from the index alone

Revision ID: 0015_reports
Revises: 0014_search
Create Date: 2026-12-01 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_reports'
down_revision = '0014_search'
branch_labels = None
depends_on = None

ISSUED = sa.text("status = 'issued'")


def upgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_issued_date', ['date', 'amount'], unique=False,
                              postgresql_where=ISSUED, sqlite_where=ISSUED)


def downgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_issued_date', postgresql_where=ISSUED, sqlite_where=ISSUED)
