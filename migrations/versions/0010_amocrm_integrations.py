"""amoCRM stage mapping, outgoing webhook endpoints, the outbox's recorded response

amocrm_stage maps a pipeline stage (pipeline 0: any pipeline) to a contract status;
webhook_endpoint holds the URLs the Owner registered per event with their signing secret; the
deliveries are outbox rows on the webhook channel, whose receiver's answer goes to `response`.
Integration API tokens are FAB's ab_api_key rows (created by 0001).

Revision ID: 0010_amocrm
Revises: 0009_feeds
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_amocrm'
down_revision = '0009_feeds'
branch_labels = None
depends_on = None

STATUSES = "'booked', 'on_signing', 'signed', 'registered', 'cancelled'"
EVENTS = ("'contract.created', 'contract.changed', 'contract.status_changed', 'document.issued', "
          "'document.cancelled', 'payment.imported', 'payment.allocated', 'inquiry.received'")


def upgrade():
    op.create_table(
        'amocrm_stage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pipeline_id', sa.BigInteger(), nullable=False),
        sa.Column('status_id', sa.BigInteger(), nullable=False),
        sa.Column('contract_status', sa.String(length=10), nullable=False),
        sa.Column('comment', sa.String(length=255), nullable=True),
        sa.CheckConstraint(f"contract_status IN ({STATUSES})", name=op.f('ck_amocrm_stage_contract_status_valid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_amocrm_stage')),
        sa.UniqueConstraint('pipeline_id', 'status_id', name='uq_amocrm_stage_pipeline_status'),
    )
    op.create_table(
        'webhook_endpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=255), nullable=False),
        sa.Column('event', sa.String(length=23), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"event IN ({EVENTS})", name=op.f('ck_webhook_endpoint_event_valid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
        sa.UniqueConstraint('url', 'event', name='uq_webhook_endpoint_url_event'),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('response')
    op.drop_table('webhook_endpoint')
    op.drop_table('amocrm_stage')
