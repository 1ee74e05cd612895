"""cash handed in by couriers, for the fee reconciliation report

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cash_hand_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_office_id', sa.Integer(), nullable=False),
        sa.Column('courier_id', sa.Integer(), nullable=False),
        sa.Column('handed_on', sa.Date(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('received_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('amount <> 0', name=op.f('ck_cash_hand_in_amount_not_zero')),
        sa.CheckConstraint('amount > 0 OR note IS NOT NULL',
                           name=op.f('ck_cash_hand_in_correction_has_note')),
        sa.ForeignKeyConstraint(['courier_id'], ['user_account.id'], name=op.f('fk_cash_hand_in_courier_id_user_account')),
        sa.ForeignKeyConstraint(['post_office_id'], ['post_office.id'], name=op.f('fk_cash_hand_in_post_office_id_post_office')),
        sa.ForeignKeyConstraint(['received_by_id'], ['user_account.id'], name=op.f('fk_cash_hand_in_received_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_hand_in')),
    )
    with op.batch_alter_table('cash_hand_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_hand_in_courier_id'), ['courier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cash_hand_in_handed_on'), ['handed_on'], unique=False)
    # Reports select a period's visits by when they happened.
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_captured_at'), ['captured_at'], unique=False)


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_captured_at'))
    with op.batch_alter_table('cash_hand_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_hand_in_handed_on'))
        batch_op.drop_index(batch_op.f('ix_cash_hand_in_courier_id'))
    op.drop_table('cash_hand_in')
