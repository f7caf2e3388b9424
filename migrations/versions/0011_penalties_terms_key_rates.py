"""Penalty terms on the contract, the penalty document kind, penalty lines naming their invoice,
and the key rates the Owner adds

- contract: penalty_mode (none | percent_per_day | key_rate), penalty_rate (percent per day),
  penalty_grace_days, penalty_cap_percent (of each invoice), penalty_monthly (the nightly job
  charges on the 1st). Existing contracts get `none`: nothing changes for them.
- invoice.kind / act.kind: `penalty` is allowed (a penalty invoice; no act is ever of it).
- invoice_line.source_invoice_id: the overdue invoice a penalty line charges for.
- key_rate: Bank of Russia key rates added in settings on top of the shipped history
  (app/domain/data/key_rates.csv).

Revision ID: 0011_penalties
Revises: 0010_amocrm
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_penalties'
down_revision = '0010_amocrm'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('rent', 'deposit', 'other')"
NEW_KINDS = "kind IN ('rent', 'deposit', 'other', 'penalty')"


def upgrade():
    op.create_table(
        'key_rate',
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('rate', sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('rate >= 0 AND rate < 100', name=op.f('ck_key_rate_rate_range')),
        sa.PrimaryKeyConstraint('start_date', name=op.f('pk_key_rate')),
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('penalty_mode', sa.String(length=15), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('penalty_rate', sa.Numeric(precision=9, scale=4), nullable=True))
        batch_op.add_column(sa.Column('penalty_grace_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('penalty_cap_percent', sa.Numeric(precision=9, scale=4), nullable=True))
        batch_op.add_column(sa.Column('penalty_monthly', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint(
            'penalty_mode_valid', "penalty_mode IN ('none', 'percent_per_day', 'key_rate')")
        batch_op.create_check_constraint('penalty_rate_non_negative', 'penalty_rate IS NULL OR penalty_rate >= 0')
        batch_op.create_check_constraint(
            'penalty_cap_non_negative', 'penalty_cap_percent IS NULL OR penalty_cap_percent >= 0')
        batch_op.create_check_constraint('penalty_grace_days_non_negative', 'penalty_grace_days >= 0')
    with op.batch_alter_table('contract', schema=None) as batch_op:  # the defaults live in the model
        batch_op.alter_column('penalty_mode', server_default=None)
        batch_op.alter_column('penalty_grace_days', server_default=None)
        batch_op.alter_column('penalty_monthly', server_default=None)
    for table in ('invoice', 'act'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint('kind_valid', type_='check')
            batch_op.create_check_constraint('kind_valid', NEW_KINDS)
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_invoice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoice_line_source_invoice_id'), ['source_invoice_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_invoice_line_source_invoice_id_invoice'), 'invoice', ['source_invoice_id'], ['id'],
            ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_line_source_invoice_id_invoice'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_line_source_invoice_id'))
        batch_op.drop_column('source_invoice_id')
    op.execute("DELETE FROM invoice WHERE kind = 'penalty'")
    for table in ('invoice', 'act'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint('kind_valid', type_='check')
            batch_op.create_check_constraint('kind_valid', OLD_KINDS)
    with op.batch_alter_table('contract', schema=None) as batch_op:
        for name in ('penalty_mode_valid', 'penalty_rate_non_negative', 'penalty_cap_non_negative',
                     'penalty_grace_days_non_negative'):
            batch_op.drop_constraint(name, type_='check')
        for column in ('penalty_monthly', 'penalty_cap_percent', 'penalty_grace_days', 'penalty_rate', 'penalty_mode'):
            batch_op.drop_column(column)
    op.drop_table('key_rate')
