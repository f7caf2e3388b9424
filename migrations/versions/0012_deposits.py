"""Security deposit operations, yearly rent indexation, the consumer price index

- deposit_operation: an offset of the held deposit against a named invoice, or its refund
  (app.domain.deposits); the offset's invoice is required exactly for offsets.
- contract: indexation_mode (none | fixed | cpi), indexation_percent (fixed: percent per year),
  indexation_month (1..12). Existing contracts get `none`: nothing changes for them.
- agreement: signed (only a signed agreement changes the terms; existing ones are signed),
  indexation (drafted by the nightly job as the year's indexation).
- cpi_index: Rosstat's consumer price index per year, entered in settings.

Revision ID: 0012_deposits
Revises: 0011_penalties
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_deposits'
down_revision = '0011_penalties'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cpi_index',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('percent', sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('percent > -100 AND percent < 1000', name=op.f('ck_cpi_index_percent_range')),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_cpi_index')),
    )
    op.create_table(
        'deposit_operation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=6), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(kind = 'offset') = (invoice_id IS NOT NULL)",
                           name=op.f('ck_deposit_operation_offset_names_invoice')),
        sa.CheckConstraint('amount > 0', name=op.f('ck_deposit_operation_amount_positive')),
        sa.CheckConstraint("kind IN ('offset', 'refund')", name=op.f('ck_deposit_operation_kind_valid')),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_deposit_operation_contract_id_contract'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], name=op.f('fk_deposit_operation_created_by_id_ab_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_deposit_operation_invoice_id_invoice')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit_operation')),
    )
    with op.batch_alter_table('deposit_operation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deposit_operation_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deposit_operation_invoice_id'), ['invoice_id'], unique=False)
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indexation_mode', sa.String(length=5), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('indexation_percent', sa.Numeric(precision=9, scale=4), nullable=True))
        batch_op.add_column(sa.Column('indexation_month', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('indexation_mode_valid', "indexation_mode IN ('none', 'fixed', 'cpi')")
        batch_op.create_check_constraint(
            'indexation_percent_non_negative', 'indexation_percent IS NULL OR indexation_percent >= 0')
        batch_op.create_check_constraint(
            'indexation_month_range', 'indexation_month IS NULL OR indexation_month BETWEEN 1 AND 12')
    with op.batch_alter_table('contract', schema=None) as batch_op:  # the default lives in the model
        batch_op.alter_column('indexation_mode', server_default=None)
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('indexation', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_column('indexation')
        batch_op.drop_column('signed')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        for name in ('indexation_mode_valid', 'indexation_percent_non_negative', 'indexation_month_range'):
            batch_op.drop_constraint(name, type_='check')
        for column in ('indexation_month', 'indexation_percent', 'indexation_mode'):
            batch_op.drop_column(column)
    with op.batch_alter_table('deposit_operation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deposit_operation_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_deposit_operation_contract_id'))
    op.drop_table('deposit_operation')
    op.drop_table('cpi_index')
