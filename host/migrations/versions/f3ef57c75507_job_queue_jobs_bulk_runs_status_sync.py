"""job queue: jobs, bulk runs, status sync

Revision ID: f3ef57c75507
Revises: 3780e205f934
Create Date: 2026-12-04 18:11:27.945717

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3ef57c75507'
down_revision = '3780e205f934'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulk_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_runs'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('provider', sa.String(length=60), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_jobs_invoice_id_invoices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['bulk_runs.id'], name=op.f('fk_jobs_run_id_bulk_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    with op.batch_alter_table('provider_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sync_minutes', sa.Integer(), nullable=False, server_default='5'))

    with op.batch_alter_table('remote_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_final', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('next_sync_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_remote_links_next_sync_at'), ['next_sync_at'], unique=False)



def downgrade():
    with op.batch_alter_table('remote_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_links_next_sync_at'))
        batch_op.drop_column('next_sync_at')
        batch_op.drop_column('remote_final')

    with op.batch_alter_table('provider_settings', schema=None) as batch_op:
        batch_op.drop_column('sync_minutes')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_jobs_run_id'))
        batch_op.drop_index(batch_op.f('ix_jobs_invoice_id'))

    op.drop_table('jobs')
    op.drop_table('bulk_runs')
