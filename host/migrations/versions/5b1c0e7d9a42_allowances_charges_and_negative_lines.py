"""invoice-level allowances and charges with reasons; line discount amounts and charges

Revision ID: 5b1c0e7d9a42
Revises: f3ef57c75507
Create Date: 2026-12-01 10:00:00

The invoice's single ``discount_percent`` becomes an allowance row with the
reason "Discount", so existing invoices keep their totals.
"""
from alembic import op
import sqlalchemy as sa


revision = '5b1c0e7d9a42'
down_revision = 'f3ef57c75507'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=16, scale=4)
PERCENT = sa.Numeric(precision=7, scale=4)


def upgrade():
    op.create_table('invoice_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('percent', PERCENT, nullable=True),
    sa.Column('amount', MONEY, nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('taxed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_adjustments_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_adjustments'))
    )
    op.execute(
        "INSERT INTO invoice_adjustments (invoice_id, position, kind, percent, amount, reason, taxed) "
        "SELECT id, 1, 'allowance', discount_percent, NULL, 'Discount', true FROM invoices WHERE discount_percent <> 0"
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('discount_percent')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_amount', MONEY, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('charge_percent', PERCENT, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('charge_amount', MONEY, nullable=False, server_default='0'))
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        for name in ('discount_amount', 'charge_percent', 'charge_amount'):
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_column('charge_amount')
        batch_op.drop_column('charge_percent')
        batch_op.drop_column('discount_amount')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_percent', PERCENT, nullable=False, server_default='0'))
    op.execute(
        "UPDATE invoices SET discount_percent = (SELECT a.percent FROM invoice_adjustments a WHERE a.invoice_id = "
        "invoices.id AND a.kind = 'allowance' AND a.percent IS NOT NULL ORDER BY a.position LIMIT 1) "
        "WHERE id IN (SELECT invoice_id FROM invoice_adjustments WHERE kind = 'allowance' AND percent IS NOT NULL)"
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.alter_column('discount_percent', server_default=None)
    op.drop_table('invoice_adjustments')
