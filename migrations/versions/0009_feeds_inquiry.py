"""inquiry: the public site's feedback form (SPEC §5), with a status for the staff

The sender's address and the moment are indexed together: the form's rate limit counts an
address's inquiries of the last hour (app.domain.inquiries).

Revision ID: 0009_feeds
Revises: 0008_export1c
Create Date: 2026-12-01 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_feeds'
down_revision = '0008_export1c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=7), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('new', 'in_work', 'done', 'spam')", name=op.f('ck_inquiry_status_valid')),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_inquiry_building_id_building'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_inquiry_section_id_section'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry'))
    )
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_address_created', ['address', 'created'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_section_id'), ['section_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_section_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_building_id'))
        batch_op.drop_index('ix_inquiry_address_created')

    op.drop_table('inquiry')
