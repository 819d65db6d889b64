"""invoices: the creator's invoice settings and number sequence, invoices on deals, their lines

Revision ID: 0023_invoices
Revises: 0022_calendar_feed
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023_invoices'
down_revision: str | None = '0022_calendar_feed'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invoice_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('tax_id', sa.String(length=80), nullable=False),
    sa.Column('payment_instructions', sa.Text(), nullable=False),
    sa.Column('number_format', sa.String(length=40), nullable=False),
    sa.Column('next_seq', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('next_seq >= 1', name=op.f('ck_invoice_settings_next_seq_positive')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_invoice_settings_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_settings')),
    sa.UniqueConstraint('owner_id', name=op.f('uq_invoice_settings_owner_id'))
    )
    with op.batch_alter_table('invoice_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_settings_owner_id'), ['owner_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issue_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'sent', 'paid', 'void', name='invoice_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('is_deposit', sa.Boolean(), nullable=False),
    sa.Column('billing_details', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('seller_details', sa.Text(), nullable=True),
    sa.Column('payment_instructions', sa.Text(), nullable=True),
    sa.Column('income_entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('creation_token', sa.String(length=64), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'paid') = (paid_on IS NOT NULL)", name=op.f('ck_invoices_paid_on_when_paid')),
    sa.CheckConstraint('due_on >= issue_on', name=op.f('ck_invoices_due_after_issue')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_invoices_deal_id_deals')),
    sa.ForeignKeyConstraint(['income_entry_id'], ['income_entries.id'], name=op.f('fk_invoices_income_entry_id_income_entries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_invoices_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('income_entry_id', name=op.f('uq_invoices_income_entry_id')),
    sa.UniqueConstraint('owner_id', 'number', name=op.f('uq_invoices_owner_id_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_invoices_owner_issued', ['owner_id', 'issue_on', 'id'], unique=False)
        batch_op.create_index('ix_invoices_owner_status_due', ['owner_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_invoices_owner_token', ['owner_id', 'creation_token'], unique=True)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_invoice_lines_quantity_positive')),
    sa.CheckConstraint('unit_cents >= 0 AND position >= 0', name=op.f('ck_invoice_lines_amounts_not_negative')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_lines_invoice_position', ['invoice_id', 'position', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_lines_invoice_position')

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_owner_token')
        batch_op.drop_index('ix_invoices_owner_status_due')
        batch_op.drop_index('ix_invoices_owner_issued')
        batch_op.drop_index(batch_op.f('ix_invoices_owner_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_deal_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('invoice_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_settings_owner_id'))

    op.drop_table('invoice_settings')
