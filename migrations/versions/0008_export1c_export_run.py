"""export_run: the history of exports to 1C (who, when, executor, period, counts, size, the file)

A scheduled export carries a unique schedule_key (periodicity, period, executor), so a period
is exported and emailed once however often the job runs.

Revision ID: 0008_export1c
Revises: 0007_layers
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_export1c'
down_revision = '0007_layers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('executor_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('counts', sa.Text(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=100), nullable=False),
        sa.Column('schedule_key', sa.String(length=100), nullable=True),
        sa.Column('email', sa.String(length=255), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('period_end >= period_start', name=op.f('ck_export_run_period_end_not_before_start')),
        sa.CheckConstraint('size >= 0', name=op.f('ck_export_run_size_non_negative')),
        sa.ForeignKeyConstraint(['executor_id'], ['counterparty.id'], name=op.f('fk_export_run_executor_id_counterparty')),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_export_run_user_id_ab_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_run')),
        sa.UniqueConstraint('schedule_key', name=op.f('uq_export_run_schedule_key')),
    )
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_run_executor_id'), ['executor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_run_executor_id'))
    op.drop_table('export_run')
