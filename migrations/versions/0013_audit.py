"""The audit log: audit_entry (who, when, door, action, object kind and key, changes as JSON)

Revision ID: 0013_audit
Revises: 0012_deposits
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_audit'
down_revision = '0012_deposits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moment', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=255), nullable=True),
    sa.Column('door', sa.String(length=7), nullable=False),
    sa.Column('action', sa.String(length=6), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('object_id', sa.String(length=100), nullable=True),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.CheckConstraint("action IN ('create', 'update', 'delete', 'batch')", name=op.f('ck_audit_entry_action_valid')),
    sa.CheckConstraint("door IN ('admin', 'api', 'cli', 'job', 'import', 'webhook')", name=op.f('ck_audit_entry_door_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_audit_entry_user_id_ab_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_kind_object', ['kind', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_moment'), ['moment'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_moment'))
        batch_op.drop_index('ix_audit_entry_kind_object')

    op.drop_table('audit_entry')
