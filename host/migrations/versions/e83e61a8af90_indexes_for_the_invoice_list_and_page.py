"""indexes for the invoice list and page

The list orders by (issue_date, number); the page reads an invoice's lines
by invoice_id in position order. Both were full scans.

Revision ID: e83e61a8af90
Revises: 5b1c0e7d9a42
Create Date: 2026-12-04 18:26:47.728656

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e83e61a8af90'
down_revision = '5b1c0e7d9a42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_lines_invoice_id_position', ['invoice_id', 'position'], unique=False)

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_issue_date_number', ['issue_date', 'number'], unique=False)


def downgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_issue_date_number')

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_lines_invoice_id_position')
