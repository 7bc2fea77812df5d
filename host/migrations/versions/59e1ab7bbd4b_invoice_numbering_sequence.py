"""invoice numbering sequence per company format; client currency

Revision ID: 59e1ab7bbd4b
Revises: b7c41d9e2a15
Create Date: 2026-12-05 07:58:28.957278

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '59e1ab7bbd4b'
down_revision = 'd0e84ac18028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invoice_sequences',
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period', name=op.f('pk_invoice_sequences'))
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_format', sa.String(length=60), server_default='INV-{year}-{seq:04}', nullable=False))
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('currency')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('number_format')

    op.drop_table('invoice_sequences')
